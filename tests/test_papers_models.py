"""Papers, authorships and citations (papers/models.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from papers.models import Paper
from tests.factories import AuthorshipFactory, CitationFactory, PaperFactory, PersonFactory

pytestmark = pytest.mark.django_db


# Identity


def test_a_paper_reads_as_its_title_and_year():
    assert str(PaperFactory(title="Neural Thickets", year=2025)) == "Neural Thickets (2025)"


def test_a_paper_without_a_year_reads_as_its_title():
    assert str(PaperFactory(title="Neural Thickets", year=None)) == "Neural Thickets"


def test_a_paper_lives_at_its_slug():
    paper = PaperFactory(title="The Platonic Representation Hypothesis")
    assert paper.slug == "the-platonic-representation-hypothesis"
    assert paper.get_absolute_url() == "/papers/the-platonic-representation-hypothesis/"


def test_papers_with_one_title_get_numbered_slugs():
    slugs = [PaperFactory(title="Attention Is All You Need").slug for _ in range(3)]
    assert slugs == [
        "attention-is-all-you-need",
        "attention-is-all-you-need-2",
        "attention-is-all-you-need-3",
    ]


def test_a_long_title_makes_a_slug_of_at_most_80_characters():
    title = "On the Surprising Effectiveness of Very Long Titles in Machine Learning " * 3
    first, second = PaperFactory(title=title), PaperFactory(title=title)

    assert len(first.slug) <= 80
    assert len(second.slug) <= 80
    assert second.slug.endswith("-2")
    assert not first.slug.endswith("-")


def test_a_paper_takes_its_year_from_its_date():
    paper = PaperFactory(year=None, published_on=datetime.date(2024, 5, 13))
    assert paper.year == 2024


def test_a_given_year_wins_over_the_date():
    paper = PaperFactory(year=2023, published_on=datetime.date(2024, 5, 13))
    assert paper.year == 2023


def test_papers_are_listed_newest_first_then_by_title():
    b_2024 = PaperFactory(title="B", year=2024)
    a_2024 = PaperFactory(title="A", year=2024)
    c_2025 = PaperFactory(title="C", year=2025)
    assert list(Paper.objects.all()) == [c_2025, a_2024, b_2024]


# Links


def test_a_paper_without_ids_has_no_links():
    assert PaperFactory().links() == []


def test_a_paper_has_a_link_for_every_id_in_a_stable_order():
    paper = PaperFactory(
        arxiv_id="2405.07987",
        doi="10.48550/arXiv.2405.07987",
        url="https://phillipi.github.io/prh/",
        openalex_id="W4396833154",
        semantic_scholar_id="8e3c1c2c",
    )

    assert paper.links() == [
        ("arXiv", "https://arxiv.org/abs/2405.07987"),
        ("DOI", "https://doi.org/10.48550/arXiv.2405.07987"),
        ("Link", "https://phillipi.github.io/prh/"),
        ("OpenAlex", "https://openalex.org/W4396833154"),
        ("Semantic Scholar", "https://www.semanticscholar.org/paper/8e3c1c2c"),
    ]


def test_a_paper_links_only_what_it_has():
    paper = PaperFactory(doi="10.1145/3442188.3445922")
    assert paper.links() == [("DOI", "https://doi.org/10.1145/3442188.3445922")]
    assert paper.arxiv_url() == ""
    assert paper.semantic_scholar_url() == ""


# Validators


def errors_for(paper, **fields):
    """The validation errors of `paper` with `fields` changed, by field."""
    for name, value in fields.items():
        setattr(paper, name, value)
    try:
        paper.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.parametrize(
    "arxiv_id", ["2405.07987", "2405.07987v2", "1706.0376", "cs/0112017", "math.GT/0309136v1"]
)
def test_it_accepts_an_arxiv_id(arxiv_id):
    assert errors_for(PaperFactory(), arxiv_id=arxiv_id) == {}


@pytest.mark.parametrize(
    "arxiv_id",
    [
        "https://arxiv.org/abs/2405.07987",
        "arXiv:2405.07987",
        "2405.079",
        "24050.7987",
        "2405.07987 ",
        "cs/012",
    ],
)
def test_it_refuses_what_is_not_an_arxiv_id(arxiv_id):
    errors = errors_for(PaperFactory(), arxiv_id=arxiv_id)
    assert errors["arxiv_id"] == [
        'An arXiv id looks like "2405.07987" (or "cs/0112017" for old papers), without a URL.'
    ]


@pytest.mark.parametrize(
    "doi", ["10.48550/arXiv.2405.07987", "10.1145/3442188.3445922", "10.1038/nature14539"]
)
def test_it_accepts_a_doi(doi):
    assert errors_for(PaperFactory(), doi=doi) == {}


@pytest.mark.parametrize(
    "doi", ["https://doi.org/10.1038/nature14539", "doi:10.1038/nature14539", "10.1038/", "11.1/x"]
)
def test_it_refuses_what_is_not_a_doi(doi):
    errors = errors_for(PaperFactory(), doi=doi)
    assert errors["doi"] == ['A DOI looks like "10.48550/arXiv.2405.07987".']


def test_a_papers_link_must_be_a_web_address():
    errors = errors_for(PaperFactory(), url="ftp://ftp.example.com/paper.pdf")
    assert errors["url"] == ["Enter an http:// or https:// URL."]


def test_validation_refuses_an_arxiv_id_already_taken():
    PaperFactory(arxiv_id="2405.07987")
    assert errors_for(PaperFactory(), arxiv_id="2405.07987")


def test_validation_refuses_a_doi_already_taken():
    PaperFactory(doi="10.1038/nature14539")
    assert errors_for(PaperFactory(), doi="10.1038/nature14539")


# Authors


def test_authors_come_in_byline_order():
    paper = PaperFactory()
    third, first, second = PersonFactory(), PersonFactory(), PersonFactory()
    AuthorshipFactory(paper=paper, person=third, order=3)
    AuthorshipFactory(paper=paper, person=first, order=1)
    AuthorshipFactory(paper=paper, person=second, order=2)

    assert paper.ordered_authors() == [first, second, third]


def test_a_paper_without_authors_has_an_empty_byline():
    assert PaperFactory().ordered_authors() == []


def test_an_authorship_reads_as_person_position_and_paper():
    authorship = AuthorshipFactory(
        person=PersonFactory(name="Minyoung Huh"),
        paper=PaperFactory(title="The Platonic Representation Hypothesis"),
        order=1,
    )
    assert str(authorship) == "Minyoung Huh (1) on The Platonic Representation Hypothesis"


def test_the_database_refuses_two_authors_in_one_position():
    first = AuthorshipFactory(order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorshipFactory(paper=first.paper, order=1)


def test_the_same_position_on_another_paper_is_fine():
    AuthorshipFactory(order=1)
    assert AuthorshipFactory(order=1).pk


def test_the_database_refuses_a_person_twice_on_one_paper():
    first = AuthorshipFactory(order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorshipFactory(paper=first.paper, person=first.person, order=2)


# Citations


def test_a_paper_knows_what_it_cites_and_what_cites_it():
    prh = PaperFactory(title="The Platonic Representation Hypothesis")
    thickets = PaperFactory(title="Neural Thickets")
    CitationFactory(citing=thickets, cited=prh)

    assert list(thickets.references.all()) == [prh]
    assert list(prh.cited_by.all()) == [thickets]
    assert not prh.references.exists()


def test_a_citation_reads_as_one_paper_citing_another():
    citation = CitationFactory(citing=PaperFactory(title="B"), cited=PaperFactory(title="A"))
    assert str(citation) == "B cites A"


def test_the_database_refuses_the_same_citation_twice():
    citation = CitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CitationFactory(citing=citation.citing, cited=citation.cited)


def test_two_papers_may_cite_each_other():
    citation = CitationFactory()
    assert CitationFactory(citing=citation.cited, cited=citation.citing).pk


def test_the_database_refuses_a_paper_citing_itself():
    paper = PaperFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CitationFactory(citing=paper, cited=paper)


# Unique ids


def test_the_database_refuses_two_papers_with_one_slug():
    PaperFactory(slug="attention")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(slug="attention")


def test_the_database_refuses_two_papers_with_one_arxiv_id():
    PaperFactory(arxiv_id="2405.07987")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(arxiv_id="2405.07987")


def test_the_database_refuses_two_papers_with_one_doi():
    PaperFactory(doi="10.1038/nature14539")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(doi="10.1038/nature14539")


def test_many_papers_may_have_neither_arxiv_id_nor_doi():
    PaperFactory(arxiv_id="", doi="")
    PaperFactory(arxiv_id="", doi="")
    assert Paper.objects.filter(arxiv_id="", doi="").count() == 2
