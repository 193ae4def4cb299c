from django.shortcuts import render

from search.forms import SiteSearchForm
from search.selectors import site_search as site_search_selector


def site_search(request):
    """One search box across the Hub."""
    form = SiteSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = site_search_selector(query=query, page_number=request.GET.get("page", 1))
    return render(
        request,
        "search/site_search.html",
        {"form": form, "query": query, "results": results},
    )
