"""/api/v1/search/: the site's search results, as the /search/ page ranks them."""

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from api.serializers.base import (
    ModelSerializer,
    PageURLField,
)
from search.models import Entry, Kind


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
