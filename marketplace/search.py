"""Marketplace services in site search.

`ServiceSearchProvider` answers /search/ (search.registry explains the protocol) from the
services' own search index (`Service.search_fields`), on whichever Wagtail search backend is
configured: the database, or Elasticsearch. Only `Service.objects.listed()` is searched, the
rule the marketplace's own pages follow, applied inside the search query: a service awaiting
approval or withdrawn by its provider is never found or counted.
"""

from __future__ import annotations

from django.utils.text import Truncator

from search.providers import indexed_search
from search.registry import ProviderResult, SearchHit


class ServiceSearchProvider:
    """Improvement services listed on the marketplace, by name, summary, description and provider."""

    key = "services"
    label = "Marketplace services"
    order = 40

    def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult:
        from marketplace.models import Service

        services = Service.objects.listed().select_related("provider__organisation")
        return indexed_search(services, query=query, limit=limit, offset=offset, hit=self.hit)

    @staticmethod
    def indexed_queryset():
        """Every service, listed or not (search filters on the flags), with what is indexed."""
        from marketplace.models import Service

        return Service.objects.select_related("provider__organisation")

    @staticmethod
    def hit(service) -> SearchHit:
        return SearchHit(
            title=service.name,
            url=service.get_absolute_url(),
            kind="Improvement service",
            snippet=Truncator(service.summary).chars(240),
            meta=f"From {service.provider.name} · {service.price_text}",
        )
