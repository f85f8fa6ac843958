"""Guests named in an episode title, in the shapes the show's titles take.

    "After Math Falls, What's Next? with Julia Kempe (NYU/Meta)"
    "Intelligence in an Open World - with Mengye Ren (NYU)"
    "Inside xAI - Christian Szegedy (Math Inc)"
    "Scaling Laws with Jared Kaplan"
    "Agents with Jane Doe (MIT) and John Roe (VP AWS / Prof. UCLA)"

The guests come last: after the last "with" (a dash before it is part of the separator), or,
without "with", after the last dash, where every guest must then show an affiliation in
brackets. The affiliation is kept as written ("NYU/Meta").

A title is not a guest list just because "with" is in it ("Working with Transformers",
"Living with uncertainty"), so a guest's name must look like one: two to four capitalised
words (initials, hyphens, apostrophes and particles like "van" or "de" allowed), none of them
a word titles use ("Large Language Models", "Big Data"), nothing in capitals ("AI"). A
single first name ("Episode 12 with Allen") is not enough to know who that is: no guest.
Several guests are separated by commas, "and" or "&"; if any of them isn't a name, the
title names no guest at all.
"""

import re
from typing import NamedTuple


class Guest(NamedTuple):
    name: str
    affiliation: str  # "" when the title shows none


# "with", optionally after a dash or bar: " - with ", " with ". A word on its own only.
_WITH = re.compile(r"(?:(?<=\s)|^)(?:[-\u2013\u2014|]\s+)?with\s+", re.IGNORECASE)

# A dash or bar between spaces, as in "Inside xAI - Christian Szegedy (Math Inc)".
_DASH = re.compile(r"\s[-\u2013\u2014|]\s+")

# Between two guests, but not inside the brackets of an affiliation.
_GUEST_SEPARATOR = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+|\s*&\s*)(?![^()]*\))")

# One guest: a name, then maybe an affiliation in brackets.
_GUEST = re.compile(r"(?P<name>[^()]+?)(?:\s*\((?P<affiliation>[^()]*)\))?")

# What may be left at the end of the title once the guests are taken off.
_TOPIC_END = " -\u2013\u2014|:,;"

_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")

# Lower-case particles inside a name: "Vincent van Gogh", "Nando de Freitas".
_PARTICLES = {
    "al",
    "bin",
    "da",
    "das",
    "de",
    "del",
    "della",
    "der",
    "di",
    "dos",
    "du",
    "el",
    "ibn",
    "la",
    "le",
    "ten",
    "ter",
    "van",
    "von",
    "y",
}

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}

# Capitalised words of titles that are not names: "with Large Language Models", "with the
# Team", "- Ask Us Anything (Live)". Names are never refused for their own sake, so this lists
# the words of topics, pronouns and the small words title case capitalises.
_NOT_NAMES = frozenset(
    """
    a about after against agents agent ai all an and anyone anything are as at attention
    before benchmarks big bonus by chips cloud coding computer computers conversation data
    deep diffusion discussion episode ethics everyone everything experts for friends from
    future gpus graph graphs guest guests hardware her him his in information intelligence
    interview into is it its language languages large last law laws learning live machine
    machines math mathematics me memory model models my networks network neural new news next
    of old on one open or our panel part past policy practice questions reasoning research
    robotics robots safety scale scaling science season software someone special systems
    system team that the their them theory these this those to transformer transformers
    trends two uncertainty updates us vision we what when where who why world worlds you your
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)


def guests_in_title(title: str) -> list[Guest]:
    """The guests a title names, in order: [("Julia Kempe", "NYU/Meta")]; [] when none."""
    return split_title(title)[1]


def split_title(title: str) -> tuple[str, list[Guest]]:
    """The title without its guest part, and the guests: ("After Math Falls...", [...])."""
    text = " ".join((title or "").split())
    for separator, need_affiliation in ((_WITH, False), (_DASH, True)):
        matches = list(separator.finditer(text))
        if not matches:
            continue
        last = matches[-1]
        guests = _guest_list(text[last.end() :], need_affiliation=need_affiliation)
        if guests:
            return text[: last.start()].rstrip(_TOPIC_END), guests
    return text, []


def _guest_list(text: str, *, need_affiliation: bool) -> list[Guest]:
    guests = []
    for part in _GUEST_SEPARATOR.split(text.strip()):
        match = _GUEST.fullmatch(part)
        if match is None:
            return []
        name = match["name"].strip()
        affiliation = " ".join((match["affiliation"] or "").split())
        if not is_name(name) or (need_affiliation and not affiliation):
            return []
        guests.append(Guest(name, affiliation))
    return guests


def is_name(text: str) -> bool:
    """Whether `text` looks like a person's full name: "Rao Kambhampati", "J. R. R. Tolkien"."""
    words = text.split()
    if not words or words[0] in _PARTICLES or words[-1] in _PARTICLES:
        return False
    if len(words) > 1 and words[-1].casefold() in _SUFFIXES:
        words = words[:-1]
    counted = 0
    for word in words:
        if word in _PARTICLES:
            continue
        if word.casefold().rstrip(".") in _NOT_NAMES or not _is_name_word(word):
            return False
        counted += 1
    return 2 <= counted <= 4


def _is_name_word(word: str) -> bool:
    if _INITIALS.fullmatch(word):
        return word[0].isupper()
    pieces = re.split(r"[-'\u2019]", word)
    if not all(piece.isalpha() for piece in pieces):
        return False
    # "Shwartz-Ziv", "O'Brien", "LeCun"; not "AI" or "NYU", which name no one.
    return word[0].isupper() and not (len(word) > 1 and word.isupper())
