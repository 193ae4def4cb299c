"""RSS 2.0 and Atom feeds of the library, of any filtered view (same query string)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from home.links import absolute_url, page_absolute_url
from hub import selectors
from hub.forms import LibraryFilterForm


class LibraryRssFeed(Feed):
    """The newest case studies matching the request's filters, as RSS 2.0."""

    feed_type = Rss201rev2Feed

    def __init__(self, *, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        form = LibraryFilterForm(request.GET or None)
        filters = form.filters()
        self.filters = filters
        return filters

    def title(self, filters):
        parts = [
            f"{name}: {value}"
            for name, value in (
                ("search", filters.q),
                ("service area", filters.service_area),
                ("theme", filters.tag),
                ("organisation", filters.organisation),
                ("council tier", filters.tier),
            )
            if value
        ]
        suffix = f" ({', '.join(parts)})" if parts else ""
        return f"Good practice – Knowledge Hub{suffix}"

    def link(self, filters):
        query = self.request.GET.urlencode()
        return absolute_url(page_absolute_url(self.index_page) + (f"?{query}" if query else ""))

    def feed_url(self, filters):
        return absolute_url(self.request.get_full_path())

    def description(self, filters):
        return "Case studies from councils, published on the Knowledge Hub."

    def items(self, filters):
        return selectors.case_study_feed_items(filters=filters)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return page_absolute_url(item)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        organisations = list(item.organisations.all())
        return organisations[0].name if organisations else None

    def item_categories(self, item):
        return [item.service_area.name] if item.service_area else []


class LibraryAtomFeed(LibraryRssFeed):
    """The same feed as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, filters):
        return self.description(filters)
