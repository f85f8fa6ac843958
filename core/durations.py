"""Durations and timestamps as people write them."""


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
    """Seconds from "58", "58:00", "1:18:00" or "01:18:00"; None when it isn't one."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(p.isdecimal() for p in parts):
        return None
    values = [int(p) for p in parts]
    if any(v >= 60 for v in values[1:]):
        return None
    seconds = 0
    for value in values:
        seconds = seconds * 60 + value
    return seconds
