from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WatchConfig(AppConfig):
    name = "archive.watch"
    label = "watch"
    verbose_name = gettext_lazy("Watching the sources")
    default_auto_field = "django.db.models.BigAutoField"
