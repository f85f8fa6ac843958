import django_filters
from django.db.models import Q
from taggit.models import Tag

from episodes.models import Appearance, Episode
from ibsite.filters import StrictFilterSet
from people.models import Person


def episode_years():
    dates = Episode.objects.published().dates("published_at", "year", order="DESC")
    return [(date.year, date.year) for date in dates]


class EpisodeFilter(StrictFilterSet):
    """The episode list's filters: ?tag=<slug>&guest=<slug>&year=2026."""

    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="slug",
        queryset=Tag.objects.filter(episode__isnull=False).distinct().order_by("name"),
        empty_label="Any topic",
        label="Topic",
    )
    guest = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Person.objects.guests().order_by("name"),
        method="filter_guest",
        empty_label="Any guest",
        label="Guest",
    )
    year = django_filters.ChoiceFilter(
        field_name="published_at",
        lookup_expr="year",
        choices=episode_years,
        empty_label="Any year",
        label="Year",
    )

    class Meta:
        model = Episode
        fields = ["tag", "guest", "year"]

    def filter_guest(self, queryset, name, person):
        return queryset.filter(
            Q(appearances__person=person) & Q(appearances__role=Appearance.Role.GUEST)
        )
