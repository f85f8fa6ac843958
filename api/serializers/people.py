"""Organizations and people: a person as listed, as written by editors, and in detail."""

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
    api_url,
    errors_under,
    visible_episodes,
)
from episodes.models import Appearance
from papers.models import Paper
from people.models import Affiliation, Organization, Person
from people.services import check_affiliation_years, replace_affiliations


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
        with errors_under("end_year"):
            check_affiliation_years(
                start_year=data.get("start_year"), end_year=data.get("end_year")
            )
        return data


class PersonSerializer(ReplacesLists, TaggitSerializer, ModelSerializer):
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

    replaces = {
        "affiliations": lambda person, positions: replace_affiliations(
            person=person, affiliations=positions
        )
    }


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
        appearances = visible_episodes(self.context).appearances_of(person)
        return AppearanceOfPersonSerializer(appearances, many=True, context=self.context).data

    @extend_schema_field(PaperRefSerializer(many=True))
    def get_papers(self, person):
        papers = Paper.objects.by(person)
        return PaperRefSerializer(papers, many=True, context=self.context).data

    @extend_schema_field(CoauthorSerializer(many=True))
    def get_coauthors(self, person):
        coauthors = Paper.objects.coauthors_of(person)
        return CoauthorSerializer(coauthors, many=True, context=self.context).data
