"""The "editors" group: curators who manage the archive but not the accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "editors"
CURATED_MODELS = ("article", "source", "author", "tag")
ACTIONS = ("add", "change", "delete", "view")


def _create_all_permissions(apps) -> None:
    # Permissions are normally created by a post_migrate signal, i.e. after
    # this migration has run on a fresh database; create them now instead.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_editors_group(apps, schema_editor):
    _create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="archive")
    wanted = [f"{action}_{model}" for model in CURATED_MODELS for action in ACTIONS]
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *ours.filter(codename__in=wanted),
        *ours.filter(codename__startswith="view_"),
    )


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
