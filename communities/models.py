"""Communities of practice."""

from home.mixins import SectionIndexPage


class CommunityIndexPage(SectionIndexPage):
    """The directory of communities at /communities/."""

    template = "communities/community_index_page.html"
