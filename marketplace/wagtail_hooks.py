"""Wagtail admin: providers as snippets (register one, verify its contacts, name its staff),
and a menu link to the marketplace's moderation queue."""

from django.urls import reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import is_site_moderator
from marketplace.models import Provider


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
