"""Importing papers (papers/importers.py): matching papers and people, bylines, BibTeX files."""

import datetime

import httpx
import pytest
from django.db import transaction

from papers import sources
from papers.importers import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ImportProblem,
    NotBibtex,
    bibtex_names,
    import_item,
    import_paper,
    read_bibtex,
)
from papers.models import Authorship, Paper
from papers.sources import PaperMetadata
from papers.sources.base import SourceUnavailable
from people.models import Person
from tests.factories import AuthorshipFactory, PaperFactory, PersonFactory
from tests.faults import refuse_inserts
from tests.recorded_papers import FIXTURES

PRH_AUTHORS = ["Minyoung Huh", "Brian Cheung", "Tongzhou Wang", "Phillip Isola"]


def prh(**fields):
    return PaperMetadata(
        **{
            "title": "The Platonic Representation Hypothesis",
            "authors": PRH_AUTHORS,
            "year": 2024,
            "published_on": datetime.date(2024, 5, 13),
            "abstract": "We argue that representations in AI models are converging.",
            "arxiv_id": "2405.07987",
            "source": "arXiv 2405.07987",
            **fields,
        }
    )


def byline(paper):
    return list(paper.authorships.order_by("order").values_list("order", "person__name"))


# A new paper


@pytest.mark.django_db
def test_a_new_paper_is_created_with_its_authors_in_order():
    result = import_paper(prh())
    assert result.status == CREATED
    paper = Paper.objects.get()
    assert paper == result.paper
    assert (paper.title, paper.slug) == (
        "The Platonic Representation Hypothesis",
        "the-platonic-representation-hypothesis",
    )
    assert (paper.year, paper.published_on, paper.arxiv_id) == (
        2024,
        datetime.date(2024, 5, 13),
        "2405.07987",
    )
    assert byline(paper) == list(enumerate(PRH_AUTHORS, start=1))
    assert [p.name for p in result.new_people] == PRH_AUTHORS
    assert result.authors == 4
    assert result.describe() == (
        "created \u201cThe Platonic Representation Hypothesis\u201d (4 authors, 4 new people)"
    )


@pytest.mark.django_db
def test_authors_already_here_are_reused_whatever_their_accents_and_case():
    isola = PersonFactory(name="Phillip Isola")
    huh = PersonFactory(name="Minyoung Huh")
    result = import_paper(prh(authors=["MINYOUNG HUH", "Brian Cheung", "Phíllip  Isola"]))
    assert [a.person for a in result.paper.authorships.order_by("order")][::2] == [huh, isola]
    assert [p.name for p in result.new_people] == ["Brian Cheung"]
    assert Person.objects.count() == 3
    assert byline(result.paper) == [(1, "Minyoung Huh"), (2, "Brian Cheung"), (3, "Phillip Isola")]


@pytest.mark.django_db
def test_an_author_named_twice_is_in_the_byline_once():
    result = import_paper(prh(authors=["Ada Lovelace", "ada lovelace", "Alan Turing"]))
    assert byline(result.paper) == [(1, "Ada Lovelace"), (2, "Alan Turing")]


@pytest.mark.django_db
def test_versions_and_whitespace_are_tidied():
    result = import_paper(
        prh(title="  The Platonic\n Representation   Hypothesis ", arxiv_id="2405.07987v3")
    )
    assert result.paper.title == "The Platonic Representation Hypothesis"
    assert result.paper.arxiv_id == "2405.07987"


@pytest.mark.django_db
def test_a_long_venue_is_shortened_at_a_word():
    venue = "Proceedings of the " + "Very Long Workshop " * 20
    paper = import_paper(prh(venue=venue)).paper
    assert len(paper.venue) <= 200
    assert paper.venue.endswith(" Very\u2026")


# A paper already here


@pytest.mark.django_db
def test_a_paper_already_here_by_arxiv_id_only_gets_what_it_lacks():
    paper = PaperFactory(
        title="PRH (our title)",
        arxiv_id="2405.07987",
        year=2024,
        summary="Ours.",
        venue="ICML 2024",
    )
    AuthorshipFactory(paper=paper, person__name="Phillip Isola", order=1)
    result = import_paper(prh(venue="Someone else's venue", doi="10.48550/arXiv.2405.07987"))
    assert result.status == UPDATED
    assert result.filled == ["published_on", "abstract", "doi"]
    paper.refresh_from_db()
    assert paper.title == "PRH (our title)"  # the editors' words stay
    assert paper.venue == "ICML 2024"
    assert paper.summary == "Ours."
    assert paper.doi == "10.48550/arXiv.2405.07987"
    assert byline(paper) == [(1, "Phillip Isola")]  # the editors' byline stays
    assert Paper.objects.count() == 1
    assert result.describe() == ("filled in date, abstract, DOI on \u201cPRH (our title)\u201d")


@pytest.mark.django_db
def test_a_paper_without_authors_gets_them():
    paper = PaperFactory(title="PRH", arxiv_id="2405.07987")
    result = import_paper(prh())
    assert result.status == UPDATED
    assert byline(paper) == list(enumerate(PRH_AUTHORS, start=1))


@pytest.mark.django_db
def test_importing_the_same_paper_again_changes_nothing():
    import_paper(prh())
    before = Paper.objects.get().updated_at
    result = import_paper(prh())
    assert result.status == UNCHANGED
    assert (
        result.describe()
        == "\u201cThe Platonic Representation Hypothesis\u201d is already here, nothing new"
    )
    assert Paper.objects.get().updated_at == before
    assert Person.objects.count() == 4


@pytest.mark.django_db
def test_a_paper_is_found_by_a_versioned_arxiv_id():
    paper = PaperFactory(arxiv_id="2405.07987v2")
    assert import_paper(prh()).paper == paper


@pytest.mark.django_db
def test_a_paper_is_found_by_its_doi_ignoring_case():
    paper = PaperFactory(doi="10.48550/arXiv.2405.07987")
    result = import_paper(prh(arxiv_id="", doi="10.48550/ARXIV.2405.07987"))
    assert result.paper == paper


@pytest.mark.django_db
def test_a_paper_is_found_by_its_exact_title_ignoring_case():
    paper = PaperFactory(title="the platonic representation hypothesis")
    result = import_paper(prh())
    assert result.paper == paper
    paper.refresh_from_db()
    assert paper.arxiv_id == "2405.07987"


@pytest.mark.django_db
def test_a_paper_with_the_same_title_but_another_arxiv_id_is_another_paper():
    PaperFactory(title="Deep Learning", arxiv_id="1111.11111")
    result = import_paper(prh(title="Deep Learning"))
    assert result.status == CREATED
    assert Paper.objects.count() == 2


@pytest.mark.django_db
def test_ids_pointing_at_two_different_papers_are_refused():
    PaperFactory(title="One", arxiv_id="2405.07987")
    PaperFactory(title="Two", doi="10.1000/two")
    with pytest.raises(ImportProblem, match="merge them in the admin first"):
        import_paper(prh(doi="10.1000/two"))


# Refused, and leaving nothing behind


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "it has no title"),
        ({"title": "x" * 501}, "longer than 500 characters"),
        ({"arxiv_id": "not-an-id"}, "its arXiv id is not valid"),
        ({"doi": "11.2/x"}, "its DOI is not valid"),
    ],
)
def test_metadata_the_model_would_refuse_is_refused_with_the_reason(fields, message):
    with pytest.raises(ImportProblem, match=message):
        import_paper(prh(**fields))
    assert not Paper.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_failure_half_way_leaves_the_database_as_it_was(monkeypatch):
    PersonFactory(name="Phillip Isola")

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Authorship.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        import_paper(prh())
    assert not Paper.objects.exists()
    assert list(Person.objects.values_list("name", flat=True)) == ["Phillip Isola"]


@pytest.mark.django_db
def test_an_invalid_url_is_dropped_not_fatal():
    paper = import_paper(prh(url="ftp://example.com/paper.pdf")).paper
    assert paper.url == ""


# BibTeX files


# One paper of a batch (import_item), as the command and the job both import them.


def test_an_entry_that_cannot_be_read_is_skipped_with_its_reason():
    result = import_item("refs.bib: x (line 2)", "it has no title.")
    assert (result.source, result.status, result.reason) == (
        "refs.bib: x (line 2)",
        SKIPPED,
        "it has no title.",
    )


@pytest.mark.django_db
def test_an_item_is_imported_under_the_batchs_label():
    result = import_item("refs.bib: huh2024 (line 3)", prh())
    assert (result.source, result.status) == ("refs.bib: huh2024 (line 3)", CREATED)
    assert import_item("again", prh(title="")).reason == "it has no title."


@pytest.mark.django_db
def test_a_paper_the_database_refuses_is_skipped_and_the_batch_goes_on():
    refuse_inserts("papers_paper", "NEW.title = 'Refused'")
    with transaction.atomic():  # the batch's one transaction
        refused = import_item("first", prh(title="Refused", arxiv_id="", authors=["Jo Nobody"]))
        imported = import_item("second", prh())
    assert refused.status == SKIPPED
    assert refused.reason.startswith("the database refused it (")
    assert refused.reason.endswith("); import it again.")
    assert imported.status == CREATED
    assert list(Paper.objects.values_list("title", flat=True)) == [prh().title]
    assert not Person.objects.filter(name="Jo Nobody").exists()  # its author went with it


def test_a_service_that_does_not_answer_is_skipped_or_raised_as_the_caller_asks():
    down = httpx.MockTransport(lambda request: httpx.Response(503))
    identifier = sources.parse_identifier("2405.07987", "arxiv")
    with sources.open_sources(transport=down, arxiv_pause=0) as network:
        result = import_item("2405.07987", identifier, network=network)
        assert result.status == SKIPPED
        with pytest.raises(SourceUnavailable):  # the job's way: Celery tries it again
            import_item("2405.07987", identifier, network=network, reraise=(SourceUnavailable,))


def read(name):
    return read_bibtex((FIXTURES / name).read_text(), name)


def test_every_entry_of_a_bibtex_file_is_read_in_order_with_broken_ones_explained():
    entries = read("refs.bib")
    assert [entry.label for entry in entries] == [
        "refs.bib: huh2024platonic (line 3)",
        "refs.bib: tishby2000 (line 12)",
        "refs.bib: broken (line 19)",
        "refs.bib: lecun2015deep (line 23)",
        "refs.bib: notitle (line 33)",
        "refs.bib: maaten2008 (line 37)",
        "refs.bib: lecun2015deep (line 45)",
    ]
    problems = [entry.problem for entry in entries]
    assert problems[:2] == ["", ""]
    assert problems[2].startswith("not valid BibTeX (")
    assert problems[2].endswith("fix the entry.")
    assert problems[4] == "it has no title."
    assert (
        problems[6] == "a second entry with the key 'lecun2015deep'; give each entry its own key."
    )


def test_bibtex_fields_become_metadata():
    prh_entry, tishby, _, lecun, _, maaten, _ = (entry.metadata for entry in read("refs.bib"))
    assert prh_entry == PaperMetadata(
        title="The Platonic Representation Hypothesis",
        authors=PRH_AUTHORS,
        year=2024,
        venue="International Conference on Machine Learning",
        arxiv_id="2405.07987",
        source="refs.bib: huh2024platonic (line 3)",
    )
    assert tishby.arxiv_id == "physics/0004057"  # from Google Scholar's "arXiv preprint"
    assert tishby.venue == ""
    # Google Scholar leaves out the initials' dots; they are put back, as arXiv writes them.
    assert tishby.authors == ["Naftali Tishby", "Fernando C. Pereira", "William Bialek"]
    assert (lecun.doi, lecun.venue, lecun.url) == ("10.1038/nature14539", "Nature", "")
    assert lecun.published_on == datetime.date(2015, 5, 27)
    assert maaten.title == "Visualizing Data using t-SNE"
    assert maaten.url == "https://jmlr.org/papers/v9/vandermaaten08a.html"


def test_latex_accents_and_braces_are_decoded():
    (entry,) = read_bibtex(
        r"""@article{x, title = {{\"U}ber {Gr\"o{\ss}e}: $x_i$ \& the {ResNet} family},
        author = {M{\"u}ller, Jos{\'e} and Fran\c{c}ois Chollet and Yann {Le Cun}},
        year = 2020}"""
    )
    assert entry.metadata.title == "Über Größe: $x_i$ & the ResNet family"
    assert entry.metadata.authors == ["José Müller", "François Chollet", "Yann Le Cun"]


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("Huh, Minyoung and Phillip Isola", ["Minyoung Huh", "Phillip Isola"]),
        (
            "van der Maaten, Laurens and Hinton, Geoffrey",
            ["Laurens van der Maaten", "Geoffrey Hinton"],
        ),
        ("King, Jr., Martin Luther", ["Martin Luther King Jr."]),
        ("{OpenAI Team} and others", ["OpenAI Team"]),
        ("Plato", ["Plato"]),
        ("Pereira, Fernando C and Hinton, G E", ["Fernando C. Pereira", "G. E. Hinton"]),
        ("", []),
    ],
)
def test_bibtex_names_in_either_order(field, names):
    assert bibtex_names(field) == names


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Just some notes about papers I like.\n",
        '{"title": "Not BibTeX", "author": "me@example.com"}',
        "@article{onlybroken, title = {Unclosed",
    ],
)
def test_a_file_without_a_readable_entry_is_not_bibtex(text):
    with pytest.raises(NotBibtex, match="has no BibTeX entry we can read"):
        read_bibtex(text, "notes.txt")


def test_arxiv_ids_are_found_where_reference_managers_put_them():
    entries = read_bibtex(
        """
        @misc{a, title = {A}, eprint = {2405.07987}, archivePrefix = {arXiv}}
        @article{b, title = {B}, journal = {CoRR}, volume = {abs/1706.03762}}
        @misc{c, title = {C}, url = {https://arxiv.org/abs/1512.03385}}
        @misc{d, title = {D}, doi = {10.48550/arXiv.2010.11929}}
        @misc{e, title = {E}, eprint = {hep-th/9711200}, eprinttype = {arxiv}}
        """
    )
    assert [e.metadata.arxiv_id for e in entries] == [
        "2405.07987",
        "1706.03762",
        "1512.03385",
        "2010.11929",
        "hep-th/9711200",
    ]
    assert [e.metadata.venue for e in entries] == ["", "", "", "", ""]


@pytest.mark.django_db
def test_a_date_that_contradicts_the_papers_year_is_not_filled_in():
    paper = PaperFactory(title="PRH", arxiv_id="2405.07987", year=2025)
    result = import_paper(prh())
    paper.refresh_from_db()
    assert (paper.year, paper.published_on) == (2025, None)
    assert "published_on" not in result.filled


@pytest.mark.django_db
def test_an_overlong_url_is_dropped_not_fatal():
    paper = import_paper(prh(url="https://example.com/" + "x" * 300)).paper
    assert paper.url == ""
