from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Counts on the home and registry pages follow every write (archive/tally.py).
        from archive import tally_signals

        tally_signals.connect()
