"""The two roles of the editor's desk, as groups: editors write, publishers also
publish and approve. An administrator adds people to them in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PARTS = ["errorcode", "cause", "fix", "step", "faq", "note", "signature", "example"]
EDITOR = [
    *(f"{action}_{model}" for model in PARTS for action in ("add", "change", "delete",
                                                            "view")),
    "view_provider", "view_category", "view_guide", "change_guide", "view_revision",
    "view_lookupevent", "view_feedback",
]  # fmt: skip
PUBLISHER = [
    *EDITOR, "publish_errorcode", "change_provider", "change_provider_matching",
    "change_category", "add_guide", "delete_guide",
]  # fmt: skip


def create_groups(apps, schema_editor):
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("editor", EDITOR), ("publisher", PUBLISHER)):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="kb",
                                       codename__in=codenames)  # fmt: skip
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["editor", "publisher"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0007_editor_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
