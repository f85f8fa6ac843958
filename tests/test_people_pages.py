"""The people list and person pages (pages/views/people.py, pages/filters.py)."""

import re

import pytest

from episodes.models import Appearance, Chapter, Discussion, Episode
from pages.filters import in_role
from pages.views.people import recent_mentions
from papers.models import Authorship, Citation
from people.models import Affiliation, Person
from posts.models import Post
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    AuthorshipFactory,
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
    author,
)
from tests.pages import (
    ISOLA_EPISODE,
    POST,
    PRH,
    DemoTestCase,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
    tagged,
)

ISOLA = "/people/phillip-isola/"


def listed(page):
    """Slugs of the people linked from a list page, in order."""
    return [
        attrs["href"].split("/")[2]
        for attrs in page.all("a")
        if re.fullmatch(r"/people/[\w-]+/", attrs.get("href", ""))
    ]


class TestPeopleListWithTheDemo(DemoTestCase):
    def test_it_lists_everyone_by_name(self):
        page = self.page("/people/")
        assert page.text_of("h1") == ["People"]
        assert page.text_of("p", role="status") == ["14 people"]
        people = listed(page)
        assert len(people) == 14
        assert people[:3] == ["allen-roush", "brian-cheung", "christian-szegedy"]

    def test_each_person_shows_positions_episodes_and_papers(self):
        page = self.page("/people/")
        assert page.item("Phillip Isola") == "Phillip Isola Professor, MIT · 1 episode · 1 paper"
        assert page.item("Julia Kempe") == (
            "Julia Kempe Researcher, FAIR Foundations of Reasoning, Meta; "
            "Professor, Center for Data Science, NYU · 1 episode"
        )
        assert page.item("Ravid Shwartz-Ziv") == "Ravid Shwartz-Ziv Host 9 episodes"
        # A past position is not shown as current.
        assert page.item("Christian Szegedy") == "Christian Szegedy Math Inc · 1 episode"

    def test_hosts(self):
        page = self.page("/people/?role=host")
        assert listed(page) == ["allen-roush", "ravid-shwartz-ziv"]
        assert page.text_of("p", role="status") == ["2 people"]

    def test_guests(self):
        page = self.page("/people/?role=guest")
        assert len(listed(page)) == 9
        assert "julia-kempe" in listed(page)
        assert "ravid-shwartz-ziv" not in listed(page)
        assert "minyoung-huh" not in listed(page)

    def test_authors(self):
        page = self.page("/people/?role=author")
        assert listed(page) == ["brian-cheung", "minyoung-huh", "phillip-isola", "tongzhou-wang"]

    def test_people_at_an_organization(self):
        assert listed(self.page("/people/?organization=nyu")) == [
            "julia-kempe",
            "mengye-ren",
            "tal-linzen",
        ]
        assert listed(self.page("/people/?organization=mit")) == ["phillip-isola"]

    def test_past_positions_count_for_the_organization_filter(self):
        # Zhuang Liu was at Meta; Julia Kempe is.
        assert listed(self.page("/people/?organization=meta")) == ["julia-kempe", "zhuang-liu"]

    def test_people_on_a_topic(self):
        assert listed(self.page("/people/?tag=open-world-learning")) == ["mengye-ren"]
        page = self.page("/people/?tag=representation-learning&role=guest")
        assert listed(page) == ["phillip-isola"]
        assert page.text_of("p", role="status") == ["1 person"]

    def test_filters_combine(self):
        assert listed(self.page("/people/?role=guest&organization=google")) == ["tal-linzen"]
        assert listed(self.page("/people/?role=author&organization=mit")) == ["phillip-isola"]
        assert listed(self.page("/people/?role=host&organization=nyu")) == []

    def test_an_unknown_role_or_organization_gives_an_empty_list_and_says_why(self):
        queries = ["role=villain", "organization=nowhere", "tag=nothing-like-it"]
        for query in [*queries, "role=guest&organization=x"]:
            page = self.page(f"/people/?{query}")
            assert listed(page) == [], query
            assert page.text_of("p", role="status") == ["0 people"], query
            assert "Nobody matches these filters." in page.html, query
            assert len(page.all("p", class_="error")) == 1, query


class TestPersonPageWithTheDemo(DemoTestCase):
    def test_it_shows_the_name_bio_and_topics(self):
        page = self.page(ISOLA)
        assert page.text_of("h1") == ["Phillip Isola"]
        (bio,) = page.text_of("p", class_="bio")
        assert bio.startswith("Professor at MIT working on representation learning")
        assert page.links("/tags/representation-learning/") == ["#representation-learning"]
        assert page.links("/tags/artificial-life/") == ["#artificial-life"]
        assert page.all("p", class_="badge") == []

    def test_it_shows_the_affiliation(self):
        page = self.page(ISOLA)
        (affiliations,) = page.text_of("section", aria_labelledby="affiliations-title")
        assert affiliations == "Affiliations (1) Professor, MIT (institute)"

    def test_past_affiliations_are_marked_past(self):
        page = self.page("/people/christian-szegedy/")
        (affiliations,) = page.text_of("section", aria_labelledby="affiliations-title")
        assert "Math Inc (company)" in affiliations
        assert "Founding Scientist, xAI (company, past)" in affiliations

    def test_it_lists_the_episode_with_the_affiliation_shown_then(self):
        page = self.page(ISOLA)
        (episodes,) = page.text_of("section", aria_labelledby="episodes-title")
        assert episodes == (
            "Episodes (1) Platonic Representations, Neural Thickets, and Artificial Life - with "
            "Phillip Isola (MIT) guest, as MIT · June 4, 2026"
        )
        assert page.all("a", href=f"/episodes/{ISOLA_EPISODE}/")

    def test_it_lists_the_authored_paper_with_its_byline(self):
        page = self.page(ISOLA)
        (papers,) = page.text_of("section", aria_labelledby="papers-title")
        assert papers.startswith("Authored papers (1) The Platonic Representation Hypothesis")
        assert "Minyoung Huh, Brian Cheung, Tongzhou Wang, Phillip Isola · 2024 · ICML 2024" in (
            papers
        )
        assert page.links(f"/papers/{PRH}/") == ["The Platonic Representation Hypothesis"]

    def test_it_lists_the_three_coauthors_with_one_shared_paper_each(self):
        page = self.page(ISOLA)
        (coauthors,) = page.text_of("section", aria_labelledby="coauthors-title")
        assert coauthors == (
            "Co-authors (3) Brian Cheung 1 shared paper Minyoung Huh 1 shared paper "
            "Tongzhou Wang 1 shared paper"
        )
        for slug in ["brian-cheung", "minyoung-huh", "tongzhou-wang"]:
            assert page.all("a", href=f"/people/{slug}/")
        assert page.links(ISOLA) == ["Phillip Isola"]  # only in the byline, not a co-author

    def test_it_lists_the_papers_citing_their_work(self):
        page = self.page(ISOLA)
        (cited,) = page.text_of("section", aria_labelledby="cited-title")
        assert cited == "Their work is cited by (1) Model Alignment Search 1\u00d7 ref"
        assert page.links("/papers/model-alignment-search/") == ["Model Alignment Search"]

    def test_it_lists_recent_mentions_newest_first(self):
        page = self.page(ISOLA)
        (mentions,) = page.text_of("section", aria_labelledby="mentions-title")
        assert mentions == (
            "Recent mentions (2) Platonic Representations, Neural Thickets, and Artificial Life "
            "- with Phillip Isola (MIT) Episode · June 4, 2026 Everything Is Converging to the "
            "Same Thing Post · May 20, 2024"
        )
        assert page.links(f"/posts/{POST}/") == ["Everything Is Converging to the Same Thing"]

    def test_the_demo_has_no_external_profiles(self):
        assert self.page(ISOLA).all("ul", class_="links") == []

    def test_a_host_page_says_so_and_lists_every_episode(self):
        page = self.page("/people/ravid-shwartz-ziv/")
        assert page.text_of("p", class_="badge") == ["Host of the show"]
        (episodes,) = page.text_of("section", aria_labelledby="episodes-title")
        assert episodes.startswith("Episodes (9)")
        assert episodes.count(" host · ") == 9

    def test_an_author_who_never_appeared_has_a_page_with_just_their_work(self):
        page = self.page("/people/minyoung-huh/")
        assert page.text_of("h1") == ["Minyoung Huh"]
        assert page.all("section", aria_labelledby="episodes-title") == []
        assert page.all("section", aria_labelledby="affiliations-title") == []
        assert page.text_of("section", aria_labelledby="papers-title")
        assert page.text_of("section", aria_labelledby="coauthors-title")[0].startswith(
            "Co-authors (3) Brian Cheung"
        )


# Roles, for the filters of the list and of the API (pages/filters.py).


def test_hosts_guests_and_authors_are_told_apart(db):
    host = PersonFactory(is_host=True)
    guest = PersonFactory()
    writer = PersonFactory()
    upcoming = PersonFactory()
    AppearanceFactory(person=host, role=Appearance.Role.HOST)
    AppearanceFactory(person=guest)
    AppearanceFactory(person=guest)  # twice a guest, once in the list
    AppearanceFactory(person=upcoming, episode=EpisodeFactory(scheduled=True))
    author(writer, PaperFactory(), PaperFactory())

    people, published = Person.objects.all(), Episode.objects.live()
    assert list(in_role(people, "host", published)) == [host]
    assert list(in_role(people, "guest", published)) == [guest]
    assert list(in_role(people, "author", published)) == [writer]
    assert set(in_role(people, "guest", Episode.objects.all())) == {guest, upcoming}
    assert not in_role(people.exclude(pk=writer.pk), "author", published).exists()


# Recent mentions (pages/views/people.py).


def test_recent_mentions_are_published_episodes_and_posts_newest_first(db, phillip, mentions):
    assert [item for _, item in recent_mentions(phillip)] == mentions


def test_recent_mentions_come_with_their_date(db, phillip, mentions):
    for date, item in recent_mentions(phillip):
        assert date == item.published_at


def test_recent_mentions_stop_at_the_limit(db, phillip, mentions):
    assert [item for _, item in recent_mentions(phillip, limit=2)] == mentions[:2]


def test_recent_mentions_cost_two_queries(db, phillip, mentions, django_assert_num_queries):
    with django_assert_num_queries(2):
        recent_mentions(phillip)


def test_a_person_never_mentioned_has_no_mentions(db):
    assert recent_mentions(PersonFactory()) == []


# External profiles.


def test_external_profiles_are_linked_when_their_ids_are_set(client, db):
    PersonFactory(
        slug="profiled",
        homepage="https://example.com/me",
        openalex_id="A5012345678",
        semantic_scholar_id="1234567",
        orcid="0000-0002-1825-0097",
        google_scholar_id="AbCdEfG",
    )
    page = Page(client.get("/people/profiled/"))
    (profiles,) = page.all("ul", class_="links")
    assert profiles["aria-label"] == "Profiles"
    expected = {
        "https://example.com/me": "Homepage",
        "https://openalex.org/A5012345678": "OpenAlex",
        "https://www.semanticscholar.org/author/1234567": "Semantic Scholar",
        "https://orcid.org/0000-0002-1825-0097": "ORCID",
        "https://scholar.google.com/citations?user=AbCdEfG": "Google Scholar",
    }
    for url, label in expected.items():
        assert page.links(url) == [label]
        assert page.all("a", href=url)[0]["rel"] == "noopener"


def test_only_the_profiles_that_are_set_are_linked(client, db):
    PersonFactory(slug="orcid-only", orcid="0000-0002-1825-0097")
    page = Page(client.get("/people/orcid-only/"))
    assert page.text_of("ul", class_="links") == ["ORCID"]


# Not found, and what is not public.


@pytest.mark.parametrize("url", ["/people/nobody/", "/people/Phillip-Isola/"])
def test_unknown_people_are_not_found(client, db, url):
    PersonFactory(slug="phillip-isola")
    assert client.get(url).status_code == 404


@pytest.fixture
def person_with_unpublished_work(db):
    """Someone with one published episode, and a draft and scheduled episode and post."""
    person = PersonFactory(name="Ada Guest", slug="ada")
    paper = PaperFactory(title="Ada's Paper")
    AuthorshipFactory(paper=paper, person=person, order=1)
    published = EpisodeFactory(title="Public Episode")
    AppearanceFactory(episode=published, person=person)
    for kind in ("draft", "scheduled"):
        episode = EpisodeFactory(title=f"Secret {kind} episode", **{kind: True})
        AppearanceFactory(episode=episode, person=person)
        DiscussionFactory(episode=episode, paper=paper)
        ChapterFactory(episode=episode, person=person)
    PostFactory(title="Secret draft post", author=person, papers=[paper], draft=True)
    return person


def test_unpublished_episodes_and_posts_are_not_on_the_person_page(
    client, person_with_unpublished_work
):
    page = Page(client.get("/people/ada/"))
    assert "Secret" not in page.html
    (episodes,) = page.text_of("section", aria_labelledby="episodes-title")
    assert episodes.startswith("Episodes (1) Public Episode")
    assert page.all("section", aria_labelledby="mentions-title") == []


def test_unpublished_episodes_are_not_counted_in_the_people_list(
    client, person_with_unpublished_work
):
    page = Page(client.get("/people/"))
    (ada,) = [text for text in page.text_of("li") if text.startswith("Ada Guest")]
    assert ada == "Ada Guest 1 episode · 1 paper"


def test_someone_with_two_positions_at_one_organization_is_listed_once(client, db):
    nyu = OrganizationFactory(name="NYU", slug="nyu")
    person = PersonFactory(name="Two Hats")
    AffiliationFactory(person=person, organization=nyu, title="Professor")
    AffiliationFactory(person=person, organization=nyu, title="Director", is_current=False)
    AffiliationFactory(person=PersonFactory(name="Other"), organization=nyu)
    page = Page(client.get("/people/?organization=nyu"))
    assert page.text_of("p", role="status") == ["2 people"]
    assert [a for a in page.text_of("a") if a in {"Two Hats", "Other"}] == ["Other", "Two Hats"]


def test_a_bio_is_text_not_html(client, db):
    PersonFactory(slug="eve", name="<b>Eve</b>", bio="<script>alert(1)</script>")
    page = Page(client.get("/people/eve/"))
    assert page.executable_content() == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html
    assert "<b>Eve</b>" not in page.html


# Query budgets.


def test_the_people_list_makes_the_same_queries_for_1_and_50_people(
    client, db, django_assert_max_num_queries
):
    organization, episode, paper = OrganizationFactory(), EpisodeFactory(), PaperFactory()

    def build(n):
        people = saved(PersonFactory, n)
        Affiliation.objects.bulk_create(
            Affiliation(person=person, organization=organization, title=title, is_current=now)
            for person in people
            for title, now in [("Professor", True), ("Former", False)]
        )
        Appearance.objects.bulk_create(Appearance(episode=episode, person=p) for p in people)
        first = Authorship.objects.count() + 1
        Authorship.objects.bulk_create(
            Authorship(paper=paper, person=person, order=first + i)
            for i, person in enumerate(people)
        )
        return "/people/?page=2"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert "Professor, Organization" in page.text_of("li", class_="card person-item")[0]


def test_a_filtered_people_list_makes_the_same_queries_for_1_and_50_people(
    client, db, django_assert_max_num_queries
):
    organization, episode = OrganizationFactory(slug="lab"), EpisodeFactory()

    def build(n):
        people = saved(PersonFactory, n)
        Affiliation.objects.bulk_create(
            Affiliation(person=person, organization=organization) for person in people
        )
        Appearance.objects.bulk_create(Appearance(episode=episode, person=p) for p in people)
        tagged(people, "topic")
        return "/people/?role=guest&organization=lab&tag=topic"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("p", role="status") == ["51 people"]


def test_the_person_page_makes_the_same_queries_for_1_and_50_of_everything(
    client, db, django_assert_max_num_queries
):
    host, organization, show = PersonFactory(is_host=True), OrganizationFactory(), ShowFactory()

    def build(n):
        """Someone with n of everything: positions, topics, episodes, papers (each with a
        co-author, a citing paper and a post), chapters about them."""
        (person,) = saved(PersonFactory, 1, orcid="0000-0002-1825-0097")
        tagged([person], *[f"topic-{i}" for i in range(n)])
        Affiliation.objects.bulk_create(
            Affiliation(person=person, organization=organization, title=f"Role {i}")
            for i in range(n)
        )
        episodes = saved(EpisodeFactory, n, show=show)
        Appearance.objects.bulk_create(
            Appearance(episode=episode, person=who, role=role)
            for episode in episodes
            for who, role in [(person, Appearance.Role.GUEST), (host, Appearance.Role.HOST)]
        )
        papers, coauthors, citing = (
            saved(PaperFactory, n),
            saved(PersonFactory, n),
            saved(PaperFactory, n),
        )
        Authorship.objects.bulk_create(
            Authorship(paper=paper, person=who, order=order)
            for paper, coauthor in zip(papers, coauthors, strict=True)
            for order, who in [(1, person), (2, coauthor)]
        )
        Citation.objects.bulk_create(
            Citation(citing=c, cited=paper) for c, paper in zip(citing, papers, strict=True)
        )
        Discussion.objects.bulk_create(
            Discussion(episode=e, paper=paper) for e, paper in zip(episodes, papers, strict=True)
        )
        Chapter.objects.bulk_create(
            Chapter(episode=episode, start=0, title="About them", person=person)
            for episode in episodes
        )
        posts = saved(PostFactory, n)
        Post.papers.through.objects.bulk_create(
            Post.papers.through(post=post, paper=paper)
            for post, paper in zip(posts, papers, strict=True)
        )
        return person.get_absolute_url()

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("h2", id="affiliations-title") == ["Affiliations (50)"]
    assert page.text_of("h2", id="episodes-title") == ["Episodes (50)"]
    assert page.text_of("h2", id="papers-title") == ["Authored papers (50)"]
    assert page.text_of("h2", id="coauthors-title") == ["Co-authors (50)"]
    assert page.text_of("h2", id="cited-title") == ["Their work is cited by (50)"]
    assert page.text_of("h2", id="mentions-title") == ["Recent mentions (10)"]
