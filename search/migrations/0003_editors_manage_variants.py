"""Let the "editors" group curate the spelling variants and read the index log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "editors"
GRANTS = (
    "add_variantgroup",
    "change_variantgroup",
    "delete_variantgroup",
    "view_variantgroup",
    "view_indexlog",
)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make ours now.
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="search", codename__in=GRANTS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="search", codename__in=GRANTS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_seed_variant_groups"),
        ("archive", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
