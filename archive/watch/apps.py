from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "archive.watch"
    label = "watch"
    verbose_name = "Watching the sources"
    default_auto_field = "django.db.models.BigAutoField"
