"""Episodes as read (people, chapters, papers, audio) and as editors write them."""

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from taggit.serializers import TaggitSerializer

from api.serializers.base import (
    ModelSerializer,
    PageURLField,
    ReplacesLists,
    StateField,
    StatusField,
    TagsField,
    URLField,
    api_url,
    clean_publishable,
    sent_status,
)
from api.serializers.reviews import EpisodeRatingField
from core.durations import format_timestamp
from core.links import absolute
from episodes.models import Appearance, Chapter, Discussion, Episode, Show
from episodes.services import replace_appearances, replace_chapters
from papers.models import Paper
from people.models import Person


def episodes_as_read(episodes):
    """What an episode's JSON shows, preloaded: the same queries for one or fifty."""
    # Of a chapter's paper and person, and a discussion's chapter, the JSON shows a slug, a
    # title, a start: not a paper's abstract or a person's biography, for 400 chapters a page.
    chapters = Chapter.objects.select_related("paper", "person").only(
        "episode", "start", "title", "paper__slug", "person__slug"
    )
    discussions = Discussion.objects.select_related("paper", "chapter").only(
        "episode", "note", "paper__slug", "paper__title", "chapter__start"
    )
    return episodes.with_people().prefetch_related(
        models.Prefetch("chapters", queryset=chapters),
        models.Prefetch("discussions", queryset=discussions),
    )


class ChapterSerializer(ModelSerializer):
    timestamp = serializers.SerializerMethodField()
    paper = serializers.SlugRelatedField(
        slug_field="slug", queryset=Paper.objects.all(), required=False, allow_null=True
    )
    person = serializers.SlugRelatedField(
        slug_field="slug", queryset=Person.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Chapter
        fields = ["start", "timestamp", "title", "paper", "person"]

    def get_timestamp(self, chapter) -> str:
        return format_timestamp(chapter.start)


class AppearanceSerializer(ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="slug", queryset=Person.objects.all())
    name = serializers.CharField(source="person.name", read_only=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Appearance
        fields = ["person", "name", "role", "affiliation", "order", "html_url"]
        extra_kwargs = {"order": {"required": False}}

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, appearance):
        return absolute(appearance.person.get_absolute_url())


class DiscussionSerializer(ModelSerializer):
    paper = serializers.SlugRelatedField(slug_field="slug", queryset=Paper.objects.all())
    title = serializers.CharField(source="paper.title", read_only=True)
    chapter_start = serializers.IntegerField(
        source="chapter.start", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Discussion
        fields = ["paper", "title", "chapter_start", "note"]


class AudioSerializer(serializers.Serializer):
    url = URLField(source="audio_url", allow_blank=True)
    size = serializers.IntegerField(source="audio_size", allow_null=True)
    type = serializers.CharField(source="audio_type")


@extend_schema_serializer(deprecate_fields=["status"])
class EpisodeSerializer(TaggitSerializer, ModelSerializer):
    """An episode as read: people, chapters, papers, audio and links to its page."""

    url = api_url("api:episode-detail")
    state = StateField()
    status = StatusField(read_only=True)
    html_url = PageURLField()
    show = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    duration_display = serializers.CharField(read_only=True)
    audio = AudioSerializer(source="*", read_only=True)
    people = AppearanceSerializer(source="appearances", many=True, read_only=True)
    chapters = ChapterSerializer(many=True, read_only=True)
    papers = DiscussionSerializer(source="discussions", many=True, read_only=True)
    tags = TagsField(read_only=True)
    rating = EpisodeRatingField()

    class Meta:
        model = Episode
        fields = [
            "url", "html_url", "slug", "title", "show", "number", "season", "episode_type",
            "state", "status", "published_at", "duration", "duration_display", "summary",
            "description", "audio", "guid", "explicit", "music_credits", "transcript",
            "people", "chapters", "papers", "tags", "rating",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_serializer(deprecate_fields=["status"])
class EpisodeWriteSerializer(ReplacesLists, TaggitSerializer, ModelSerializer):
    """What editors send: the episode's fields, and its people and chapters as lists.

    A list that is sent replaces what the episode had; one left out is kept as it is.
    """

    # The show, by default the current one (the site has one): a default, not "not
    # required", as the unique episode numbers of a show need it.
    show = serializers.SlugRelatedField(
        slug_field="slug", queryset=Show.objects.all(), default=lambda: Show.objects.current()
    )
    status = StatusField()
    tags = TagsField(required=False)
    people = AppearanceSerializer(many=True, required=False)
    chapters = ChapterSerializer(many=True, required=False)
    force_guid_change = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text="Podcast apps know an episode by its GUID: once the episode is live, a "
        "new `guid` is refused unless this is true (every app then sees a new episode).",
    )

    class Meta:
        model = Episode
        fields = [
            "slug", "title", "show", "number", "season", "episode_type", "status",
            "published_at", "duration", "summary", "description", "audio_url", "audio_size",
            "audio_type", "guid", "force_guid_change", "explicit", "music_credits",
            "transcript", "people", "chapters", "tags",
        ]  # fmt: skip
        extra_kwargs = {"slug": {"required": False}, "guid": {"required": False}}

    replaces = {
        "people": lambda episode, people: replace_appearances(episode=episode, appearances=people),
        "chapters": lambda episode, chapters: replace_chapters(episode=episode, chapters=chapters),
    }

    def validate(self, data):
        force_guid_change = data.pop("force_guid_change", False)
        if (
            self.instance is not None
            and "guid" in data
            and data["guid"] != self.instance.guid
            and self.instance.is_live()
            and not force_guid_change
        ):
            raise serializers.ValidationError(
                {
                    "guid": "This episode is live: podcast apps know it by its GUID, and a "
                    "new one makes it a new episode in every listener's app. Send "
                    '"force_guid_change": true to change it anyway.'
                }
            )
        instance = self.instance or Episode()
        status = sent_status(instance, data)
        for name, value in data.items():
            if name not in {"people", "chapters", "tags"}:
                setattr(instance, name, value)
        if instance.show_id is None:
            show = Show.objects.current()
            if show is None:
                raise serializers.ValidationError({"show": "Create the show first."})
            data["show"] = instance.show = show
        # The model's own rules (publishing dates, audio size) with the admin's messages.
        clean_publishable(instance, status, data)
        return data

    def to_representation(self, episode):
        episode = episodes_as_read(Episode.objects).get(pk=episode.pk)
        return EpisodeSerializer(episode, context=self.context).data
