"""Wagtail admin: self-assessment frameworks for site editors; and what the accountability
tools add to the shared pages (home.extensions)."""

from django.urls import reverse

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accountability.models import Framework, Theme
from accountability.selectors import open_simulations
from accounts.selectors import verified_organisation
from home import extensions


class FrameworkSnippetViewSet(SnippetViewSet):
    """Frameworks are the Hub's, edited by site editors: themes, and statements under each."""

    model = Framework
    icon = "list-ul"
    menu_label = "Self-assessment frameworks"
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "scale_max"]


class ThemeSnippetViewSet(SnippetViewSet):
    """A framework's theme with its statements."""

    model = Theme
    icon = "list-ul"
    menu_label = "Self-assessment themes"
    menu_order = 321
    add_to_admin_menu = True
    list_display = ["title", "framework"]
    list_filter = ["framework"]
    panels = [FieldPanel("framework"), FieldPanel("title"), FieldPanel("sort_order"), InlinePanel("statements")]


register_snippet(FrameworkSnippetViewSet)
register_snippet(ThemeSnippetViewSet)


@hooks.register(extensions.NAVIGATION_ITEMS)
def accountability_navigation():
    return extensions.Link(label="Have your say", url=reverse("accountability:index"), order=55)


@hooks.register(extensions.HOME_PANELS)
def budget_simulators_panel(request):
    return extensions.Panel(
        template="accountability/includes/home_panel.html",
        context={"simulations": open_simulations()[:3]},
        order=50,
    )


@hooks.register(extensions.ACCOUNT_LINKS)
def accountability_account_link(request):
    organisation = verified_organisation(request.user)
    if organisation is None or not organisation.is_council:
        return []
    return extensions.Link(
        label="Your budget simulators and self-assessments",
        url=reverse("accountability:manage"),
        hint=organisation.name,
        order=60,
    )


@hooks.register(extensions.DEMO_DATA)
def accountability_demo():
    return extensions.DemoStep(name="accountability", module="accountability.demo", order=70)
