from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from people.models import Affiliation, Organization, Person
from people.services import check_affiliations


class AffiliationFormSet(forms.BaseInlineFormSet):
    """The same position once, said as the API says it (people.services)."""

    def clean(self):
        affiliations = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("organization")
            and not self._should_delete_form(form)
        ]
        try:
            check_affiliations(affiliations=affiliations)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        super().clean()


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    formset = AffiliationFormSet
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "title", "is_current", "start_year", "end_year"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # Explicit: querysets with counts drop Meta.ordering, and autocomplete needs an order.
    ordering = ["name"]
    list_display = ["name", "is_host", "current_positions", "appearance_count", "paper_count"]
    list_filter = ["is_host", "affiliations__organization", "topics"]
    search_fields = ["name", "bio", "affiliations__organization__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_host", "bio", "homepage", "photo", "topics"]}),
        (
            "Research profiles",
            {"fields": ["openalex_id", "semantic_scholar_id", "orcid", "google_scholar_id"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                appearance_total=Count("appearances", distinct=True),
                paper_total=Count("authorships", distinct=True),
            )
            .prefetch_related("affiliations__organization")
        )

    @admin.display(description="Current positions")
    def current_positions(self, person):
        return ", ".join(str(a.organization) for a in person.affiliations.all() if a.is_current)

    @admin.display(description="Episodes", ordering="appearance_total")
    def appearance_count(self, person):
        return person.appearance_total

    @admin.display(description="Papers", ordering="paper_total")
    def paper_count(self, person):
        return person.paper_total


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    ordering = ["name"]
    list_display = ["name", "kind", "people_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.annotate(people_total=Count("affiliations__person", distinct=True))

    @admin.display(description="People", ordering="people_total")
    def people_count(self, organization):
        return organization.people_total
