from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = "Search and matching"

    def ready(self) -> None:
        from search import signals

        signals.connect()
