from django import forms


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the Knowledge Hub", max_length=200, required=False
    )
