from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core.pagination import paginate
from episodes.models import Discussion, Episode
from pages import structured_data
from papers.bibtex import paper_to_bibtex
from papers.filters import PaperFilter
from papers.models import Authorship, Paper


def paper_list(request):
    filterset = PaperFilter(
        request.GET, queryset=Paper.objects.with_authors().order_by(*Paper._meta.ordering)
    )
    page = paginate(request, filterset.qs.distinct())
    return render(request, "papers/paper_list.html", {"filter": filterset, "page": page})


def _paper(slug):
    papers = Paper.objects.prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("person")), "tags"
    )
    return get_object_or_404(papers, slug=slug)


def paper_detail(request, slug):
    paper = _paper(slug)
    authors = paper.ordered_authors()
    discussions = (
        Discussion.objects.filter(paper=paper, episode__in=Episode.objects.published())
        .select_related("episode", "chapter")
        .order_by("-episode__published_at")
    )
    context = {
        "paper": paper,
        "authors": authors,
        "bibtex": paper_to_bibtex(paper, authors),
        "references": paper.references.with_authors(),
        "cited_by": paper.cited_by.with_authors(),
        "discussions": discussions,
        "structured_data": structured_data.scholarly_article(paper, authors),
    }
    return render(request, "papers/paper_detail.html", context)


BIBTEX = "application/x-bibtex; charset=utf-8"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def download(content, content_type, filename):
    """A response the browser saves as `filename` (a slug and an extension: no quoting)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def paper_bibtex(request, slug):
    paper = _paper(slug)
    return download(paper_to_bibtex(paper), BIBTEX, f"{paper.slug}.bib")
