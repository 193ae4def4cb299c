"""Wagtail admin: providers as snippets (register one, verify its contacts, name its staff),
a menu link to the marketplace's moderation queue, and what the marketplace adds to the shared
pages (home.extensions)."""

from django.urls import reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import is_site_moderator
from home import extensions
from marketplace.models import MarketplaceIndexPage, Provider
from marketplace.selectors import provider_for_user


class ProviderSnippetViewSet(SnippetViewSet):
    """Providers are registered and their contacts verified by the Hub team, not self-service."""

    model = Provider
    icon = "group"
    menu_label = "Marketplace providers"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["organisation", "provider_type", "contact_email", "contacts_verified_at"]
    list_filter = ["provider_type"]
    search_fields = ["contact_name", "contact_email"]
    panels = [
        FieldPanel("organisation"),
        FieldPanel("provider_type"),
        FieldPanel("about"),
        FieldPanel("contact_name"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel(
            "contacts_verified_at",
            help_text="Set once the contact details have been checked with the organisation.",
        ),
        FieldPanel("staff", help_text="People who manage this provider's listings."),
    ]


register_snippet(ProviderSnippetViewSet)


class ModeratorMenuItem(MenuItem):
    """Shown only to the people the moderation pages let in."""

    def is_shown(self, request):
        return is_site_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_marketplace_moderation_menu_item():
    return ModeratorMenuItem(
        "Marketplace moderation",
        reverse("marketplace:moderation_queue"),
        icon_name="tick-inverse",
        order=310,
    )


# The shared pages this feature plugs into (home.extensions).


@hooks.register(extensions.SITE_SECTIONS)
def marketplace_section():
    return extensions.Section(
        page_model=MarketplaceIndexPage,
        slug="marketplace",
        title="Improvement marketplace",
        navigation_label="Marketplace",
        introduction="Compare improvement services by what they cost and what councils who used them say.",
        order=40,
    )


@hooks.register(extensions.ACCOUNT_LINKS)
def marketplace_account_links(request):
    links = []
    providers = provider_for_user(user=request.user)
    if providers:
        links.append(
            extensions.Link(
                label="Your marketplace listings",
                url=reverse("marketplace:provider_dashboard"),
                hint=", ".join(str(provider) for provider in providers),
                order=40,
            )
        )
    links.append(extensions.Link(label="Your marketplace shortlist", url=reverse("marketplace:shortlist"), order=50))
    return links


@hooks.register(extensions.MODERATION_LINKS)
def marketplace_moderation_link(request):
    return extensions.Link(
        label="Marketplace listings and reviews", url=reverse("marketplace:moderation_queue"), order=30
    )


@hooks.register(extensions.DEMO_DATA)
def marketplace_demo():
    return extensions.DemoStep(name="marketplace", module="marketplace.demo", order=40)
