"""Citing an episode, and its reading list (episodes/citations.py)."""

import datetime

import pytest

from episodes.citations import (
    episode_citation,
    episode_to_bibtex,
    reading_list,
    reading_list_bibtex,
    reading_list_csl,
)
from episodes.models import Appearance
from tests.factories import (
    AppearanceFactory,
    AuthorshipFactory,
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.test_citations import parse

JUNE_4 = datetime.datetime(2026, 6, 4, 15, 30, tzinfo=datetime.UTC)
EPISODE_URL = "https://informationbottleneck.test/episodes/platonic/"


# Citing an episode


@pytest.fixture
def episode(db):
    show = ShowFactory()
    made = EpisodeFactory(
        show=show,
        title="Platonic Representations",
        slug="platonic",
        number=12,
        published_at=JUNE_4,
    )
    for order, name in enumerate(["Ravid Shwartz-Ziv", "Allen Roush"]):
        AppearanceFactory(
            episode=made, person__name=name, role=Appearance.Role.HOST, order=order, affiliation=""
        )
    AppearanceFactory(episode=made, person__name="Phillip Isola", affiliation="MIT")
    return made


def loaded(episode):
    """The episode as the views load it: people and show preloaded."""
    return type(episode).objects.with_people().get(pk=episode.pk)


def test_an_episode_citation_is_apa_style(episode):
    assert episode_citation(loaded(episode)) == (
        "Shwartz-Ziv, R., & Roush, A. (2026, June 4). Platonic Representations (No. 12) "
        f"[Audio podcast episode]. In The Information Bottleneck. {EPISODE_URL}"
    )


def test_an_episode_bibtex_entry_has_the_hosts_as_authors_and_the_guests_in_a_note(episode):
    text = episode_to_bibtex(loaded(episode))
    (entry,) = parse(text)
    assert (entry.entry_type, entry.key) == ("misc", "shwartzziv2026platonic")
    assert {field.key: field.value for field in entry.fields} == {
        "title": "{Platonic Representations}",
        "author": "Shwartz-Ziv, Ravid and Roush, Allen",
        "howpublished": "The Information Bottleneck",
        "year": "2026",
        "month": "jun",
        "note": "Podcast episode 12, with Phillip Isola (MIT)",
        "url": EPISODE_URL,
    }
    assert "  month = jun,\n" in text  # BibTeX's month macro, so styles write the name


@pytest.mark.django_db
def test_an_episode_without_host_appearances_is_cited_with_the_shows_hosts():
    show = ShowFactory()
    show.hosts.add(PersonFactory(name="Allen Roush"))
    episode = EpisodeFactory(show=show, title="Solo", slug="platonic", published_at=JUNE_4)
    assert episode_citation(loaded(episode)).startswith("Roush, A. (2026, June 4). Solo [Audio")
    assert "author = {Roush, Allen}" in episode_to_bibtex(loaded(episode))


@pytest.mark.django_db
def test_an_episode_without_hosts_puts_its_title_first():
    episode = EpisodeFactory(title="Nobody Hosts", slug="platonic", published_at=JUNE_4)
    assert episode_citation(loaded(episode)) == (
        "Nobody Hosts [Audio podcast episode]. (2026, June 4). In The Information Bottleneck. "
        f"{EPISODE_URL}"
    )
    (entry,) = parse(episode_to_bibtex(loaded(episode)))
    assert entry.key == "anon2026nobody"
    assert "author" not in entry


@pytest.mark.django_db
def test_an_unpublished_episode_has_no_date():
    episode = EpisodeFactory(title="Draft", slug="platonic", draft=True)
    assert "(n.d.)" in episode_citation(loaded(episode))
    (entry,) = parse(episode_to_bibtex(loaded(episode)))
    assert "year" not in entry
    assert "month" not in entry


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hosts", "written"),
    [
        (["Chieh-Hsin Jesse Lai"], "Lai, C.-H. J."),
        (
            ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
            "Lovelace, A., Turing, A., & Hopper, G.",
        ),
        (["Plato"], "Plato."),
        (["Yann Le Cun"], "Le Cun, Y."),
    ],
)
def test_host_names_are_written_as_apa_does(hosts, written):
    episode = EpisodeFactory(title="T", slug="platonic", published_at=JUNE_4)
    for order, name in enumerate(hosts):
        AppearanceFactory(
            episode=episode, person__name=name, role=Appearance.Role.HOST, order=order
        )
    assert episode_citation(loaded(episode)).startswith(f"{written} (2026, June 4). T [Audio")


@pytest.mark.django_db
def test_more_than_twenty_hosts_are_cut_as_apa_does():
    episode = EpisodeFactory(title="T", slug="platonic", published_at=JUNE_4)
    for order in range(22):
        AppearanceFactory(
            episode=episode, person__name=f"Host Number{order:02}", role="host", order=order
        )
    names = episode_citation(loaded(episode)).split(" (2026")[0]
    assert names.startswith("Number00, H., Number01, H.,")
    assert names.endswith("Number18, H., . . . Number21, H.")


# The reading list


@pytest.fixture
def discussed(episode):
    """Two papers discussed in the episode, the second one first (as the timeline has it)."""
    later, first = PaperFactory(title="Later"), PaperFactory(title="First")
    AuthorshipFactory(paper=first, person__name="Minyoung Huh", order=1)
    DiscussionFactory(
        episode=episode, paper=later, chapter=ChapterFactory(episode=episode, start=600)
    )
    DiscussionFactory(
        episode=episode, paper=first, chapter=ChapterFactory(episode=episode, start=60)
    )
    return [first, later]


def test_the_reading_list_is_the_papers_in_the_order_they_come_up(
    episode, discussed, django_assert_num_queries
):
    with django_assert_num_queries(2):
        papers = reading_list(episode)
        assert [[a.name for a in p.ordered_authors()] for p in papers] == [["Minyoung Huh"], []]
    assert papers == discussed


def test_the_reading_list_files_say_where_they_come_from(episode, discussed):
    bib = reading_list_bibtex(loaded(episode))
    assert bib.startswith(
        "% Papers discussed in \u201cPlatonic Representations\u201d, "
        f"{episode.show.title}: {EPISODE_URL}\n"
    )
    assert [entry["title"] for entry in parse(bib)] == ["{First}", "{Later}"]
    assert [item["title"] for item in reading_list_csl(episode)] == ["First", "Later"]


@pytest.mark.django_db
def test_an_episode_without_papers_has_an_empty_reading_list():
    assert reading_list(EpisodeFactory()) == []
