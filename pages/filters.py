"""The people list's filters, and the role filter the API shares.

They sit here rather than in `people`: a role is known from the apps above it (a guest
from the episodes, an author from the papers).
"""

import django_filters
from taggit.models import Tag

from core import versions
from core.filters import StrictFilterSet, offer_most_used
from core.tagging import count_per_tag
from episodes.models import Episode
from papers.models import Paper
from people.models import Organization, Person

ROLE_CHOICES = [("host", "Hosts"), ("guest", "Guests"), ("author", "Authors")]


def in_role(people, role, episodes):
    """The `people` who are hosts, guests (of `episodes`), or authors.

    Pass the episodes the visitor may see, so that an upcoming guest is not named early.
    """
    if role == "host":
        return people.hosts()
    named = episodes.guests() if role == "guest" else Paper.objects.authors()
    return people.filter(pk__in=named.values("pk"))


def offered_topics():
    """The research topics of the most people, for the topic select (once per version)."""
    topics = Tag.objects.filter(person__isnull=False).distinct()
    return versions.memoize(
        "person-filter:topics",
        lambda: offer_most_used(Tag.objects.filter(pk__in=topics), count_per_tag(Person)),
    )


class PersonFilter(StrictFilterSet):
    """The people list's filters: ?role=host|guest|author&organization=<slug>&tag=<slug>."""

    role = django_filters.ChoiceFilter(
        choices=ROLE_CHOICES, method="filter_role", empty_label="Everyone", label="Role"
    )
    organization = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Organization.objects.all(),
        method="filter_organization",
        empty_label="Any organization",
        label="Organization",
    )

    tag = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Tag.objects.filter(person__isnull=False).distinct().order_by("name"),
        method="filter_tag",
        empty_label="Any topic",
        label="Topic",
    )
    offered = {"tag": offered_topics}

    class Meta:
        model = Person
        fields = ["role", "organization", "tag"]

    def filter_role(self, queryset, name, role):
        return in_role(queryset, role, Episode.objects.live())

    def filter_organization(self, queryset, name, organization):
        return queryset.at(organization)

    def filter_tag(self, queryset, name, topic):
        return queryset.on_topic(topic)
