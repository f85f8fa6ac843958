"""Citations out (papers/citations.py): BibTeX files and CSL-JSON for lists of papers.

Citing an episode and its reading list: tests/test_episodes_citations.py.
"""

import datetime
import json

import bibtexparser
import pytest

from papers.citations import papers_to_bibtex, papers_to_csl, unique_keys
from papers.models import Paper
from tests.factories import AuthorshipFactory, PaperFactory


def paper(title, authors=(), **fields):
    made = PaperFactory(title=title, **fields)
    for order, name in enumerate(authors, start=1):
        AuthorshipFactory(paper=made, person__name=name, order=order)
    return made


def with_bylines(*papers):
    return list(
        Paper.objects.filter(pk__in=[p.pk for p in papers])
        .prefetch_related("authorships__person")
        .order_by("pk")
    )


def parse(text):
    """Every entry of a .bib file, as bibtexparser reads it; no block may fail."""
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [], [b.raw for b in library.failed_blocks]
    return library.entries


# Many papers in one .bib file


@pytest.mark.parametrize(
    ("keys", "unique"),
    [
        (["a", "b"], ["a", "b"]),
        (["huh2024platonic"] * 2, ["huh2024platonica", "huh2024platonicb"]),
        (["x", "y", "x", "x"], ["xa", "y", "xb", "xc"]),
        (["x", "x", "xa"], ["xb", "xc", "xa"]),  # a suffix never takes a key already used
        (["k"] * 28, [f"k{s}" for s in "abcdefghijklmnopqrstuvwxyz"] + ["kaa", "kab"]),
    ],
)
def test_colliding_keys_get_letter_suffixes(keys, unique):
    assert unique_keys(keys) == unique
    assert len(set(unique)) == len(unique)


@pytest.mark.django_db
def test_a_bibtex_file_has_one_entry_per_paper_and_reads_back():
    papers = with_bylines(
        paper(
            "The Platonic Representation Hypothesis",
            ["Minyoung Huh", "Phillip Isola"],
            year=2024,
            venue="ICML 2024",
            arxiv_id="2405.07987",
        ),
        paper("Deep learning", ["Yann LeCun", "Yoshua Bengio"], year=2015, venue="Nature"),
        paper("Notes on 100% of $x_i$ & {braces}", ["José Müller"], year=None),
    )
    entries = parse(papers_to_bibtex(papers, heading="Papers by someone@example.com"))
    assert [(e.entry_type, e.key) for e in entries] == [
        ("inproceedings", "huh2024platonic"),
        ("article", "lecun2015deep"),
        ("misc", "mullernotes"),
    ]
    first = {field.key: field.value for field in entries[0].fields}
    assert first["booktitle"] == "ICML 2024"
    assert first["author"] == "Huh, Minyoung and Isola, Phillip"
    assert entries[1]["journal"] == "Nature"


@pytest.mark.django_db
def test_papers_with_the_same_key_get_a_and_b():
    papers = with_bylines(
        paper("Attention Is All You Need", ["Ashish Vaswani"], year=2017),
        paper("Attention Is Not Explanation", ["Ashish Vaswani"], year=2017),
    )
    entries = parse(papers_to_bibtex(papers))
    assert [e.key for e in entries] == ["vaswani2017attentiona", "vaswani2017attentionb"]
    assert [item["id"] for item in papers_to_csl(papers)] == [
        "vaswani2017attentiona",
        "vaswani2017attentionb",
    ]


@pytest.mark.django_db
def test_an_empty_list_is_a_file_with_only_its_heading():
    assert papers_to_bibtex([], heading="Nothing yet") == "% Nothing yet\n\n"
    assert parse(papers_to_bibtex([], heading="Nothing yet")) == []


def test_a_heading_cannot_start_an_entry():
    text = papers_to_bibtex([], heading="Papers by @misc{evil,\n title={x}}")
    assert "@" not in text
    assert text.count("\n") == 2


# CSL-JSON


@pytest.mark.django_db
def test_csl_json_items_have_what_reference_managers_read():
    papers = with_bylines(
        paper(
            "The Platonic Representation Hypothesis",
            ["Minyoung Huh", "Phillip Isola"],
            year=2024,
            published_on=datetime.date(2024, 5, 13),
            venue="ICML 2024",
            arxiv_id="2405.07987",
            doi="10.48550/arXiv.2405.07987",
            abstract="We argue that representations are converging.",
        ),
        paper("Deep learning", ["Yann LeCun"], year=2015, venue="Nature"),
        paper("A Preprint", ["Plato", "Laurens van der Maaten"], year=2023, arxiv_id="2301.00001"),
        paper("Unpublished", [], year=None, url="https://example.com/draft.pdf"),
    )
    items = json.loads(json.dumps(papers_to_csl(papers)))  # plain JSON all the way
    assert items[0] == {
        "id": "huh2024platonic",
        "type": "paper-conference",
        "title": "The Platonic Representation Hypothesis",
        "author": [
            {"family": "Huh", "given": "Minyoung"},
            {"family": "Isola", "given": "Phillip"},
        ],
        "issued": {"date-parts": [[2024, 5, 13]]},
        "container-title": "ICML 2024",
        "DOI": "10.48550/arXiv.2405.07987",
        "URL": "https://arxiv.org/abs/2405.07987",
        "abstract": "We argue that representations are converging.",
    }
    assert items[1] == {
        "id": "lecun2015deep",
        "type": "article-journal",
        "title": "Deep learning",
        "author": [{"family": "LeCun", "given": "Yann"}],
        "issued": {"date-parts": [[2015]]},
        "container-title": "Nature",
    }
    assert items[2] == {
        "id": "plato2023preprint",
        "type": "article",
        "title": "A Preprint",
        "author": [{"literal": "Plato"}, {"family": "van der Maaten", "given": "Laurens"}],
        "issued": {"date-parts": [[2023]]},
        "publisher": "arXiv",
        "number": "arXiv:2301.00001",
        "URL": "https://arxiv.org/abs/2301.00001",
    }
    assert items[3] == {
        "id": "anonunpublished",
        "type": "article",
        "title": "Unpublished",
        "author": [],
        "URL": "https://example.com/draft.pdf",
    }
