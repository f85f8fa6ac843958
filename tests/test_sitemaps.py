"""The sitemaps (pages/sitemaps.py, pages/views/site.py): the index at /sitemap.xml, one
sitemap per section at /sitemap-<section>.xml, cut into pages of PAGE_SIZE addresses."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from taggit.models import Tag

from episodes.models import Episode
from pages import sitemaps
from papers.models import Paper
from people.models import Person
from posts.models import Post
from tests.factories import EpisodeFactory, PaperFactory, PersonFactory, PostFactory, ShowFactory
from tests.pages import (
    ISOLA_EPISODE,
    SITE_URL,
    DemoTestCase,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
    tagged,
)

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)
SECTIONS = ["pages", "episodes", "people", "papers", "posts", "tags"]


def index(client):
    """The index's entries: (address without SITE_URL, lastmod or None)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    return [
        (
            entry.findtext("s:loc", namespaces=NS).removeprefix(SITE_URL),
            entry.findtext("s:lastmod", namespaces=NS),
        )
        for entry in root.findall("s:sitemap", NS)
    ]


def entries(client, address):
    """A sitemap page's entries: (address without SITE_URL, lastmod or None)."""
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    return [
        (
            url.findtext("s:loc", namespaces=NS).removeprefix(SITE_URL),
            url.findtext("s:lastmod", namespaces=NS),
        )
        for url in root.findall("s:url", NS)
    ]


def listed(client, address):
    return [location for location, _ in entries(client, address)]


def every_listed_address(client):
    """The addresses of every page of every sitemap the index names, in order."""
    return [url for sitemap, _ in index(client) for url in listed(client, sitemap)]


def details(model, queryset=None):
    queryset = model.objects.all() if queryset is None else queryset
    return [item.get_absolute_url() for item in queryset]


class TestWithTheDemo(DemoTestCase):
    def test_the_index_names_one_sitemap_per_section_on_site_url(self):
        addresses = [address for address, _ in index(self.client)]
        assert addresses == [f"/sitemap-{section}.xml" for section in SECTIONS]
        response = self.client.get("/sitemap.xml")
        assert f"<loc>{SITE_URL}/sitemap-pages.xml</loc>" in response.content.decode()
        assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"

    def test_the_index_dates_the_sections_whose_items_are_dated(self):
        lastmods = dict(index(self.client))
        for section in ["pages", "people", "tags"]:
            assert lastmods[f"/sitemap-{section}.xml"] is None
        latest = max(max(e.updated_at, e.published_at) for e in Episode.objects.live())
        assert datetime.datetime.fromisoformat(lastmods["/sitemap-episodes.xml"]) == latest
        latest = Paper.objects.latest("updated_at").updated_at
        assert datetime.datetime.fromisoformat(lastmods["/sitemap-papers.xml"]) == latest

    def test_the_sitemaps_list_every_public_page_once_on_site_url(self):
        response = self.client.get("/sitemap-episodes.xml")
        assert f"<loc>{SITE_URL}/episodes/" in response.content.decode()
        expected = [
            *["/", "/episodes/", "/people/", "/papers/", "/posts/", "/tags/", "/about/"],
            *details(Episode),
            *details(Person),
            *details(Paper),
            *details(Post),
            *[f"/tags/{slug}/" for slug in Tag.objects.values_list("slug", flat=True)],
        ]
        addresses = every_listed_address(self.client)
        assert sorted(addresses) == sorted(expected)
        assert len(addresses) == 7 + 9 + 14 + 2 + 1 + Tag.objects.count()

    def test_every_listed_page_is_there(self):
        for url in every_listed_address(self.client):
            with self.subTest(url):
                assert self.client.get(url).status_code == 200

    def test_episodes_come_newest_first_with_their_last_change(self):
        episodes = entries(self.client, "/sitemap-episodes.xml")
        assert episodes[0][0] == f"/episodes/{ISOLA_EPISODE}/"
        assert [url for url, _ in episodes] == details(
            Episode, Episode.objects.live().order_by("-published_at")
        )
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) for _, lastmod in episodes)


def test_an_item_published_after_its_last_edit_is_dated_by_its_publication(client, show):
    """A scheduled episode goes live with no edit: crawlers learn of it by that date."""
    EpisodeFactory(show=show, slug="scheduled-then-live")
    edited, published = timezone.now() - 3 * DAY, timezone.now() - HOUR
    Episode.objects.update(updated_at=edited, published_at=published)
    lastmod = published.date().isoformat()
    assert entries(client, "/sitemap-episodes.xml") == [
        ("/episodes/scheduled-then-live/", lastmod)
    ]
    lastmods = dict(index(client))
    assert datetime.datetime.fromisoformat(lastmods["/sitemap-episodes.xml"]) == published


# Only what is public.


@pytest.fixture
def content(db):
    """Of each kind, public items and, where there are such, a draft and a scheduled one;
    topics carried by public items only, and by unpublished items only."""
    show = ShowFactory()
    EpisodeFactory(show=show, slug="public-episode", tags=["open"])
    EpisodeFactory(show=show, slug="draft-episode", draft=True, tags=["open", "secret"])
    EpisodeFactory(show=show, slug="scheduled-episode", scheduled=True, tags=["secret"])
    PostFactory(slug="public-post", tags=["open-essay"])
    PostFactory(slug="draft-post", draft=True, tags=["secret"])
    PostFactory(slug="scheduled-post", published_at=timezone.now() + HOUR, tags=["secret"])
    PaperFactory(slug="a-paper").tags.add("on-a-paper")
    PersonFactory(slug="a-person").topics.add("on-a-person")


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("episodes", ["/episodes/public-episode/"]),
        ("posts", ["/posts/public-post/"]),
        ("papers", ["/papers/a-paper/"]),
        ("people", ["/people/a-person/"]),
        (
            "tags",
            ["/tags/on-a-paper/", "/tags/on-a-person/", "/tags/open/", "/tags/open-essay/"],
        ),
    ],
)
def test_each_section_lists_exactly_the_public_items_of_its_kind(
    client, content, section, expected
):
    assert listed(client, f"/sitemap-{section}.xml") == expected


def test_no_sitemap_lists_a_draft_or_scheduled_item(client, content):
    addresses = every_listed_address(client)
    assert not [address for address in addresses if "draft" in address or "secret" in address]
    assert not [address for address in addresses if "scheduled" in address]
    assert {"/episodes/public-episode/", "/posts/public-post/"} <= set(addresses)


# Pages of a section.


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr(sitemaps, "PAGE_SIZE", 2)


def test_the_index_names_each_page_of_a_section_longer_than_a_page(client, db, two_per_page):
    saved(PaperFactory, 5)
    saved(PersonFactory, 2)
    addresses = [address for address, _ in index(client)]
    assert addresses == [
        "/sitemap-pages.xml",
        "/sitemap-pages.xml?p=2",
        "/sitemap-pages.xml?p=3",
        "/sitemap-pages.xml?p=4",
        "/sitemap-episodes.xml",  # empty, but there
        "/sitemap-people.xml",
        "/sitemap-papers.xml",
        "/sitemap-papers.xml?p=2",
        "/sitemap-papers.xml?p=3",
        "/sitemap-posts.xml",
        "/sitemap-tags.xml",
    ]
    lastmods = {lastmod for address, lastmod in index(client) if "papers" in address}
    assert len(lastmods) == 1  # the section's latest change, on each of its pages


def test_the_pages_of_a_section_list_each_item_once(client, db, two_per_page):
    saved(PaperFactory, 5)
    pages = [listed(client, f"/sitemap-papers.xml?p={page}") for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert listed(client, "/sitemap-papers.xml") == pages[0]
    assert sorted(url for page in pages for url in page) == sorted(details(Paper))


@pytest.mark.parametrize("page", ["4", "0", "-1", "x", "1.5", ""])
def test_a_page_out_of_range_or_not_a_number_is_not_found(client, db, two_per_page, page):
    saved(PaperFactory, 5)
    assert client.get(f"/sitemap-papers.xml?p={page}").status_code == 404


def test_an_unknown_section_is_not_found(client, db):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-.xml").status_code == 404


# Queries: as many for 1 item as for many.


@pytest.fixture
def show(db):
    return ShowFactory()


def test_the_index_makes_the_same_queries_for_1_and_50_of_everything(
    client, show, django_assert_max_num_queries, two_per_page
):
    def build(n):
        saved(EpisodeFactory, n, show=show)
        saved(PersonFactory, n)
        tagged(saved(PaperFactory, n), *[f"topic-{Tag.objects.count() + i}" for i in range(n)])
        saved(PostFactory, n)
        return "/sitemap.xml"

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    assert response.content.decode().count("/sitemap-papers.xml?p=") == 25


@pytest.mark.parametrize(
    ("section", "factory"),
    [
        ("episodes", EpisodeFactory),
        ("people", PersonFactory),
        ("papers", PaperFactory),
        ("posts", PostFactory),
        ("tags", None),
    ],
)
def test_a_section_makes_the_same_queries_for_1_and_50_items(
    client, show, django_assert_max_num_queries, section, factory
):
    carrier = EpisodeFactory(show=show)

    def build(n):
        if factory is None:
            tagged([carrier], *[f"topic-{Tag.objects.count() + i}" for i in range(n)])
        else:
            fields = {"show": show} if factory is EpisodeFactory else {}
            saved(factory, n, **fields)
        return f"/sitemap-{section}.xml"

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    assert response.content.decode().count("<loc>") >= 51


# The page cache.


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-episodes.xml", "/sitemap-papers.xml?p=2"]
)
def test_the_sitemaps_are_answered_from_the_page_cache(
    client, db, two_per_page, django_assert_num_queries, url
):
    saved(PaperFactory, 3)
    EpisodeFactory()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_new_episode_is_listed_at_once(client, show):
    EpisodeFactory(show=show, slug="first")
    assert listed(client, "/sitemap-episodes.xml") == ["/episodes/first/"]
    EpisodeFactory(show=show, slug="second")
    assert listed(client, "/sitemap-episodes.xml") == ["/episodes/second/", "/episodes/first/"]
