from django.shortcuts import render

from core.pagination import paginate
from core.versions import versioned
from pages.tags import popular_tags
from search.models import Kind
from search.results import CAP, Search


@versioned
def search(request):
    """Results for ?q=: the best of each kind, or with ?kind= every match of one kind, by
    pages. An empty or hopeless query gets help instead of an error.

    Versioned like the pages: a popular query is answered from the page cache, and an
    unusual one costs one cache entry that expires (PAGE_CACHE_SECONDS)."""
    search = Search(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    counts = search.counts()
    total = sum(counts.values())
    # A count at the cap means "that many or more".
    shown = {value: f"{n:,}+" if n >= CAP else f"{n:,}" for value, n in counts.items()}
    context = {
        "search": search,
        "kind": kind,
        "kind_label": Kind(kind).label if kind else "",
        "kind_count": shown.get(kind, ""),
        "tabs": [(value, label, counts[value], shown[value]) for value, label in Kind.choices],
        "total": total,
        "total_shown": f"{total:,}+" if any(n >= CAP for n in counts.values()) else f"{total:,}",
    }
    if kind:
        context["page"] = paginate(request, search.ranked(kind))
    elif total:
        context["groups"] = [
            (value, Kind(value).label, entries, counts[value], shown[value])
            for value, entries in search.best_of_each_kind().items()
        ]
    if not total:
        context["topics"] = popular_tags(limit=10)
    return render(request, "search/search.html", context)
