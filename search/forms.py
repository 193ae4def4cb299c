from django import forms


class SiteSearchForm(forms.Form):
    q = forms.CharField(label="Search the Knowledge Hub", max_length=200, required=False)
    type = forms.CharField(required=False, max_length=40)
    page = forms.IntegerField(required=False, min_value=1)


class PeopleSearchForm(forms.Form):
    """The expert finder's query string: ?q=&skill=&sector=&kind=&tier=&peer=&availability=&page="""

    q = forms.CharField(label="Search for people", max_length=200, required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def filters(self, data) -> dict[str, list[str]]:
        from search.backends.base import FACETS

        return {facet: data.getlist(facet)[:20] for facet in FACETS if data.getlist(facet)}
