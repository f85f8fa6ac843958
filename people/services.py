"""Writing people: their positions (affiliations), and finding someone by name or adding them.

Called by the admin's positions inline (through `Affiliation.clean`), the API's serializers,
the importers (episodes' guests, papers' authors) and the demo loader. Keyword-only and
atomic: a rule broken is a ValidationError and nothing is written. After a bulk write
`core.signals.content_changed` says which person changed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.children import Replaced, replace_children
from core.signals import content_changed
from people.models import Affiliation, Person


def check_affiliation_years(*, start_year, end_year):
    """A position ends after it starts (either year may be unknown)."""
    if start_year is not None and end_year is not None and end_year < start_year:
        raise ValidationError("It ends before it starts.", code="ends_before_start")


def check_affiliations(*, affiliations):
    """The same position (organization and title) once; each ends after it starts."""
    keys = [(item["organization"].pk, item.get("title", "")) for item in affiliations]
    if len(set(keys)) != len(keys):
        raise ValidationError("The same position is listed twice.", code="duplicate_position")
    for item in affiliations:
        check_affiliation_years(start_year=item.get("start_year"), end_year=item.get("end_year"))


@transaction.atomic
def replace_affiliations(*, person: Person, affiliations: list[dict]) -> Replaced:
    """Make the person's positions exactly `affiliations`: dicts of organization, and title,
    is_current, start_year and end_year (left out: none, current, unknown years).

    A position kept (same organization and title) keeps its row. The rules are
    `check_affiliations`'; one broken is a ValidationError and nothing is written.
    """
    check_affiliations(affiliations=affiliations)
    wanted = [
        {
            "organization": item["organization"],
            "title": item.get("title", ""),
            "is_current": item.get("is_current", True),
            "start_year": item.get("start_year"),
            "end_year": item.get("end_year"),
        }
        for item in affiliations
    ]
    result = replace_children(
        Affiliation, parent={"person": person}, key=("organization", "title"), wanted=wanted
    )
    if result.changed:
        content_changed.send(sender=Person, pks=[person.pk])
    return result


def find_or_create_person(*, name: str) -> tuple[Person, bool]:
    """The person called `name` (ignoring case, accents and spacing; the first added wins), or
    a new one; and whether it is new. How the importers name guests and authors."""
    person = Person.objects.matching_name(name).order_by("pk").first()
    if person is not None:
        return person, False
    return Person.objects.create(name=name[: Person._meta.get_field("name").max_length]), True
