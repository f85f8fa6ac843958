"""One definition of "public" for everything editors publish (episodes, posts).

Two facts are stored: `is_draft` and `published_at`. The state follows from them, here and
nowhere else: a draft is never public; any other item is live once its `published_at` has
come, and scheduled until then. A scheduled item appears on its own at that moment, with no
job to run and nothing to update.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.signals import content_changed


class State(models.TextChoices):
    """Where an item stands for visitors, worked out from `is_draft` and `published_at`."""

    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"


def state_of(is_draft, published_at, now=None):
    """The rule, for one item: a draft never shows; otherwise it is live from its date on."""
    if is_draft:
        return State.DRAFT
    if published_at is not None and published_at <= (now or timezone.now()):
        return State.LIVE
    return State.SCHEDULED


def in_state(state, now=None):
    """The same rule as a filter (`state_of()` for one item in Python)."""
    now = now or timezone.now()
    return {
        State.DRAFT: Q(is_draft=True),
        State.SCHEDULED: Q(is_draft=False, published_at__gt=now),
        State.LIVE: Q(is_draft=False, published_at__lte=now),
    }[state]


class PublishableQuerySet(models.QuerySet):
    def live(self):
        """What a visitor may see: not drafts, and nothing before its time."""
        return self.filter(in_state(State.LIVE))

    def scheduled(self):
        """Not drafts, but not public yet: each appears on its own at its time."""
        return self.filter(in_state(State.SCHEDULED))

    def drafts(self):
        """Never public, whatever their date."""
        return self.filter(in_state(State.DRAFT))

    def visible_to(self, user):
        """Editors preview drafts and scheduled items; everyone else sees what is live."""
        opts = self.model._meta
        if user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return self.all()
        return self.live()

    def not_live(self):
        """Drafts and scheduled items: what only editors see."""
        return self.exclude(pk__in=self.live().values("pk"))

    def publish_now(self):
        """Make every item of this queryset live now; return how many changed.

        What is live already keeps its date.
        """
        now = timezone.now()
        changing = self.exclude(in_state(State.LIVE, now))
        return self._announced(changing, is_draft=False, published_at=now)

    def unpublish(self):
        """Turn every item back into a draft (keeping its date); return how many changed."""
        return self._announced(self.filter(is_draft=False), is_draft=True)

    def _announced(self, items, **values):
        pks = list(items.values_list("pk", flat=True))
        changed = self.model.objects.filter(pk__in=pks).update(**values)
        content_changed.send(sender=self.model, pks=pks)  # update() sends no post_save
        return changed


class Publishable(models.Model):
    """Abstract base: whether an editorial item is a draft, and its publication time.

    Only those two facts are stored; the state (draft, scheduled, live) follows from them.
    """

    is_draft = models.BooleanField(
        "draft",
        default=True,
        help_text="A draft is never public, whatever its date. Otherwise the item is live from "
        "its publication time on, and scheduled until then.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When it is (or will be) public. Left empty on an item that is not a draft, "
        "it is set to now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        get_latest_by = "published_at"

    @property
    def state(self):
        """Draft, scheduled or live, right now."""
        return state_of(self.is_draft, self.published_at)

    def is_live(self):
        """Live: what a visitor sees."""
        return self.state == State.LIVE

    def is_scheduled(self):
        return self.state == State.SCHEDULED

    def public_from(self):
        """When it is (or will be) public; None for a draft."""
        return None if self.is_draft else self.published_at

    def clean(self):
        super().clean()
        if not self.is_draft and self.published_at is None:
            self.published_at = timezone.now()


def published_needs_date_constraint(name):
    """The database rule behind `clean()`: only drafts may lack a publication time."""
    return models.CheckConstraint(
        condition=Q(is_draft=True) | Q(published_at__isnull=False),
        name=name,
    )
