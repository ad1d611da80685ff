"""The two roles as groups: the secretariat edits everything (but never deletes a
recommendation), officials view everything and change only what their owner owns; that narrower
rule is recommendations.rules.permissions, applied on top of these model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "secretariat"
OFFICIALS = "officials"
OFFICIAL_CODENAMES = [
    "view_topic",
    "view_organisation",
    "view_owner",
    "view_council",
    "view_recommendation",
    "change_recommendation",
    "view_progressupdate",
    "add_progressupdate",
]


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the groups can
    # hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = Permission.objects.filter(content_type__app_label="recommendations").exclude(
        content_type__model__startswith="historical"
    )

    secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT)
    secretariat.permissions.add(*app_permissions.exclude(codename="delete_recommendation"))

    officials, _ = Group.objects.get_or_create(name=OFFICIALS)
    officials.permissions.add(*app_permissions.filter(codename__in=OFFICIAL_CODENAMES))


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[SECRETARIAT, OFFICIALS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0002_officials_version_archive"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
