"""Wagtail admin registrations for the library's taxonomy, and what the library adds to the shared pages."""

from django.urls import reverse

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home import extensions
from hub.models import GoodPracticeIndexPage, ServiceArea
from hub.selectors import case_study_featured_list


class ServiceAreaSnippetViewSet(SnippetViewSet):
    """The controlled list of service areas editors file case studies under."""

    model = ServiceArea
    icon = "tag"
    menu_label = "Service areas"
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]


register_snippet(ServiceAreaSnippetViewSet)


# The shared pages this feature plugs into (home.extensions).


@hooks.register(extensions.SITE_SECTIONS)
def good_practice_section():
    return extensions.Section(
        page_model=GoodPracticeIndexPage,
        slug="good-practice",
        title="Good practice",
        navigation_label="Good practice",
        introduction=(
            "Case studies from councils and fire and rescue services: what they tried, what it cost and what changed."
        ),
        order=10,
    )


@hooks.register(extensions.HOME_PANELS)
def featured_good_practice_panel(request):
    return extensions.Panel(
        template="hub/includes/home_panel.html",
        context={"featured_case_studies": case_study_featured_list(limit=3)},
        order=10,
    )


@hooks.register(extensions.ACCOUNT_LINKS)
def submissions_link(request):
    return extensions.Link(label="Your good practice submissions", url=reverse("hub:my_submissions"), order=20)


@hooks.register(extensions.MODERATION_LINKS)
def comment_moderation_link(request):
    return extensions.Link(label="Comments on good practice", url=reverse("hub:moderation_queue"), order=20)


@hooks.register(extensions.DEMO_DATA)
def good_practice_demo():
    return extensions.DemoStep(name="hub", module="hub.demo", order=20)
