from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


def _site_records_sync(sender, **kwargs):
    """After every migrate, the Sites row and default Wagtail site follow SITE_URL."""
    from home.services import site_records_sync

    site_records_sync()


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home and site-wide pages"

    def ready(self):
        # Once per migrate (sender=self), after every app's tables exist.
        post_migrate.connect(_site_records_sync, sender=self, dispatch_uid="home.site_records_sync")
        from taggit.models import Tag

        from home.tags import tag_name_normalise

        pre_save.connect(tag_name_normalise, sender=Tag, dispatch_uid="home.tag_name_normalise")
