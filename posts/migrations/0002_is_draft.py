"""Publishing state: store `is_draft` instead of `status`; scheduled or live follows from the date.

Every post keeps the state it shows: a "draft" stays a draft, and a "scheduled" or "published"
one is not a draft (live from its `published_at` on, scheduled until then). Backwards, a
non-draft is "published" if its time has come, else "scheduled".
"""

from django.db import migrations, models
from django.utils import timezone


def status_to_is_draft(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    Post.objects.filter(status="draft").update(is_draft=True)
    Post.objects.exclude(status="draft").update(is_draft=False)


def is_draft_to_status(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    now = timezone.now()
    Post.objects.filter(is_draft=True).update(status="draft")
    Post.objects.filter(is_draft=False, published_at__lte=now).update(status="published")
    Post.objects.filter(is_draft=False, published_at__gt=now).update(status="scheduled")


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
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
            model_name="post",
            name="post_published_needs_date",
        ),
        migrations.RemoveField(
            model_name="post",
            name="status",
        ),
        migrations.AlterField(
            model_name="post",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="When it is (or will be) public. Left empty on an item that is not a "
                "draft, it is set to now.",
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_draft", True), ("published_at__isnull", False), _connector="OR"),
                name="post_published_needs_date",
            ),
        ),
    ]
