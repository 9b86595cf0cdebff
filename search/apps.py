from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive.listing import searching
        from search import checks, signals  # noqa: F401 - registers handlers
        from search.service import SearchListings

        searching.register(SearchListings())
