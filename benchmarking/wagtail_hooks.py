"""Wagtail admin: metrics and areas as snippets, and what the sector data adds to the shared
pages (home.extensions): its navigation entry, the lodging link and its demo data."""

from django.urls import reverse

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from benchmarking.models import Area, Metric
from benchmarking.roles import can_see_sector_overview, lodging_scope
from home import extensions


class MetricSnippetViewSet(SnippetViewSet):
    """Metrics are defined by the Hub's data editors: what each means, how to read it, its source."""

    model = Metric
    icon = "table"
    menu_label = "Metrics"
    list_display = ["title", "code", "theme", "is_core", "polarity", "period_type"]
    list_filter = ["theme", "is_core", "polarity"]
    search_fields = ["title", "code"]
    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("definition"),
        FieldPanel("theme"),
        FieldPanel("value_type"),
        FieldPanel("unit"),
        FieldPanel("decimal_places"),
        FieldPanel("polarity"),
        FieldPanel("period_type"),
        FieldPanel("source"),
        FieldPanel("licence"),
        FieldPanel("is_core"),
        FieldPanel("is_illustrative"),
        FieldPanel(
            "neighbour_weight",
            help_text="Context metrics only: its weight in the similar-councils model (0: not used).",
        ),
    ]


class AreaSnippetViewSet(SnippetViewSet):
    model = Area
    icon = "site"
    menu_label = "Areas"
    list_display = ["name", "code", "kind", "tier"]
    list_filter = ["kind", "tier"]
    search_fields = ["name", "code"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("organisation"),
        FieldPanel("tier"),
    ]


class SectorDataViewSetGroup(SnippetViewSetGroup):
    items = (MetricSnippetViewSet, AreaSnippetViewSet)
    menu_icon = "table"
    menu_label = "Sector data"
    menu_name = "sector-data"
    menu_order = 320


register_snippet(SectorDataViewSetGroup)


@hooks.register(extensions.NAVIGATION_ITEMS)
def sector_data_navigation():
    return extensions.Link(label="Sector data", url=reverse("benchmarking:catalogue"), order=45)


@hooks.register(extensions.ACCOUNT_LINKS)
def sector_data_account_links(request):
    links = []
    if lodging_scope(request.user)[0]:
        links.append(extensions.Link(label="Lodge your council’s data", url=reverse("benchmarking:lodge"), order=60))
    if can_see_sector_overview(request.user):
        links.append(extensions.Link(label="Sector overview", url=reverse("benchmarking:sector_overview"), order=61))
    return links


@hooks.register(extensions.DEMO_DATA)
def sector_data_demo():
    return extensions.DemoStep(name="benchmarking", module="benchmarking.demo", order=60)
