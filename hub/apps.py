from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Good practice library"

    def ready(self):
        from hub import signals  # noqa: F401  connects the publishing signals
