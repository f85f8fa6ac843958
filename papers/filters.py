import django_filters
from taggit.models import Tag

from core.filters import StrictFilterSet
from papers.models import Paper


def paper_years():
    years = Paper.objects.exclude(year=None).order_by("-year").values_list("year", flat=True)
    return [(year, year) for year in dict.fromkeys(years)]


class PaperFilter(StrictFilterSet):
    """The paper list's filters: ?tag=<slug>&year=2024&author=<slug>."""

    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="slug",
        queryset=Tag.objects.filter(paper__isnull=False).distinct().order_by("name"),
        empty_label="Any topic",
        label="Topic",
    )
    year = django_filters.ChoiceFilter(choices=paper_years, empty_label="Any year", label="Year")
    author = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Paper.objects.authors().order_by("name"),
        method="filter_author",
        empty_label="Any author",
        label="Author",
    )

    class Meta:
        model = Paper
        fields = ["tag", "year", "author"]

    def filter_author(self, queryset, name, person):
        return queryset.by(person)
