"""Guests recognised in episode titles: the shapes the show uses, and titles naming no one."""

import json

import pytest

from episodes.importers.guests import Guest, guests_in_title, is_name, split_title
from ibsite.management.commands.load_demo import DEFAULT_FILE


def demo_titles():
    """(title, [(guest name, affiliation)]) for every episode of the demo content."""
    content = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    names = {person["slug"]: person["name"] for person in content["people"]}
    return [
        (
            episode["title"],
            [(names[g["person"]], g.get("affiliation", "")) for g in episode["guests"]],
        )
        for episode in content["episodes"]
    ]


DEMO_TITLES = demo_titles()


def test_the_demo_content_has_the_nine_seed_titles():
    assert len(DEMO_TITLES) == 9


@pytest.mark.parametrize(("title", "guests"), DEMO_TITLES, ids=[t for t, _ in DEMO_TITLES])
def test_it_finds_the_guest_and_affiliation_of_every_demo_title(title, guests):
    assert guests_in_title(title) == guests


@pytest.mark.parametrize(
    ("title", "topic", "guests"),
    [
        (
            "After Math Falls, What's Next? with Julia Kempe (NYU/Meta)",
            "After Math Falls, What's Next?",
            [("Julia Kempe", "NYU/Meta")],
        ),
        (
            "Intelligence in an Open World - with Mengye Ren (NYU)",
            "Intelligence in an Open World",
            [("Mengye Ren", "NYU")],
        ),
        (
            "Reasoning Models and Planning - with Rao Kambhampati (Arizona State)",
            "Reasoning Models and Planning",
            [("Rao Kambhampati", "Arizona State")],
        ),
        (
            "The Future of Coding Agents with Sasha Rush (Cursor/Cornell)",
            "The Future of Coding Agents",
            [("Sasha Rush", "Cursor/Cornell")],
        ),
        ("X - Christian Szegedy (Math Inc)", "X", [("Christian Szegedy", "Math Inc")]),
        ("Scaling Laws with Jared Kaplan", "Scaling Laws", [("Jared Kaplan", "")]),
    ],
)
def test_it_splits_the_title_into_topic_and_guests(title, topic, guests):
    assert split_title(title) == (topic, guests)


def test_it_keeps_the_affiliation_as_written():
    assert guests_in_title("Serverless Science - with Jane Doe (VP AWS / Prof. UCLA)") == [
        ("Jane Doe", "VP AWS / Prof. UCLA")
    ]


def test_the_guests_are_named_tuples():
    (guest,) = guests_in_title("Open Worlds with Mengye Ren (NYU)")
    assert guest == Guest(name="Mengye Ren", affiliation="NYU")


@pytest.mark.parametrize(
    "title",
    [
        "Agents with Jane Doe (MIT) and John Roe (Stanford)",
        "Agents with Jane Doe (MIT), and John Roe (Stanford)",
        "Agents with Jane Doe (MIT) & John Roe (Stanford)",
        "Agents - Jane Doe (MIT) and John Roe (Stanford)",
    ],
)
def test_it_finds_two_guests(title):
    assert guests_in_title(title) == [("Jane Doe", "MIT"), ("John Roe", "Stanford")]


def test_it_finds_three_guests_some_without_affiliation():
    title = "Panel with Jane Doe, John Roe and Ada Lovelace (Analytical Engines)"
    assert guests_in_title(title) == [
        ("Jane Doe", ""),
        ("John Roe", ""),
        ("Ada Lovelace", "Analytical Engines"),
    ]


def test_commas_and_and_inside_an_affiliation_do_not_split_guests():
    assert guests_in_title("Diffusion with Jesse Lai (Sony AI, and NYCU)") == [
        ("Jesse Lai", "Sony AI, and NYCU")
    ]


@pytest.mark.parametrize("separator", [" - with ", " \u2013 with ", " \u2014 with ", " | with "])
def test_a_dash_or_bar_before_with_is_part_of_the_separator(separator):
    assert split_title(f"Open Worlds{separator}Mengye Ren (NYU)") == (
        "Open Worlds",
        [("Mengye Ren", "NYU")],
    )


@pytest.mark.parametrize("dash", [" - ", " \u2013 ", " \u2014 ", " | "])
def test_a_dash_alone_introduces_a_guest_with_an_affiliation(dash):
    assert guests_in_title(f"Inside xAI{dash}Christian Szegedy (Math Inc)") == [
        ("Christian Szegedy", "Math Inc")
    ]


def test_with_is_recognised_in_any_case():
    assert guests_in_title("Scaling Laws With Jared Kaplan (Anthropic)") == [
        ("Jared Kaplan", "Anthropic")
    ]


def test_the_last_with_introduces_the_guests():
    assert split_title("Playing with Fire with Jane Doe (MIT)") == (
        "Playing with Fire",
        [("Jane Doe", "MIT")],
    )


def test_a_dash_after_a_with_that_names_no_one_still_introduces_a_guest():
    assert split_title("Living with Uncertainty - Jane Doe (MIT)") == (
        "Living with Uncertainty",
        [("Jane Doe", "MIT")],
    )


@pytest.mark.parametrize(
    "name",
    [
        "Rão Kambhampati",
        "Ravid Shwartz-Ziv",
        "Conor O'Brien",
        "Yann LeCun",
        "J. R. R. Tolkien",
        "Nando de Freitas",
        "Vincent van Gogh",
        "Martin Luther King Jr.",
        "Chieh-Hsin Lai",
        "Zhuang Liu",
    ],
)
def test_names_in_their_many_shapes_are_names(name):
    assert is_name(name)
    assert guests_in_title(f"A Talk with {name}") == [(name, "")]


def test_spaces_in_the_title_are_tidied():
    assert guests_in_title("Open Worlds  -  with\u00a0Mengye   Ren ( NYU )") == [
        ("Mengye Ren", "NYU")
    ]


@pytest.mark.parametrize(
    "title",
    [
        # A single first name: a host, or too little to know who it is.
        "Episode 12 with Allen",
        "X with Allen",
        # "with" in a topic.
        "Working with Transformers",
        "Living with uncertainty",
        "Living with Big Data",
        "Dealing with Large Language Models (LLMs)",
        "Talking with the Team",
        "Q&A with Everyone",
        "Coffee with Friends and Family",
        "Building with AI Agents",
        "Playing with GPUs (and CUDA)",
        # A dash without an affiliation, or before a topic.
        "Reasoning - Big Picture",
        "Inside xAI - Christian Szegedy",
        "Q&A - Ask Us Anything (Live)",
        "Recap - Neural Scaling Laws (2024)",
        "Part 1 - Introduction (Rerun)",
        # The guest list must run to the end of the title.
        "A Talk with Jane Doe about Proofs",
        "with Jane Doe (MIT) - Part 2",
        # Names are two to four words.
        "A Talk with Jane Mary Ann Lee Doe",
        # Nothing at all.
        "",
        "Trailer",
    ],
)
def test_titles_that_name_no_guest(title):
    assert guests_in_title(title) == []


def test_a_title_naming_no_guest_is_its_own_topic():
    assert split_title("Working with Transformers") == ("Working with Transformers", [])


def test_one_part_that_is_not_a_name_means_no_guests_at_all():
    assert guests_in_title("Chatting with Jane Doe and Friends") == []


def test_a_title_of_none_names_no_guest():
    assert guests_in_title(None) == []
