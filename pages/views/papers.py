from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from core.pagination import paginate
from core.versions import versioned
from episodes.models import Episode
from pages import structured_data
from papers.bibtex import paper_to_bibtex
from papers.filters import PaperFilter
from papers.models import Paper


def listed(papers):
    """Papers as lists show them: bylines, tags, and how many published episodes discussed
    each (`includes/paper_item.html`)."""
    return (
        papers.with_authors()
        .defer("abstract", "summary")  # long, and not shown in lists
        .annotate(episode_count=Episode.objects.live().count_per_paper())
    )


@versioned
def paper_list(request):
    filterset = PaperFilter(request.GET, queryset=listed(Paper.objects.all()))
    page = paginate(request, filterset.qs)
    return render(request, "papers/paper_list.html", {"filter": filterset, "page": page})


def _paper(slug):
    return get_object_or_404(Paper.objects.with_authors(), slug=slug)


@versioned
def paper_detail(request, slug):
    paper = _paper(slug)
    authors = paper.ordered_authors()
    context = {
        "paper": paper,
        "authors": authors,
        "bibtex": paper_to_bibtex(paper, authors),
        "references": listed(paper.references.all()),
        "cited_by": listed(paper.cited_by.all()),
        "discussions": Episode.objects.live().discussions_of(paper),
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


@versioned
def paper_bibtex(request, slug):
    paper = _paper(slug)
    return download(paper_to_bibtex(paper), BIBTEX, f"{paper.slug}.bib")
