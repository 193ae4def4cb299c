"""Search queries. Views never build queries themselves."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator

from wagtail.models import Page


def site_search(
    *, query: str, page_number: int | str = 1, per_page: int = 20
) -> PaginatorPage:
    """Published, public pages matching the query, best first."""
    pages = (
        Page.objects.live().public().specific()
        if not query
        else Page.objects.live().public().search(query)
    )
    if not query:
        pages = pages.none()
    return Paginator(pages, per_page).get_page(page_number)
