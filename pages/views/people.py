from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from core.links import absolute
from core.pagination import paginate
from episodes.models import Appearance, Episode
from pages import structured_data
from pages.views.papers import BIBTEX, download
from papers.citations import papers_to_bibtex
from papers.models import Authorship
from people.filters import PersonFilter
from people.models import Affiliation, Person


def person_list(request):
    filterset = PersonFilter(request.GET, queryset=Person.objects.for_list())
    page = paginate(request, filterset.qs)
    return render(request, "people/person_list.html", {"filter": filterset, "page": page})


def person_detail(request, slug):
    person = get_object_or_404(
        Person.objects.prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
            "topics",
        ),
        slug=slug,
    )
    appearances = (
        Appearance.objects.filter(person=person, episode__in=Episode.objects.published())
        .select_related("episode")
        .order_by("-episode__published_at")
    )
    affiliations = person.affiliations.all()
    context = {
        "person": person,
        "affiliations": affiliations,
        "appearances": appearances,
        "papers": person.papers().prefetch_related("authorships__person"),
        "coauthors": person.coauthors(),
        "cited_by": person.cited_by(),
        "mentions": person.recent_mentions(),
        "structured_data": structured_data.person(person, affiliations),
    }
    return render(request, "people/person_detail.html", context)


def person_papers_bibtex(request, slug):
    """Everything this person wrote, as one .bib file (one entry a paper, unique keys)."""
    person = get_object_or_404(Person, slug=slug)
    papers = person.papers().prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("person"))
    )
    url = absolute(person.get_absolute_url())
    heading = f"Papers by {person.name}, from The Information Bottleneck: {url}"
    return download(papers_to_bibtex(papers, heading), BIBTEX, f"{person.slug}-papers.bib")
