from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "People and site search"

    def ready(self) -> None:
        from search.providers import PageSearchProvider, PeopleSearchProvider
        from search.registry import register_provider

        register_provider(PageSearchProvider())
        register_provider(PeopleSearchProvider())
