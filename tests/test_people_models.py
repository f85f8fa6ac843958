"""People, organizations and affiliations (people/models.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from taggit.models import Tag

from people.models import Person
from tests.factories import (
    AffiliationFactory,
    OrganizationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


# Person: identity


def test_a_person_reads_as_their_name():
    assert str(PersonFactory(name="Phillip Isola")) == "Phillip Isola"


def test_a_person_lives_at_their_slug():
    person = PersonFactory(name="Phillip Isola")
    assert person.get_absolute_url() == "/people/phillip-isola/"


def test_a_person_gets_a_slug_from_their_name():
    assert PersonFactory(name="Jürgen Schmidhuber").slug == "jurgen-schmidhuber"


def test_namesakes_get_numbered_slugs():
    slugs = [PersonFactory(name="Sam Smith").slug for _ in range(3)]
    assert slugs == ["sam-smith", "sam-smith-2", "sam-smith-3"]


def test_a_given_slug_is_kept():
    assert PersonFactory(name="Yann LeCun", slug="ylc").slug == "ylc"


def test_renaming_a_person_keeps_their_slug():
    person = PersonFactory(name="Ravid Shwartz-Ziv")
    person.name = "Ravid Shwartz Ziv"
    person.save()
    person.refresh_from_db()
    assert person.slug == "ravid-shwartz-ziv"


def test_the_name_key_follows_the_name():
    person = PersonFactory(name="Rão Kambhampati")
    assert person.name_key == "rao kambhampati"

    person.name = "Subbarao Kambhampati"
    person.save()
    assert Person.objects.get(pk=person.pk).name_key == "subbarao kambhampati"


@pytest.mark.parametrize(
    "written", ["Rao Kambhampati", "rao  KAMBHAMPATI", "Rão Kambhampati", " RAO kambhampati "]
)
def test_it_matches_a_name_however_it_is_written(written):
    rao = PersonFactory(name="Rao Kambhampati")
    PersonFactory(name="Rao Kambhampat")

    assert list(Person.objects.matching_name(written)) == [rao]


def test_it_matches_no_one_for_an_unknown_name():
    PersonFactory(name="Rao Kambhampati")
    assert not Person.objects.matching_name("Allen Roush").exists()


# Person: external profiles


def test_a_person_without_ids_has_no_external_links():
    assert PersonFactory().external_links() == []


def test_a_person_has_a_link_for_every_id_in_a_stable_order():
    person = PersonFactory(
        homepage="https://web.mit.edu/phillipi/",
        openalex_id="A5012345678",
        semantic_scholar_id="2094770",
        orcid="0000-0002-1825-0097",
        google_scholar_id="ROILf3EAAAAJ",
    )

    assert person.external_links() == [
        ("Homepage", "https://web.mit.edu/phillipi/"),
        ("OpenAlex", "https://openalex.org/A5012345678"),
        ("Semantic Scholar", "https://www.semanticscholar.org/author/2094770"),
        ("ORCID", "https://orcid.org/0000-0002-1825-0097"),
        ("Google Scholar", "https://scholar.google.com/citations?user=ROILf3EAAAAJ"),
    ]


def test_a_person_links_only_the_profiles_they_have():
    person = PersonFactory(orcid="0000-0002-1825-0097")
    assert person.external_links() == [("ORCID", "https://orcid.org/0000-0002-1825-0097")]
    assert person.openalex_url() == ""
    assert person.google_scholar_url() == ""


def test_a_homepage_must_be_a_web_address():
    person = PersonFactory.build(homepage="ftp://files.example.com/me")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert error.value.message_dict["homepage"] == ["Enter an http:// or https:// URL."]


# Person: roles


def test_hosts_are_told_apart():
    host = PersonFactory(is_host=True)
    PersonFactory()
    assert list(Person.objects.hosts()) == [host]


def test_the_database_refuses_two_people_with_one_slug():
    PersonFactory(slug="isola")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(slug="isola")


# Person: reads of their own rows (PersonQuerySet)


def test_people_at_an_organization_are_there_once_whatever_their_positions(phillip):
    mit = OrganizationFactory(name="MIT", slug="mit")
    AffiliationFactory(person=phillip, organization=mit, title="Professor")
    AffiliationFactory(person=phillip, organization=mit, title="Advisor", is_current=False)
    AffiliationFactory(organization=OrganizationFactory(name="NYU"))
    PersonFactory()

    assert list(Person.objects.at(mit)) == [phillip]
    assert list(Person.objects.at("mit")) == [phillip]
    assert not Person.objects.at("nowhere").exists()


def test_people_on_a_topic_are_found_by_the_tag_or_its_slug_once_each():
    alice = PersonFactory(name="Alice")
    alice.topics.add("Scaling", "Vision")
    bob = PersonFactory(name="Bob")
    bob.topics.add("Vision")
    PersonFactory(name="Carol")
    scaling = Tag.objects.get(slug="scaling")

    assert list(Person.objects.on_topic(scaling)) == [alice]
    assert list(Person.objects.on_topic("scaling")) == [alice]
    assert list(Person.objects.on_topic("vision")) == [alice, bob]
    assert not Person.objects.on_topic("nothing-like-it").exists()


def test_a_profile_costs_three_queries_and_then_none(phillip, django_assert_num_queries):
    AffiliationFactory(person=phillip, organization=OrganizationFactory(name="MIT"))
    AffiliationFactory(person=phillip, organization=OrganizationFactory(name="Google"))
    phillip.topics.add("vision")
    with django_assert_num_queries(3):
        person = Person.objects.with_profile().get(pk=phillip.pk)
    with django_assert_num_queries(0):
        assert sorted(a.organization.name for a in person.affiliations.all()) == [
            "Google",
            "MIT",
        ]
        assert [tag.name for tag in person.topics.all()] == ["vision"]


def test_current_positions_are_preloaded_for_a_list(phillip, django_assert_num_queries):
    mit = AffiliationFactory(person=phillip, organization=OrganizationFactory(name="MIT"))
    AffiliationFactory(person=phillip, is_current=False)
    other = PersonFactory(name="Someone")
    with django_assert_num_queries(2):
        people = list(Person.objects.with_current_positions())
    with django_assert_num_queries(0):
        assert [(p, [a.organization.name for a in p.current_positions]) for p in people] == [
            (phillip, [mit.organization.name]),
            (other, []),
        ]


# Organizations and affiliations


def test_an_organization_reads_as_its_name_and_gets_a_slug():
    org = OrganizationFactory(name="Massachusetts Institute of Technology")
    assert str(org) == "Massachusetts Institute of Technology"
    assert org.slug == "massachusetts-institute-of-technology"


def test_organizations_with_slugified_alike_names_get_numbered_slugs():
    assert OrganizationFactory(name="AI Lab").slug == "ai-lab"
    assert OrganizationFactory(name="AI-Lab").slug == "ai-lab-2"


def test_the_database_refuses_two_organizations_with_one_slug():
    OrganizationFactory(name="MIT", slug="mit")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(name="M.I.T.", slug="mit")


def test_the_database_refuses_two_organizations_with_one_name():
    OrganizationFactory(name="MIT")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(name="MIT", slug="mit-2")


def test_an_affiliation_reads_as_person_position_and_place():
    yann = PersonFactory(name="Yann LeCun")
    nyu = AffiliationFactory(person=yann, organization=OrganizationFactory(name="NYU"))
    meta = AffiliationFactory(person=yann, organization=OrganizationFactory(name="Meta"), title="")

    assert str(nyu) == "Yann LeCun: Professor, NYU"
    assert str(meta) == "Yann LeCun: Meta"


def test_current_affiliations_leave_out_past_ones(phillip):
    mit = AffiliationFactory(person=phillip, organization=OrganizationFactory(name="MIT"))
    AffiliationFactory(person=phillip, is_current=False)
    AffiliationFactory(is_current=True)

    assert list(phillip.current_affiliations()) == [mit]


def test_the_database_refuses_an_affiliation_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(start_year=2020, end_year=2019)


@pytest.mark.parametrize(
    ("start", "end"), [(2020, 2020), (2018, 2023), (None, 2019), (2020, None)]
)
def test_the_database_accepts_an_affiliation_with_sensible_years(start, end):
    assert AffiliationFactory(start_year=start, end_year=end).pk


def test_the_database_refuses_the_same_position_twice():
    first = AffiliationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliationFactory(person=first.person, organization=first.organization)


def test_a_person_may_hold_two_positions_at_one_place():
    first = AffiliationFactory(title="Professor")
    second = AffiliationFactory(
        person=first.person, organization=first.organization, title="Chief AI Scientist"
    )
    assert second.pk
