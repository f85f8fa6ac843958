"""Create the Editors group with every content permission.

Permissions are normally created after all migrations run, so on a fresh database they do
not exist yet here: create them first, for the content apps only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from ibsite.editors import CONTENT_APPS, EDITORS_GROUP, grant_editor_permissions


def create_editors_group(apps, schema_editor):
    for app_label in CONTENT_APPS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    grant_editor_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("episodes", "0002_initial"),
        ("papers", "0002_initial"),
        ("people", "0001_initial"),
        ("posts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
