"""What people and site search add to the shared pages (home.extensions)."""

from django.urls import reverse

from wagtail import hooks

from home import extensions
from search.models import PeopleIndexPage


@hooks.register(extensions.SITE_SECTIONS)
def people_section():
    return extensions.Section(
        page_model=PeopleIndexPage,
        slug="people",
        title="Find people and experts",
        navigation_label="People",
        introduction="Find peers and experts across the sector who have solved the problem you are working on.",
        order=30,
    )


@hooks.register(extensions.NAVIGATION_ITEMS)
def site_search_navigation():
    return extensions.Link(label="Search", url=reverse("search:site_search"), order=90)


@hooks.register(extensions.SITE_SEARCH)
def site_search_box():
    return extensions.SearchBox(
        action_url=reverse("search:site_search"),
        suggest_url=reverse("search:suggest"),
        prompt="Search good practice, communities, people and services",
    )


@hooks.register(extensions.ACCOUNT_LINKS)
def own_profile_link(request):
    handle = request.user.profile.handle
    if not handle:
        return None
    return extensions.Link(
        label="View your profile as others see it",
        url=reverse("search:person_detail", kwargs={"handle": handle}),
        order=0,
    )


@hooks.register(extensions.DEMO_DATA)
def people_demo():
    # Last: it indexes the people every other app's demo data has created.
    return extensions.DemoStep(name="search", module="search.demo", order=90)
