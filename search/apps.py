from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "People and site search"

    def ready(self) -> None:
        from django.apps import apps

        from search.providers import (
            PageSearchProvider,
            PeopleSearchProvider,
            ThreadSearchProvider,
        )
        from search.registry import providers, register_provider

        register_provider(PageSearchProvider())
        register_provider(PeopleSearchProvider())
        registered = {provider.key for provider in providers()}
        # Each only if its app has not registered its own (apps run ready() in order). The
        # providers live with the feature they search (communities.search, marketplace.search):
        # search only decides which are on /search/.
        if apps.is_installed("communities"):
            from communities.search import LibrarySearchProvider

            if "threads" not in registered:
                register_provider(ThreadSearchProvider())
            if "library" not in registered:
                register_provider(LibrarySearchProvider())
        if apps.is_installed("marketplace") and "services" not in registered:
            from marketplace.search import ServiceSearchProvider

            register_provider(ServiceSearchProvider())

        from search.facts import community_facts, good_practice_facts
        from search.registry import register_people_facts

        if apps.is_installed("hub"):
            register_people_facts("hub.good_practice", good_practice_facts)
        if apps.is_installed("communities"):
            register_people_facts("communities.participation", community_facts)

        from search.signals import connect

        connect()
