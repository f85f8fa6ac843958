"""Reading a podcast feed (RSS 2.0 with the iTunes tags) as a stream, and its values.

The file is read with `lxml.etree.iterparse` and each `<item>` is dropped from the tree once
read, so a feed of any size takes the memory of one episode. The parser is locked down: no
network access, no DTD loaded, entities never expanded (an `&entity;` a DOCTYPE declares is
left out of the text, so a feed cannot pull in a local file or blow up in size).

`read_channel` reads the whole file once and checks that it is a podcast feed, without
keeping the items: the importer calls it before writing anything, so a file that is not a
feed, or breaks off half-way, is refused with nothing saved. `iter_items` then reads the
items one by one. Both raise `FeedError`, whose message says what is wrong in words an
editor understands.

Values are handed over as written in the feed (strings); `parse_*` and `html_to_text` turn
them into what an episode stores, never raising.
"""

import datetime
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from core.durations import MAX_SECONDS, MAX_TIMESTAMP_LENGTH, parse_timestamp

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"

# Namespaces by the short names used below. Compared in lower case: feeds in the wild write
# the iTunes one as ".../DTDs/Podcast-1.0.dtd" too.
_PREFIXES = {
    "": "",
    ITUNES.lower(): "itunes",
    CONTENT.lower(): "content",
    PODCAST.lower(): "podcast",
    "http://podcastindex.org/namespace/1.0": "podcast",
}

# Whatever the file says, the parser reads no DTD, expands no entity and opens no URL.
_SAFE_PARSING = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

_SNIFF_BYTES = 2048


class FeedError(Exception):
    """The source can't be read or is not a podcast feed; the message says which, and why."""


@dataclass
class Enclosure:
    url: str
    length: str
    type: str


@dataclass
class FeedItem:
    """One `<item>`, its values as written (empty strings for what it doesn't have)."""

    position: int  # 1 for the first item of the feed
    guid: str = ""
    title: str = ""
    link: str = ""
    pub_date: str = ""
    description: str = ""  # may be HTML
    content: str = ""  # content:encoded, HTML
    summary: str = ""  # itunes:summary
    subtitle: str = ""  # itunes:subtitle
    enclosure: Enclosure | None = None
    duration: str | None = None  # None when the item has no itunes:duration at all
    episode: str = ""
    season: str = ""
    episode_type: str = ""
    explicit: str = ""
    image: str = ""

    @property
    def label(self):
        return item_label(self.position, self.title)

    @property
    def notes(self):
        """The show notes as written: content:encoded, else description, else itunes:summary."""
        return self.content or self.description or self.summary


@dataclass
class Channel:
    """What the feed says about the show, and how many items it has."""

    title: str = ""
    link: str = ""
    description: str = ""
    subtitle: str = ""
    summary: str = ""
    language: str = ""
    copyright: str = ""
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    image: str = ""
    explicit: str = ""
    podcast_guid: str = ""
    categories: list[str] = field(default_factory=list)
    item_count: int = 0
    items_with_audio: int = 0


def item_label(position, title):
    """'item 3 "Title"', to say which item of the feed a message is about."""
    return f'item {position} "{_shorten(title)}"' if title else f"item {position}"


def read_channel(file) -> Channel:
    """Read the whole feed once: the channel's values, and the items counted, not kept.

    Raises FeedError if the file is not a podcast feed: not XML, broken XML anywhere in it,
    not RSS, or no item with an enclosure.
    """
    channel = Channel()
    seen = set()
    for element in _channel_children(file):
        name = _name(element)
        if name == "item":
            channel.item_count += 1
            if any(_name(child) == "enclosure" for child in element):
                channel.items_with_audio += 1
        elif name == "itunes:category":
            channel.categories += _categories(element)
        elif name == "itunes:owner":
            for child in element:
                if _name(child) == "itunes:name" and not channel.owner_name:
                    channel.owner_name = _text(child)
                elif _name(child) == "itunes:email" and not channel.owner_email:
                    channel.owner_email = _text(child)
        elif name not in seen:
            seen.add(name)
            _channel_value(channel, name, element)
    if not channel.items_with_audio:
        if channel.item_count:
            raise FeedError(
                f"None of its {channel.item_count} items has an <enclosure> (an audio file), "
                "so it is a news or blog feed, not a podcast feed."
            )
        raise FeedError("The feed has no episodes (no <item> with an <enclosure>).")
    return channel


def iter_items(file) -> Iterator[FeedItem]:
    """Each `<item>` of the feed in turn, forgotten as soon as the next one is read."""
    position = 0
    for element in _channel_children(file):
        if _name(element) == "item":
            position += 1
            yield _item(element, position)


def _channel_value(channel, name, element):
    simple = {
        "title": "title",
        "link": "link",
        "language": "language",
        "copyright": "copyright",
        "itunes:subtitle": "subtitle",
        "itunes:author": "author",
        "itunes:explicit": "explicit",
        "podcast:guid": "podcast_guid",
    }
    if name in simple:
        setattr(channel, simple[name], _text(element))
    elif name == "description":
        channel.description = _markup(element)
    elif name == "itunes:summary":
        channel.summary = _markup(element)
    elif name == "itunes:image":
        channel.image = channel.image or element.get("href", "").strip()
    elif name == "image":
        url = next((_text(child) for child in element if _name(child) == "url"), "")
        channel.image = url or channel.image


def _categories(element, parent=""):
    """ "Science > Mathematics" lines from nested <itunes:category text="..."> elements."""
    name = " ".join(element.get("text", "").split())
    if not name:
        return []
    path = f"{parent} > {name}" if parent else name
    children = [c for c in element if _name(c) == "itunes:category"]
    nested = [line for child in children for line in _categories(child, path)]
    return nested or [path]


def _item(element, position) -> FeedItem:
    item = FeedItem(position)
    seen = set()
    for child in element:
        name = _name(child)
        if name is None or name in seen:
            continue  # The first of each wins, as podcast apps read it.
        seen.add(name)
        if name == "enclosure":
            item.enclosure = Enclosure(
                url=child.get("url", "").strip(),
                length=child.get("length", "").strip(),
                type=child.get("type", "").strip(),
            )
        elif name == "itunes:image":
            item.image = child.get("href", "").strip()
        elif name in _ITEM_MARKUP:
            setattr(item, _ITEM_MARKUP[name], _markup(child))
        elif name in _ITEM_TEXT:
            setattr(item, _ITEM_TEXT[name], _text(child))
    return item


_ITEM_TEXT = {
    "guid": "guid",
    "title": "title",
    "link": "link",
    "pubDate": "pub_date",
    "itunes:subtitle": "subtitle",
    "itunes:duration": "duration",
    "itunes:episode": "episode",
    "itunes:season": "season",
    "itunes:episodeType": "episode_type",
    "itunes:explicit": "explicit",
}
_ITEM_MARKUP = {
    "description": "description",
    "content:encoded": "content",
    "itunes:summary": "summary",
}


def _channel_children(file) -> Iterator[etree._Element]:
    """Each complete child of <channel>, cleared from the tree once the caller is done."""
    _sniff(file)
    depth = 0
    channel = None
    try:
        for event, element in etree.iterparse(file, events=("start", "end"), **_SAFE_PARSING):
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element)
                elif depth == 2 and channel is None and _name(element) == "channel":
                    channel = element
                continue
            if depth == 3 and channel is not None and element.getparent() is channel:
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del channel[0]
            depth -= 1
    except etree.XMLSyntaxError as error:
        message = error.msg.rstrip(".")
        line = f" (line {error.lineno})" if error.lineno and "line" not in message else ""
        raise FeedError(
            f"It is not well-formed XML: {message}{line}. A podcast feed is an "
            "XML file; this one is broken or cut short."
        ) from None
    if channel is None:
        raise FeedError("It is RSS but has no <channel>, which holds the show and its episodes.")


def _sniff(file):
    """Refuse, with a helpful message, what is plainly not XML: empty, JSON, a web page."""
    start = file.read(_SNIFF_BYTES)
    file.seek(0)
    if isinstance(start, str):
        raise TypeError("Open the feed in binary mode.")
    head = start.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
    if not head:
        raise FeedError("The file is empty.")
    if head[0] in "{[":
        raise FeedError("It is JSON, not a podcast feed (an RSS file, in XML).")
    if head.startswith(("<!doctype html", "<html")):
        raise FeedError(
            "It is a web page (HTML), not a podcast feed. Look on that page for the feed's "
            'address (often an "RSS" link) and import that instead.'
        )
    if not head.startswith("<"):
        raise FeedError("It is not XML, so not a podcast feed (an RSS file, in XML).")


def _check_root(element):
    namespace, local = _split(element.tag)
    if local == "rss" and not namespace:
        return
    if local == "feed" and namespace == ATOM:
        raise FeedError(
            "It is an Atom feed; podcast feeds (the ones podcast apps read) are RSS 2.0, with "
            "an <rss> root. Import the show's RSS feed instead."
        )
    if local.lower() == "html":
        raise FeedError("It is a web page (HTML), not a podcast feed.")
    if local == "RDF":
        raise FeedError("It is an RSS 1.0 (RDF) feed, which has no audio: not a podcast feed.")
    raise FeedError(f"Its root element is <{local}>, not <rss>: it is not a podcast feed.")


def _split(tag):
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _name(element):
    """ "title", "itunes:duration"... or None for an element of a namespace not read here."""
    namespace, local = _split(element.tag)
    if namespace is None:
        return None
    prefix = _PREFIXES.get(namespace.lower())
    if prefix is None:
        return None
    return f"{prefix}:{local}" if prefix else local


def _text(element) -> str:
    """The element's text, spaces collapsed; entity references left out."""
    return " ".join(_raw_text(element).split())


def _raw_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _markup(element) -> str:
    """What the element holds, as written: HTML in CDATA, escaped HTML, or inline tags."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", with_tail=False))
        parts.append(child.tail or "")
    return "".join(parts).strip()


def _shorten(text, length=60):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "\u2026"


# Values.


def parse_duration(text):
    """Seconds from itunes:duration ("3480", "58:00", "1:18:00", "3480.5"); None if unreadable."""
    text = (text or "").strip()
    if len(text) > MAX_TIMESTAMP_LENGTH:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        seconds = round(float(text))
        return seconds if seconds <= MAX_SECONDS else None
    if re.fullmatch(r"\d+(?::\d+){1,2}", text):
        return parse_timestamp(text)
    return None


def parse_date(text):
    """An aware datetime from an RFC 822 pubDate (or ISO 8601, which some feeds use)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def parse_count(text):
    """A whole number >= 0 ("28", " 3 "), or None."""
    text = (text or "").strip()
    return int(text) if text.isdecimal() and len(text) < 10 else None


def parse_explicit(text):
    """True for "yes", "true", "explicit"; False for "no", "false", "clean"; None otherwise."""
    value = (text or "").strip().lower()
    if value in {"yes", "true", "explicit"}:
        return True
    if value in {"no", "false", "clean"}:
        return False
    return None


# HTML show notes to text.

_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^>]*)?/?|/[a-zA-Z][a-zA-Z0-9]*\s*)>")
_PARAGRAPHS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "hr",
}
_LINES = {"br", "li", "tr", "dt", "dd"}
_DROPPED = {"script", "style", "head", "title", "template", "noscript", "iframe", "object"}


def html_to_text(markup):
    """Show notes as text with their line breaks, ready for the timeline parser.

    Plain text is kept as it is. HTML loses its tags: paragraphs and headings become
    paragraphs, <br> and list items lines (no bullet, so a timeline written as a list
    reads as one), links Markdown links
    (http, https and mailto only), scripts and styles nothing.
    """
    text = (markup or "").replace("\r\n", "\n").replace("\r", "\n")
    if not _LOOKS_LIKE_HTML.search(text):
        return text.strip()
    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.fragment_fromstring(text, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return text.strip()
    out = []
    _walk(root, out, preformatted=False)
    result = "".join(out)
    lines = [line.strip() for line in result.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _walk(element, out, *, preformatted):
    tag = element.tag.lower() if isinstance(element.tag, str) else None
    if tag is None or tag in _DROPPED:
        return
    if tag in _PARAGRAPHS:
        out.append("\n\n")
    elif tag in _LINES:
        out.append("\n")
    if tag == "a" and _link(element, out):
        pass
    else:
        preformatted = preformatted or tag == "pre"
        out.append(_flow(element.text, preformatted))
        for child in element:
            _walk(child, out, preformatted=preformatted)
            out.append(_flow(child.tail, preformatted))
    if tag in _PARAGRAPHS:
        out.append("\n\n")


def _link(element, out):
    """A link as [text](url); False to write its content as plain text instead."""
    href = (element.get("href") or "").strip()
    label = " ".join(element.text_content().split())
    if not re.match(r"(?:https?://|mailto:)", href, re.IGNORECASE) or not label:
        return False
    if label == href or label == href.split(":", 1)[-1].lstrip("/"):
        out.append(href)
    else:
        label = label.replace("[", "\\[").replace("]", "\\]")
        out.append(f"[{label}]({href.replace(' ', '%20').replace(')', '%29')})")
    return True


def _flow(text, preformatted):
    if not text:
        return ""
    return text if preformatted else re.sub(r"\s+", " ", text)
