"""Durations and timestamps as the show writes them (ibsite/durations.py)."""

import pytest

from core.durations import MAX_SECONDS, format_duration, format_timestamp, parse_timestamp


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (4500, "1h 15m"),
        (3540, "59 min"),
        (45, "45 sec"),
        (7200, "2h"),
        (0, "0 sec"),
        (60, "1 min"),
        (3659, "1h"),  # seconds under a minute are not worth saying past the hour
        (4530.7, "1h 15m"),
    ],
)
def test_it_formats_a_duration_at_a_glance(seconds, expected):
    assert format_duration(seconds) == expected


def test_it_formats_no_duration_as_nothing():
    assert format_duration(None) == ""


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, "00:00"), (249, "04:09"), (3599, "59:59"), (3671, "1:01:11"), (36000, "10:00:00")],
)
def test_it_formats_a_timestamp_as_the_show_writes_it(seconds, expected):
    assert format_timestamp(seconds) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("58", 58),
        ("58:00", 3480),
        ("04:09", 249),
        ("1:18:00", 4680),
        ("01:18:00", 4680),
        (" 00:13 ", 13),
    ],
)
def test_it_parses_a_timestamp(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Intro", "1:60", "1:00:60", "1:2:3:4", "-1:00", "1.5", "10:", ":30", "1²:00", "½"],
)
def test_it_refuses_what_is_not_a_timestamp(text):
    assert parse_timestamp(text) is None


@pytest.mark.parametrize("seconds", [0, 13, 249, 3599, 3600, 4680, 36000])
def test_formatting_and_parsing_a_timestamp_round_trip(seconds):
    assert parse_timestamp(format_timestamp(seconds)) == seconds


@pytest.mark.parametrize("text", ["9" * 4301, "1:" + "9" * 5000, " " * 40 + "58", "9" * 33])
def test_it_refuses_a_timestamp_too_long_to_read(text):
    assert parse_timestamp(text) is None


def test_it_refuses_a_timestamp_past_the_largest_stored_number_of_seconds():
    assert parse_timestamp(str(MAX_SECONDS)) == MAX_SECONDS
    assert parse_timestamp(str(MAX_SECONDS + 1)) is None
