"""Editors can change a community's access in the admin: keep search and live clients in step. And
what communities add to the shared pages (home.extensions)."""

from django.db import transaction
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from wagtail import hooks
from wagtail.search import index

from communities import events
from communities.models import Access, CommunityIndexPage, CommunityPage
from communities.selectors import community_active_list, my_memberships, notification_unread_count
from home import extensions


@hooks.register("after_publish_page")
def community_access_follow_up(request, page):
    """A private community leaves the search index; connected clients re-check their access."""
    specific = page.specific
    if not isinstance(specific, CommunityPage):
        return
    if specific.access == Access.PRIVATE:
        index.remove_object(specific)
    events.access_changed(community_id=specific.pk)


@hooks.register("after_unpublish_page")
def community_unpublished(request, page):
    if isinstance(page.specific, CommunityPage):
        events.access_changed(community_id=page.pk)
        transaction.on_commit(lambda: index.remove_object(page.specific))


# The shared pages this feature plugs into (home.extensions).


@hooks.register(extensions.SITE_SECTIONS)
def communities_section():
    return extensions.Section(
        page_model=CommunityIndexPage,
        slug="communities",
        title="Communities of practice",
        navigation_label="Communities",
        introduction="Groups where officers and councillors work on shared problems, ask questions and share files.",
        order=20,
    )


@hooks.register(extensions.HOME_PANELS)
def active_communities_panel(request):
    return extensions.Panel(
        template="communities/includes/home_panel.html",
        context={"active_communities": community_active_list(user=request.user, limit=3)},
        order=20,
    )


@hooks.register(extensions.HEADER_LINKS)
def notifications_header_link(request):
    # Counted only if the header is rendered (the template asks the badge once).
    unread = SimpleLazyObject(lambda: notification_unread_count(user=request.user))
    return extensions.Link(
        label="Notifications",
        url=reverse("communities:notifications"),
        badge=unread,
        badge_label="unread",
        badge_live="/ws/notifications/",
        order=10,
    )


@hooks.register(extensions.ACCOUNT_LINKS)
def notifications_account_link(request):
    return extensions.Link(label="Your notifications", url=reverse("communities:notifications"), order=30)


@hooks.register(extensions.ACCOUNT_PANELS)
def your_communities_panel(request):
    return extensions.Panel(
        template="communities/includes/account_panel.html",
        context={"memberships": my_memberships(user=request.user)},
        order=20,
    )


@hooks.register(extensions.MODERATION_LINKS)
def community_reports_link(request):
    return extensions.Link(label="Reports in communities", url=reverse("communities:moderation_all"), order=10)


@hooks.register(extensions.DEMO_DATA)
def communities_demo():
    return extensions.DemoStep(name="communities", module="communities.demo", order=30)
