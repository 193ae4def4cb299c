"""The people-search backend in use: Elasticsearch when ELASTICSEARCH_URL is set, else the database."""

from functools import cache

from django.conf import settings


@cache
def _backend(url: str):
    if url:
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url=url)
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def people_backend():
    return _backend(getattr(settings, "ELASTICSEARCH_URL", "") or "")
