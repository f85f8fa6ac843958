"""Papers: as listed, as written by editors (authors by slug), and in detail."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.serializers import TaggitSerializer

from api.serializers.base import (
    EpisodeRefSerializer,
    ModelSerializer,
    PageURLField,
    PaperRefSerializer,
    PersonRefSerializer,
    ProfileLinksField,
    ReplacesLists,
    TagsField,
    URLField,
    api_url,
    visible_episodes,
)
from episodes.models import Discussion
from papers.models import Paper
from papers.services import replace_authors
from people.models import Person


class AuthorSlugsField(serializers.ListField):
    """Authors in byline order, as person slugs."""

    child = serializers.SlugRelatedField(slug_field="slug", queryset=Person.objects.all())


class PaperSerializer(ReplacesLists, TaggitSerializer, ModelSerializer):
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

    replaces = {"authors": lambda paper, people: replace_authors(paper=paper, people=people)}

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_byline(self, paper):
        people = [authorship.person for authorship in paper.authorships.all()]
        return PersonRefSerializer(people, many=True, context=self.context).data


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
        discussions = visible_episodes(self.context).discussions_of(paper)
        return DiscussionOfPaperSerializer(discussions, many=True, context=self.context).data
