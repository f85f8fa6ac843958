"""An index in the paper list's order (newest first, papers without a year last).

PostgreSQL only: SQLite can't index NULLS LAST, and its archives are small enough to sort.
"""

from django.db import migrations, models

INDEX = models.Index(
    models.OrderBy(models.F("year"), descending=True, nulls_last=True),
    models.F("title"),
    name="paper_list_order",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("papers", "Paper"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("papers", "Paper"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0005_profile_id_formats"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="paper", index=INDEX)],
            database_operations=[migrations.RunPython(add_index, remove_index)],
        ),
    ]
