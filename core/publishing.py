"""One definition of "public" for everything editors publish (episodes, posts).

An item is public when it is not a draft and its `published_at` has come. "Scheduled" is a
published item whose time is still in the future: it appears on its own at that moment,
with no job to run.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.signals import content_changed


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What a visitor may see: not drafts, and nothing before its time."""
        return self.exclude(status=Status.DRAFT).filter(published_at__lte=timezone.now())

    def visible_to(self, user):
        """Editors preview drafts and scheduled items; everyone else sees what is published."""
        opts = self.model._meta
        if user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return self.all()
        return self.published()

    def unpublished(self):
        return self.exclude(pk__in=self.published().values("pk"))

    def publish_now(self):
        """Publish every item of this queryset now; return how many changed."""
        now = timezone.now()
        changing = self.exclude(status=Status.PUBLISHED, published_at__lte=now)
        return self._announced(changing, status=Status.PUBLISHED, published_at=now)

    def unpublish(self):
        return self._announced(self.exclude(status=Status.DRAFT), status=Status.DRAFT)

    def _announced(self, items, **values):
        pks = list(items.values_list("pk", flat=True))
        changed = self.model.objects.filter(pk__in=pks).update(**values)
        content_changed.send(sender=self.model, pks=pks)  # update() sends no post_save
        return changed


class Publishable(models.Model):
    """Abstract base: the status and publication time of an editorial item."""

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts are never public. Scheduled items appear on their own at their "
        "publication time.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When it is (or will be) public. Required unless the item is a draft.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        get_latest_by = "published_at"

    def is_published(self):
        return (
            self.status != Status.DRAFT
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def public_from(self):
        """When it is (or will be) public; None for a draft."""
        return None if self.status == Status.DRAFT else self.published_at

    def is_scheduled(self):
        return (
            self.status != Status.DRAFT
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def clean(self):
        super().clean()
        if self.status != Status.DRAFT and self.published_at is None:
            if self.status == Status.PUBLISHED:
                self.published_at = timezone.now()
            else:
                raise ValidationError(
                    {"published_at": "A scheduled item needs the date and time to publish it."}
                )
        if self.status == Status.PUBLISHED and self.published_at > timezone.now():
            # Saying "published" with a future date means "scheduled"; record it as such.
            self.status = Status.SCHEDULED


def published_needs_date_constraint(name):
    """The database rule behind `clean()`: only drafts may lack a publication time."""
    return models.CheckConstraint(
        condition=models.Q(status=Status.DRAFT) | models.Q(published_at__isnull=False),
        name=name,
    )
