"""The improvement marketplace."""

from home.mixins import SectionIndexPage


class MarketplaceIndexPage(SectionIndexPage):
    """Improvement services to compare, at /marketplace/."""

    template = "marketplace/marketplace_index_page.html"
