"""Organizations and people: a person as listed, as written by editors, and in detail."""

from django.db import transaction
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
    TagsField,
    api_url,
    visible_episodes,
)
from episodes.models import Appearance
from papers.models import Paper
from people.models import Affiliation, Organization, Person
from search import index as search_index


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
