from django.apps import AppConfig


class CollectConfig(AppConfig):
    name = "archive.collect"
    label = "collect"
    verbose_name = "Collecting"
    default_auto_field = "django.db.models.BigAutoField"
