"""Papers, authorships and citations (papers/models.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from papers.models import Paper
from people.models import Person
from tests.factories import (
    AuthorshipFactory,
    CitationFactory,
    PaperFactory,
    PersonFactory,
    author,
)

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


# Reads: a person's papers, co-authors and readers (PaperQuerySet)


def test_a_person_has_their_papers_newest_first(phillip, his_papers):
    author(PersonFactory(), PaperFactory(year=2026))
    assert list(Paper.objects.by(phillip)) == his_papers


def test_coauthors_are_counted_by_shared_papers(phillip, his_papers):
    thickets, platonic, pix2pix = his_papers
    minyoung = PersonFactory(name="Minyoung Huh")
    alyosha = PersonFactory(name="Alexei Efros")
    stranger = PersonFactory(name="Someone Else")
    author(minyoung, thickets, platonic)
    author(alyosha, pix2pix)
    # A paper Phillip did not write counts for no one, even with his co-author on it.
    author(stranger, PaperFactory())
    author(minyoung, PaperFactory())

    coauthors = Paper.objects.coauthors_of(phillip)

    assert [(p.name, p.shared_papers) for p in coauthors] == [
        ("Minyoung Huh", 2),
        ("Alexei Efros", 1),
    ]


def test_a_person_is_not_their_own_coauthor(phillip, his_papers):
    assert phillip not in Paper.objects.coauthors_of(phillip)


def test_coauthors_with_as_many_shared_papers_come_by_name(phillip, his_papers):
    author(PersonFactory(name="Zed"), his_papers[0])
    author(PersonFactory(name="Abe"), his_papers[1])
    assert [p.name for p in Paper.objects.coauthors_of(phillip)] == ["Abe", "Zed"]


def test_a_person_without_papers_has_no_coauthors():
    assert not Paper.objects.coauthors_of(PersonFactory()).exists()


def test_papers_citing_more_of_a_persons_work_come_first(phillip, his_papers):
    thickets, platonic, pix2pix = his_papers
    unrelated = PaperFactory()
    survey = PaperFactory(title="A Survey", year=2020)
    follow_up = PaperFactory(title="A Follow-up", year=2026)
    CitationFactory(citing=survey, cited=thickets)
    CitationFactory(citing=survey, cited=platonic)
    CitationFactory(citing=survey, cited=unrelated)
    CitationFactory(citing=follow_up, cited=pix2pix)
    CitationFactory(citing=follow_up, cited=unrelated)
    CitationFactory(citing=PaperFactory(), cited=unrelated)

    cited_by = Paper.objects.citing_work_of(phillip)

    assert [(p.title, p.refs) for p in cited_by] == [("A Survey", 2), ("A Follow-up", 1)]


def test_his_own_papers_citing_each_other_count(phillip, his_papers):
    thickets, platonic, _ = his_papers
    CitationFactory(citing=thickets, cited=platonic)
    assert [(p, p.refs) for p in Paper.objects.citing_work_of(phillip)] == [(thickets, 1)]


def test_a_persons_papers_are_found_by_slug_too(phillip, his_papers):
    assert list(Paper.objects.by("phillip-isola")) == his_papers
    assert not Paper.objects.by("nobody").exists()


def test_a_paper_with_several_authors_is_one_paper_of_each(phillip, his_papers):
    minyoung = PersonFactory(name="Minyoung Huh")
    author(minyoung, his_papers[0])
    assert list(Paper.objects.by(phillip)) == his_papers
    assert list(Paper.objects.by(minyoung)) == his_papers[:1]


def test_coauthors_count_only_the_papers_of_the_queryset(phillip, his_papers):
    thickets, platonic, _ = his_papers
    minyoung = PersonFactory(name="Minyoung Huh")
    author(minyoung, thickets, platonic)
    recent = Paper.objects.filter(year__gte=2025)
    assert [(p, p.shared_papers) for p in recent.coauthors_of(phillip)] == [(minyoung, 1)]


def test_coauthors_cost_one_query(phillip, his_papers, django_assert_num_queries):
    author(PersonFactory(), *his_papers)
    with django_assert_num_queries(1):
        assert [p.shared_papers for p in Paper.objects.coauthors_of(phillip)] == [3]


def test_no_paper_cites_the_work_of_someone_without_papers(his_papers):
    CitationFactory(citing=his_papers[0], cited=his_papers[1])
    assert not Paper.objects.citing_work_of(PersonFactory()).exists()


def test_authors_are_the_people_with_a_paper_each_once(phillip, his_papers):
    PersonFactory(name="Not an author")
    minyoung = PersonFactory(name="Minyoung Huh")
    author(minyoung, his_papers[0])
    assert list(Paper.objects.authors()) == [minyoung, phillip]
    assert list(Paper.objects.filter(year=2017).authors()) == [phillip]


def test_papers_are_counted_per_person(phillip, his_papers):
    nobody = PersonFactory(name="Nobody")
    minyoung = PersonFactory(name="Minyoung Huh")
    author(minyoung, his_papers[0])
    people = Person.objects.annotate(paper_count=Paper.objects.count_per_person())
    assert {p: p.paper_count for p in people} == {phillip: 3, minyoung: 1, nobody: 0}
    recent = Paper.objects.filter(year__gte=2024).count_per_person()
    assert Person.objects.annotate(n=recent).get(pk=phillip.pk).n == 2


def test_bylines_come_in_order_with_no_query_once_loaded(django_assert_num_queries):
    paper = PaperFactory()
    paper.tags.add("vision")
    first, second = PersonFactory(name="Zoe First"), PersonFactory(name="Abe Second")
    AuthorshipFactory(paper=paper, person=second, order=2)
    AuthorshipFactory(paper=paper, person=first, order=1)
    with django_assert_num_queries(3):
        (loaded,) = Paper.objects.with_authors()
    with django_assert_num_queries(0):
        assert loaded.ordered_authors() == [first, second]
        assert [tag.name for tag in loaded.tags.all()] == ["vision"]
