"""Durations and timestamps as people write them."""

# The longest a timestamp may be written ("999999:59:59" and some space), and the largest
# number of seconds it may name (what a PositiveIntegerField holds on every database). Text
# from an address or a feed is parsed, so a 5,000-digit "?t=" must be refused, not turned
# into an int (Python refuses those past 4,300 digits with a ValueError).
MAX_TIMESTAMP_LENGTH = 32
MAX_SECONDS = 2**31 - 1


def format_duration(seconds):
    """1h 15m, 59 min, 45 sec: the length of an episode at a glance."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} sec"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if not hours:
        return f"{minutes} min"
    return f"{hours}h {minutes}m" if minutes else f"{hours}h"


def format_timestamp(seconds):
    """A position in an episode, as the show writes it: 04:09, 1:01:11."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def parse_timestamp(text):
    """Seconds from "58", "58:00", "1:18:00" or "01:18:00"; None when it isn't one (or
    is longer than MAX_TIMESTAMP_LENGTH, or past MAX_SECONDS)."""
    if len(text) > MAX_TIMESTAMP_LENGTH:
        return None
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(p.isdecimal() for p in parts):
        return None
    values = [int(p) for p in parts]
    if any(v >= 60 for v in values[1:]):
        return None
    seconds = 0
    for value in values:
        seconds = seconds * 60 + value
    return seconds if seconds <= MAX_SECONDS else None
