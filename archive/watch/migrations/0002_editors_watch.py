"""Let the "editors" group read the checks and versions found at the sources."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "editors"
GRANTS = ("view_check", "view_version")


def permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="watch", codename__in=GRANTS
    )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make ours now.
    app_config = apps.get_app_config("watch")
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
        ("watch", "0001_initial"),
        ("archive", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
