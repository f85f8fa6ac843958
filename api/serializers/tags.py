"""Topics, with how much of each kind they tag."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.links import absolute


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
