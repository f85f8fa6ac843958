"""Publishing state: store `is_draft` instead of `status`; scheduled or live follows from the date.

Every episode keeps the state it shows: a "draft" stays a draft, and a "scheduled" or "published"
one is not a draft (live from its `published_at` on, scheduled until then). Backwards, a
non-draft is "published" if its time has come, else "scheduled".
"""

from django.db import migrations, models
from django.utils import timezone


def status_to_is_draft(apps, schema_editor):
    Episode = apps.get_model("episodes", "Episode")
    Episode.objects.filter(status="draft").update(is_draft=True)
    Episode.objects.exclude(status="draft").update(is_draft=False)


def is_draft_to_status(apps, schema_editor):
    Episode = apps.get_model("episodes", "Episode")
    now = timezone.now()
    Episode.objects.filter(is_draft=True).update(status="draft")
    Episode.objects.filter(is_draft=False, published_at__lte=now).update(status="published")
    Episode.objects.filter(is_draft=False, published_at__gt=now).update(status="scheduled")


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0003_show_feed_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="is_draft",
            field=models.BooleanField(
                default=True,
                help_text="A draft is never public, whatever its date. Otherwise the item is "
                "live from its publication time on, and scheduled until then.",
                verbose_name="draft",
            ),
        ),
        migrations.RunPython(status_to_is_draft, is_draft_to_status),
        migrations.RemoveConstraint(
            model_name="episode",
            name="episode_published_needs_date",
        ),
        migrations.RemoveIndex(
            model_name="episode",
            name="episode_public_idx",
        ),
        migrations.RemoveField(
            model_name="episode",
            name="status",
        ),
        migrations.AlterField(
            model_name="episode",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="When it is (or will be) public. Left empty on an item that is not a "
                "draft, it is set to now.",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(fields=["is_draft", "published_at"], name="episode_public_idx"),
        ),
        migrations.AddConstraint(
            model_name="episode",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_draft", True), ("published_at__isnull", False), _connector="OR"),
                name="episode_published_needs_date",
            ),
        ),
    ]
