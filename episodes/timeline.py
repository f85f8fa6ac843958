"""Chapters out of an episode description, in whatever shape the timeline was written.

Descriptions put a timeline after the prose and labelled trailers after the timeline:

    We talk with ... about ...
    Timeline:
    00:00 Intro song
    1:01:11 Artificial life: LLM agents as new organisms
    Music:
    "Kid Kodi" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.
    About: The Information Bottleneck is hosted by ...

Pasted from a podcast app, the same text arrives on one line with the line breaks gone,
so titles, timestamps and labels run into each other:
"Timeline 00:00 — Introductions01:00 — Defining reasoning ... for goodMusic: ...".
`parse_timeline` reads both and never raises: whatever it can't use is explained in
`Timeline.skipped`, so an editor can see why a chapter is missing.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.durations import format_timestamp, parse_timestamp

# H:MM:SS, MM:SS or M:SS. Nothing is required before it, since a glued title puts a letter
# right there ("Introductions01:00"); nothing may follow but a non-digit, so "12:345" is not
# mistaken for 12:34. Out-of-range values ("00:75") still match: they are reported, not
# silently folded into a title.
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?!\d)"

# A timestamp as written: bare, or wrapped in brackets as in "Timeline(00:12) Intros(01:32)".
# The brackets belong to the timestamp, so they never end up in the title before it.
TIMESTAMP = re.compile(rf"[(\[](?P<wrapped>{_TIME})[)\]]|(?P<bare>{_TIME})")

# "Timeline", "Chapters" or "Timestamps", with or without a colon, counts as the start of
# the timeline only when a timestamp follows, so the word in a sentence of prose doesn't.
# It may be glued to that timestamp ("Timeline00:00", "Timeline(00:12)").
MARKER = re.compile(
    rf"(?:Timeline|Chapters|Timestamps)\s*(?::\s*)?(?=[(\[]?{_TIME})", re.IGNORECASE
)

# The labels of the trailers after the timeline. They may be glued to the end of the last
# title ("for goodMusic:") or of the previous trailer ("4.0.Changes:"), so nothing is
# required before them; they are case-sensitive to keep "about:" in a sentence out.
LABEL = re.compile(r"(?P<name>Music|Changes|About|Credits|Links|Transcript)[ \t]*:")

# A timestamp and its separator with no title yet: a label right after it starts a title
# ("12:00 Music: the next frontier"); it is not a trailer. Only the last few characters
# before a label are looked at, so that text with thousands of labels is still read fast.
_TITLE_OPENING = re.compile(rf"(?:[(\[]{_TIME}[)\]]|{_TIME})[ \t]*(?:[-\u2013\u2014:|][ \t]*)?\Z")
_TITLE_OPENING_WINDOW = 30

# What may stand between a timestamp and its title: "00:00 — Intro", "00:00: Intro",
# "00:00 | Intro". Only one character of it, so a title may still start with a dash.
_LEADING_SEPARATOR = re.compile(r"\A\s*[-\u2013\u2014:|]?\s*")

# Separators and list punctuation left at the end of a title by "Intro | 01:00 Next" or
# "Intro, 01:00 Next".
_TRAILING_SEPARATORS = " -\u2013\u2014:|,;"

# An empty line ends the timeline, unless the timeline just goes on after it.
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")

# Credits pasted without their line breaks run together as '...CC BY-NC 4.0."Palms Down"':
# a credit ends with a period and the next one opens with a quoted song title.
_CREDIT_BREAK = re.compile(r"\n|(?<=\.)(?=[\"\u201c])")

# How much of a piece of text to quote in an explanation.
_QUOTE_LENGTH = 60


@dataclass(frozen=True)
class ParsedChapter:
    start: int  # seconds from the start of the episode
    title: str


@dataclass
class Timeline:
    chapters: list[ParsedChapter] = field(default_factory=list)
    prose: str = ""
    music_credits: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether the description has a timeline: at least one chapter came out of it."""
        return bool(self.chapters)

    def music_credits_text(self) -> str:
        """The credits one a line, for an episode's music credits field.

        A "Changes:" note ("Changes: trimmed") goes with them: Creative Commons licences
        ask that changes to the music be stated beside its credit.
        """
        lines = list(self.music_credits)
        if lines and self.sections.get("Changes"):
            lines.append(f"Changes: {self.sections['Changes']}")
        return "\n".join(lines)


def parse_timeline(text: str) -> Timeline:
    """Split a description into prose, chapters and the labelled trailers after them."""
    text = _normalise(text)
    start = _timeline_start(text)
    if start is None:
        return _without_timeline(text, skipped=[])
    prose_end, body_start = start
    body_end = _timeline_end(text, body_start)
    chapters, skipped = _chapters(text[body_start:body_end])
    if not chapters:
        # Timestamps that give no chapter aren't a timeline: keep them in the prose, and say
        # why they were rejected.
        return _without_timeline(text, skipped=skipped)
    music_credits, sections, leftover = _trailers(text[body_end:])
    if leftover:
        skipped.append(_ignored(leftover))
    return Timeline(chapters, text[:prose_end].strip(), music_credits, sections, skipped)


def _normalise(text) -> str:
    if not text:
        return ""
    if not isinstance(text, str):
        text = str(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _timeline_start(text: str) -> tuple[int, int] | None:
    """Where the prose ends and where the first timestamp is; None when there is neither."""
    marker = MARKER.search(text)
    if marker:
        return marker.start(), marker.end()
    stamp = TIMESTAMP.search(text)
    if stamp:
        return stamp.start(), stamp.start()
    return None


def _timeline_end(text: str, body_start: int) -> int:
    """The end of the last title: the first trailer label or empty line after the chapters."""
    return min(_first_label(text, body_start), _first_break(text, body_start))


def _first_label(text: str, pos: int) -> int:
    for label in LABEL.finditer(text, pos):
        window_start = max(pos, label.start() - _TITLE_OPENING_WINDOW)
        if not _TITLE_OPENING.search(text, window_start, label.start()):
            return label.start()
    return len(text)


def _first_break(text: str, pos: int) -> int:
    for blank in _BLANK_LINE.finditer(text, pos):
        if not TIMESTAMP.match(text, blank.end()):
            return blank.start()
    return len(text)


def _without_timeline(text: str, skipped: list[str]) -> Timeline:
    prose_end = _first_label(text, 0)
    music_credits, sections, _ = _trailers(text[prose_end:])
    return Timeline([], text[:prose_end].strip(), music_credits, sections, skipped)


def _chapters(body: str) -> tuple[list[ParsedChapter], list[str]]:
    """One chapter per timestamp, its title running to the next one, kept in time order."""
    chapters: list[ParsedChapter] = []
    skipped: list[str] = []
    for stamp, end in _with_ends(list(TIMESTAMP.finditer(body)), len(body)):
        written = stamp["wrapped"] or stamp["bare"]
        title, rest = _title(body[stamp.end() : end])
        if rest:
            skipped.append(_ignored(rest))
        start = parse_timestamp(written)
        previous = chapters[-1].start if chapters else None
        quoted = f'Skipped "{_shorten(f"{written} {title}".strip())}"'
        if start is None:
            skipped.append(f"{quoted}: {written} is not a valid time.")
        elif not title:
            skipped.append(f"{quoted}: it has no title.")
        elif previous is not None and start == previous:
            skipped.append(
                f"{quoted}: it starts at the same time as the chapter before it "
                f"({format_timestamp(previous)})."
            )
        elif previous is not None and start < previous:
            skipped.append(
                f"{quoted}: it starts before the chapter before it ({format_timestamp(previous)})."
            )
        else:
            chapters.append(ParsedChapter(start, title))
    return chapters, skipped


def _title(segment: str) -> tuple[str, str]:
    """The first line of text after a timestamp, and whatever follows it on later lines.

    A chapter takes one line: in a timeline written one chapter a line, a second line under
    a chapter is not part of its title. A timestamp alone on its line takes the next one.
    """
    segment = _LEADING_SEPARATOR.sub("", segment, count=1)
    line, _, rest = segment.partition("\n")
    title = " ".join(line.split()).rstrip(_TRAILING_SEPARATORS)
    return title, rest.strip()


def _trailers(text: str) -> tuple[list[str], dict[str, str], str]:
    """Music credits, the other labelled sections, and any unlabelled text before them."""
    labels = list(LABEL.finditer(text))
    music_credits: list[str] = []
    sections: dict[str, str] = {}
    for label, end in _with_ends(labels, len(text)):
        content = text[label.end() : end].strip()
        name = label["name"]
        if name == "Music":
            music_credits += [c.strip() for c in _CREDIT_BREAK.split(content) if c.strip()]
        elif name in sections:
            sections[name] = f"{sections[name]}\n{content}".strip()
        else:
            sections[name] = content
    leftover = text[: labels[0].start()] if labels else text
    return music_credits, sections, leftover.strip()


def _with_ends(matches: list[re.Match], end: int) -> Iterator[tuple[re.Match, int]]:
    """Each match, with where the text after it runs to: the next match, or `end`."""
    for i, match in enumerate(matches):
        yield match, matches[i + 1].start() if i + 1 < len(matches) else end


def _ignored(text: str) -> str:
    return f'Ignored "{_shorten(text)}": it is neither a chapter nor a labelled section.'


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _QUOTE_LENGTH:
        return text
    return text[: _QUOTE_LENGTH - 1].rstrip() + "\u2026"
