"""Listeners' ratings and reviews of the show and of its episodes."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts import activity
from core.markdown import render_markdown
from episodes.models import Episode

STARS = range(1, 6)
TITLE_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Rating:
    """An item's rating as podcast apps show it: "4.8 out of 5 · 23 ratings"."""

    average: Decimal | None  # to one decimal; None without any rating
    count: int

    @classmethod
    def of(cls, average, count):
        if not count:
            return cls(None, 0)
        rounded = Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return cls(rounded, count)

    def __bool__(self):
        return self.count > 0

    @property
    def full_stars(self):
        """How many of the five stars are filled, rounded to the nearest (4.8 -> 5)."""
        return int(self.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP)) if self else 0


class Status(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Pending approval"
    HIDDEN = "hidden", "Hidden by an editor"


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees: published reviews, of the show or of a live episode."""
        return self.filter(status=Status.PUBLISHED).filter(
            Q(episode__isnull=True) | Q(episode__in=Episode.objects.live().values("pk"))
        )

    def visible_to(self, user):
        """The public's reviews, and a signed-in listener's own whatever their status."""
        if not user.is_authenticated:
            return self.visible()
        return (self.visible() | self.filter(author=user)).distinct()

    def of_show(self, show):
        """Reviews of the show as a whole (not of its episodes)."""
        return self.filter(show=show, episode__isnull=True)

    def of_episode(self, episode):
        return self.filter(episode=episode)

    def of(self, item):
        """Reviews of `item`, the show or an episode."""
        return self.of_episode(item) if _is_episode(item) else self.of_show(item)

    def rating(self):
        """The average (to one decimal) and the number of these reviews: one query."""
        totals = self.order_by().aggregate(average=Avg("stars"), count=Count("pk"))
        return Rating.of(totals["average"], totals["count"])

    def latest(self):
        """Newest first, with their authors (one query)."""
        return self.select_related("author__profile", "episode").order_by("-created_at", "-pk")

    def by(self, user):
        """`user`'s reviews (none for an anonymous visitor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(author=user)


def rating_annotations(item_field="pk"):
    """Annotations for a queryset of episodes: `rating_average` and `rating_count` of their
    visible reviews, computed in the same query (subqueries), for lists of any length."""
    reviews = Review.objects.visible().filter(episode=OuterRef(item_field)).order_by()
    average = reviews.values("episode").annotate(a=Avg("stars")).values("a")
    count = reviews.values("episode").annotate(n=Count("pk")).values("n")
    return {
        "rating_average": Subquery(average, output_field=models.FloatField()),
        "rating_count": Coalesce(Subquery(count, output_field=models.IntegerField()), 0),
    }


def _is_episode(item):
    return isinstance(item, Episode)


class Review(models.Model):
    """A listener's stars, and optionally words, about the show or one of its episodes.

    One review per listener per item (the database says so); editors moderate the status.
    """

    show = models.ForeignKey(
        "episodes.Show",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
        help_text="The show, for a review of the show as a whole.",
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
        help_text="The episode, for a review of one episode.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    stars = models.PositiveSmallIntegerField(
        choices=[(n, f"{n} star{'s' if n > 1 else ''}") for n in STARS],
        help_text="1 to 5.",
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    text = models.TextField(
        max_length=TEXT_MAX_LENGTH,
        # A TextField's max_length bounds its form field only: the model checks it too.
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        blank=True,
        help_text="Markdown; links get nofollow.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(show__isnull=False, episode__isnull=True)
                    | Q(show__isnull=True, episode__isnull=False)
                ),
                name="review_of_show_or_episode",
                violation_error_message="A review is of the show or of one episode.",
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5),
                name="review_stars_1_to_5",
                violation_error_message="Give 1 to 5 stars.",
            ),
            models.UniqueConstraint(
                fields=["author", "show"],
                condition=Q(episode__isnull=True),
                name="one_show_review_per_author",
                violation_error_message="You have already reviewed the show.",
            ),
            models.UniqueConstraint(
                fields=["author", "episode"],
                condition=Q(episode__isnull=False),
                name="one_episode_review_per_author",
                violation_error_message="You have already reviewed this episode.",
            ),
        ]
        indexes = [
            models.Index(fields=["show", "status", "-created_at"], name="review_show_latest"),
            models.Index(fields=["episode", "status", "-created_at"], name="review_ep_latest"),
        ]

    def __str__(self):
        return f"{self.stars}★ by {self.author_name} on {self.item}"

    def get_absolute_url(self):
        """Where the review is shown: its item's reviews."""
        if self.episode_id:
            return reverse("episodes:reviews", args=[self.episode.slug]) + f"#review-{self.pk}"
        return reverse("reviews:list") + f"#review-{self.pk}"

    @property
    def item(self):
        """What is reviewed: the show or the episode."""
        return self.episode if self.episode_id else self.show

    @property
    def author_profile(self):
        """The author's public profile (accounts), or None: an editor or demo user without
        one, or a suspended account. Select `author__profile` with the reviews."""
        try:
            profile = self.author.profile
        except ObjectDoesNotExist:
            return None
        return profile if self.author.is_active else None

    @property
    def author_name(self):
        """How the author is shown: their profile's name, else their full name, else their
        user name."""
        profile = self.author_profile
        if profile is not None:
            return profile.display_name
        return self.author.get_full_name() or self.author.get_username()

    def text_html(self):
        """The text as sanitized HTML, its links marked as user content for search engines."""
        return render_markdown(self.text, link_rel="nofollow ugc noopener noreferrer")

    def is_visible(self):
        return self.status == Status.PUBLISHED


def reviews_for_profile(user):
    """The visible reviews `user` wrote, as their public profile lists them (one query)."""
    reviews = (
        Review.objects.visible()
        .filter(author=user)
        .select_related("episode", "show")
        .order_by("-created_at", "-pk")[: activity.LIMIT]
    )
    return [
        activity.Item(
            verb="Reviewed",
            title=f"{review.item.title} ({review.stars} out of 5)",
            url=review.get_absolute_url(),
            at=review.created_at,
        )
        for review in reviews
    ]
