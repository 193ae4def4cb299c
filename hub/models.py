"""The good practice library."""

from home.mixins import SectionIndexPage


class GoodPracticeIndexPage(SectionIndexPage):
    """The library of case studies at /good-practice/."""

    template = "hub/good_practice_index_page.html"
