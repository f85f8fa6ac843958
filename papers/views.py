from django.shortcuts import get_object_or_404, render

from papers.models import Paper


def paper_detail(request, slug):
    paper = get_object_or_404(Paper.objects.prefetch_related("authorships__person"), slug=slug)
    return render(request, "papers/paper_detail.html", {"paper": paper})
