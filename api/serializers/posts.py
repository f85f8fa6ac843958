"""Editorial posts, with their hindsight verdicts."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from taggit.serializers import TaggitSerializer

from api.serializers.base import (
    ModelSerializer,
    PageURLField,
    StateField,
    StatusField,
    TagsField,
    api_url,
    clean_publishable,
    sent_status,
)
from papers.models import Paper
from people.models import Person
from posts.models import Post


@extend_schema_serializer(deprecate_fields=["status"])
class PostSerializer(TaggitSerializer, ModelSerializer):
    url = api_url("api:post-detail")
    html_url = PageURLField()
    state = StateField()
    status = StatusField()
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
            "url", "html_url", "slug", "title", "dek", "author", "state", "status", "published_at",
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
        status = sent_status(instance, data)
        for name, value in data.items():
            if name not in {"papers", "tags"}:
                setattr(instance, name, value)
        clean_publishable(instance, status, data)
        return data
