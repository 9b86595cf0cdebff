"""Let the "editors" group see the background jobs (queued, running, failed)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "editors"
GRANTS = {
    "django_tasks_database": ("view_dbtaskresult",),
    "jobs": ("view_scheduledjob",),
}


def permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in GRANTS.items():
        yield from Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make ours now.
    for label in GRANTS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=GROUP):
        group.permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("archive", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
