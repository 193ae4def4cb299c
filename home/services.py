"""Writes that set up the site itself: the page tree every deployment needs."""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from django.db import transaction

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from accounts.services import roles_ensure_groups
from home import content, extensions, links
from home.models import HomePage, StandardPage


def _root_page_ensure() -> Page:
    """Wagtail's tree root, recreated if the database was emptied (as `flush` does)."""
    root = Page.get_first_root_node()
    if root is None:
        locale = Locale.objects.first() or Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


@transaction.atomic
def site_structure_ensure(*, progress: Callable[[str], None] | None = None) -> HomePage:
    """Create the home page, each registered section's index page and the footer pages if missing.

    Safe to run on every deploy: existing pages, and any edits made to them, are left alone.
    """
    say = progress or (lambda message: None)
    root = _root_page_ensure()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's first migration leaves a placeholder "Welcome" page where ours belongs.
        for placeholder in root.get_children().filter(slug="home").exact_type(Page):
            placeholder.delete()
        home = root.add_child(instance=HomePage(title="Knowledge Hub", slug="home", seo_title="Knowledge Hub"))
        say("  created the home page")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(root_page=home, is_default_site=True, **_wagtail_site_address())
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    site_records_sync()

    for section in extensions.site_sections():
        if not section.page_model.objects.exists():
            fields = {"title": section.title, "slug": section.slug}
            if section.introduction:
                fields["introduction"] = section.introduction
            home.add_child(instance=section.page_model(**fields))
            say(f"  created {section.url}")

    for slug, title, summary, body in content.FOOTER_PAGES:
        if not StandardPage.objects.child_of(home).filter(slug=slug).exists():
            home.add_child(
                instance=StandardPage(
                    title=title,
                    slug=slug,
                    summary=summary,
                    body=body,
                    show_in_menus=False,
                )
            )
            say(f"  created /{slug}/")

    roles_ensure_groups()
    return home


def _wagtail_site_address() -> dict:
    parts = urlsplit(links.site_url())
    default_port = 443 if parts.scheme == "https" else 80
    return {"hostname": parts.hostname, "port": parts.port or default_port, "site_name": links.site_name()}


def site_records_sync() -> None:
    """Make the Sites framework row and the default Wagtail site say what SITE_URL says.

    allauth and Django's feeds read the Sites row (domain and name); Wagtail builds full page
    URLs from its default site's hostname and port. Left alone they say example.com and
    localhost:80 whatever the deployment is, so migrate (post_migrate) and setup_site both
    call this. Idempotent: rows already in step are not written.
    """
    domain, name = links.site_domain(), links.site_name()
    django_site, created = DjangoSite.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": name}
    )
    if not created and (django_site.domain, django_site.name) != (domain, name):
        django_site.domain, django_site.name = domain, name
        django_site.save()
    wagtail_site = Site.objects.filter(is_default_site=True).first()
    if wagtail_site is not None:
        address = _wagtail_site_address()
        if any(getattr(wagtail_site, field) != value for field, value in address.items()):
            for field, value in address.items():
                setattr(wagtail_site, field, value)
            wagtail_site.save()
