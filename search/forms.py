from django import forms


class PageField(forms.Field):
    """`?page=`, read the way `Paginator.get_page` reads it, so it never makes a form invalid.

    A value that is not a whole number is the first page (like `PageNotAnInteger`); one below
    1 or past the end is the last page (like `EmptyPage`). The search backends are asked for an
    offset before the total is known, so a page beyond any real result set becomes `LAST`,
    which the selectors turn into their last page once they know the total; this also keeps
    the offset within what a database can hold, however many digits were typed.
    """

    LAST = 2**31

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> int:
        # The same reading as Paginator.validate_number: int() of the text, so "٢" is 2 and
        # "1.5", "²" or "1e309" are not numbers.
        try:
            number = int(value)
        except (TypeError, ValueError):
            return 1
        if number < 1:
            return self.LAST
        return min(number, self.LAST)


class SiteSearchForm(forms.Form):
    q = forms.CharField(label="Search the Knowledge Hub", max_length=200, required=False)
    type = forms.CharField(required=False, max_length=40)
    page = PageField()


class PeopleSearchForm(forms.Form):
    """The expert finder's query string: ?q=&skill=&sector=&kind=&tier=&peer=&availability=&page="""

    q = forms.CharField(label="Search for people", max_length=200, required=False)
    page = PageField()

    def filters(self, data) -> dict[str, list[str]]:
        from search.backends.base import FACETS

        return {facet: data.getlist(facet)[:20] for facet in FACETS if data.getlist(facet)}
