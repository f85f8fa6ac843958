"""BibTeX for papers (papers/bibtex.py): entries a reference manager reads as written."""

import datetime

import pytest

from papers.bibtex import citation_key, escape, family_first, paper_to_bibtex
from papers.models import Paper
from people.models import Person
from tests.factories import AuthorshipFactory, PaperFactory
from tests.pages import parse_bibtex


def people(*names):
    return [Person(name=name) for name in names]


def entry(authors=(), **fields):
    """The parsed entry for an unsaved paper with these fields and authors."""
    paper = Paper(**{"title": "A Paper", **fields})
    return parse_bibtex(paper_to_bibtex(paper, people(*authors)))


def test_a_paper_with_a_venue_is_an_article_in_that_journal():
    kind, key, fields = entry(
        ["Minyoung Huh", "Brian Cheung", "Tongzhou Wang", "Phillip Isola"],
        title="The Platonic Representation Hypothesis",
        year=2024,
        venue="ICML 2024",
        arxiv_id="2405.07987",
    )
    assert (kind, key) == ("article", "huh2024platonic")
    assert fields == {
        "title": "{The Platonic Representation Hypothesis}",
        "author": "Huh, Minyoung and Cheung, Brian and Wang, Tongzhou and Isola, Phillip",
        "year": "2024",
        "journal": "ICML 2024",
        "eprint": "2405.07987",
        "archivePrefix": "arXiv",
        "url": "https://arxiv.org/abs/2405.07987",
    }


def test_a_paper_without_a_venue_is_misc_with_only_what_is_known():
    kind, key, fields = entry(["Ada Lovelace"], title="Notes", year=1843)
    assert (kind, key) == ("misc", "lovelace1843notes")
    assert fields == {"title": "{Notes}", "author": "Lovelace, Ada", "year": "1843"}


def test_a_doi_is_given_and_linked_when_there_is_no_arxiv_id():
    _, _, fields = entry(doi="10.1000/xyz_1")
    assert fields["doi"] == "10.1000/xyz_1"
    assert fields["url"] == "https://doi.org/10.1000/xyz_1"
    assert "eprint" not in fields


def test_the_papers_own_url_comes_first():
    _, _, fields = entry(url="https://example.com/paper.pdf", arxiv_id="2405.07987")
    assert fields["url"] == "https://example.com/paper.pdf"
    assert fields["eprint"] == "2405.07987"


def test_special_characters_come_out_as_themselves():
    _, _, fields = entry(
        ["José Müller"], title="100% of $x_i$ & #tags ~ ^hat \\ {set}", venue="A & B"
    )
    assert fields["title"] == (
        r"{100\% of \$x\_i\$ \& \#tags \textasciitilde{} \textasciicircum{}hat "
        r"\textbackslash{} \textbraceleft{}set\textbraceright{}}"
    )
    assert fields["journal"] == r"A \& B"
    assert fields["author"] == "Müller, José"


def test_an_unbalanced_brace_in_a_title_still_gives_a_readable_entry():
    """BibTeX counts every brace, escaped or not: one brace alone would swallow the file."""
    for title in ["Left { only", "Right } only", "} backwards {"]:
        kind, _, fields = entry(title=title)
        assert kind == "misc"
        assert set(fields) == {"title"}


def test_whitespace_in_titles_is_one_space():
    _, _, fields = entry(title="  A\n  Title\twith   gaps ")
    assert fields["title"] == "{A Title with gaps}"


@pytest.mark.parametrize(
    ("authors", "title", "year", "key"),
    [
        (["Minyoung Huh"], "The Platonic Representation Hypothesis", 2024, "huh2024platonic"),
        (["José Müller"], "Über Alles", 2020, "muller2020uber"),
        (["Ravid Shwartz-Ziv"], "Opening the Black Box", 2017, "shwartzziv2017opening"),
        ([], "On the Nature of Things", 2001, "anon2001nature"),
        (["Plato"], "A Republic", None, "platorepublic"),
        (["Ada Lovelace"], "The Of A", 1843, "lovelace1843paper"),
        (["Ada Lovelace"], "GPT-4: Technical Report", 2023, "lovelace2023gpt4"),
    ],
)
def test_citation_keys(authors, title, year, key):
    assert citation_key(Paper(title=title, year=year), people(*authors)) == key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Phillip Isola", "Isola, Phillip"),
        ("Chieh-Hsin Jesse Lai", "Lai, Chieh-Hsin Jesse"),
        ("Plato", "Plato"),
    ],
)
def test_names_are_written_family_name_first(name, expected):
    assert family_first(name) == expected


def test_escape_leaves_plain_text_alone():
    assert escape("Attention Is All You Need") == "Attention Is All You Need"


@pytest.mark.django_db
def test_the_authors_default_to_the_papers_byline_in_order():
    paper = PaperFactory(title="Deep Learning", year=2015, published_on=datetime.date(2015, 5, 27))
    for order, name in enumerate(["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"], start=1):
        AuthorshipFactory(paper=paper, person__name=name, order=order)
    _, key, fields = parse_bibtex(paper_to_bibtex(paper))
    assert key == "lecun2015deep"
    assert fields["author"] == "LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey"
