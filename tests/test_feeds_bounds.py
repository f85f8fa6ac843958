"""What one feed may weigh, whatever the archive holds (feeds/): notes cut at
FEED_NOTES_MAX_CHARS with a link to the rest, pages of FEED_PAGE_SIZE items linked as an
RFC 5005 paged feed, rendered feeds cached under a key any change of content renews, and
only up to FEED_CACHE_MAX_BYTES.
"""

import datetime

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from core.batching import batch
from core.versions import generation
from episodes.models import Chapter, Episode
from episodes.services import replace_chapters
from feeds import html
from feeds.feeds import PodcastFeed, PostsFeed
from tests.factories import (
    AppearanceFactory,
    ChapterFactory,
    EpisodeFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import (
    SITE_URL,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
)

FEED = "/feed/podcast.xml"
POSTS = "/feed/posts.xml"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
LIMIT = 4000
MEGABYTE = 1_000_000


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def show(db):
    return ShowFactory()


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        for alias in ("default", "versioned")
    }


def channel(response):
    assert response.status_code == 200, response.status_code
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return etree.fromstring(response.content).find("channel")


def well_formed(fragment):
    """The HTML fragment parses as XML (what these tests feed in has no void elements)."""
    etree.fromstring(f"<div>{fragment}</div>")
    return True


def words(n):
    """`n` characters of words."""
    return ("word " * (n // 5 + 1))[:n]


# Cutting the notes.


def test_html_within_the_limit_is_unchanged():
    text = f"<p>{words(LIMIT - 7)}</p>"
    assert len(text) == LIMIT
    assert html.cap(text, LIMIT, "https://e.example/x/") == text


def test_html_one_character_over_the_limit_is_cut_with_a_link_to_the_rest():
    text = f"<p>{words(LIMIT - 6)}</p>"
    assert len(text) == LIMIT + 1
    cut = html.cap(text, LIMIT, "https://e.example/x/")
    assert len(cut) <= LIMIT
    assert cut.startswith("<p>word word")
    assert cut.endswith(
        '…</p>\n<p>Full notes: <a href="https://e.example/x/">https://e.example/x/</a></p>'
    )
    assert "wor…" not in cut and "wo…" not in cut  # at a word
    assert well_formed(cut)


@pytest.mark.parametrize("limit", range(120, 420, 7))
def test_cut_html_closes_what_it_opened_and_splits_no_tag_or_entity(limit):
    text = (
        '<p>Tom &amp; Jerry <strong>say <a href="https://a.example/?q=1&amp;r=2" '
        'title="x > y">hello &lt;world&gt;</a> twice</strong></p>\n<ul>\n<li>one '
        "&amp; two</li>\n<li>three</li>\n</ul>\n<blockquote><p>a quote</p></blockquote>"
    ) * 2
    cut = html.cap(text, limit, "https://e.example/x/")
    assert len(cut) <= limit
    assert well_formed(cut)


def test_a_long_markdown_is_cut_at_a_paragraph_before_rendering():
    markdown = ("A paragraph of *notes*. " * 20 + "\n\n") * 5000
    notes = html.notes(markdown, "", LIMIT, "https://e.example/x/")
    assert len(notes) <= LIMIT
    assert "Full notes:" in notes
    assert well_formed(notes)


# In the feed.


@pytest.mark.parametrize("size, cut", [(LIMIT, False), (LIMIT + 1, True)])
def test_an_episodes_notes_are_cut_past_the_limit(client, show, size, cut):
    episode = EpisodeFactory(show=show, description="", summary=words(size - 7))
    item = channel(client.get(FEED)).find("item")
    description = item.findtext("description")
    assert len(description) <= LIMIT
    assert (description == f"<p>{episode.summary}</p>") is not cut
    assert ("Full notes:" in description) is cut
    assert (f"{SITE_URL}/episodes/{episode.slug}/" in description) is cut
    assert ("Full notes:" in item.findtext(CONTENT)) is cut


def test_the_limit_is_a_setting(client, show, settings):
    settings.FEED_NOTES_MAX_CHARS = 500
    EpisodeFactory(show=show, description="", summary=words(2000))
    description = channel(client.get(FEED)).find("item").findtext("description")
    assert len(description) <= 500
    assert "Full notes:" in description


def test_200_episodes_of_a_megabyte_of_notes_make_a_small_feed_in_a_few_queries(
    client, show, no_cache
):
    notes = ("Some **notes** about [a paper](https://example.com/p). " * 20 + "\n\n") * (
        MEGABYTE // 1100
    )
    episodes = saved(EpisodeFactory, 200, show=show, description=notes, transcript="Hi.")
    Chapter.objects.bulk_create(
        Chapter(episode=episode, start=0, title="Intro " * 40) for episode in episodes[:20]
    )
    client.get(FEED)  # the GUID is stored on the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED)
    # show, hosts, aggregate, episodes, appearances, chapters, discussions, tags
    assert len(queries) <= 8, [q["sql"] for q in queries]
    assert len(response.content) < 5 * MEGABYTE
    items = channel(response).findall("item")
    assert len(items) == 200
    for item in items:
        assert len(item.findtext("description")) <= LIMIT
        assert len(item.findtext(CONTENT)) <= 10_000
    # Only the start of each episode's notes was read (LEFT(), SUBSTR() on SQLite), not a
    # megabyte of them: no time limit here, which a busy machine would make flaky.
    sql = [q["sql"].upper() for q in queries]
    assert any("LEFT(" in q or "SUBSTR(" in q for q in sql), sql


# Pages.


def page_links(response):
    links = etree.fromstring(response.content).find("channel").findall(f"{{{ATOM}}}link")
    return {link.get("rel"): link.get("href") for link in links}


def test_a_feed_longer_than_a_page_is_paged_and_the_pages_cover_every_episode_once(
    client, show, settings
):
    settings.FEED_PAGE_SIZE = 3
    start = timezone.now() - datetime.timedelta(days=30)
    episodes = [
        EpisodeFactory(show=show, published_at=start + datetime.timedelta(days=n))
        for n in range(7)
    ]
    seen, url, pages = [], FEED, []
    while url:
        response = client.get(url.removeprefix(SITE_URL))
        items = channel(response).findall("item")
        seen += [item.findtext("guid") for item in items]
        links = page_links(response)
        pages.append(links)
        url = links.get("next")
    assert seen == [str(e.guid) for e in reversed(episodes)]  # newest first, each once
    assert len(pages) == 3
    assert pages[0]["self"] == f"{SITE_URL}{FEED}"
    assert pages[0]["first"] == f"{SITE_URL}{FEED}"
    assert pages[0]["last"] == f"{SITE_URL}{FEED}?page=3"
    assert "previous" not in pages[0]
    assert pages[1]["self"] == f"{SITE_URL}{FEED}?page=2"
    assert pages[1]["previous"] == f"{SITE_URL}{FEED}"
    assert pages[1]["next"] == f"{SITE_URL}{FEED}?page=3"
    assert pages[2]["previous"] == f"{SITE_URL}{FEED}?page=2"
    assert "next" not in pages[2]


def test_a_feed_of_one_page_has_no_paging_links(client, show):
    EpisodeFactory(show=show)
    assert set(page_links(client.get(FEED))) == {"self"}


@pytest.mark.parametrize("page", ["0", "3", "-1", "x", "1.5", "٢", "9" * 40])
def test_a_page_that_does_not_exist_is_a_404(client, show, settings, page):
    settings.FEED_PAGE_SIZE = 3
    saved(EpisodeFactory, 5, show=show)
    assert client.get(f"{FEED}?page={page}").status_code == 404


def test_each_page_has_its_own_etag(client, show, settings):
    settings.FEED_PAGE_SIZE = 1
    saved(EpisodeFactory, 2, show=show)
    first, second = client.get(FEED), client.get(f"{FEED}?page=2")
    assert first["ETag"] != second["ETag"]
    assert (
        client.get(f"{FEED}?page=2", headers={"if-none-match": second["ETag"]}).status_code == 304
    )
    assert client.get(FEED, headers={"if-none-match": second["ETag"]}).status_code == 200


def test_an_episode_sharing_audio_with_an_older_one_on_another_page_has_no_enclosure(
    client, show, settings
):
    settings.FEED_PAGE_SIZE = 1
    older = EpisodeFactory(show=show, published_at=timezone.now() - datetime.timedelta(days=2))
    EpisodeFactory(show=show, audio_url=older.audio_url)
    assert channel(client.get(FEED)).find("item").find("enclosure") is None
    enclosure = channel(client.get(f"{FEED}?page=2")).find("item").find("enclosure")
    assert enclosure.get("url") == older.audio_url


def test_topic_and_person_feeds_are_paged_too(client, show, settings):
    settings.FEED_PAGE_SIZE = 2
    guest = PersonFactory(slug="guest")
    for _ in range(3):
        AppearanceFactory(episode=EpisodeFactory(show=show, tags=["ml"]), person=guest)
    for url in ["/tags/ml/feed.xml", "/people/guest/feed.xml"]:
        assert len(channel(client.get(url)).findall("item")) == 2
        assert page_links(client.get(url))["next"] == f"{SITE_URL}{url}?page=2"
        assert len(channel(client.get(f"{url}?page=2")).findall("item")) == 1


# The cache.


@pytest.fixture
def renders(monkeypatch):
    """How many times each feed was rendered."""
    counted = []
    real = PodcastFeed.get_feed

    def counting(self, obj, request):
        counted.append(request.path)
        return real(self, obj, request)

    monkeypatch.setattr(PodcastFeed, "get_feed", counting)
    return counted


def titles(response):
    return [e.title for e in feedparser.parse(response.content).entries]


def test_a_renamed_chapter_shows_in_the_next_feed(client, show, renders):
    episode = EpisodeFactory(show=show)
    chapter = ChapterFactory(episode=episode, start=0, title="Before")
    assert "Before" in client.get(FEED).content.decode()
    client.get(FEED)
    assert len(renders) == 1  # from the cache
    chapter.title = "After"
    chapter.save()  # the episode's updated_at stays
    assert Episode.objects.get().updated_at == episode.updated_at
    assert "After" in client.get(FEED).content.decode()


def test_chapters_replaced_through_the_service_show_in_the_next_feed(client, show):
    episode = EpisodeFactory(show=show, duration=3600)
    client.get(FEED)
    replace_chapters(episode=episode, chapters=[{"start": 60, "title": "A new chapter"}])
    assert "A new chapter" in client.get(FEED).content.decode()


def test_a_guests_new_name_shows_in_the_next_feed(client, show):
    guest = PersonFactory(name="Before Name")
    AppearanceFactory(episode=EpisodeFactory(show=show), person=guest)
    client.get(FEED)
    guest.name = "After Name"
    guest.save()
    assert "After Name" in client.get(FEED).content.decode()


def test_an_edited_episode_shows_in_the_next_feed(client, show):
    episode = EpisodeFactory(show=show, title="Before")
    etag = client.get(FEED)["ETag"]
    episode.title = "After"
    episode.save()
    response = client.get(FEED, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert titles(response) == ["After"]


def test_a_feed_bigger_than_the_cache_bound_is_rendered_each_time(client, show, settings, renders):
    EpisodeFactory(show=show)
    client.get(FEED)
    client.get(FEED)
    assert len(renders) == 1
    cache.clear()
    settings.FEED_CACHE_MAX_BYTES = 100
    client.get(FEED)
    client.get(FEED)
    assert len(renders) == 3


def test_the_rendered_feed_is_kept_in_djangos_cache(client, show):
    EpisodeFactory(show=show)
    body = client.get(FEED).content
    cache.clear()  # nothing in the process keeps it: it is rendered again
    assert client.get(FEED).content == body


# The posts.


def test_a_posts_long_text_is_cut_with_a_link_to_the_rest(client, db, settings):
    settings.FEED_POST_MAX_CHARS = 2000
    post = PostFactory(body=("A sentence of the essay. " * 30 + "\n\n") * 2000)
    parsed = feedparser.parse(client.get(POSTS).content)
    (entry,) = parsed.entries
    content = entry.content[0].value
    assert len(content) <= 2000 + 100  # feedparser re-serializes the HTML
    assert f"{SITE_URL}/posts/{post.slug}/" in content
    assert "Read it all" in content


def test_a_short_post_is_in_full(client, db):
    PostFactory(body="A short essay.")
    (entry,) = feedparser.parse(client.get(POSTS).content).entries
    assert "A short essay." in entry.content[0].value
    assert "Read it all" not in entry.content[0].value


def test_the_posts_feed_is_paged(client, db, settings):
    settings.FEED_PAGE_SIZE = 2
    saved(PostFactory, 3)
    root = etree.fromstring(client.get(POSTS).content)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{{{ATOM}}}link")}
    assert links["next"] == f"{SITE_URL}{POSTS}?page=2"
    assert len(root.findall(f"{{{ATOM}}}entry")) == 2
    second = etree.fromstring(client.get(f"{POSTS}?page=2").content)
    assert len(second.findall(f"{{{ATOM}}}entry")) == 1
    assert PostsFeed  # the class the page belongs to


def test_a_posts_long_hindsight_note_is_cut_too(client, db, settings):
    settings.FEED_POST_MAX_CHARS = 2000
    PostFactory(
        body="A short essay.",
        hindsight_verdict="wrong",
        hindsight_date=datetime.date(2025, 1, 1),
        hindsight_note="We were wrong. " * 100_000,
    )
    (entry,) = feedparser.parse(client.get(POSTS).content).entries
    content = entry.content[0].value
    assert len(content) <= 2000 + 100
    assert "Read it all" in content


def test_inside_a_batch_the_generation_is_renewed_once_at_its_end(db):
    before = generation()
    with batch():
        for n in range(3):
            PersonFactory(name=f"Person {n}")
        assert generation() == before  # an import does not renew it a thousand times
    assert generation() != before
