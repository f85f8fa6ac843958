import django_filters

from core import versions
from core.filters import StrictFilterSet, offer_most_used, offered_topics, topic_filter
from episodes.models import Episode


def live():
    """The episodes the public sees (a function: "now" is when it is called)."""
    return Episode.objects.live()


def published_guests(request=None):
    """Guests of published episodes (an upcoming guest is not named before the episode)."""
    return Episode.objects.live().guests().order_by("name")


def episode_years():
    def compute():
        dates = Episode.objects.live().dates("published_at", "year", order="DESC")
        return [(date.year, date.year) for date in dates]

    return versions.memoize("episode-filter:years", compute)


def offered_guests():
    """The guests in the most published episodes, for the guest select (once per version)."""
    episodes = Episode.objects.live()
    return versions.memoize(
        "episode-filter:guests",
        lambda: offer_most_used(episodes.guests(), episodes.count_per_person()),
    )


class EpisodeFilter(StrictFilterSet):
    """The episode list's filters: ?tag=<slug>&guest=<slug>&year=2026."""

    tag = topic_filter(Episode, live)
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
    offered = {"tag": lambda: offered_topics(Episode, live), "guest": offered_guests}

    class Meta:
        model = Episode
        fields = ["tag", "guest", "year"]

    def filter_guest(self, queryset, name, person):
        return queryset.with_guest(person)
