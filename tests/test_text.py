"""Name keys and unique slugs (ibsite/text.py)."""

import pytest

from core.text import name_key, unique_slug
from people.models import Person
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    "name",
    ["Rao Kambhampati", "rao  KAMBHAMPATI", "Rão Kambhampati", "  Rao\tKambhampati "],
)
def test_a_name_key_ignores_case_accents_and_spacing(name):
    assert name_key(name) == "rao kambhampati"


def test_a_name_key_keeps_different_names_apart():
    assert name_key("Rao Kambhampati") != name_key("Rao Kambhampat")


def test_a_name_key_folds_special_letters():
    assert name_key("Jürgen Schmidhuber") == name_key("JURGEN SCHMIDHUBER")
    assert name_key("Straße") == name_key("STRASSE")


def test_a_unique_slug_is_the_slugified_text_when_free(db):
    assert unique_slug(Person, "Yann LeCun") == "yann-lecun"


def test_a_unique_slug_counts_up_from_two_when_taken(db):
    PersonFactory(slug="yann-lecun")
    assert unique_slug(Person, "Yann LeCun") == "yann-lecun-2"
    PersonFactory(slug="yann-lecun-2")
    assert unique_slug(Person, "Yann LeCun") == "yann-lecun-3"


def test_a_unique_slug_is_not_fooled_by_a_longer_slug_with_the_same_start(db):
    PersonFactory(slug="yann-lecun-fan-club")
    assert unique_slug(Person, "Yann LeCun") == "yann-lecun"


def test_a_unique_slug_ignores_the_object_being_renamed(db):
    person = PersonFactory(slug="yann-lecun")
    assert unique_slug(Person, "Yann LeCun", exclude_pk=person.pk) == "yann-lecun"


def test_a_unique_slug_fits_the_maximum_length_with_its_suffix(db):
    PersonFactory(slug="a" * 10)
    slug = unique_slug(Person, "a" * 30, max_length=10)
    assert slug == "a" * 8 + "-2"


def test_a_unique_slug_falls_back_when_the_text_has_no_letters(db):
    assert unique_slug(Person, "!!!") == "item"
