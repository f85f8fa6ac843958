"""BibTeX for papers (papers/bibtex.py): entries a reference manager reads as written."""

import datetime

import pytest

from papers.bibtex import (
    citation_key,
    escape,
    family_first,
    paper_to_bibtex,
    split_name,
    venue_kind,
)
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


def test_a_conference_paper_is_inproceedings_with_the_venue_as_booktitle():
    kind, key, fields = entry(
        ["Minyoung Huh", "Brian Cheung", "Tongzhou Wang", "Phillip Isola"],
        title="The Platonic Representation Hypothesis",
        year=2024,
        venue="ICML 2024",
        arxiv_id="2405.07987",
    )
    assert (kind, key) == ("inproceedings", "huh2024platonic")
    assert fields == {
        "title": "{The Platonic Representation Hypothesis}",
        "author": "Huh, Minyoung and Cheung, Brian and Wang, Tongzhou and Isola, Phillip",
        "year": "2024",
        "booktitle": "ICML 2024",
        "eprint": "2405.07987",
        "archivePrefix": "arXiv",
        "url": "https://arxiv.org/abs/2405.07987",
    }


def test_a_journal_paper_is_an_article_in_that_journal():
    kind, _, fields = entry(["Yann LeCun"], title="Deep learning", year=2015, venue="Nature")
    assert kind == "article"
    assert fields["journal"] == "Nature"
    assert "booktitle" not in fields


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        ("ICML 2024", "conference"),
        ("Advances in Neural Information Processing Systems 30", "conference"),
        ("NeurIPS", "conference"),
        ("Proceedings of the 37th Allerton Conference", "conference"),
        ("CVPR Workshops", "conference"),
        ("Findings of ACL 2023", "conference"),
        ("International Conference on Learning Representations", "conference"),
        ("Nature", "journal"),
        ("Journal of Machine Learning Research", "journal"),
        ("Transactions on Machine Learning Research", "journal"),
        ("arXiv preprint arXiv:2405.07987", "preprint"),
        ("CoRR", "preprint"),
        ("", ""),
    ],
)
def test_the_venue_says_what_kind_of_publication_it_is(venue, kind):
    assert venue_kind(venue) == kind


def test_a_preprint_venue_is_misc_howpublished():
    kind, _, fields = entry(title="Notes", venue="arXiv preprint", arxiv_id="2405.07987")
    assert kind == "misc"
    assert fields["howpublished"] == "arXiv preprint"


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
        ("Laurens van der Maaten", "van der Maaten, Laurens"),
        ("Jean de la Fontaine", "de la Fontaine, Jean"),
        ("Yann Le Cun", "Le Cun, Yann"),
        ("Guido Van Rossum", "Van Rossum, Guido"),
        ("Van Jacobson", "Jacobson, Van"),
        ("Quoc V. Le", "Le, Quoc V."),
        ("Huh, Minyoung", "Huh, Minyoung"),
    ],
)
def test_names_are_written_family_name_first(name, expected):
    assert family_first(name) == expected


@pytest.mark.parametrize(
    ("name", "given", "family"),
    [
        ("Phillip Isola", "Phillip", "Isola"),
        ("Yann Le Cun", "Yann", "Le Cun"),
        ("Aaron van den Oord", "Aaron", "van den Oord"),
        ("Plato", "", "Plato"),
        ("  ", "", ""),
    ],
)
def test_a_name_splits_into_given_and_family_names(name, given, family):
    assert split_name(name) == (given, family)


def test_particles_stay_with_the_family_name_in_keys_and_bibtex_reads_them_back():
    _, key, fields = entry(["Laurens van der Maaten", "Yann Le Cun"], title="t-SNE", year=2008)
    assert key == "vandermaaten2008tsne"
    assert fields["author"] == "van der Maaten, Laurens and Le Cun, Yann"


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
