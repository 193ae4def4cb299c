"""People and expert finding."""

from home.mixins import SectionIndexPage


class PeopleIndexPage(SectionIndexPage):
    """The expert finder at /people/."""

    template = "search/people_index_page.html"
