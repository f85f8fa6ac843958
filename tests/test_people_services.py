"""Writing people (people/services.py): positions and their rules, people found by name."""

import pytest
from django.core.exceptions import ValidationError

from people.models import Affiliation, Person
from people.services import find_or_create_person, replace_affiliations
from search.models import Entry, Kind
from tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def positions(person):
    return sorted(
        (a.organization.name, a.title, a.is_current, a.start_year, a.end_year)
        for a in person.affiliations.select_related("organization")
    )


def test_replace_affiliations_makes_the_list_exactly_the_positions_and_indexes_them(announced):
    person = PersonFactory()
    nyu, meta = OrganizationFactory(name="NYU"), OrganizationFactory(name="Meta")
    kept = AffiliationFactory(person=person, organization=nyu, title="Professor")
    AffiliationFactory(person=person, title="Gone")

    result = replace_affiliations(
        person=person,
        affiliations=[
            {"organization": nyu, "title": "Professor", "is_current": False, "end_year": 2024},
            {"organization": meta, "title": "Researcher", "start_year": 2020},
        ],
    )

    assert positions(person) == [
        ("Meta", "Researcher", True, 2020, None),
        ("NYU", "Professor", False, None, 2024),
    ]
    assert result.updated == [kept]
    assert [a.title for a in result.deleted] == ["Gone"]
    assert announced == [(Person, [person.pk])]
    assert "Meta" in Entry.objects.get(kind=Kind.PERSON, person=person).keywords


def test_a_position_sent_again_without_its_details_takes_the_defaults():
    person = PersonFactory()
    nyu = OrganizationFactory(name="NYU")
    AffiliationFactory(person=person, organization=nyu, title="", is_current=False, start_year=1)

    replace_affiliations(person=person, affiliations=[{"organization": nyu}])

    assert positions(person) == [("NYU", "", True, None, None)]


def test_the_same_positions_again_write_nothing(announced):
    person = PersonFactory()
    nyu = OrganizationFactory()
    AffiliationFactory(person=person, organization=nyu, title="Professor")

    result = replace_affiliations(
        person=person, affiliations=[{"organization": nyu, "title": "Professor"}]
    )

    assert not result.changed
    assert announced == []


@pytest.mark.parametrize(
    "affiliations, message",
    [
        (
            lambda nyu: [
                {"organization": nyu, "title": "Prof"},
                {"organization": nyu, "title": "Prof"},
            ],
            "The same position is listed twice.",
        ),
        (
            lambda nyu: [{"organization": nyu, "start_year": 2020, "end_year": 2019}],
            "It ends before it starts.",
        ),
    ],
)
def test_a_broken_rule_is_refused_and_nothing_is_written(affiliations, message, announced):
    person = PersonFactory()
    nyu = OrganizationFactory()
    AffiliationFactory(person=person, title="Kept")
    before = list(Affiliation.objects.values_list("pk", "title"))

    with pytest.raises(ValidationError) as error:
        replace_affiliations(person=person, affiliations=affiliations(nyu))

    assert error.value.messages == [message]
    assert list(Affiliation.objects.values_list("pk", "title")) == before
    assert announced == []


def test_the_same_organization_with_two_titles_is_two_positions():
    person = PersonFactory()
    nyu = OrganizationFactory()
    replace_affiliations(
        person=person,
        affiliations=[{"organization": nyu, "title": "Professor"}, {"organization": nyu}],
    )
    assert person.affiliations.count() == 2


def test_the_model_says_the_years_rule_as_the_service_does():
    affiliation = AffiliationFactory.build(start_year=2020, end_year=2019)
    with pytest.raises(ValidationError) as error:
        affiliation.clean()
    assert error.value.message_dict == {"end_year": ["It ends before it starts."]}


def test_find_or_create_person_finds_a_name_ignoring_case_and_accents():
    kempe = PersonFactory(name="Julia Kempe")
    assert find_or_create_person(name="julia  KEMPE") == (kempe, False)


def test_find_or_create_person_adds_someone_new():
    person, created = find_or_create_person(name="Mengye Ren")
    assert created
    assert Person.objects.get() == person
    assert person.name == "Mengye Ren"
