"""The API's filters: the site's filters, as integrations need them.

The site's filter sets offer choices (topics, guests, years) in a form; here a slug or a
year that matches nothing is a valid question with an empty answer, as the OpenAPI document
says (it cannot list every slug). A malformed value (?year=abc, a date that is not ISO
8601, an unknown role) is a 400 that names the parameter.
"""

import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.filters import search_smart_split

from episodes.models import Episode
from pages.filters import ROLE_CHOICES, in_role
from papers.models import Paper
from people.models import Person

YEAR = {"type": "integer", "minimum": 1, "maximum": 9999}
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
DATE_OR_DATE_TIME = {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]}


def document(filter, schema):
    """Say in the OpenAPI document what the filter takes, with its label."""
    extend_schema_field({**schema, "description": filter.label})(filter)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=YEAR["minimum"], max_value=YEAR["maximum"], **kwargs)
        document(self, YEAR)


DATE = r"\d{4}-\d{2}-\d{2}"
DATE_TIME = DATE + r"[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"


class DateTimeField(IsoDateTimeField):
    """A date and time in RFC 3339 (2025-01-31T09:00:00Z), or a date (midnight UTC)."""

    def to_python(self, value):
        if value and not re.fullmatch(f"{DATE_TIME}|{DATE}", value, re.ASCII):
            raise ValidationError(
                "Enter a date (2025-01-31) or a date and time (2025-01-31T09:00:00Z).",
                code="invalid",
            )
        value = super().to_python(value)
        try:
            # In UTC: PostgreSQL refuses offsets past 15:59 (RFC 3339 allows 23:59).
            return value and value.astimezone(datetime.UTC)
        except OverflowError:  # 0001-01-01T00:00:00+01:00
            raise ValidationError("That date is out of range.", code="invalid") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = DateTimeField

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        document(self, DATE_OR_DATE_TIME)


class SlugFilter(django_filters.CharFilter):
    """A slug; one that matches nothing gives an empty list."""

    field_class = forms.SlugField

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)
        document(self, SLUG)


class EpisodeAPIFilter(django_filters.FilterSet):
    """?tag=, ?guest= (slugs), ?year=, and ?published_after= / ?published_before= (ISO 8601)."""

    tag = SlugFilter(field_name="tags__slug", label="A topic's slug")
    guest = SlugFilter(method="filter_guest", label="A guest's slug")
    year = YearFilter(field_name="published_at", lookup_expr="year", label="Year published")
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", label="Published at or after"
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lt", label="Published before"
    )

    class Meta:
        model = Episode
        fields = ["tag", "guest", "year", "published_after", "published_before"]

    def filter_guest(self, queryset, name, slug):
        return queryset.with_guest(slug)


class PaperFilter(django_filters.FilterSet):
    """?tag=<slug>&year=2024&author=<slug>."""

    tag = SlugFilter(field_name="tags__slug", label="A topic's slug")
    year = YearFilter(label="Year")
    author = SlugFilter(method="filter_author", label="An author's slug")

    class Meta:
        model = Paper
        fields = ["tag", "year", "author"]

    def filter_author(self, queryset, name, slug):
        return queryset.by(slug)


class PersonFilter(django_filters.FilterSet):
    """?role=host|guest|author&organization=<slug>&tag=<slug>."""

    role = django_filters.ChoiceFilter(choices=ROLE_CHOICES, method="filter_role", label="Role")
    organization = SlugFilter(method="filter_organization", label="An organization's slug")
    tag = SlugFilter(method="filter_tag", label="A research topic's slug")

    class Meta:
        model = Person
        fields = ["role", "organization", "tag"]

    def filter_role(self, queryset, name, role):
        # Guests of what the client may see: an upcoming guest is not named early.
        return in_role(queryset, role, Episode.objects.visible_to(self.request.user))

    def filter_organization(self, queryset, name, slug):
        return queryset.at(slug)

    def filter_tag(self, queryset, name, slug):
        return queryset.on_topic(slug)


class SearchFilter(filters.SearchFilter):
    """?search=, where a NUL character (which no text holds) is left out, not a 400."""

    def get_search_terms(self, request):
        value = request.query_params.get(self.search_param, "").replace("\x00", "")
        return search_smart_split(value)


class ReviewFilter(django_filters.FilterSet):
    episode = SlugFilter(field_name="episode__slug", label="Reviews of this episode (its slug).")
    show = django_filters.ChoiceFilter(
        method="of_show",
        choices=[("1", "1"), ("0", "0")],
        label="1: reviews of the show as a whole; 0: reviews of episodes.",
    )

    def of_show(self, queryset, name, value):
        return queryset.filter(episode__isnull=value == "1")


# A number, not words: "true" would look like a boolean, which the document does not offer.
document(ReviewFilter.base_filters["show"], {"type": "integer", "enum": [0, 1]})
