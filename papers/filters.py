import django_filters

from core import versions
from core.filters import StrictFilterSet, offer_most_used, offered_topics, topic_filter
from papers.models import Paper


def paper_years():
    def compute():
        years = Paper.objects.exclude(year=None).order_by("-year").values_list("year", flat=True)
        return [(year, year) for year in years.distinct()]

    return versions.memoize("paper-filter:years", compute)


def offered_authors():
    """The authors of the most papers, for the author select (once per content version)."""
    return versions.memoize(
        "paper-filter:authors",
        lambda: offer_most_used(Paper.objects.authors(), Paper.objects.count_per_person()),
    )


class PaperFilter(StrictFilterSet):
    """The paper list's filters: ?tag=<slug>&year=2024&author=<slug>."""

    tag = topic_filter(Paper)
    year = django_filters.ChoiceFilter(choices=paper_years, empty_label="Any year", label="Year")
    author = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Paper.objects.authors().order_by("name"),
        method="filter_author",
        empty_label="Any author",
        label="Author",
    )
    offered = {"tag": lambda: offered_topics(Paper), "author": offered_authors}

    class Meta:
        model = Paper
        fields = ["tag", "year", "author"]

    def filter_author(self, queryset, name, person):
        return queryset.by(person)
