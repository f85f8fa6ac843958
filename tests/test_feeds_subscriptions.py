"""The other feeds (feeds/): the posts as Atom, the episodes of one topic or one person as
podcast feeds, and the links that let visitors and browsers find them.
"""

import datetime

import feedparser
import pytest
from django.core.cache import cache
from django.utils import timezone
from lxml import etree
from taggit.models import Tag

from feeds.feeds import PersonPodcastFeed, PostsFeed
from tests.factories import (
    AppearanceFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import (
    SITE_URL,
    DemoTestCase,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
)

POSTS = "/feed/posts.xml"
NS = {"podcast": "https://podcastindex.org/namespace/1.0"}


@pytest.fixture(autouse=True)
def fresh_cache():
    """The feeds keep what they render in the cache; each test starts without."""
    cache.clear()


def atom(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def rss(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


# The posts, as Atom.


def test_the_posts_feed_has_published_posts_newest_first(client, db):
    older = PostFactory(title="Older", published_at=ago(days=9))
    newer = PostFactory(title="Newer", published_at=ago(days=1))
    PostFactory(title="A draft", draft=True)
    PostFactory(title="Scheduled", is_draft=False, published_at=ago(days=-3))

    feed = atom(client.get(POSTS))

    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]
    assert feed.entries[0].link == f"{SITE_URL}/posts/{newer.slug}/"
    assert feed.entries[1].link == f"{SITE_URL}/posts/{older.slug}/"
    assert b"A draft" not in client.get(POSTS).content


def test_the_posts_feed_describes_itself(client, db):
    feed = atom(client.get(POSTS)).feed
    assert feed.title == "The Information Bottleneck: posts"
    assert feed.link == f"{SITE_URL}/posts/"
    assert f"{SITE_URL}/feed/posts.xml" in [link.href for link in feed.links if link.rel == "self"]
    assert feed.author == "The Information Bottleneck"


def test_a_post_entry_has_its_full_text_dek_author_dates_and_topics(client, db):
    author = PersonFactory(name="Ravid Shwartz-Ziv", slug="ravid")
    post = PostFactory(
        title="Everything Converges",
        dek="Models <agree> & more",
        body="It is **converging**.\n\n<script>alert(1)</script>",
        author=author,
        tags=["llms"],
        hindsight_verdict="still_happening",
        hindsight_note="Still *debated*.",
        hindsight_date=datetime.date(2026, 6, 1),
    )

    (entry,) = atom(client.get(POSTS)).entries

    assert entry.summary == "Models &lt;agree&gt; &amp; more"  # text, shown as text
    html = entry.content[0].value
    assert entry.content[0].type == "text/html"
    assert "<p>It is <strong>converging</strong>.</p>" in html
    assert "<script>" not in html
    assert "Hindsight (June 1, 2026): still happening." in html
    assert "<em>debated</em>" in html
    assert entry.author_detail == {
        "name": "Ravid Shwartz-Ziv",
        "href": f"{SITE_URL}/people/ravid/",
    }
    assert entry.published_parsed[:6] == post.published_at.utctimetuple()[:6]
    assert entry.updated_parsed is not None
    assert [tag.term for tag in entry.tags] == ["llms"]


def test_a_post_keeps_its_atom_id_when_its_slug_changes(client, db):
    post = PostFactory()
    (before,) = atom(client.get(POSTS)).entries
    post.slug = "a-better-slug"
    post.title = "A better title"
    post.save()
    (after,) = atom(client.get(POSTS)).entries
    assert after.id == before.id
    assert after.id.startswith("tag:informationbottleneck.test,")
    assert after.link == f"{SITE_URL}/posts/a-better-slug/"


def test_the_posts_feed_answers_a_conditional_get_without_rendering(client, db, monkeypatch):
    PostFactory()
    first = client.get(POSTS)
    assert first["Cache-Control"] == "public, max-age=300"
    monkeypatch.setattr(PostsFeed, "get_feed", None)  # would fail if called
    assert client.get(POSTS, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert (
        client.get(POSTS, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304
    )


def test_a_new_post_changes_the_posts_feed_etag(client, db):
    PostFactory()
    etag = client.get(POSTS)["ETag"]
    PostFactory(title="Fresh")
    response = client.get(POSTS, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Fresh" in [entry.title for entry in atom(response).entries]


def test_the_posts_feed_with_no_posts_is_an_empty_valid_feed(client, db):
    assert atom(client.get(POSTS)).entries == []


# The episodes of one topic.


@pytest.fixture
def show(db):
    return ShowFactory()


def test_a_topic_feed_has_only_the_published_episodes_on_that_topic(client, show):
    on_topic = EpisodeFactory(show=show, title="On topic", tags=["world-models"])
    EpisodeFactory(show=show, title="Other topic", tags=["diffusion"])
    EpisodeFactory(show=show, title="Untagged")
    EpisodeFactory(show=show, title="Draft on topic", draft=True, tags=["world-models"])
    EpisodeFactory(show=show, title="Soon on topic", scheduled=True, tags=["world-models"])

    response = client.get("/tags/world-models/feed.xml")
    feed = rss(response)

    assert [entry.title for entry in feed.entries] == ["On topic"]
    assert feed.entries[0].id == str(on_topic.guid)
    assert feed.feed.title == "The Information Bottleneck: #world-models"
    assert feed.feed.link == f"{SITE_URL}/tags/world-models/"
    assert f"{SITE_URL}/tags/world-models/feed.xml" in [
        link.href for link in feed.feed.links if link.rel == "self"
    ]
    assert response["Cache-Control"] == "public, max-age=300"


def test_a_topic_or_person_feed_is_a_podcast_feed_without_the_shows_guid(client, show):
    guest = PersonFactory(slug="guest")
    episode = EpisodeFactory(show=show, tags=["ml"])
    AppearanceFactory(episode=episode, person=guest)
    for url in ["/tags/ml/feed.xml", "/people/guest/feed.xml"]:
        root = etree.fromstring(client.get(url).content)
        channel = root.find("channel")
        assert channel.find("podcast:guid", NS) is None, url  # the show's GUID is the show's
        (item,) = channel.findall("item")
        assert item.find("enclosure").get("url") == episode.audio_url
        assert [p.text for p in item.findall("podcast:person", NS)] == [guest.name]


def test_an_unknown_topic_has_no_feed(client, show):
    assert client.get("/tags/no-such-topic/feed.xml").status_code == 404


def test_a_topic_carried_only_by_drafts_or_papers_has_no_feed(client, show):
    EpisodeFactory(show=show, draft=True, tags=["secret-plans"])
    PaperFactory().tags.add("only-papers")
    assert client.get("/tags/secret-plans/feed.xml").status_code == 404
    assert client.get("/tags/only-papers/feed.xml").status_code == 404


def test_a_topic_feed_answers_a_conditional_get(client, show):
    EpisodeFactory(show=show, tags=["ml"])
    first = client.get("/tags/ml/feed.xml")
    again = client.get("/tags/ml/feed.xml", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert first["ETag"] != client.get("/feed/podcast.xml")["ETag"]


# The episodes with one person.


def test_a_person_feed_has_every_published_episode_with_them_newest_first(client, show):
    guest, other = PersonFactory(name="Phillip Isola", slug="isola"), PersonFactory()
    first = EpisodeFactory(show=show, title="First visit", published_at=ago(days=30))
    second = EpisodeFactory(show=show, title="Second visit", published_at=ago(days=2))
    without = EpisodeFactory(show=show, title="Without them")
    draft = EpisodeFactory(show=show, title="Draft with them", draft=True)
    for episode in [first, second, draft]:
        AppearanceFactory(episode=episode, person=guest)
    AppearanceFactory(episode=without, person=other)
    AppearanceFactory(episode=second, person=other)

    feed = rss(client.get("/people/isola/feed.xml"))

    assert [entry.title for entry in feed.entries] == ["Second visit", "First visit"]
    assert feed.feed.title == "The Information Bottleneck: episodes with Phillip Isola"
    assert feed.feed.link == f"{SITE_URL}/people/isola/"


def test_a_host_who_is_also_a_guest_gets_each_episode_once(client, show):
    person = PersonFactory(slug="both")
    episode = EpisodeFactory(show=show)
    AppearanceFactory(episode=episode, person=person, role="host")
    AppearanceFactory(episode=episode, person=person, role="guest")
    feed = rss(client.get("/people/both/feed.xml"))
    assert [entry.id for entry in feed.entries] == [str(episode.guid)]


def test_an_unknown_person_has_no_feed(client, show):
    assert client.get("/people/nobody/feed.xml").status_code == 404


def test_a_person_not_yet_on_the_show_has_an_empty_feed_to_follow(client, show):
    PersonFactory(slug="future-guest")
    assert rss(client.get("/people/future-guest/feed.xml")).entries == []


@pytest.mark.parametrize(
    "name",
    [
        'Eve <script>alert("x")</script>Hacker',
        'Eve <img src=x onerror="alert(1)">Hacker',
        "Eve &lt;b&gt;Hacker",
    ],
)
def test_markup_in_a_persons_name_reaches_no_feed_reader(client, show, name):
    guest = PersonFactory(name=name, slug="eve")
    AppearanceFactory(episode=EpisodeFactory(show=show), person=guest)
    response = client.get("/people/eve/feed.xml")
    rss(response)
    channel = etree.fromstring(response.content).find("channel")
    texts = [
        channel.findtext("title"),
        channel.findtext("description"),
        *[p.text for p in channel.iter(f"{{{NS['podcast']}}}person")],
    ]
    for text in texts:
        assert "<" not in text and "script" not in text and "onerror" not in text, text
        assert "Eve" in text and "Hacker" in text, text


def test_markup_in_a_topic_reaches_no_feed_reader(client, show):
    EpisodeFactory(show=show, tags=["<img src=x onerror=alert(1)>ml"])
    slug = Tag.objects.get().slug
    channel = etree.fromstring(client.get(f"/tags/{slug}/feed.xml").content).find("channel")
    for text in [channel.findtext("title"), channel.findtext("description")]:
        assert "<" not in text and "onerror" not in text, text


def test_a_person_feed_answers_a_conditional_get_without_rendering(client, show, monkeypatch):
    guest = PersonFactory(slug="guest")
    AppearanceFactory(episode=EpisodeFactory(show=show), person=guest)
    etag = client.get("/people/guest/feed.xml")["ETag"]
    monkeypatch.setattr(PersonPodcastFeed, "get_feed", None)  # would fail if called
    assert client.get("/people/guest/feed.xml", headers={"if-none-match": etag}).status_code == 304


# Finding the feeds: links in the pages.


class TestLinksToTheFeeds(DemoTestCase):
    def alternates(self, url):
        return [
            (attrs["type"], attrs["title"], attrs["href"])
            for attrs in self.page(url).all("link", rel="alternate")
        ]

    def test_every_page_announces_the_podcast_and_posts_feeds(self):
        for url in ["/", "/about/", "/episodes/", "/posts/"]:
            assert self.alternates(url)[:2] == [
                (
                    "application/rss+xml",
                    "The Information Bottleneck (podcast)",
                    f"{SITE_URL}/feed/podcast.xml",
                ),
                (
                    "application/atom+xml",
                    "The Information Bottleneck (posts)",
                    f"{SITE_URL}/feed/posts.xml",
                ),
            ], url

    def test_the_home_page_has_subscribe_links(self):
        page = self.page("/")
        assert page.links(f"{SITE_URL}/feed/podcast.xml") == ["podcast feed (RSS)"]
        assert page.links(f"{SITE_URL}/feed/posts.xml") == ["posts (Atom)"]

    def test_a_topic_page_links_to_its_feed(self):
        feed = f"{SITE_URL}/tags/world-models/feed.xml"
        assert self.page("/tags/world-models/").links(feed) == ["Subscribe to this feed"]
        assert (
            "application/rss+xml",
            "Episodes on #world-models",
            feed,
        ) in self.alternates("/tags/world-models/")
        assert self.client.get(feed.removeprefix(SITE_URL)).status_code == 200

    def test_a_guests_page_links_to_their_feed(self):
        feed = f"{SITE_URL}/people/phillip-isola/feed.xml"
        assert self.page("/people/phillip-isola/").links(feed) == ["Subscribe to this feed"]
        assert ("application/rss+xml", "Episodes with Phillip Isola", feed) in self.alternates(
            "/people/phillip-isola/"
        )
        entries = rss(self.client.get(feed.removeprefix(SITE_URL))).entries
        assert [entry.link for entry in entries] == [
            f"{SITE_URL}/episodes/platonic-representations-and-artificial-life-phillip-isola/"
        ]

    def test_an_author_who_was_never_on_the_show_has_no_subscribe_link(self):
        page = self.page("/people/brian-cheung/")
        assert "Subscribe to this feed" not in page.html
        assert len(self.alternates("/people/brian-cheung/")) == 2
