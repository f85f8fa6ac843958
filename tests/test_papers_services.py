"""Writing papers (papers/services.py): the byline and its rule, on both engines."""

import pytest
from django.core.exceptions import ValidationError

from papers.models import Authorship, Paper
from papers.services import replace_authors, save_paper
from search.models import Entry, Kind
from tests.factories import AuthorshipFactory, PaperFactory, PersonFactory

pytestmark = pytest.mark.django_db


def byline(paper):
    return [(a.order, a.person.name) for a in paper.authorships.select_related("person")]


def test_replace_authors_numbers_the_byline_from_one_and_indexes_it(announced):
    paper = PaperFactory()
    huh, isola = PersonFactory(name="Minyoung Huh"), PersonFactory(name="Phillip Isola")

    result = replace_authors(paper=paper, people=[huh, isola])

    assert byline(paper) == [(1, "Minyoung Huh"), (2, "Phillip Isola")]
    assert len(result.created) == 2
    assert announced == [(Paper, [paper.pk])]
    assert "Phillip Isola" in Entry.objects.get(kind=Kind.PAPER, paper=paper).keywords


def test_an_author_who_keeps_their_place_keeps_their_row_and_the_others_move():
    paper = PaperFactory()
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    kept = AuthorshipFactory(paper=paper, person=first, order=1)
    AuthorshipFactory(paper=paper, person=second, order=2)
    AuthorshipFactory(paper=paper, person=third, order=3)

    result = replace_authors(paper=paper, people=[first, third, second])

    assert [a.person for a in paper.authorships.all()] == [first, third, second]
    assert result.unchanged == [kept]
    assert len(result.deleted) == len(result.created) == 2


def test_the_same_byline_again_writes_nothing(announced):
    paper = PaperFactory()
    person = PersonFactory()
    AuthorshipFactory(paper=paper, person=person, order=1)

    result = replace_authors(paper=paper, people=[person])

    assert not result.changed
    assert announced == []


def test_an_author_listed_twice_is_refused_and_nothing_is_written(announced):
    paper = PaperFactory()
    person, other = PersonFactory(), PersonFactory()
    AuthorshipFactory(paper=paper, person=other, order=1)
    before = list(Authorship.objects.values_list("pk", "person", "order"))

    with pytest.raises(ValidationError) as error:
        replace_authors(paper=paper, people=[person, person])

    assert error.value.messages == ["An author is listed twice."]
    assert list(Authorship.objects.values_list("pk", "person", "order")) == before
    assert announced == []


def test_an_empty_list_clears_the_byline():
    paper = PaperFactory()
    AuthorshipFactory(paper=paper)
    replace_authors(paper=paper, people=[])
    assert not paper.authorships.exists()


def test_save_paper_saves_it_with_its_authors():
    author = PersonFactory()
    paper = Paper(title="The Platonic Representation Hypothesis", year=2024)

    save_paper(paper=paper, authors=[author])

    assert paper.pk and paper.slug == "the-platonic-representation-hypothesis"
    assert [a.person for a in paper.authorships.all()] == [author]


def test_save_paper_without_authors_leaves_the_byline_alone():
    paper = PaperFactory()
    AuthorshipFactory(paper=paper, order=1)
    paper.venue = "ICML 2024"

    assert save_paper(paper=paper) is None

    paper.refresh_from_db()
    assert paper.venue == "ICML 2024"
    assert paper.authorships.count() == 1


def test_a_paper_breaking_the_models_rules_writes_nothing():
    author = PersonFactory()
    paper = Paper(title="Bad id", arxiv_id="not an arXiv id")

    with pytest.raises(ValidationError) as error:
        save_paper(paper=paper, authors=[author])

    assert "arxiv_id" in error.value.message_dict
    assert not Paper.objects.exists()
    assert not Authorship.objects.exists()


def test_a_paper_whose_byline_is_refused_is_not_saved_either():
    author = PersonFactory()

    with pytest.raises(ValidationError):
        save_paper(paper=Paper(title="Twice the author"), authors=[author, author])

    assert not Paper.objects.exists()
