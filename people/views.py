from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from episodes.models import Appearance, Episode
from ibsite import structured_data
from ibsite.pagination import paginate
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
