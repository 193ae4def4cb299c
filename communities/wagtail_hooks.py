"""Keep private communities out of the search index when editors change them in the admin."""

from wagtail import hooks
from wagtail.search import index

from communities.models import Access, CommunityPage


@hooks.register("after_publish_page")
def remove_private_community_from_search(request, page):
    if isinstance(page.specific, CommunityPage) and page.specific.access == Access.PRIVATE:
        index.remove_object(page.specific)
