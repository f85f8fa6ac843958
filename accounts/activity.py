"""What a listener did on the site, as their public profile lists it.

accounts knows no app above it, so the apps that hold a listener's activity (reviews,
comments, suggestions) register a source here, in their AppConfig.ready():

    from accounts import activity
    activity.register(recent_reviews)  # recent_reviews(user) -> list of Item

Each source gets the profile's user and returns at most `activity.LIMIT` items, in a
constant number of queries (the profile page asserts it). The page shows every source's
items together, newest first.
"""

from dataclasses import dataclass
from datetime import datetime

LIMIT = 20

_sources = []


@dataclass(frozen=True)
class Item:
    """One thing a listener did: "Reviewed", "Commented on" and what, linked."""

    verb: str
    title: str
    url: str
    at: datetime


def register(source):
    """Add a callable `source(user) -> list[Item]`; registering it twice adds it once."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister(source):
    if source in _sources:
        _sources.remove(source)


def for_user(user):
    """Every registered source's items for `user`, newest first, at most LIMIT."""
    items = [item for source in _sources for item in source(user)]
    return sorted(items, key=lambda item: item.at, reverse=True)[:LIMIT]
