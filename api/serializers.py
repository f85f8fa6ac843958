"""What the API says about each kind of thing, and what it accepts from editors.

Reads and writes differ where writing is simpler than reading: an episode is read with its
guests' names and pages, but written with person slugs. Write serializers answer with the
read representation, so a client sees the same shape whatever it did.
"""

import re
from collections.abc import Mapping
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from django.db import models, transaction
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.serializers import TaggitSerializer, TagListSerializerField

from core.durations import format_timestamp
from core.fields import WebURLField
from core.links import absolute
from episodes.models import Appearance, Chapter, Discussion, Episode, Show
from papers.models import Authorship, Paper
from people.models import Affiliation, Organization, Person
from posts.models import Post
from search import index as search_index
from search.models import Entry, Kind


class PageURLField(serializers.ReadOnlyField):
    """The absolute address of the object's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="get_absolute_url", **kwargs)

    def to_representation(self, path):
        return absolute(path)


PageURLField = extend_schema_field(OpenApiTypes.URI)(PageURLField)


def clean(instance):
    """The model's own rules (publishing dates, audio size), as API validation errors."""
    try:
        instance.clean()
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from None


def episodes_as_read(episodes):
    """What an episode's JSON shows, preloaded: the same queries for one or fifty."""
    return episodes.with_people().prefetch_related(
        models.Prefetch("chapters", queryset=Chapter.objects.select_related("paper", "person")),
        models.Prefetch(
            "discussions", queryset=Discussion.objects.select_related("paper", "chapter")
        ),
    )


def visible_episodes(context):
    """Episodes the client may see: published ones, and drafts too for editors."""
    return Episode.objects.visible_to(context["request"].user).values("pk")


def as_uri(url):
    """A URL as stored, sent as a valid URI: anything RFC 3986 does not allow, %-encoded."""
    return re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", quote(url, safe=":/?#@!$&'()*+,;=%"))


class URLField(serializers.URLField):
    """An http(s) URL, as the models' WebURLField takes it; read as a URI.

    DRF drops a model field's URL validator for its own, which also takes ftp://.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, URLValidator)),
            *WebURLField.default_validators,
        ]

    def to_representation(self, value):
        return as_uri(value)


def expected_type(field):
    """The JSON type a writable field takes, and its name for error messages."""
    if isinstance(field, serializers.BooleanField):
        return bool, "true or false"
    if isinstance(field, serializers.IntegerField):
        return int, "an integer"
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return list, "a list"
    if isinstance(field, serializers.ManyRelatedField):
        return list, "a list"
    if isinstance(field, serializers.Serializer):
        return dict, "an object"
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.RelatedField
        | serializers.DateTimeField
        | serializers.DateField,
    ):
        return str, "a string"
    return None, None


def type_errors(field, value):
    """What is wrong with the JSON type of `value` for `field`, or None.

    DRF converts where it can (0 becomes "0", "12" becomes 12, "yes" becomes True); a JSON API
    says what it means, so that is a 400 naming the field, as the OpenAPI document says.
    """
    if value is None:
        return None  # The field itself says whether null is allowed.
    kind, name = expected_type(field)
    if kind is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return [serializers.ErrorDetail(f"Expected {name}.", code="invalid")]
    if isinstance(field, serializers.RelatedField) and value == "":
        return [serializers.ErrorDetail("This field may not be blank.", code="blank")]
    if isinstance(field, serializers.RelatedField) and "\x00" in value:
        # No slug holds one, and PostgreSQL refuses it in a query (a 500).
        return [
            serializers.ErrorDetail(
                "Null characters are not allowed.", code="null_characters_not_allowed"
            )
        ]
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if kind is list and child is not None and not isinstance(child, serializers.Serializer):
        errors = {i: e for i, item in enumerate(value) if (e := type_errors(child, item))}
        return errors or None
    return None


class ModelSerializer(serializers.ModelSerializer):
    """Strict about JSON types, and items of a list are whole even in a PATCH.

    A list sent (chapters, people, affiliations) replaces what was there, so each item needs
    its required fields whatever the method.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: URLField,
    }

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only:
                    continue
                if name in data:
                    if found := type_errors(field, data[name]):
                        errors[name] = found
                elif field.required and self.parent is not None:
                    errors[name] = [
                        serializers.ErrorDetail(field.error_messages["required"], code="required")
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def api_url(view_name):
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="slug")


class TagsField(TagListSerializerField):
    """Topics by name, in alphabetical order.

    A new name must give a plain slug: its topic page's address is made of it.
    """

    child = serializers.CharField(max_length=100)

    def to_representation(self, value):
        return sorted(super().to_representation(value), key=str.casefold)

    def to_internal_value(self, value):
        names = super().to_internal_value(value)
        for name in names:
            if not re.fullmatch(r"[-\w]+", slugify(name, allow_unicode=True), re.ASCII):
                raise serializers.ValidationError(
                    f'"{name}": a topic\'s address is made of its letters a-z, digits and '
                    "hyphens, so it needs some, and no accents or other scripts."
                )
        return names


# Small shapes used inside others.


class PersonRefSerializer(ModelSerializer):
    html_url = PageURLField()

    class Meta:
        model = Person
        fields = ["slug", "name", "html_url"]


class PaperRefSerializer(ModelSerializer):
    html_url = PageURLField()

    class Meta:
        model = Paper
        fields = ["slug", "title", "year", "html_url"]


class EpisodeRefSerializer(ModelSerializer):
    html_url = PageURLField()

    class Meta:
        model = Episode
        fields = ["slug", "title", "published_at", "html_url"]


# Organizations and people.


class OrganizationSerializer(ModelSerializer):
    url = api_url("api:organization-detail")

    class Meta:
        model = Organization
        fields = ["url", "slug", "name", "kind", "homepage", "openalex_id"]
        extra_kwargs = {"slug": {"required": False}}


class AffiliationSerializer(ModelSerializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.all()
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Affiliation
        fields = [
            "organization",
            "organization_name",
            "title",
            "is_current",
            "start_year",
            "end_year",
        ]

    def validate(self, data):
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError({"end_year": "It ends before it starts."})
        return data


class ProfileLinksField(serializers.ReadOnlyField):
    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, obj):
        links = obj.links() if hasattr(obj, "links") else obj.external_links()
        return {label: as_uri(url) for label, url in links}


ProfileLinksField = extend_schema_field(
    {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
)(ProfileLinksField)


class PersonSerializer(TaggitSerializer, ModelSerializer):
    """A person in a list, and what editors write."""

    url = api_url("api:person-detail")
    html_url = PageURLField()
    topics = TagsField(required=False)
    affiliations = AffiliationSerializer(many=True, required=False)
    links = ProfileLinksField()

    class Meta:
        model = Person
        fields = [
            "url", "html_url", "slug", "name", "bio", "homepage", "is_host", "topics",
            "affiliations", "openalex_id", "semantic_scholar_id", "orcid", "google_scholar_id",
            "links",
        ]  # fmt: skip
        extra_kwargs = {"slug": {"required": False}}

    def validate_affiliations(self, affiliations):
        keys = [(a["organization"].pk, a.get("title", "")) for a in affiliations]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError("The same position is listed twice.")
        return affiliations

    @transaction.atomic
    def create(self, validated_data):
        affiliations = validated_data.pop("affiliations", [])
        person = super().create(validated_data)
        self._set_affiliations(person, affiliations)
        return person

    @transaction.atomic
    def update(self, instance, validated_data):
        affiliations = validated_data.pop("affiliations", None)
        person = super().update(instance, validated_data)
        if affiliations is not None:
            person.affiliations.all().delete()
            self._set_affiliations(person, affiliations)
        return person

    def _set_affiliations(self, person, affiliations):
        Affiliation.objects.bulk_create(Affiliation(person=person, **a) for a in affiliations)
        search_index.update(people=[person])  # bulk_create() sends no signals


class AppearanceOfPersonSerializer(ModelSerializer):
    episode = EpisodeRefSerializer()

    class Meta:
        model = Appearance
        fields = ["episode", "role", "affiliation"]


class CoauthorSerializer(PersonRefSerializer):
    shared_papers = serializers.IntegerField()

    class Meta(PersonRefSerializer.Meta):
        fields = [*PersonRefSerializer.Meta.fields, "shared_papers"]


class PersonDetailSerializer(PersonSerializer):
    """A person with their place in the graph: episodes, papers, co-authors."""

    appearances = serializers.SerializerMethodField()
    papers = serializers.SerializerMethodField()
    coauthors = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "appearances", "papers", "coauthors"]

    @extend_schema_field(AppearanceOfPersonSerializer(many=True))
    def get_appearances(self, person):
        appearances = (
            Appearance.objects.filter(person=person, episode__in=visible_episodes(self.context))
            .select_related("episode")
            .order_by("-episode__published_at")
        )
        return AppearanceOfPersonSerializer(appearances, many=True, context=self.context).data

    @extend_schema_field(PaperRefSerializer(many=True))
    def get_papers(self, person):
        return PaperRefSerializer(person.papers(), many=True, context=self.context).data

    @extend_schema_field(CoauthorSerializer(many=True))
    def get_coauthors(self, person):
        return CoauthorSerializer(person.coauthors(), many=True, context=self.context).data


# Papers.


class AuthorSlugsField(serializers.ListField):
    """Authors in byline order, as person slugs."""

    child = serializers.SlugRelatedField(slug_field="slug", queryset=Person.objects.all())


class PaperSerializer(TaggitSerializer, ModelSerializer):
    url = api_url("api:paper-detail")
    html_url = PageURLField()
    web_url = URLField(
        source="url",
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Where to read it, if not arXiv or DOI.",
    )
    authors = AuthorSlugsField(required=False, write_only=True)
    byline = serializers.SerializerMethodField()
    tags = TagsField(required=False)
    links = ProfileLinksField()

    class Meta:
        model = Paper
        fields = [
            "url", "html_url", "slug", "title", "year", "published_on", "venue", "abstract",
            "summary", "arxiv_id", "doi", "web_url", "openalex_id", "semantic_scholar_id",
            "tags", "authors", "byline", "links",
        ]  # fmt: skip
        extra_kwargs = {"slug": {"required": False}}

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_byline(self, paper):
        people = [authorship.person for authorship in paper.authorships.all()]
        return PersonRefSerializer(people, many=True, context=self.context).data

    def validate_authors(self, authors):
        if len(set(authors)) != len(authors):
            raise serializers.ValidationError("An author is listed twice.")
        return authors

    @transaction.atomic
    def create(self, validated_data):
        authors = validated_data.pop("authors", [])
        paper = super().create(validated_data)
        self._set_authors(paper, authors)
        return paper

    @transaction.atomic
    def update(self, instance, validated_data):
        authors = validated_data.pop("authors", None)
        paper = super().update(instance, validated_data)
        if authors is not None:
            paper.authorships.all().delete()
            self._set_authors(paper, authors)
        return paper

    def _set_authors(self, paper, authors):
        Authorship.objects.bulk_create(
            Authorship(paper=paper, person=person, order=order)
            for order, person in enumerate(authors, start=1)
        )
        search_index.update(papers=[paper])  # bulk_create() sends no signals


class DiscussionOfPaperSerializer(ModelSerializer):
    episode = EpisodeRefSerializer()
    chapter_start = serializers.IntegerField(source="chapter.start", allow_null=True, default=None)

    class Meta:
        model = Discussion
        fields = ["episode", "chapter_start", "note"]


class PaperDetailSerializer(PaperSerializer):
    cites = serializers.SerializerMethodField()
    cited_by = serializers.SerializerMethodField()
    discussed_in = serializers.SerializerMethodField()

    class Meta(PaperSerializer.Meta):
        fields = [*PaperSerializer.Meta.fields, "cites", "cited_by", "discussed_in"]

    @extend_schema_field(PaperRefSerializer(many=True))
    def get_cites(self, paper):
        return PaperRefSerializer(paper.references.all(), many=True, context=self.context).data

    @extend_schema_field(PaperRefSerializer(many=True))
    def get_cited_by(self, paper):
        return PaperRefSerializer(paper.cited_by.all(), many=True, context=self.context).data

    @extend_schema_field(DiscussionOfPaperSerializer(many=True))
    def get_discussed_in(self, paper):
        discussions = (
            Discussion.objects.filter(paper=paper, episode__in=visible_episodes(self.context))
            .select_related("episode", "chapter")
            .order_by("-episode__published_at")
        )
        return DiscussionOfPaperSerializer(discussions, many=True, context=self.context).data


# Episodes.


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


class EpisodeSerializer(TaggitSerializer, ModelSerializer):
    """An episode as read: people, chapters, papers, audio and links to its page."""

    url = api_url("api:episode-detail")
    html_url = PageURLField()
    show = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    duration_display = serializers.CharField(read_only=True)
    audio = AudioSerializer(source="*", read_only=True)
    people = AppearanceSerializer(source="appearances", many=True, read_only=True)
    chapters = ChapterSerializer(many=True, read_only=True)
    papers = DiscussionSerializer(source="discussions", many=True, read_only=True)
    tags = TagsField(read_only=True)

    class Meta:
        model = Episode
        fields = [
            "url", "html_url", "slug", "title", "show", "number", "season", "episode_type",
            "status", "published_at", "duration", "duration_display", "summary",
            "description", "audio", "guid", "explicit", "music_credits", "transcript",
            "people", "chapters", "papers", "tags",
        ]  # fmt: skip
        read_only_fields = fields


class EpisodeWriteSerializer(TaggitSerializer, ModelSerializer):
    """What editors send: the episode's fields, and its people and chapters as lists.

    A list that is sent replaces what the episode had; one left out is kept as it is.
    """

    # The show, by default the first (the site has one): a default, not "not required", as
    # the unique episode numbers of a show need it.
    show = serializers.SlugRelatedField(
        slug_field="slug", queryset=Show.objects.all(), default=lambda: Show.objects.first()
    )
    tags = TagsField(required=False)
    people = AppearanceSerializer(many=True, required=False)
    chapters = ChapterSerializer(many=True, required=False)

    class Meta:
        model = Episode
        fields = [
            "slug", "title", "show", "number", "season", "episode_type", "status",
            "published_at", "duration", "summary", "description", "audio_url", "audio_size",
            "audio_type", "guid", "explicit", "music_credits", "transcript", "people",
            "chapters", "tags",
        ]  # fmt: skip
        extra_kwargs = {"slug": {"required": False}, "guid": {"required": False}}

    def validate_chapters(self, chapters):
        starts = [chapter["start"] for chapter in chapters]
        if len(set(starts)) != len(starts):
            raise serializers.ValidationError("Two chapters start at the same time.")
        return sorted(chapters, key=lambda chapter: chapter["start"])

    def validate_people(self, people):
        keys = [(p["person"].pk, p.get("role", Appearance.Role.GUEST)) for p in people]
        if len(set(keys)) != len(keys):
            raise serializers.ValidationError("A person appears twice in the same role.")
        return people

    def validate(self, data):
        instance = self.instance or Episode()
        for name, value in data.items():
            if name not in {"people", "chapters", "tags"}:
                setattr(instance, name, value)
        if instance.show_id is None:
            show = Show.objects.first()
            if show is None:
                raise serializers.ValidationError({"show": "Create the show first."})
            data["show"] = instance.show = show
        # The model's own rules (publishing dates, audio size) with the admin's messages.
        clean(instance)
        data["status"] = instance.status
        data["published_at"] = instance.published_at
        duration = data.get("duration", instance.duration)
        for chapter in data.get("chapters", []):
            if duration is not None and chapter["start"] >= duration:
                start, end = format_timestamp(chapter["start"]), format_timestamp(duration)
                raise serializers.ValidationError(
                    {"chapters": f"A chapter starts at {start}, after the episode ends ({end})."}
                )
        return data

    @transaction.atomic
    def create(self, validated_data):
        people = validated_data.pop("people", [])
        chapters = validated_data.pop("chapters", [])
        episode = super().create(validated_data)
        self._set_children(episode, people, chapters)
        return episode

    @transaction.atomic
    def update(self, instance, validated_data):
        people = validated_data.pop("people", None)
        chapters = validated_data.pop("chapters", None)
        episode = super().update(instance, validated_data)
        if people is not None:
            episode.appearances.all().delete()
        if chapters is not None:
            episode.chapters.all().delete()
        self._set_children(episode, people or [], chapters or [])
        return episode

    def _set_children(self, episode, people, chapters):
        Appearance.objects.bulk_create(
            Appearance(episode=episode, **{"order": order, **appearance})
            for order, appearance in enumerate(people)
        )
        Chapter.objects.bulk_create(Chapter(episode=episode, **chapter) for chapter in chapters)
        search_index.update(episodes=[episode])  # bulk_create() sends no signals

    def to_representation(self, episode):
        episode = episodes_as_read(Episode.objects).get(pk=episode.pk)
        return EpisodeSerializer(episode, context=self.context).data


# Posts and tags.


class PostSerializer(TaggitSerializer, ModelSerializer):
    url = api_url("api:post-detail")
    html_url = PageURLField()
    author = serializers.SlugRelatedField(
        slug_field="slug", queryset=Person.objects.all(), required=False, allow_null=True
    )
    papers = serializers.SlugRelatedField(
        slug_field="slug", queryset=Paper.objects.all(), many=True, required=False
    )
    tags = TagsField(required=False)
    word_count = serializers.IntegerField(read_only=True)
    reading_time = serializers.IntegerField(read_only=True, help_text="Minutes.")
    hindsight = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "url", "html_url", "slug", "title", "dek", "author", "status", "published_at",
            "body", "word_count", "reading_time", "papers", "tags", "hindsight",
            "hindsight_verdict", "hindsight_note", "hindsight_date",
        ]  # fmt: skip
        extra_kwargs = {
            "slug": {"required": False},
            "hindsight_verdict": {"write_only": True},
            "hindsight_note": {"write_only": True},
            "hindsight_date": {"write_only": True},
        }

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "verdict": {"type": "string"},
                "label": {"type": "string"},
                "note": {"type": "string"},
                "date": {"type": "string", "format": "date"},
            },
        }
    )
    def get_hindsight(self, post):
        if not post.has_hindsight():
            return None
        return {
            "verdict": post.hindsight_verdict,
            "label": post.get_hindsight_verdict_display(),
            "note": post.hindsight_note,
            "date": post.hindsight_date.isoformat(),
        }

    def validate(self, data):
        instance = self.instance or Post()
        for name, value in data.items():
            if name not in {"papers", "tags"}:
                setattr(instance, name, value)
        clean(instance)
        data["status"] = instance.status
        data["published_at"] = instance.published_at
        return data


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    html_url = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, tag):
        from django.urls import reverse

        return absolute(reverse("tag_detail", args=[tag.slug]))

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                kind: {"type": "integer"} for kind in ("episodes", "papers", "posts", "people")
            },
        }
    )
    def get_counts(self, tag):
        return {
            "episodes": tag.episode_count,
            "papers": tag.paper_count,
            "posts": tag.post_count,
            "people": tag.person_count,
        }


# Search (/api/v1/search/): the site's search results, as the /search/ page ranks them.


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text='What to look for, in web search syntax: words, "a phrase", -excluded, '
        "this OR that. Only the first 200 characters are used; a query with no letter or "
        "digit finds nothing.",
    )
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        required=False,
        allow_blank=True,
        help_text="Only results of this kind (all kinds when left out).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A query is cleaned rather than refused: control characters, NUL included, are
        # dropped by search.results.clean_terms.
        q = self.fields["q"]
        q.validators = [
            v for v in q.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class SearchResultSerializer(ModelSerializer):
    title_html = serializers.CharField(
        help_text="The title as HTML, the matched words in <mark>; everything else escaped."
    )
    snippet_html = serializers.CharField(
        help_text="A passage around the matched words, as HTML like title_html."
    )
    html_url = PageURLField(
        help_text="The page of the result; for a chapter, the episode at that moment (?t=)."
    )
    timestamp = serializers.SerializerMethodField(
        help_text='A chapter\'s start as "h:mm:ss" or "mm:ss"; null for other kinds.'
    )
    rank = serializers.FloatField(
        help_text="Relevance: higher is better (comparable within one search only)."
    )

    class Meta:
        model = Entry
        fields = [
            "kind",
            "title",
            "title_html",
            "snippet_html",
            "context",
            "html_url",
            "start",
            "timestamp",
            "date",
            "rank",
        ]
        extra_kwargs = {
            "context": {"help_text": "Who or what it belongs to: guests, authors, episode."},
            "start": {"help_text": "A chapter's start in seconds; null for other kinds."},
        }

    def get_timestamp(self, entry) -> str | None:
        return entry.timestamp() or None
