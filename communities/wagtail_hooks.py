"""Editors can change a community's access in the admin: keep search and live clients in step."""

from django.db import transaction

from wagtail import hooks
from wagtail.search import index

from communities import events
from communities.models import Access, CommunityPage


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
