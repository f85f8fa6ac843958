import django_filters
from taggit.models import Tag

from core.filters import StrictFilterSet
from episodes.models import Episode


def published_topics(request=None):
    """Topics of published episodes (a draft's topics are not shown before it is out)."""
    published = Episode.objects.live().values("pk")
    return Tag.objects.filter(episode__in=published).distinct().order_by("name")


def published_guests(request=None):
    """Guests of published episodes (an upcoming guest is not named before the episode)."""
    return Episode.objects.live().guests().order_by("name")


def episode_years():
    dates = Episode.objects.live().dates("published_at", "year", order="DESC")
    return [(date.year, date.year) for date in dates]


class EpisodeFilter(StrictFilterSet):
    """The episode list's filters: ?tag=<slug>&guest=<slug>&year=2026."""

    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="slug",
        queryset=published_topics,
        empty_label="Any topic",
        label="Topic",
    )
    guest = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=published_guests,
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
        return queryset.with_guest(person)
