"""What the feeds say about the show and its episodes: the podcast GUID, absolute URLs,
artwork, and the chapters with the page each one links to.
"""

import re
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch
from django.templatetags.static import static
from django.urls import reverse

from core.links import absolute
from episodes.models import Appearance, Chapter, Discussion, Show

# Podcasting 2.0: podcast:guid is a UUIDv5 of the feed URL, without its scheme and trailing
# slashes, in this namespace. https://podcastindex.org/namespace/1.0#guid
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")

# The artwork shipped with the site (1400 x 1400 PNG), for a show or episode without its own.
DEFAULT_ARTWORK = "img/cover.png"


def podcast_feed_url():
    return absolute(reverse("feeds:podcast"))


def guid_for_feed_url(url):
    """The podcast:guid a feed at `url` gets: UUIDv5 of the URL without scheme."""
    return uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", url).rstrip("/"))


def ensure_podcast_guid(show):
    """The show's podcast GUID, made from the feed URL and stored the first time.

    Once stored it is never computed again: podcast apps and Podcast Index know the show
    by it, so it must survive a change of domain (SITE_URL) or feed address.
    """
    if show.podcast_guid is None:
        guid = guid_for_feed_url(podcast_feed_url())
        # Only where still empty: two first requests at once store one value.
        if Show.objects.filter(pk=show.pk, podcast_guid__isnull=True).update(podcast_guid=guid):
            show.podcast_guid = guid
        else:
            show.refresh_from_db(fields=["podcast_guid"])
    return show.podcast_guid


def show_image(show):
    """The show's artwork as an absolute URL: its upload, or the site's cover."""
    if show.artwork:
        return absolute(show.artwork.url)
    return absolute(static(DEFAULT_ARTWORK))


def episode_image(episode, show):
    return absolute(episode.artwork.url) if episode.artwork else show_image(show)


def person_image(person):
    return absolute(person.photo.url) if person.photo else ""


def episode_prefetches():
    """What the feeds and chapters show of each episode, in a fixed number of queries.

    Into plain lists (`to_attr`): with hundreds of episodes, filling each episode's related
    managers instead costs more than the queries.
    """
    return [
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("person"),
            to_attr="feed_appearances",
        ),
        Prefetch(
            "chapters",
            queryset=Chapter.objects.select_related("paper", "person"),
            to_attr="feed_chapter_rows",
        ),
        Prefetch(
            "discussions",
            queryset=Discussion.objects.filter(chapter__isnull=False).select_related("paper"),
            to_attr="chapter_discussions",
        ),
        Prefetch("tags", to_attr="feed_tags"),
    ]


@dataclass(frozen=True)
class FeedChapter:
    """A chapter as apps see it: where it starts, its title, and what it links to."""

    start: int
    timestamp: str
    title: str
    url: str = ""  # absolute URL of the paper or person discussed, if the chapter links one
    link_text: str = ""


def _page_url(obj):
    return absolute(obj.get_absolute_url())


def feed_chapters(episode, url_of=_page_url):
    """The episode's chapters, each with the paper or person it links, if any.

    A chapter links the paper or the person set on it, else the first paper discussed at it.
    Uses the prefetches of `episode_prefetches()`: no query. `url_of(obj)` gives the
    absolute URL of a page.
    """
    discussed = {}
    for discussion in episode.chapter_discussions:
        discussed.setdefault(discussion.chapter_id, discussion.paper)
    chapters = []
    for chapter in episode.feed_chapter_rows:
        linked = chapter.paper or chapter.person or discussed.get(chapter.pk)
        chapters.append(
            FeedChapter(
                start=chapter.start,
                timestamp=chapter.timestamp(),
                title=chapter.title,
                url=url_of(linked) if linked else "",
                link_text=str(getattr(linked, "title", None) or linked.name) if linked else "",
            )
        )
    return chapters


def chapters_document(episode, show):
    """Podcasting 2.0 JSON chapters (version 1.2.0) for the episode.

    https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md
    """
    chapters = []
    for chapter in feed_chapters(episode):
        entry = {"startTime": chapter.start, "title": chapter.title}
        if chapter.url:
            entry["url"] = chapter.url
        chapters.append(entry)
    return {
        "version": "1.2.0",
        "title": episode.title,
        "podcastName": show.title,
        "chapters": chapters,
    }
