"""Writes that set up the site itself: the page tree every deployment needs."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from accounts.services import roles_ensure_groups
from home import content, extensions
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
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Knowledge Hub",
        )
    elif site.root_page_id != home.pk or site.site_name != "Knowledge Hub":
        site.root_page = home
        site.site_name = "Knowledge Hub"
        site.save()

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
