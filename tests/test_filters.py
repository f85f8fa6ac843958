"""core/filters.py: list filters whose selects offer the most used choices, not thousands,
while any valid value still filters; through the real list pages."""

import pytest

from core import filters
from tests.factories import (
    AppearanceFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
)
from tests.pages import Page, chosen, field, offered, saved, tagged
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


def test_a_select_offers_the_most_used_choices_by_name_and_says_so(client, few_offered):
    for n, name in [(4, "Dana"), (3, "Ann"), (2, "Cleo"), (1, "Bea")]:
        guest_in(n, name)
    page = Page(client.get("/episodes/"))
    assert [text for _, text in offered(page, "guest")] == ["Ann", "Cleo", "Dana"]
    assert "The 3 most frequent." in page.text_of("p", class_="help")


def test_a_select_offering_every_choice_does_not_say_it_offers_only_some(client, few_offered):
    for n, name in [(3, "Ann"), (2, "Cleo"), (1, "Bea")]:  # exactly as many as offered
        guest_in(n, name)
    page = Page(client.get("/episodes/"))
    assert [text for _, text in offered(page, "guest")] == ["Ann", "Bea", "Cleo"]
    assert not field(page, "guest").text_of("p", class_="help")


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


def test_a_guest_not_offered_is_shown_as_chosen_and_filters_on_its_own(client, few_offered):
    for n, name in [(4, "Dana"), (3, "Ann"), (2, "Cleo")]:
        guest_in(n, name)
    bea = guest_in(1, "Bea")
    response = client.get(f"/episodes/?guest={bea.slug}")
    assert [episode.guests()[0].person for episode in response.context["page"]] == [bea]
    page = Page(response)
    assert chosen(page, "guest") == [bea.slug]
    assert field(page, "guest").text_of("p", class_="error") == []


def test_an_unknown_guest_gives_an_empty_list_and_the_error_among_few_offered(client, few_offered):
    for n, name in [(4, "Dana"), (3, "Ann"), (2, "Cleo"), (1, "Bea")]:
        guest_in(n, name)
    response = client.get("/episodes/?guest=nobody")
    assert response.context["page"].paginator.count == 0
    page = Page(response)
    assert field(page, "guest").text_of("p", class_="error") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert [text for _, text in offered(page, "guest")] == ["Ann", "Cleo", "Dana"]
    assert chosen(page, "guest") == []


def test_the_paper_lists_author_select_says_it_offers_a_few_and_takes_any_author(
    client, few_offered
):
    authors = {name: PersonFactory(name=name) for name in ["Ann", "Bea", "Cleo", "Dana"]}
    for name, n in [("Ann", 4), ("Bea", 1), ("Cleo", 3), ("Dana", 2)]:
        bylines(saved(PaperFactory, n, title=f"By {name}"), authors[name])
    page = Page(client.get("/papers/"))
    assert field(page, "author").text_of("p", class_="help") == ["The 3 most frequent."]

    response = client.get(f"/papers/?author={authors['Bea'].slug}")
    assert [paper.title for paper in response.context["page"]] == ["By Bea"]
    page = Page(response)
    assert chosen(page, "author") == [authors["Bea"].slug]
    assert [text for _, text in offered(page, "author")] == ["Ann", "Bea", "Cleo", "Dana"]

    response = client.get("/papers/?author=nobody")
    assert response.context["page"].paginator.count == 0
    assert field(Page(response), "author").text_of("p", class_="error")


# Every list's topic select: the topics on most of its rows.


def episodes_on(topic, n):
    return [EpisodeFactory(tags=[topic]) for _ in range(n)]


def papers_on(topic, n):
    return tagged(saved(PaperFactory, n), topic)


def posts_on(topic, n):
    return [PostFactory(tags=[topic]) for _ in range(n)]


def people_on(topic, n):
    return tagged(saved(PersonFactory, n), topic)


@pytest.mark.parametrize(
    "url, make",
    [
        ("/episodes/", episodes_on),
        ("/papers/", papers_on),
        ("/posts/", posts_on),
        ("/people/", people_on),
    ],
)
def test_a_topic_select_offers_the_most_used_topics_and_takes_any(client, few_offered, url, make):
    for topic, n in [("dana", 4), ("ann", 3), ("cleo", 2)]:
        make(topic, n)
    (only,) = make("bea", 1)

    page = Page(client.get(url))
    assert offered(page, "tag") == [("ann", "ann"), ("cleo", "cleo"), ("dana", "dana")]
    assert field(page, "tag").text_of("p", class_="help") == ["The 3 most frequent."]

    response = client.get(f"{url}?tag=bea")
    assert [item.pk for item in response.context["page"]] == [only.pk]
    page = Page(response)
    assert chosen(page, "tag") == ["bea"]
    assert [value for value, _ in offered(page, "tag")] == ["ann", "bea", "cleo", "dana"]

    response = client.get(f"{url}?tag=nobody")
    assert response.context["page"].paginator.count == 0
    page = Page(response)
    assert field(page, "tag").text_of("p", class_="error")
    assert chosen(page, "tag") == []
