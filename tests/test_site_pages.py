"""Pages of the site as a whole (pages/views/site.py, templates/base.html): home, about,
topics, robots.txt, the error pages, and what every page carries. The sitemaps have
tests/test_sitemaps.py."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from taggit.models import Tag

from episodes.models import Appearance
from ibsite.urls import urlpatterns as site_urlpatterns
from pages.views.site import TOPIC_PAGE_SHOWS
from papers.models import Authorship
from people.models import Affiliation
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    DiscussionFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import (
    ISOLA_EPISODE,
    KEMPE_EPISODE,
    POST,
    PRH,
    SITE_URL,
    DemoTestCase,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
    tagged,
)

SITE_NAME = "The Information Bottleneck"

# Every kind of page, with its title (before " · The Information Bottleneck").
PAGES = {
    "/": None,
    "/about/": "About",
    "/episodes/": "Episodes",
    f"/episodes/{ISOLA_EPISODE}/": (
        "Platonic Representations, Neural Thickets, and Artificial Life - with Phillip Isola (MIT)"
    ),
    "/people/": "People",
    "/people/phillip-isola/": "Phillip Isola",
    "/papers/": "Papers",
    f"/papers/{PRH}/": "The Platonic Representation Hypothesis",
    "/posts/": "Posts",
    f"/posts/{POST}/": "Everything Is Converging to the Same Thing",
    "/tags/": "Topics",
    "/tags/world-models/": "#world-models",
}


def boom(request):
    raise RuntimeError("Something broke")


# For the 500 test: the site's URLs, and one that fails.
urlpatterns = [*site_urlpatterns, path("boom/", boom)]


class TestEveryPage(DemoTestCase):
    def test_every_page_has_a_title_description_and_canonical_address(self):
        for url, title in PAGES.items():
            with self.subTest(url):
                page = self.page(url)
                expected = f"{title} · {SITE_NAME}" if title else SITE_NAME
                assert page.title() == expected
                description = page.meta("description")
                assert description, "a description"
                assert len(description) <= 200
                assert "<" not in description
                assert page.canonical() == f"{SITE_URL}{url}"

    def test_every_page_has_open_graph_and_twitter_cards(self):
        for url, title in PAGES.items():
            with self.subTest(url):
                page = self.page(url)
                assert page.meta("og:title") == (title or SITE_NAME)
                assert page.meta("og:description") == page.meta("description")
                assert page.meta("og:url") == page.canonical()
                assert page.meta("og:image").startswith(f"{SITE_URL}/static/img/cover.")
                assert page.meta("og:site_name") == SITE_NAME
                assert page.meta("og:type") in {"website", "article", "profile"}
                assert page.meta("twitter:card") == "summary"
                assert page.meta("twitter:title") == page.meta("og:title")

    def test_every_page_has_one_h1_a_main_landmark_a_skip_link_and_a_language(self):
        for url in PAGES:
            with self.subTest(url):
                page = self.page(url)
                assert page.all("html")[0]["lang"] == "en"
                assert len(page.all("h1")) == 1
                assert len(page.all("main")) == 1
                assert page.all("main")[0]["id"] == "main"
                first_link = page.all("a")[0]
                assert first_link == {"class": "skip-link", "href": "#main"}
                assert page.text_of("a", class_="skip-link") == ["Skip to content"]

    def test_every_page_links_the_main_sections_and_marks_the_current_one(self):
        for url in PAGES:
            with self.subTest(url):
                page = self.page(url)
                for section in ["/episodes/", "/people/", "/papers/", "/posts/", "/tags/"]:
                    assert page.all("a", href=section), section
                current = page.all("a", aria_current="page")
                section = re.match(r"/[a-z]*/?", url).group()
                assert [a["href"] for a in current] == ([] if url == "/" else [section])

    def test_every_page_is_free_of_script_other_than_the_sites_own(self):
        for url in PAGES:
            with self.subTest(url):
                assert self.page(url).executable_content() == []

    def test_the_canonical_address_leaves_out_filters_pages_and_times(self):
        for url in [
            "/episodes/?tag=world-models&page=2",
            f"/episodes/{ISOLA_EPISODE}/?t=19:27",
            "/people/?role=guest",
        ]:
            with self.subTest(url):
                assert self.page(url).canonical() == f"{SITE_URL}{url.split('?')[0]}"

    def test_the_meta_description_says_what_the_page_is_about(self):
        episode = self.page(f"/episodes/{ISOLA_EPISODE}/").meta("description")
        assert episode.startswith("Phillip Isola, professor at MIT, joins us")
        assert (
            self.page(f"/posts/{POST}/")
            .meta("description")
            .startswith("The Platonic Representation Hypothesis says")
        )
        assert self.page("/").meta("description").startswith("Two AI Researchers")
        assert len(self.page(f"/papers/{PRH}/").meta("description")) == 200


class TestHomeAndAboutWithTheDemo(DemoTestCase):
    def test_the_home_page_shows_the_show_and_its_hosts(self):
        page = self.page("/")
        assert page.text_of("h1") == [SITE_NAME]
        assert page.text_of("p", class_="hosts") == ["Hosted by Allen Roush and Ravid Shwartz-Ziv"]
        assert page.links("/people/ravid-shwartz-ziv/") == ["Ravid Shwartz-Ziv"]
        assert page.links("/people/allen-roush/") == ["Allen Roush"]
        assert "Two AI Researchers - Ravid Shwartz Ziv, and Allen Roush, discuss" in page.html

    def test_the_home_page_shows_the_six_latest_episodes(self):
        page = self.page("/")
        (latest,) = page.text_of("section", aria_labelledby="latest")
        episodes = [a["href"] for a in page.all("a") if a["href"].startswith("/episodes/")]
        assert episodes[1:] == [
            f"/episodes/{slug}/"
            for slug in [
                ISOLA_EPISODE,
                KEMPE_EPISODE,
                "intelligence-in-an-open-world-mengye-ren",
                "language-cognition-and-the-limits-of-llms-tal-linzen",
                "the-principles-of-diffusion-models-jesse-lai",
                "inside-xai-and-the-bet-on-ai-math-christian-szegedy",
            ]
        ] + ["/episodes/"]
        assert "With Julia Kempe (NYU/Meta)" in latest
        assert "May 28, 2026 · 1h 15m" in latest
        assert page.links("/episodes/") == ["Episodes", "All episodes \u2192"]

    def test_the_home_page_shows_the_post(self):
        page = self.page("/")
        (posts,) = page.text_of("section", aria_labelledby="recent-posts")
        assert posts.startswith(
            "Recent posts Everything Is Converging to the Same Thing May 20, 2024 · 3 min read"
        )
        assert page.links(f"/posts/{POST}/") == ["Everything Is Converging to the Same Thing"]

    def test_the_home_page_shows_the_twelve_most_used_topics(self):
        page = self.page("/")
        (topics,) = page.text_of("section", aria_labelledby="popular-topics")
        tags = topics.removeprefix("Popular topics ").split(" ")
        assert len(tags) == 12
        assert tags[:5] == [
            "#representation-learning",
            "#ai-for-math",
            "#formal-verification",
            "#reasoning",
            "#world-models",
        ]

    def test_the_about_page_describes_the_show_and_its_hosts(self):
        page = self.page("/about/")
        assert page.text_of("h1") == [f"About {SITE_NAME}"]
        assert "discuss the latest trends, news, and research" in page.html
        assert page.text_of("h3") == ["Allen Roush", "Ravid Shwartz-Ziv"]
        assert page.html.count("AI researcher and co-host of The Information Bottleneck") == 2


def test_the_home_page_works_before_there_is_a_show(client, db):
    page = Page(client.get("/"))
    assert page.text_of("h1") == [SITE_NAME]
    assert "No episodes yet." in page.html
    assert page.json_ld() == []
    assert Page(client.get("/about/")).text_of("h1") == ["About the show"]


def test_the_about_page_shows_the_hosts_positions_and_how_to_write(client, db):
    show = ShowFactory(copyright="© 2026 The Hosts", owner_email="hosts@example.com")
    host = PersonFactory(name="Ravid", is_host=True)
    AffiliationFactory(person=host, title="Assistant Professor", organization__name="NYU")
    AffiliationFactory(person=host, title="Former", organization__name="Old", is_current=False)
    show.hosts.add(host)
    page = Page(client.get("/about/"))
    assert "Assistant Professor, NYU" in page.text_of("p", class_="meta")
    assert "Former, Old" not in page.html  # past positions are not shown
    assert "© 2026 The Hosts" in page.text_of("p", class_="meta")
    assert page.links("mailto:hosts@example.com") == ["hosts@example.com"]


def test_the_home_page_links_the_show_website_when_set(client, db):
    ShowFactory(website="https://podcasts.example.com/ib")
    page = Page(client.get("/"))
    assert page.links("https://podcasts.example.com/ib") == ["Listen on the show's website"]


# Topics.


class TestTopicsWithTheDemo(DemoTestCase):
    def test_the_topic_list_has_every_topic_with_counts_per_kind(self):
        page = self.page("/tags/")
        assert page.text_of("h1") == ["Topics"]
        topics = [a["href"] for a in page.all("a") if re.fullmatch(r"/tags/.+/", a["href"])]
        assert topics == [
            f"/tags/{slug}/" for slug in sorted(Tag.objects.values_list("slug", flat=True))
        ]
        assert page.item("#representation-learning") == (
            "#representation-learning 1 episode · 2 papers · 1 post · 1 person"
        )
        assert page.item("#ai-for-math") == "#ai-for-math 2 episodes · 2 people"
        assert page.item("#world-models") == "#world-models 3 episodes"
        assert page.item("#multimodal-learning").endswith("1 paper")
        assert page.item("#llms").endswith("1 post")
        assert page.item("#open-world-learning").endswith("1 person")

    def test_a_topic_page_groups_what_carries_it_by_kind(self):
        page = self.page("/tags/representation-learning/")
        assert page.text_of("h1") == ["#representation-learning"]
        assert page.text_of("h2") == [
            "Episodes (1)",
            "Papers (2)",
            "Posts (1)",
            "People (1)",
        ]
        (episodes,) = page.text_of("section", aria_labelledby="tag-episodes")
        assert "With Phillip Isola (MIT)" in episodes
        (papers,) = page.text_of("section", aria_labelledby="tag-papers")
        assert papers.index("The Platonic Representation Hypothesis") < papers.index(
            "Model Alignment Search"
        )
        (posts,) = page.text_of("section", aria_labelledby="tag-posts")
        assert "Everything Is Converging to the Same Thing" in posts
        (people,) = page.text_of("section", aria_labelledby="tag-people")
        assert people == "People (1) Phillip Isola Professor, MIT · 1 episode · 1 paper"

    def test_a_topic_page_shows_only_the_kinds_that_carry_it(self):
        page = self.page("/tags/world-models/")
        assert page.text_of("h2") == ["Episodes (3)"]
        page = self.page("/tags/open-world-learning/")
        assert page.text_of("h2") == ["People (1)"]
        assert page.links("/people/mengye-ren/") == ["Mengye Ren"]

    def test_an_unknown_topic_is_not_found(self):
        self.page("/tags/no-such-topic/", status=404)


# Drafts stay off the shared pages.


@pytest.fixture
def drafts(db):
    """A published episode and post, and a draft and scheduled one of each on secret topics."""
    EpisodeFactory(title="Public Episode", tags=["open"])
    PostFactory(title="Public Post", tags=["open"])
    EpisodeFactory(title="Secret Draft Episode", draft=True, tags=["open", "secret"])
    EpisodeFactory(title="Secret Scheduled Episode", scheduled=True, tags=["open", "secret"])
    PostFactory(title="Secret Draft Post", draft=True, tags=["open", "secret"])


def test_the_home_page_shows_no_unpublished_episodes_posts_or_topics(client, drafts):
    page = Page(client.get("/"))
    assert "Public Episode" in page.html
    assert "Public Post" in page.html
    assert "Secret" not in page.html
    assert "secret" not in page.html


def test_the_topic_list_counts_only_what_is_published(client, drafts):
    page = Page(client.get("/tags/"))
    assert page.item("#open") == "#open 1 episode · 1 post"
    assert "secret" not in page.html


def test_a_topic_page_shows_only_what_is_published(client, drafts):
    page = Page(client.get("/tags/open/"))
    assert "Secret" not in page.html
    assert page.text_of("h2") == ["Episodes (1)", "Posts (1)"]


def test_a_topic_of_unpublished_items_only_is_not_found(client, drafts):
    response = client.get("/tags/secret/")
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_a_topic_named_in_any_script_has_a_page_and_a_feed(client, db):
    # Typed in the admin, it keeps its letters in its slug ("深度学习-théorie").
    EpisodeFactory(title="Graphs").tags.add("深度学习 théorie")
    tag = Tag.objects.get()
    assert tag.slug == "深度学习-théorie"

    topics = client.get("/tags/")
    page = client.get(f"/tags/{tag.slug}/")

    link = iri_to_uri(f"/tags/{tag.slug}/")  # as {% url %} writes it: percent-encoded
    assert topics.status_code == 200 and link in topics.content.decode()
    assert page.status_code == 200 and "Graphs" in page.content.decode()
    assert client.get(f"/tags/{tag.slug}/feed.xml").status_code == 200


# robots.txt and the sitemap.


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    # SITE_URL, as canonical links use: the same address whatever host the request named.
    assert "Sitemap: https://informationbottleneck.test/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200


def test_robots_txt_is_read_only(client, db):
    assert client.post("/robots.txt").status_code == 405


# Error pages.


def test_the_404_page_helps_the_visitor_on(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = Page(response)
    assert page.title() == f"Not found · {SITE_NAME}"
    assert page.meta("robots") == "noindex"
    assert page.text_of("h1") == ["This page is not here"]
    for url in ["/episodes/", "/papers/", "/"]:
        assert page.all("a", href=url)
    assert page.all("main", id="main")
    assert page.all("html")[0]["lang"] == "en"


@pytest.mark.parametrize(
    "url",
    [
        "/episodes/nope/",
        "/people/nope/",
        "/papers/nope/",
        "/papers/nope/bibtex",
        "/posts/nope/",
        "/tags/nope/",
        "/nope/",
    ],
)
def test_every_unknown_address_gets_the_404_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "This page is not here" in response.text


def test_the_500_page_renders_on_its_own():
    """It must not need the database, the request or the context processors."""
    html = render_to_string("500.html")
    page = Page(html)
    assert page.title() == f"Something went wrong · {SITE_NAME}"
    assert page.text_of("h1") == ["Something went wrong on our side"]
    assert page.meta("robots") == "noindex"
    assert page.all("html")[0]["lang"] == "en"
    assert page.all("main", id="main")
    assert page.all("a", href="/")
    assert page.all("link", rel="stylesheet")[0]["href"].startswith("/static/css/site.")


@pytest.mark.urls("tests.test_site_pages")
def test_a_crash_shows_the_500_page(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "Something broke" not in response.text
    assert "public" not in response.get("Cache-Control", "")


# Query budgets.


@pytest.fixture
def shared(db):
    """One guest, author and organization for all the rows a budget test builds."""
    return {
        "person": PersonFactory(name="Everywhere"),
        "organization": OrganizationFactory(name="Shared Lab"),
        "show": ShowFactory(),
    }


def hosts(n, shared):
    people = saved(PersonFactory, n, is_host=True)
    Affiliation.objects.bulk_create(
        Affiliation(person=person, organization=shared["organization"]) for person in people
    )
    shared["show"].hosts.add(*people)
    return people


def guested(episodes, person):
    Appearance.objects.bulk_create(Appearance(episode=e, person=person) for e in episodes)
    return episodes


def test_the_home_page_makes_the_same_queries_for_1_and_50_of_everything(
    client, shared, django_assert_max_num_queries
):
    def build(n):
        hosts(n, shared)
        episodes = saved(EpisodeFactory, n, show=shared["show"])
        tagged(guested(episodes, shared["person"]), f"topic-{Tag.objects.count()}")
        tagged(saved(PostFactory, n, author=shared["person"]), "a")
        return "/"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("p", class_="hosts")[0].count(" and ") == 50


def test_the_about_page_makes_the_same_queries_for_1_and_50_hosts(
    client, shared, django_assert_max_num_queries
):
    def build(n):
        hosts(n, shared)
        return "/about/"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert len(page.text_of("h3")) == 51


def test_the_topic_list_makes_the_same_queries_for_1_and_50_topics(
    client, db, django_assert_max_num_queries
):
    items = [EpisodeFactory(), PaperFactory(), PostFactory(), PersonFactory()]

    def build(n):
        tagged(items, *[f"topic-{Tag.objects.count() + i}" for i in range(n)])
        return "/tags/"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.item("#topic-0") == "#topic-0 1 episode · 1 paper · 1 post · 1 person"


def test_a_topic_page_makes_the_same_queries_for_1_and_50_of_each_kind(
    client, shared, django_assert_max_num_queries
):
    def build(n):
        topic = f"topic-{n}"
        tagged(guested(saved(EpisodeFactory, n, show=shared["show"]), shared["person"]), topic)
        papers = tagged(saved(PaperFactory, n), topic)
        Authorship.objects.bulk_create(
            Authorship(paper=paper, person=shared["person"], order=1) for paper in papers
        )
        tagged(saved(PostFactory, n), topic)
        people = tagged(saved(PersonFactory, n), topic)
        Affiliation.objects.bulk_create(
            Affiliation(person=person, organization=shared["organization"]) for person in people
        )
        return f"/tags/{topic}/"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    assert page.text_of("h2") == ["Episodes (50)", "Papers (50)", "Posts (50)", "People (50)"]


# A topic page stays small whatever the topic's size: a few items of each kind, the counts,
# and a link to the whole list of that kind filtered by the topic.


@pytest.fixture
def big_topic(db):
    """A topic on two more items of each kind than its page shows, told apart by what orders
    them; drafts and a scheduled episode that don't count; items on another topic."""
    extra = {kind: shown + 2 for kind, shown in TOPIC_PAGE_SHOWS.items()}
    now = timezone.now()
    episodes = [
        EpisodeFactory(tags=["scaling"], published_at=now - datetime.timedelta(days=day))
        for day in range(1, extra["episodes"] + 1)
    ]
    EpisodeFactory(draft=True, tags=["scaling"])
    EpisodeFactory(scheduled=True, tags=["scaling"])
    EpisodeFactory(tags=["other"])
    papers = tagged(saved(PaperFactory, extra["papers"]), "scaling")
    tagged([PaperFactory()], "other")
    posts = [
        PostFactory(tags=["scaling"], published_at=now - datetime.timedelta(days=day))
        for day in range(1, extra["posts"] + 1)
    ]
    PostFactory(draft=True, tags=["scaling"])
    PostFactory(tags=["other"])
    people = tagged(saved(PersonFactory, extra["people"]), "scaling")
    PersonFactory().topics.add("other")
    # The last paper and person are on the show most, the one before them once.
    for paper_or_person, count in [(papers[-1], 2), (papers[-2], 1)]:
        for episode in episodes[:count]:
            DiscussionFactory(episode=episode, paper=paper_or_person)
    for person, count in [(people[-1], 2), (people[-2], 1)]:
        for episode in episodes[:count]:
            AppearanceFactory(episode=episode, person=person)
    return {"episodes": episodes, "papers": papers, "posts": posts, "people": people}


def shown(response, kind):
    """What the topic page shows of a kind, in order."""
    items, _ = response.context["sections"][kind]
    return list(items)


def test_a_big_topic_page_shows_a_few_of_each_kind_with_the_counts(client, big_topic):
    page = Page(client.get("/tags/scaling/"))
    total = {kind: len(items) for kind, items in big_topic.items()}
    assert page.text_of("h2") == [
        f"Episodes ({total['episodes']})",
        f"Papers ({total['papers']})",
        f"Posts ({total['posts']})",
        f"People ({total['people']})",
    ]
    for kind, css in [("episodes", "episode-card"), ("papers", "paper-item"),
                      ("posts", "post-item"), ("people", "person-item")]:  # fmt: skip
        (section,) = page.text_of("section", aria_labelledby=f"tag-{kind}")
        assert len(page.all("li", class_=f"card {css}")) == TOPIC_PAGE_SHOWS[kind], kind
        assert f"All {total[kind]} {kind} on #scaling →" in section


def test_a_big_topic_page_shows_the_newest_and_the_most_on_the_show_first(client, big_topic):
    response = client.get("/tags/scaling/")
    newest_first = big_topic["episodes"]  # as built
    assert shown(response, "episodes") == newest_first[: TOPIC_PAGE_SHOWS["episodes"]]
    assert shown(response, "posts") == big_topic["posts"][: TOPIC_PAGE_SHOWS["posts"]]
    papers, people = big_topic["papers"], big_topic["people"]
    by_title = sorted(papers[:-2], key=lambda paper: paper.title)  # all from one year
    expected = [papers[-1], papers[-2], *by_title]
    assert shown(response, "papers") == expected[: TOPIC_PAGE_SHOWS["papers"]]
    by_name = sorted(people[:-2], key=lambda person: person.name)
    expected = [people[-1], people[-2], *by_name]
    assert shown(response, "people") == expected[: TOPIC_PAGE_SHOWS["people"]]


def test_each_all_link_lists_exactly_what_carries_the_topic(client, big_topic):
    page = Page(client.get("/tags/scaling/"))
    for kind, address in [("episodes", "/episodes/"), ("papers", "/papers/"),
                          ("posts", "/posts/"), ("people", "/people/")]:  # fmt: skip
        link = f"{address}?tag=scaling"
        everything = big_topic[kind]
        assert page.links(link) == [f"All {len(everything)} {kind} on #scaling →"], kind
        response = client.get(link)
        assert response.context["page"].paginator.num_pages == 1, kind
        assert set(response.context["page"]) == set(everything), kind
        assert Page(response).all("select", name="tag"), kind  # the form shows the topic


def test_a_small_topic_page_has_no_all_links(client, db):
    EpisodeFactory(tags=["niche"])
    tagged([PaperFactory()], "niche")
    page = Page(client.get("/tags/niche/"))
    assert page.text_of("h2") == ["Episodes (1)", "Papers (1)"]
    assert not [href for href in page.hrefs() if "?tag=" in href]
    assert page.all("link", rel="alternate", type="application/rss+xml")  # the topic's feed


def test_counts_in_the_thousands_are_grouped(client, db):
    tagged(saved(PaperFactory, 1000), "big")
    page = Page(client.get("/tags/big/"))
    assert page.text_of("h2") == ["Papers (1,000)"]
    assert page.links("/papers/?tag=big") == ["All 1,000 papers on #big →"]
    listed = Page(client.get("/papers/?tag=big"))
    assert listed.text_of("p", role="status") == ["1,000 papers"]


def test_a_topic_only_drafts_carry_is_not_found_from_the_counts_alone(client, db):
    show = ShowFactory()
    unpublished = {"is_draft": True, "published_at": None}
    tagged(saved(EpisodeFactory, 30, show=show, **unpublished), "secret")
    tagged(saved(PostFactory, 30, **unpublished), "secret")
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as queries:
        assert client.get("/tags/secret/").status_code == 404
    # Of what carries the topic, one count per kind and no row.
    carrying = [query["sql"] for query in queries if '"taggit_taggeditem"' in query["sql"]]
    assert len(carrying) == 4
    assert all(sql.startswith("SELECT COUNT(*)") for sql in carrying), carrying
