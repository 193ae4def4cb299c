"""Wagtail admin registrations for the library's taxonomy."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub.models import ServiceArea


class ServiceAreaSnippetViewSet(SnippetViewSet):
    """The controlled list of service areas editors file case studies under."""

    model = ServiceArea
    icon = "tag"
    menu_label = "Service areas"
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]


register_snippet(ServiceAreaSnippetViewSet)
