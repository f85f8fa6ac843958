"""Django feed generators for podcast apps (RSS 2.0 with the itunes and podcast namespaces)
and for feed readers (Atom with the full text).

The feed classes (feeds/feeds.py) pass what these write through `feed_extra_kwargs` and
`item_extra_kwargs`; the keys are documented on each method below.
"""

import re

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.xmlutils import SimplerXMLGenerator

NAMESPACES = {
    "xmlns:itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "xmlns:podcast": "https://podcastindex.org/namespace/1.0",
    "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
}

# XML 1.0 has no place for these; a stray one pasted into show notes would otherwise make
# the whole feed fail (Django's generator refuses them), so they are dropped.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


class _XMLGenerator(SimplerXMLGenerator):
    def characters(self, content):
        super().characters(_CONTROL_CHARACTERS.sub("", content) if content else content)


def _yes_no(value):
    return "true" if value else "false"


class PodcastRssFeed(Rss201rev2Feed):
    """RSS 2.0 as Apple Podcasts, Spotify and Podcast Index read it."""

    def write(self, outfile, encoding):
        # As RssFeed.write, with a generator that drops control characters.
        handler = _XMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")

    def rss_attributes(self):
        return {**super().rss_attributes(), **NAMESPACES}

    def add_root_elements(self, handler):
        """Channel extras: image, author, owner, categories ([(parent, [children])]),
        explicit, podcast_type, podcast_guid, locked, locked_owner, hosts (people, see
        `_add_person`), funding_url, funding_text, page_links ([(rel, url)], RFC 5005)."""
        super().add_root_elements(handler)
        feed = self.feed
        for rel, href in feed["page_links"]:
            handler.addQuickElement("atom:link", None, {"rel": rel, "href": href})
        handler.startElement("image", {})
        handler.addQuickElement("url", feed["image"])
        handler.addQuickElement("title", feed["title"])
        handler.addQuickElement("link", feed["link"])
        handler.endElement("image")
        handler.addQuickElement("itunes:image", None, {"href": feed["image"]})
        for parent, children in feed["itunes_categories"]:
            handler.startElement("itunes:category", {"text": parent})
            for child in children:
                handler.addQuickElement("itunes:category", None, {"text": child})
            handler.endElement("itunes:category")
        handler.addQuickElement("itunes:explicit", _yes_no(feed["explicit"]))
        if feed["itunes_author"]:
            handler.addQuickElement("itunes:author", feed["itunes_author"])
        if feed["owner_name"] or feed["owner_email"]:
            handler.startElement("itunes:owner", {})
            if feed["owner_name"]:
                handler.addQuickElement("itunes:name", feed["owner_name"])
            if feed["owner_email"]:
                handler.addQuickElement("itunes:email", feed["owner_email"])
            handler.endElement("itunes:owner")
        handler.addQuickElement("itunes:type", feed["podcast_type"])
        if feed["podcast_guid"]:
            handler.addQuickElement("podcast:guid", feed["podcast_guid"])
        locked = {"owner": feed["owner_email"]} if feed["owner_email"] else {}
        handler.addQuickElement("podcast:locked", "yes" if feed["locked"] else "no", locked)
        for person in feed["hosts"]:
            _add_person(handler, person)
        if feed["funding_url"]:
            handler.addQuickElement(
                "podcast:funding", feed["funding_text"], {"url": feed["funding_url"]}
            )

    def add_item_elements(self, handler, item):
        """Item extras: content_encoded (HTML), duration (seconds), number, season,
        episode_type, explicit, image, people, chapters_url, transcript_url, language."""
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_encoded"])
        if item["duration"] is not None:
            handler.addQuickElement("itunes:duration", str(item["duration"]))
        # Apple wants non-zero integers.
        if item["number"]:
            handler.addQuickElement("itunes:episode", str(item["number"]))
        if item["season"]:
            handler.addQuickElement("itunes:season", str(item["season"]))
        handler.addQuickElement("itunes:episodeType", item["episode_type"])
        handler.addQuickElement("itunes:explicit", _yes_no(item["explicit"]))
        handler.addQuickElement("itunes:image", None, {"href": item["image"]})
        for person in item["people"]:
            _add_person(handler, person)
        if item["chapters_url"]:
            handler.addQuickElement(
                "podcast:chapters",
                None,
                {"url": item["chapters_url"], "type": "application/json+chapters"},
            )
        if item["transcript_url"]:
            handler.addQuickElement(
                "podcast:transcript",
                None,
                {
                    "url": item["transcript_url"],
                    "type": "text/plain",
                    "language": item["language"],
                },
            )


def _add_person(handler, person):
    """<podcast:person role= href= img=>Name</podcast:person> from a dict with those keys."""
    attrs = {"role": person["role"], "href": person["href"]}
    if person["img"]:
        attrs["img"] = person["img"]
    handler.addQuickElement("podcast:person", person["name"], attrs)


class FullTextAtomFeed(Atom1Feed):
    """Atom with each entry's full text as HTML in <content>, beside the <summary>."""

    def write(self, outfile, encoding):
        handler = _XMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_root_elements(self, handler):
        """Feed extras: page_links ([(rel, url)] to the other pages, RFC 5005)."""
        super().add_root_elements(handler)
        for rel, href in self.feed["page_links"]:
            handler.addQuickElement("link", "", {"rel": rel, "href": href})

    def add_item_elements(self, handler, item):
        """Item extras: content (HTML)."""
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})
