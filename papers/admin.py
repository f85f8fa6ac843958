from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.admin import YearFilter
from papers import sources
from papers.importers import CREATED, UNCHANGED, ImportProblem, import_paper
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
        help_text="Like 2405.07987 or 10.1038/nature14539; links to arxiv.org or doi.org "
        "work too. The paper and its authors are looked up on arXiv or doi.org.",
        widget=forms.TextInput(attrs={"autofocus": True, "size": 40}),
    )

    def clean_identifier(self):
        try:
            return sources.parse_identifier(self.cleaned_data["identifier"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


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
        """A form for an arXiv id or DOI; the paper is looked up, imported, and opened."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddByIdForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            identifier = form.cleaned_data["identifier"]
            try:
                with sources.open_sources() as found:
                    metadata = found.fetch(identifier)
                result = import_paper(metadata)
            except sources.SourceError as error:
                form.add_error("identifier", str(error))
            except ImportProblem as error:
                form.add_error("identifier", f"This paper cannot be added: {error}")
            else:
                return self._added(request, identifier, result)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add paper by arXiv id or DOI",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/papers/paper/add_by_id.html", context)

    def _added(self, request, identifier, result):
        paper = result.paper
        people = ""
        if result.new_people:
            people = f", {len(result.new_people)} of them new"
        if result.status == CREATED:
            self.log_addition(request, paper, [{"added": {}}])
            messages.success(
                request,
                f"Added \u201c{paper.title}\u201d from {identifier}, with {result.authors} "
                f"author{'s' if result.authors != 1 else ''}{people}. Check it, add a summary "
                "and topics.",
            )
        elif result.status == UNCHANGED:
            messages.info(
                request, f"\u201c{paper.title}\u201d was already here; {identifier} adds nothing."
            )
        else:
            filled = [Paper._meta.get_field(name).verbose_name for name in result.filled]
            if result.authors:
                filled.append(f"{result.authors} authors{people}")
            self.log_change(request, paper, [{"changed": {"fields": filled}}])
            messages.success(
                request,
                f"\u201c{paper.title}\u201d was already here; filled in from {identifier}: "
                f"{', '.join(filled)}.",
            )
        return redirect(reverse("admin:papers_paper_change", args=[paper.pk]))
