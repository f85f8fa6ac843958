import django_filters

from core.filters import StrictFilterSet
from people.models import Organization, Person

ROLE_CHOICES = [("host", "Hosts"), ("guest", "Guests"), ("author", "Authors")]


class PersonFilter(StrictFilterSet):
    """The people list's filters: ?role=host|guest|author&organization=<slug>."""

    role = django_filters.ChoiceFilter(
        choices=ROLE_CHOICES, method="filter_role", empty_label="Everyone", label="Role"
    )
    organization = django_filters.ModelChoiceFilter(
        field_name="affiliations__organization",
        to_field_name="slug",
        queryset=Organization.objects.all(),
        empty_label="Any organization",
        label="Organization",
    )

    class Meta:
        model = Person
        fields = ["role", "organization"]

    def filter_role(self, queryset, name, role):
        return {
            "host": queryset.hosts,
            "guest": queryset.guests,
            "author": queryset.authors,
        }[role]()
