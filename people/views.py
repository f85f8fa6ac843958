from django.shortcuts import get_object_or_404, render

from people.models import Person


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    return render(request, "people/person_detail.html", {"person": person})
