import django_filters
from taggit.models import Tag

from core import versions
from core.filters import StrictFilterSet, offer_most_used
from core.tagging import count_per_tag
from episodes.models import Episode


def published_topics(request=None):
    """Topics of published episodes (a draft's topics are not shown before it is out)."""
    published = Episode.objects.live().values("pk")
    return Tag.objects.filter(episode__in=published).distinct().order_by("name")


def published_guests(request=None):
    """Guests of published episodes (an upcoming guest is not named before the episode)."""
    return Episode.objects.live().guests().order_by("name")


def episode_years():
    def compute():
        dates = Episode.objects.live().dates("published_at", "year", order="DESC")
        return [(date.year, date.year) for date in dates]

    return versions.memoize("episode-filter:years", compute)


def offered_topics():
    """The most used topics of published episodes, for the topic select (once per version)."""
    live = Episode.objects.live()
    topics = Tag.objects.filter(pk__in=published_topics().values("pk"))
    return versions.memoize(
        "episode-filter:topics",
        lambda: offer_most_used(topics, count_per_tag(Episode, live)),
    )


def offered_guests():
    """The guests in the most published episodes, for the guest select (once per version)."""
    live = Episode.objects.live()
    return versions.memoize(
        "episode-filter:guests",
        lambda: offer_most_used(live.guests(), live.count_per_person()),
    )


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
    offered = {"tag": offered_topics, "guest": offered_guests}

    class Meta:
        model = Episode
        fields = ["tag", "guest", "year"]

    def filter_guest(self, queryset, name, person):
        return queryset.with_guest(person)
