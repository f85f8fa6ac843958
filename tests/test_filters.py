"""core/filters.py: list filters whose selects offer the most used choices, not thousands,
while any valid value still filters; through the real list pages."""

import pytest

from core import filters
from tests.factories import AppearanceFactory, EpisodeFactory, PaperFactory, PersonFactory
from tests.pages import Page
from tests.test_paper_pages import bylines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_each_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # each request renders: its context is there to read


@pytest.fixture
def few_offered(monkeypatch):
    monkeypatch.setattr(filters, "CHOICES_OFFERED", 3)


def guest_in(n_episodes, name):
    person = PersonFactory(name=name)
    for _ in range(n_episodes):
        AppearanceFactory(episode=EpisodeFactory(), person=person, role="guest")
    return person


def offered(page, name):
    """(value, text) of the options of the select `name`, without its empty choice."""
    values = [option.get("value") for option in page.all("option")]
    texts = page.text_of("option")
    select_start = page.html.index(f'name="{name}"')
    select_end = page.html.index("</select>", select_start)
    inside = page.html[select_start:select_end]
    return [(v, t) for v, t in zip(values, texts, strict=True) if v and f'value="{v}"' in inside]


def test_a_select_offers_the_most_used_choices_by_name_and_says_so(client, few_offered):
    for n, name in [(4, "Dana"), (3, "Ann"), (2, "Cleo"), (1, "Bea")]:
        guest_in(n, name)
    page = Page(client.get("/episodes/"))
    assert [text for _, text in offered(page, "guest")] == ["Ann", "Cleo", "Dana"]
    assert "The 3 most frequent." in page.text_of("p", class_="help")


def test_a_choice_not_offered_still_filters_and_shows_as_chosen(client, few_offered):
    for n, name in [(4, "Dana"), (3, "Ann"), (2, "Cleo")]:
        guest_in(n, name)
    bea = guest_in(1, "Bea")
    response = client.get(f"/episodes/?guest={bea.slug}")
    assert response.context["page"].paginator.count == 1
    page = Page(response)
    assert [text for _, text in offered(page, "guest")] == ["Ann", "Bea", "Cleo", "Dana"]
    assert page.all("option", value=bea.slug, selected="")


def test_an_unknown_value_still_gives_an_empty_list_saying_why(client, few_offered):
    guest_in(1, "Ann")
    response = client.get("/episodes/?guest=nobody")
    assert response.context["page"].paginator.count == 0
    assert Page(response).all("p", class_="error")


def test_few_choices_are_all_offered_without_a_note(client):
    guest_in(1, "Ann")
    guest_in(1, "Bea")
    page = Page(client.get("/episodes/"))
    assert [text for _, text in offered(page, "guest")] == ["Ann", "Bea"]
    assert page.text_of("p", class_="help") == []


def test_the_paper_lists_author_select_offers_the_most_prolific(client, few_offered):
    authors = {name: PersonFactory(name=name) for name in ["Ann", "Bea", "Cleo", "Dana"]}
    for name, n in [("Ann", 4), ("Bea", 1), ("Cleo", 3), ("Dana", 2)]:
        for _ in range(n):
            bylines([PaperFactory()], authors[name])
    page = Page(client.get("/papers/"))
    assert [text for _, text in offered(page, "author")] == ["Ann", "Cleo", "Dana"]
    response = client.get(f"/papers/?author={authors['Bea'].slug}")
    assert response.context["page"].paginator.count == 1
