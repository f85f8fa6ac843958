"""The podcast feed, /feed/podcast.xml (feeds/): what Apple Podcasts, Spotify and Podcast Index
read in it, read back with a real feed parser (feedparser) and, for the namespaced tags it
does not expose, as XML (lxml). Also its transcripts, conditional GETs and query budget.
"""

import datetime
import email.utils
import uuid
from pathlib import Path

import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from PIL import Image

from episodes.models import Appearance, Chapter, Episode, Show
from feeds.feeds import PodcastFeed
from feeds.podcast import guid_for_feed_url
from tests.factories import (
    AppearanceFactory,
    ChapterFactory,
    DiscussionFactory,
    EditorFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import (
    ISOLA_EPISODE,
    PRH,
    SITE_URL,
    DemoTestCase,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
)

FEED = "/feed/podcast.xml"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
CHAPTERS_TYPE = "application/json+chapters"


class Feed:
    """A podcast feed response, read by feedparser and by lxml."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
        self.response = response
        self.parsed = feedparser.parse(response.content)
        assert not self.parsed.bozo, self.parsed.get("bozo_exception")
        assert self.parsed.version == "rss20"
        self.root = etree.fromstring(response.content)
        self.channel = self.root.find("channel")

    @property
    def feed(self):
        return self.parsed.feed

    @property
    def entries(self):
        return self.parsed.entries

    def channel_all(self, path):
        """The channel's own elements at `path` (not the items')."""
        return self.channel.findall(path, NS)

    def channel_text(self, path):
        (element,) = self.channel_all(path)
        return element.text

    def items(self):
        return self.channel.findall("item")

    def item(self, guid):
        """The <item> with this guid."""
        found = [item for item in self.items() if item.findtext("guid") == str(guid)]
        assert len(found) == 1, guid
        return found[0]

    def guids(self):
        return [item.findtext("guid") for item in self.items()]

    def titles(self):
        return [item.findtext("title") for item in self.items()]

    def enclosure_urls(self):
        return [enclosure.get("url") for enclosure in self.root.iter("enclosure")]


@pytest.fixture(autouse=True)
def fresh_cache():
    """The feeds keep what they render in the cache; each test starts without."""
    cache.clear()


@pytest.fixture
def no_cache(settings):
    """No cache, so that every request renders (for counting queries)."""
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        for alias in ("default", "versioned")
    }


def read(client, url=FEED, **headers):
    return Feed(client.get(url, headers=headers))


def people(element):
    """(role, name, href, img) of every podcast:person directly inside `element`."""
    return [
        (p.get("role"), p.text, p.get("href"), p.get("img"))
        for p in element.findall("podcast:person", NS)
    ]


@pytest.fixture
def show(db):
    """A show with everything a podcast app asks for, and two hosts."""
    show = ShowFactory(
        description="Two AI researchers interview the people whose papers shape ML.",
        language="en-us",
        categories="Technology\nScience > Mathematics\nScience > Physics",
        explicit=False,
        copyright="© 2026 The Hosts",
        owner_name="The Hosts",
        owner_email="hosts@example.com",
        artwork="shows/cover.jpg",
        funding_url="https://example.com/support",
        funding_text="Support us",
    )
    ravid = PersonFactory(name="Ravid Shwartz-Ziv", slug="ravid", is_host=True)
    allen = PersonFactory(name="Allen Roush", slug="allen", is_host=True, photo="people/a.jpg")
    show.hosts.set([ravid, allen])
    return show


@pytest.fixture
def episode(show):
    """A published episode with all the trimmings: a guest, chapters, a transcript."""
    episode = EpisodeFactory(
        show=show,
        title="Platonic Representations & Artificial Life",
        slug="isola",
        number=12,
        season=2,
        episode_type=Episode.EpisodeType.FULL,
        explicit=True,
        duration=4320,
        summary="Phillip Isola on representations.",
        description="We talk about **representations**.\n\nAnd [artificial life](https://example.com).",
        audio_url="https://media.example.com/isola.mp3",
        audio_size=69_120_000,
        audio_type="audio/mpeg",
        artwork="episodes/isola.png",
        transcript="Ravid: Welcome.\nPhillip: Thanks.",
        music_credits='"Kid Kodi" - Blue Dot Sessions',
        published_at=datetime.datetime(2026, 6, 4, 10, 0, tzinfo=datetime.UTC),
    )
    for order, host in enumerate(show.hosts.order_by("name")):
        AppearanceFactory(episode=episode, person=host, role="host", affiliation="", order=order)
    isola = PersonFactory(name="Phillip Isola", slug="phillip-isola", photo="people/isola.jpg")
    AppearanceFactory(episode=episode, person=isola, affiliation="MIT")
    ChapterFactory(episode=episode, start=0, title="Intro")
    paper = PaperFactory(title="The Platonic Representation Hypothesis", slug=PRH)
    ChapterFactory(episode=episode, start=1167, title="The platonic hypothesis", paper=paper)
    ChapterFactory(episode=episode, start=2000, title="Meet Phillip", person=isola)
    episode.tags.add("representation-learning")
    return episode


# The channel.


def test_the_feed_declares_the_itunes_podcast_content_and_atom_namespaces(client, show):
    feed = read(client)
    assert feed.root.tag == "rss"
    assert feed.root.get("version") == "2.0"
    assert feed.root.nsmap == {
        "atom": NS["atom"],
        "content": NS["content"],
        "itunes": NS["itunes"],
        "podcast": NS["podcast"],
    }


def test_the_channel_has_the_shows_title_link_description_language_and_copyright(client, show):
    feed = read(client)
    assert feed.feed.title == "The Information Bottleneck"
    assert feed.feed.link == f"{SITE_URL}/"
    assert feed.feed.subtitle == show.description  # feedparser's name for <description>
    assert feed.feed.language == "en-us"
    assert feed.feed.rights == "© 2026 The Hosts"
    assert feed.channel_text("copyright") == "© 2026 The Hosts"


def test_the_channel_links_to_itself_with_atom_self(client, show):
    feed = read(client)
    (self_link,) = feed.channel_all("atom:link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == f"{SITE_URL}/feed/podcast.xml"
    assert {"rel": "self", "href": f"{SITE_URL}/feed/podcast.xml"}.items() <= next(
        link for link in feed.feed.links if link.rel == "self"
    ).items()


def test_the_channel_has_the_artwork_as_itunes_image_and_rss_image(client, show):
    feed = read(client)
    (image,) = feed.channel_all("itunes:image")
    assert image.get("href") == f"{SITE_URL}/media/shows/cover.jpg"
    assert feed.feed.image.href == f"{SITE_URL}/media/shows/cover.jpg"
    assert feed.channel.findtext("image/url") == f"{SITE_URL}/media/shows/cover.jpg"
    assert feed.channel.findtext("image/link") == f"{SITE_URL}/"


def test_without_artwork_the_channel_shows_the_sites_1400_pixel_cover(client, db):
    ShowFactory()
    feed = read(client)
    (image,) = feed.channel_all("itunes:image")
    href = image.get("href")
    assert href.startswith(f"{SITE_URL}/static/img/cover.")
    assert href.endswith(".png")  # Apple wants .png or .jpg
    with Image.open(finders.find("img/cover.png")) as cover:
        assert cover.size == (1400, 1400)  # Apple: square, 1400 to 3000 pixels
    assert client.get(href.removeprefix(SITE_URL)).status_code == 200


def test_categories_are_itunes_categories_with_sub_categories_nested(client, show):
    feed = read(client)
    categories = [
        (c.get("text"), [sub.get("text") for sub in c.findall("itunes:category", NS)])
        for c in feed.channel_all("itunes:category")
    ]
    assert categories == [("Technology", []), ("Science", ["Mathematics", "Physics"])]
    assert [t.term for t in feed.feed.tags] == ["Technology", "Science", "Mathematics", "Physics"]


def test_the_channel_says_explicit_author_owner_and_type(client, show):
    feed = read(client)
    assert feed.channel_text("itunes:explicit") == "false"
    assert feed.channel_text("itunes:author") == "Allen Roush & Ravid Shwartz-Ziv"
    assert feed.channel_text("itunes:type") == "episodic"
    assert feed.feed.itunes_type == "episodic"
    (owner,) = feed.channel_all("itunes:owner")
    assert owner.findtext("itunes:name", namespaces=NS) == "The Hosts"
    assert owner.findtext("itunes:email", namespaces=NS) == "hosts@example.com"
    assert feed.feed.publisher_detail == {"name": "The Hosts", "email": "hosts@example.com"}


def test_an_explicit_serial_show_says_so(client, db):
    ShowFactory(explicit=True, podcast_type=Show.PodcastType.SERIAL)
    feed = read(client)
    assert feed.channel_text("itunes:explicit") == "true"
    assert feed.channel_text("itunes:type") == "serial"


def test_the_hosts_are_podcast_persons_of_the_channel(client, show):
    feed = read(client)
    assert people(feed.channel) == [
        ("host", "Allen Roush", f"{SITE_URL}/people/allen/", f"{SITE_URL}/media/people/a.jpg"),
        ("host", "Ravid Shwartz-Ziv", f"{SITE_URL}/people/ravid/", None),
    ]


def test_the_feed_is_locked_to_its_owner(client, show):
    feed = read(client)
    (locked,) = feed.channel_all("podcast:locked")
    assert (locked.text, locked.get("owner")) == ("yes", "hosts@example.com")


def test_an_unlocked_show_says_no(client, db):
    ShowFactory(locked=False)
    assert read(client).channel_text("podcast:locked") == "no"


def test_funding_appears_when_configured(client, show):
    (funding,) = read(client).channel_all("podcast:funding")
    assert (funding.get("url"), funding.text) == ("https://example.com/support", "Support us")


def test_no_funding_tag_without_a_funding_url(client, db):
    ShowFactory()
    assert read(client).channel_all("podcast:funding") == []


def test_without_a_show_there_is_no_feed(client, db):
    assert client.get(FEED).status_code == 404


# The podcast GUID.


def test_the_podcast_guid_follows_the_podcast_index_example():
    # https://podcastindex.org/namespace/1.0#guid
    assert guid_for_feed_url("https://mp3s.nashownotes.com/pc20rss.xml") == uuid.UUID(
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert guid_for_feed_url("http://mp3s.nashownotes.com/pc20rss.xml/") == uuid.UUID(
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )


def test_the_podcast_guid_is_uuid5_of_the_feed_url_and_is_stored(client, show):
    expected = uuid.uuid5(
        uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
        "informationbottleneck.test/feed/podcast.xml",
    )
    assert show.podcast_guid is None
    feed = read(client)
    assert feed.channel_text("podcast:guid") == str(expected)
    show.refresh_from_db()
    assert show.podcast_guid == expected


def test_the_stored_podcast_guid_survives_a_change_of_site_url(client, show, settings):
    first = read(client).channel_text("podcast:guid")
    settings.SITE_URL = "https://another-domain.example"
    feed = read(client)
    assert feed.channel_text("podcast:guid") == first
    assert feed.feed.link == "https://another-domain.example/"  # the rest follows the domain


def test_a_podcast_guid_set_by_the_editors_is_kept(client, db):
    guid = uuid.UUID("917393e3-1b1e-5cef-ace4-edaa54e1f810")
    show = ShowFactory(podcast_guid=guid)
    assert read(client).channel_text("podcast:guid") == str(guid)
    show.refresh_from_db()
    assert show.podcast_guid == guid


# The episodes.


def test_an_episode_has_title_link_stable_guid_and_rfc_2822_date(client, episode):
    feed = read(client)
    (entry,) = feed.entries
    assert entry.title == "Platonic Representations & Artificial Life"
    assert entry.link == f"{SITE_URL}/episodes/isola/"
    assert entry.id == str(episode.guid)
    item = feed.item(episode.guid)
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("pubDate") == "Thu, 04 Jun 2026 10:00:00 +0000"
    assert email.utils.parsedate_to_datetime(item.findtext("pubDate")) == episode.published_at


def test_an_episode_has_its_audio_as_enclosure(client, episode):
    item = read(client).item(episode.guid)
    (enclosure,) = item.findall("enclosure")
    assert dict(enclosure.attrib) == {
        "url": "https://media.example.com/isola.mp3",
        "length": "69120000",
        "type": "audio/mpeg",
    }


def test_the_description_is_html_show_notes_with_the_chapter_list(client, episode):
    feed = read(client)
    (entry,) = feed.entries
    assert entry.summary_detail.type == "text/html"
    description = entry.summary
    assert "<strong>representations</strong>" in description
    assert '<a href="https://example.com" rel="nofollow noopener noreferrer">' in description
    assert "<li>00:00 Intro</li>" in description
    assert "<li>19:27 The platonic hypothesis</li>" in description
    assert "<li>33:20 Meet Phillip</li>" in description


def test_a_description_too_long_for_the_apps_keeps_the_notes_and_drops_the_chapters(client, show):
    episode = EpisodeFactory(show=show, description="Notes. " * 400)  # 2800 bytes
    for n in range(40):
        ChapterFactory(episode=episode, start=n * 60, title=f"A chapter with a long title {n}")
    item = read(client).item(episode.guid)
    description = item.findtext("description")
    assert len(description.encode()) <= 4000
    assert description.startswith("<p>Notes. Notes.")
    assert "Chapters:" not in description
    assert "A chapter with a long title 39" in item.findtext("content:encoded", namespaces=NS)


def test_content_encoded_has_the_notes_guests_and_chapters_linking_papers_and_people(
    client, episode
):
    feed = read(client)
    (encoded,) = feed.item(episode.guid).findall("content:encoded", NS)
    html = encoded.text
    assert feed.entries[0].content[0].value == html.strip()
    assert "<strong>representations</strong>" in html
    assert f'With <a href="{SITE_URL}/people/phillip-isola/">Phillip Isola</a> (MIT).' in html
    assert (
        f'<li><a href="{SITE_URL}/episodes/isola/?t=19:27">19:27</a> The platonic hypothesis '
        f'(<a href="{SITE_URL}/papers/{PRH}/">The Platonic Representation Hypothesis</a>)</li>'
    ) in html
    assert f'(<a href="{SITE_URL}/people/phillip-isola/">Phillip Isola</a>)</li>' in html
    assert "Music: &quot;Kid Kodi&quot; - Blue Dot Sessions" in html
    assert f'<a href="{SITE_URL}/episodes/isola/">' in html


def test_an_episode_has_the_itunes_tags(client, episode):
    feed = read(client)
    item = feed.item(episode.guid)
    itunes = {
        name: item.findtext(f"itunes:{name}", namespaces=NS)
        for name in ["duration", "episode", "season", "episodeType", "explicit"]
    }
    assert itunes == {
        "duration": "4320",
        "episode": "12",
        "season": "2",
        "episodeType": "full",
        "explicit": "true",
    }
    (image,) = item.findall("itunes:image", NS)
    assert image.get("href") == f"{SITE_URL}/media/episodes/isola.png"
    (entry,) = feed.entries
    assert entry.itunes_duration == "4320"
    assert entry.itunes_episodetype == "full"


def test_an_episode_without_artwork_shows_the_shows(client, show):
    episode = EpisodeFactory(show=show)
    (image,) = read(client).item(episode.guid).findall("itunes:image", NS)
    assert image.get("href") == f"{SITE_URL}/media/shows/cover.jpg"


def test_a_trailer_without_number_or_season_says_only_its_type(client, show):
    episode = EpisodeFactory(show=show, episode_type="trailer", duration=None, season=0)
    item = read(client).item(episode.guid)
    assert item.findtext("itunes:episodeType", namespaces=NS) == "trailer"
    assert item.findtext("itunes:explicit", namespaces=NS) == "false"
    for name in ["episode", "season", "duration"]:
        assert item.find(f"itunes:{name}", NS) is None, name


def test_each_person_of_an_episode_is_a_podcast_person_with_role_page_and_photo(client, episode):
    item = read(client).item(episode.guid)
    assert people(item) == [
        (
            "guest",
            "Phillip Isola",
            f"{SITE_URL}/people/phillip-isola/",
            f"{SITE_URL}/media/people/isola.jpg",
        ),
        ("host", "Allen Roush", f"{SITE_URL}/people/allen/", f"{SITE_URL}/media/people/a.jpg"),
        ("host", "Ravid Shwartz-Ziv", f"{SITE_URL}/people/ravid/", None),
    ]


def test_an_episode_points_to_its_json_chapters_and_transcript(client, episode):
    item = read(client).item(episode.guid)
    (chapters,) = item.findall("podcast:chapters", NS)
    assert dict(chapters.attrib) == {
        "url": f"{SITE_URL}/episodes/isola/chapters.json",
        "type": CHAPTERS_TYPE,
    }
    (transcript,) = item.findall("podcast:transcript", NS)
    assert dict(transcript.attrib) == {
        "url": f"{SITE_URL}/episodes/isola/transcript.txt",
        "type": "text/plain",
        "language": "en-us",
    }
    response = client.get("/episodes/isola/transcript.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Ravid: Welcome.\nPhillip: Thanks."


def test_an_episode_without_chapters_or_transcript_points_to_neither(client, show):
    episode = EpisodeFactory(show=show, transcript="   ")
    item = read(client).item(episode.guid)
    assert item.find("podcast:chapters", NS) is None
    assert item.find("podcast:transcript", NS) is None
    assert client.get(f"/episodes/{episode.slug}/transcript.txt").status_code == 404


def test_the_tags_of_an_episode_are_its_categories(client, episode):
    (entry,) = read(client).entries
    assert [tag.term for tag in entry.tags] == ["representation-learning"]


def test_titles_and_notes_with_markup_are_escaped_once(client, show):
    episode = EpisodeFactory(
        show=show,
        title='Q&A: "<script>" & friends',
        description="Say <b>hi</b> & <script>alert(1)</script>",
    )
    feed = read(client)
    (entry,) = feed.entries
    assert entry.title == 'Q&A: "<script>" & friends'
    html = feed.item(episode.guid).findtext("content:encoded", namespaces=NS)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_control_characters_in_show_notes_do_not_break_the_feed(client, show):
    episode = EpisodeFactory(show=show, title="Bell\x07", description="Form\x0cfeed")
    feed = read(client)
    assert feed.entries[0].title == "Bell"
    assert "Formfeed" in feed.item(episode.guid).findtext("content:encoded", namespaces=NS)


# Which episodes, in which order.


def test_drafts_and_scheduled_episodes_are_absent(client, show):
    published = EpisodeFactory(show=show, title="Out now")
    draft = EpisodeFactory(show=show, title="A draft", draft=True)
    scheduled = EpisodeFactory(show=show, title="Next week", scheduled=True)
    secret = PersonFactory(name="Secret Guest", slug="secret")
    AppearanceFactory(episode=scheduled, person=secret)

    feed = read(client)

    assert feed.guids() == [str(published.guid)]
    assert str(draft.guid) not in feed.response.content.decode()
    assert str(scheduled.guid) not in feed.response.content.decode()
    assert b"Secret Guest" not in feed.response.content
    assert client.get(f"/episodes/{draft.slug}/transcript.txt").status_code == 404


def test_episodes_are_newest_first(client, show):
    now = timezone.now()
    middle = EpisodeFactory(show=show, published_at=now - datetime.timedelta(days=2))
    oldest = EpisodeFactory(show=show, published_at=now - datetime.timedelta(days=30))
    newest = EpisodeFactory(show=show, published_at=now - datetime.timedelta(hours=1))
    feed = read(client)
    assert feed.guids() == [str(e.guid) for e in (newest, middle, oldest)]
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_every_enclosure_url_is_unique_even_when_episodes_share_audio(client, show):
    now = timezone.now()
    original = EpisodeFactory(
        show=show,
        audio_url="https://media.example.com/a.mp3",
        published_at=now - datetime.timedelta(days=9),
    )
    rerun = EpisodeFactory(
        show=show,
        audio_url="https://media.example.com/a.mp3",
        published_at=now - datetime.timedelta(days=1),
    )
    other = EpisodeFactory(show=show)

    feed = read(client)

    urls = feed.enclosure_urls()
    assert len(urls) == len(set(urls)) == 2
    assert feed.item(original.guid).find("enclosure").get("url") == original.audio_url
    assert feed.item(rerun.guid).find("enclosure") is None
    assert feed.item(other.guid).find("enclosure") is not None


def test_guids_never_change_when_an_episode_is_edited(client, episode):
    before = read(client).guids()

    episode.title = "A new title"
    episode.slug = "a-new-slug"
    episode.audio_url = "https://media.example.com/remastered.mp3"
    episode.published_at -= datetime.timedelta(days=1)
    episode.number = 13
    episode.save()
    Chapter.objects.filter(episode=episode).delete()

    feed = read(client)
    assert feed.guids() == before == [str(episode.guid)]
    assert feed.titles() == ["A new title"]
    assert feed.entries[0].link == f"{SITE_URL}/episodes/a-new-slug/"


def test_each_episode_keeps_its_own_guid_between_requests(client, show):
    episodes = [EpisodeFactory(show=show) for _ in range(3)]
    first, second = read(client).guids(), read(client).guids()
    assert first == second
    assert sorted(first) == sorted(str(e.guid) for e in episodes)
    assert len(set(first)) == 3


# HTTP: caching, conditional GETs, methods.


def test_the_feed_may_be_cached_publicly_for_a_few_minutes(client, episode):
    response = client.get(FEED)
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Cookie" not in response.get("Vary", "")


def test_the_feed_is_the_same_public_feed_for_a_signed_in_editor(client, episode):
    anonymous = client.get(FEED)
    client.force_login(EditorFactory())
    signed_in = client.get(FEED)
    assert signed_in.content == anonymous.content
    assert signed_in["ETag"] == anonymous["ETag"]
    assert signed_in["Cache-Control"] == "public, max-age=300"


def test_the_feed_has_etag_and_last_modified_from_the_newest_change(client, episode):
    response = client.get(FEED)
    assert response["ETag"].startswith('"')
    episode.refresh_from_db()
    show = Show.objects.get()
    newest = max(episode.updated_at, show.updated_at, episode.published_at)
    assert response["Last-Modified"] == email.utils.format_datetime(
        newest.replace(microsecond=0), usegmt=True
    )


def test_a_matching_if_none_match_gets_304_without_rendering(
    client, episode, monkeypatch, django_assert_max_num_queries
):
    etag = client.get(FEED)["ETag"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("a 304 must not render the feed")

    monkeypatch.setattr(PodcastFeed, "get_feed", no_rendering)
    with django_assert_max_num_queries(3):  # the show, its hosts, one aggregate
        response = client.get(FEED, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=300"


def test_if_modified_since_the_last_change_gets_304(client, episode, monkeypatch):
    last_modified = client.get(FEED)["Last-Modified"]
    monkeypatch.setattr(PodcastFeed, "get_feed", None)  # would fail if called
    response = client.get(FEED, headers={"if-modified-since": last_modified})
    assert response.status_code == 304


def test_a_head_request_answers_304_too(client, episode):
    etag = client.get(FEED)["ETag"]
    assert client.head(FEED, headers={"if-none-match": etag}).status_code == 304


def test_editing_an_episode_changes_the_etag(client, episode):
    before = client.get(FEED)
    Episode.objects.filter(pk=episode.pk).update(
        title="Edited", updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    response = client.get(FEED, headers={"if-none-match": before["ETag"]})
    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert response["Last-Modified"] != before["Last-Modified"]
    assert Feed(response).titles() == ["Edited"]


def test_editing_the_show_changes_the_etag(client, episode):
    before = client.get(FEED)["ETag"]
    show = Show.objects.get()
    show.title = "The Information Bottleneck, renamed"
    show.save()
    response = client.get(FEED, headers={"if-none-match": before})
    assert response.status_code == 200
    assert Feed(response).feed.title == "The Information Bottleneck, renamed"


def test_a_scheduled_episode_going_live_refreshes_the_feed(client, episode):
    scheduled = EpisodeFactory(show=episode.show, scheduled=True)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Episode.objects.update(updated_at=an_hour_ago)
    Show.objects.update(updated_at=an_hour_ago)
    before = client.get(FEED)
    # Time passes: its publication time comes, with no edit (no new updated_at).
    Episode.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    for headers in [
        {"if-none-match": before["ETag"]},
        {"if-modified-since": before["Last-Modified"]},
    ]:
        response = client.get(FEED, headers=headers)
        assert response.status_code == 200, headers
        assert str(scheduled.guid) in Feed(response).guids()


def test_unpublishing_an_episode_changes_the_etag(client, episode, show):
    other = EpisodeFactory(show=show)
    before = client.get(FEED)["ETag"]
    Episode.objects.filter(pk=other.pk).unpublish()  # an update(): no new updated_at
    response = client.get(FEED, headers={"if-none-match": before})
    assert response.status_code == 200
    assert Feed(response).guids() == [str(episode.guid)]


def test_the_feed_only_answers_get_and_head(client, episode):
    assert client.post(FEED).status_code == 405
    assert client.head(FEED).status_code == 200


# Speed.


def test_the_feed_makes_the_same_number_of_queries_for_1_and_50_episodes(
    client, show, no_cache, django_assert_max_num_queries
):
    guest, paper = PersonFactory(photo="people/g.jpg"), PaperFactory()
    host = show.hosts.first()

    def build(n):
        episodes = saved(EpisodeFactory, n, show=show, transcript="Hello.")
        Appearance.objects.bulk_create(
            Appearance(episode=e, person=p, role=role)
            for e in episodes
            for p, role in [(guest, "guest"), (host, "host")]
        )
        Chapter.objects.bulk_create(
            Chapter(episode=e, start=start, title="Chapter", paper=paper if start else None)
            for e in episodes
            for start in (0, 60, 120)
        )
        for e in episodes[:3]:
            e.tags.add("ml")
            DiscussionFactory(episode=e, paper=paper, chapter=e.chapters.first())
        return FEED

    response = assert_queries_do_not_grow(client, django_assert_max_num_queries, build)
    feed = Feed(response)
    assert len(feed.items()) == 51
    assert len(set(feed.enclosure_urls())) == 51


def test_the_feed_reads_its_episodes_in_a_fixed_handful_of_queries(client, episode, no_cache):
    client.get(FEED)  # the GUID is stored on the first request
    with CaptureQueriesContext(connection) as queries:
        client.get(FEED)
    # show, hosts, aggregate, episodes, appearances, chapters, discussions, tags
    assert len(queries) <= 8, [q["sql"] for q in queries]


def test_a_feed_rendered_once_is_served_from_the_cache_until_its_version_changes(
    client, episode, monkeypatch, django_assert_max_num_queries
):
    first = client.get(FEED)
    real_get_feed = PodcastFeed.get_feed
    monkeypatch.setattr(PodcastFeed, "get_feed", None)  # would fail if called
    with django_assert_max_num_queries(3):  # the show, its hosts, one aggregate
        again = client.get(FEED)
    assert again.status_code == 200
    assert again.content == first.content

    monkeypatch.setattr(PodcastFeed, "get_feed", real_get_feed)
    EpisodeFactory(show=episode.show, title="A new episode")
    assert "A new episode" in Feed(client.get(FEED)).titles()


# The demo show.


class TestTheDemoFeed(DemoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._feed = None

    @property
    def feed(self):
        """The demo podcast feed, read once for the class (its tests only read)."""
        if type(self)._feed is None:
            type(self)._feed = Feed(self.client.get(FEED))
        return type(self)._feed

    def test_it_lists_the_nine_demo_episodes_newest_first(self):
        assert len(self.feed.entries) == 9
        assert self.feed.entries[0].link == f"{SITE_URL}/episodes/{ISOLA_EPISODE}/"
        dates = [entry.published_parsed for entry in self.feed.entries]
        assert dates == sorted(dates, reverse=True)

    def test_each_demo_episode_has_its_own_enclosure_url_serving_the_silent_mp3(self):
        urls = self.feed.enclosure_urls()
        assert len(urls) == len(set(urls)) == 9
        size = Path(finders.find("demo/silence.mp3")).stat().st_size
        for enclosure in self.feed.root.iter("enclosure"):
            assert enclosure.get("length") == str(size)
            assert enclosure.get("type") == "audio/mpeg"
            assert enclosure.get("url").startswith(f"{SITE_URL}/static/demo/silence.mp3?episode=")
        response = self.client.get(urls[0].removeprefix(SITE_URL))
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/mpeg"
        assert int(response["Content-Length"]) == size

    def test_the_demo_show_has_categories_hosts_and_a_guid(self):
        categories = [
            (c.get("text"), [sub.get("text") for sub in c.findall("itunes:category", NS)])
            for c in self.feed.channel_all("itunes:category")
        ]
        assert categories == [("Technology", []), ("Science", ["Mathematics"])]
        assert [name for _, name, _, _ in people(self.feed.channel)] == [
            "Allen Roush",
            "Ravid Shwartz-Ziv",
        ]
        assert uuid.UUID(self.feed.channel_text("podcast:guid")).version == 5

    def test_every_demo_episode_has_chapters_and_its_guest(self):
        for item in self.feed.items():
            assert item.find("podcast:chapters", NS) is not None
            roles = [role for role, *_ in people(item)]
            assert sorted(roles) == ["guest", "host", "host"]
