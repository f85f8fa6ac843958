from django.shortcuts import render

from ibsite.pagination import paginate
from ibsite.tags import popular_tags
from search.models import Kind
from search.results import Search


def search(request):
    """Results for ?q=: the best of each kind, or with ?kind= every match of one kind, by
    pages. An empty or hopeless query gets help instead of an error."""
    search = Search(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    counts = search.counts() if search.searchable else dict.fromkeys(Kind.values, 0)
    total = sum(counts.values())
    context = {
        "search": search,
        "kind": kind,
        "kind_label": Kind(kind).label if kind else "",
        "tabs": [(value, label, counts[value]) for value, label in Kind.choices],
        "total": total,
    }
    if kind:
        page = paginate(request, search.ranked(kind))
        page.object_list = search.highlight(page.object_list)
        context["page"] = page
    elif total:
        context["groups"] = [
            (value, Kind(value).label, entries, counts[value])
            for value, entries in search.best_of_each_kind().items()
        ]
    if not total:
        context["topics"] = popular_tags(limit=10)
    return render(request, "search/search.html", context)
