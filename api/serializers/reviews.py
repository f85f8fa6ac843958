"""Listeners' reviews, and the ratings of the show and of episodes."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import ModelSerializer
from community.models import Rating, Review
from core.links import absolute
from episodes.models import Episode

ALREADY_REVIEWED = "already_reviewed"  # not "unique": the handler would make that a 409


class RatingSerializer(serializers.Serializer):
    """An item's rating: the average of its published reviews (to one decimal; null when it
    has none) and how many there are."""

    average = serializers.FloatField(allow_null=True, read_only=True, min_value=1, max_value=5)
    count = serializers.IntegerField(read_only=True, min_value=0)

    def to_representation(self, rating):
        average = rating.average
        return {"average": float(average) if average is not None else None, "count": rating.count}


@extend_schema_field(RatingSerializer)
class EpisodeRatingField(serializers.ReadOnlyField):
    """An episode's rating, from the `rating_average` and `rating_count` annotations
    (community.models.rating_annotations): no query per episode."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, episode):
        count = getattr(episode, "rating_count", None)
        if count is None:  # not annotated (an episode just written): ask
            return RatingSerializer(Review.objects.visible().of(episode).rating()).data
        return RatingSerializer(Rating.of(episode.rating_average, count)).data


class ReviewSerializer(ModelSerializer):
    """A review of the show (`episode` null) or of one episode (its slug)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:review-detail")
    html_url = serializers.SerializerMethodField()
    episode = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Episode.objects.live(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The episode reviewed, by slug; null (or left out) for the show as a whole. "
        "Set when the review is written, not changed after.",
    )
    stars = serializers.IntegerField(min_value=1, max_value=5, help_text="1 to 5.")
    author = serializers.SerializerMethodField()
    text_html = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id", "url", "html_url", "episode", "stars", "title", "text", "text_html",
            "author", "status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    def get_html_url(self, review) -> str:
        return absolute(review.get_absolute_url())

    def get_author(self, review) -> str:
        return review.author_name

    def get_text_html(self, review) -> str:
        """The text as the site shows it: Markdown rendered and sanitized."""
        return str(review.text_html())

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # What a review is about is set once.
            fields["episode"].read_only = True
        return fields

    def already(self, existing):
        """The 400 for a second review of one item, naming the first to change instead."""
        what = "episode" if existing is not None and existing.episode_id else "show"
        detail = f"You have already reviewed this {what}"
        if existing is not None:
            url = self.context["request"].build_absolute_uri(
                reverse("api:review-detail", args=[existing.pk])
            )
            detail += f": update or delete your review at {url}"
        return serializers.ValidationError(
            {"episode": [serializers.ErrorDetail(detail + ".", code=ALREADY_REVIEWED)]}
        )
