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
        # Only if the communities app has not registered its own (apps run ready() in order).
        if apps.is_installed("communities") and not any(provider.key == "threads" for provider in providers()):
            register_provider(ThreadSearchProvider())

        from search.facts import community_facts, good_practice_facts
        from search.registry import register_people_facts

        if apps.is_installed("hub"):
            register_people_facts("hub.good_practice", good_practice_facts)
        if apps.is_installed("communities"):
            register_people_facts("communities.participation", community_facts)

        from search.signals import connect

        connect()
