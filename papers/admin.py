from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from core.admin import YearFilter
from papers import sources
from papers.jobs import queue_paper_import
from papers.models import Authorship, Citation, Paper
from papers.services import check_authors


class AuthorshipFormSet(forms.BaseInlineFormSet):
    """Number the byline from the rows' order when the editor leaves positions blank; an
    author once (papers.services)."""

    def clean(self):
        forms_kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form) and hasattr(form, "cleaned_data")
        ]
        taken = {form.cleaned_data.get("order") for form in forms_kept} - {None}
        position = max(taken, default=0)
        for form in forms_kept:
            if form.cleaned_data.get("person") and not form.cleaned_data.get("order"):
                position += 1
                form.cleaned_data["order"] = form.instance.order = position
        people = [
            form.cleaned_data["person"] for form in forms_kept if form.cleaned_data.get("person")
        ]
        try:
            check_authors(people=people)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        super().clean()


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    formset = AuthorshipFormSet
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["order", "person"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["order"].required = False
        formset.form.base_fields["order"].help_text = "Leave blank to number in row order."
        return formset


class CitationInline(admin.TabularInline):
    model = Citation
    fk_name = "citing"
    extra = 0
    autocomplete_fields = ["cited"]
    verbose_name = "reference"
    verbose_name_plural = "references (papers this one cites)"


class PaperYearFilter(YearFilter):
    def years(self, model_admin):
        years = Paper.objects.exclude(year=None).order_by("-year").values_list("year", flat=True)
        return dict.fromkeys(years)


class AddByIdForm(forms.Form):
    identifier = forms.CharField(
        label="arXiv id or DOI",
        max_length=300,
        required=False,
        help_text="Like 2405.07987 or 10.1038/nature14539; links to arxiv.org or doi.org "
        "work too. The paper and its authors are looked up on arXiv or doi.org.",
        widget=forms.TextInput(attrs={"autofocus": True, "size": 40}),
    )

    file = forms.FileField(
        label="or a BibTeX file",
        required=False,
        help_text="Every entry is imported; one that can't be is skipped with the reason.",
    )

    def clean_identifier(self):
        if not self.cleaned_data["identifier"].strip():
            return None
        try:
            return sources.parse_identifier(self.cleaned_data["identifier"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("identifier")) == bool(cleaned.get("file")):
            raise forms.ValidationError(
                "Give an arXiv id or DOI, or a BibTeX file (one of the two)."
            )
        return cleaned


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    ordering = Paper._meta.ordering  # Papers without a year last, on every database.
    list_display = ["title", "year", "venue", "byline", "episode_count", "cited_by_count"]
    list_filter = [PaperYearFilter, "tags"]
    search_fields = ["title", "arxiv_id", "doi", "authorships__person__name", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AuthorshipInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "year", "published_on", "venue", "tags"]}),
        ("For listeners", {"fields": ["summary", "abstract"]}),
        (
            "Identifiers and links",
            {"fields": ["arxiv_id", "doi", "url", "openalex_id", "semantic_scholar_id"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                episode_total=Count("discussions", distinct=True),
                cited_by_total=Count("citations_received", distinct=True),
            )
            .prefetch_related("authorships__person")
        )

    @admin.display(description="Authors")
    def byline(self, paper):
        names = [authorship.person.name for authorship in paper.authorships.all()]
        return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")

    @admin.display(description="Episodes", ordering="episode_total")
    def episode_count(self, paper):
        return paper.episode_total

    @admin.display(description="Cited by", ordering="cited_by_total")
    def cited_by_count(self, paper):
        return paper.cited_by_total

    # Adding a paper by its arXiv id or DOI.

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_add_by_id"
        view = self.admin_site.admin_view(self.add_by_id_view)
        return [path("add-by-id/", view, name=name), *super().get_urls()]

    def add_by_id_view(self, request):
        """A form for an arXiv id or DOI; the lookup and import are queued as a job, whose
        page shows how it went and links to the paper."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddByIdForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            identifier, file = form.cleaned_data["identifier"], form.cleaned_data["file"]
            job = queue_paper_import(
                user=request.user, identifiers=[identifier] if identifier else [], file=file
            )
            return redirect(job.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add paper by arXiv id or DOI",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/papers/paper/add_by_id.html", context)
