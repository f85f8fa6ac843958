"""Reading chapters out of episode descriptions: the real ones, each shape, and junk."""

import json
import random
import re
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

from episodes.timeline import ParsedChapter, Timeline, parse_timeline

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTENT = REPO_ROOT / "ibsite" / "demo" / "content.json"

KID_KODI = '"Kid Kodi" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.'
PALMS_DOWN = '"Palms Down" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.'
ABOUT = "The Information Bottleneck is hosted by Ravid Shwartz-Ziv and Allen Roush"

# Anything a timestamp could be mistaken for, to prove none is left in the prose.
ANY_TIMESTAMP = re.compile(r"\d:\d\d")


@cache
def demo_descriptions():
    episodes = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))["episodes"]
    return {episode["slug"]: episode["description"] for episode in episodes}


def times(timeline):
    return [chapter.start for chapter in timeline.chapters]


def titles(timeline):
    return [chapter.title for chapter in timeline.chapters]


# What the published descriptions hold, read by hand. Each row: the number of chapters, the
# first and last chapter, the music credits, and how the prose opens and closes.
SEEDS = {
    "after-math-falls-whats-next-julia-kempe": {
        "count": 24,
        "first": (0, "Introductions"),
        "last": (4320, "Closing thoughts: use the tools, and build grassroots AI for good"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "Julia Kempe on Why Math Will Fall Next",
        "closes": "work fluently across math, biology, and beyond.",
    },
    "intelligence-in-an-open-world-mengye-ren": {
        "count": 25,
        "first": (0, "Intro and welcome"),
        "last": (3220, "The future of ML education when AI writes the experiments"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "We talk with Mengye Ren, Assistant Professor at NYU",
        "closes": "beyond benchmarks, beyond scale.",
    },
    "language-cognition-and-the-limits-of-llms-tal-linzen": {
        "count": 26,
        "first": (13, "Intro and what cognitive science means"),
        "last": (4854, "What's next: human-like LLMs as user simulators, and recruiting"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "We host Tal Linzen, Associate Professor at NYU",
        "closes": "evaluates students at NYU.",
    },
    "the-principles-of-diffusion-models-jesse-lai": {
        "count": 16,
        "first": (12, "Intro and welcoming Jesse"),
        "last": (2772, "Closing thoughts and where to find the book"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "We host Chieh-Hsin (Jesse) Lai, Staff Research Scientist",
        "closes": "scoring a multiple-choice test.",
    },
    "inside-xai-and-the-bet-on-ai-math-christian-szegedy": {
        "count": 28,
        "first": (12, "Intros: Christian's background (Inception, Batch Norm, xAI, Math Inc)"),
        "last": (4312, "Closing thanks"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "We talked with Christian Szegedy, co-inventor of Inception",
        "closes": "He distrusts humanity more than he distrusts AI.",
    },
    "reasoning-models-and-planning-rao-kambhampati": {
        "count": 24,
        "first": (12, "Intros"),
        "last": (4197, "Closing thoughts: the bridge analogy"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "We sat down with Rao Kambhampati, a Professor of CS",
        "closes": "the LLM community keeps rediscovering.",
    },
    "what-actually-matters-in-ai-zhuang-liu": {
        "count": 20,
        "first": (13, "Intro"),
        "last": (4157, "Wrap"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "In this episode, we hosted Zhuang Liu, Assistant Professor at Princeton",
        "closes": "where they still fall short.",
    },
    "the-future-of-coding-agents-sasha-rush": {
        "count": 18,
        "first": (0, "Intro and Sasha joins us"),
        "last": (3937, "World models, diffusion, and what may come next"),
        "music": [KID_KODI, PALMS_DOWN],
        "opens": "We talked with Sasha Rush, researcher at Cursor",
        "closes": "where all of this might be going next.",
    },
    "platonic-representations-and-artificial-life-phillip-isola": {
        "count": 24,
        "first": (0, "Intro song"),
        "last": (4116, "Why stay in academia, and doing science in the age of Opus"),
        "music": [KID_KODI],
        "opens": "Phillip Isola, professor at MIT, joins us",
        "closes": "studying them like new organisms.",
    },
}


@pytest.fixture(params=sorted(SEEDS))
def seed(request):
    """The parsed description of one demo episode, and what it should hold."""
    slug = request.param
    return parse_timeline(demo_descriptions()[slug]), SEEDS[slug]


def test_the_demo_content_holds_every_seed_episode():
    assert set(SEEDS) <= set(demo_descriptions())


def test_it_finds_every_chapter_of_a_seed_episode(seed):
    timeline, expected = seed
    assert timeline.found
    assert len(timeline.chapters) == expected["count"]
    assert timeline.skipped == []


def test_it_reads_the_first_and_last_chapter_of_a_seed_episode(seed):
    timeline, expected = seed
    assert timeline.chapters[0] == ParsedChapter(*expected["first"])
    assert timeline.chapters[-1] == ParsedChapter(*expected["last"])


def test_seed_chapters_start_strictly_later_each_time(seed):
    timeline, _ = seed
    starts = times(timeline)
    assert all(earlier < later for earlier, later in pairwise(starts))


def test_seed_titles_carry_no_timestamps_or_separators(seed):
    timeline, _ = seed
    for title in titles(timeline):
        assert title == title.strip()
        assert not ANY_TIMESTAMP.search(title)
        assert not title.endswith(("\u2014", "\u2013", "-", ":", "|"))
        assert "Music" not in title


def test_it_splits_the_music_credits_of_a_seed_episode(seed):
    timeline, expected = seed
    assert timeline.music_credits == expected["music"]
    assert timeline.sections["About"].startswith(ABOUT)


def test_seed_prose_is_the_text_before_the_timeline(seed):
    timeline, expected = seed
    assert timeline.prose.startswith(expected["opens"])
    assert timeline.prose.endswith(expected["closes"])
    assert not ANY_TIMESTAMP.search(timeline.prose)
    assert "Timeline" not in timeline.prose


def test_it_keeps_the_changes_note_of_the_pasted_seeds():
    timeline = parse_timeline(demo_descriptions()["the-future-of-coding-agents-sasha-rush"])
    assert timeline.sections["Changes"] == "trimmed"


def test_it_keeps_titles_with_dashes_quotes_and_numbers_from_the_seeds():
    descriptions = demo_descriptions()
    found = {title for slug in SEEDS for title in titles(parse_timeline(descriptions[slug]))}
    assert {
        "Creativity is bounded by experience \u2014 and why bottom-up sampling isn't enough",
        'What "formalization" actually means (and why it\'s not what most people think)',
        "The 30\u00d730 maze experiment",
        "Scaling Mathlib by 100\u20131000x",
        "Should you still do a PhD in 2026?",
        "The role of mathematicians in 5\u201310 years",
        "\u03c4-Bench and benchmarks that avoid action interactions",
        "What \u201ccoding agents\u201d actually mean",
    } <= found


# Each shape a timeline is written in.


def test_it_reads_one_chapter_a_line():
    timeline = parse_timeline(
        "We talk about worlds.\nAnd about models.\n"
        "Timeline:\n00:00 Intro song\n04:09 What makes a representation good\n"
        "1:01:11 Artificial life\n"
        'Music:\n"Kid Kodi" - Blue Dot Sessions.\nAbout: A podcast.\n\n\n'
    )
    assert timeline.chapters == [
        ParsedChapter(0, "Intro song"),
        ParsedChapter(249, "What makes a representation good"),
        ParsedChapter(3671, "Artificial life"),
    ]
    assert timeline.prose == "We talk about worlds.\nAnd about models."
    assert timeline.music_credits == ['"Kid Kodi" - Blue Dot Sessions.']
    assert timeline.sections == {"About": "A podcast."}
    assert timeline.skipped == []


def test_it_splits_glued_titles():
    timeline = parse_timeline(
        "Prose. Timeline 00:00 \u2014 Introductions01:00 \u2014 Defining reasoning"
        "04:00 \u2014 Lean, Mathlib, and formalization"
    )
    assert timeline.chapters == [
        ParsedChapter(0, "Introductions"),
        ParsedChapter(60, "Defining reasoning"),
        ParsedChapter(240, "Lean, Mathlib, and formalization"),
    ]
    assert timeline.prose == "Prose."


def test_it_splits_a_marker_glued_to_the_first_timestamp():
    timeline = parse_timeline(
        "Prose. Timeline00:00 \u2014 Intro and welcome 01:24 \u2014 Defining"
    )
    assert timeline.chapters == [
        ParsedChapter(0, "Intro and welcome"),
        ParsedChapter(84, "Defining"),
    ]


def test_it_reads_parenthesised_timestamps_glued_to_titles():
    timeline = parse_timeline(
        'Prose. Timeline(00:12) Intros(01:32) Defining "reasoning"(04:12) Blocksworld'
    )
    assert timeline.chapters == [
        ParsedChapter(12, "Intros"),
        ParsedChapter(92, 'Defining "reasoning"'),
        ParsedChapter(252, "Blocksworld"),
    ]
    assert timeline.prose == "Prose."


def test_it_reads_timestamps_without_a_separator():
    timeline = parse_timeline(
        "Prose. Timeline 00:00 Intro and Sasha joins us 01:11 What \u201ccoding agents\u201d mean"
    )
    assert timeline.chapters == [
        ParsedChapter(0, "Intro and Sasha joins us"),
        ParsedChapter(71, "What \u201ccoding agents\u201d mean"),
    ]


def test_it_reads_hours_even_when_glued_to_a_title():
    timeline = parse_timeline(
        "Timeline 58:00 \u2014 Agent security1:01:00 \u2014 Regulation 1:04:00 \u2014 Advice"
    )
    assert timeline.chapters == [
        ParsedChapter(3480, "Agent security"),
        ParsedChapter(3660, "Regulation"),
        ParsedChapter(3840, "Advice"),
    ]


@pytest.mark.parametrize("separator", ["\u2014", "\u2013", "-", ":", "|"])
def test_it_drops_the_separator_after_a_timestamp(separator):
    timeline = parse_timeline(f"00:00 {separator} Intro 01:00{separator}Outro")
    assert titles(timeline) == ["Intro", "Outro"]


def test_it_drops_a_separator_left_at_the_end_of_a_title():
    timeline = parse_timeline("00:00 Intro | 01:00 Middle, 02:00 Outro \u2014")
    assert titles(timeline) == ["Intro", "Middle", "Outro"]


@pytest.mark.parametrize(
    "marker", ["Timeline", "Timeline:", "Chapters:", "Timestamps", "TIMELINE"]
)
def test_it_starts_the_timeline_at_a_marker_word(marker):
    timeline = parse_timeline(f"We met at 9:30 to record.\n{marker}\n00:00 Intro\n05:00 Outro")
    assert titles(timeline) == ["Intro", "Outro"]
    assert timeline.prose == "We met at 9:30 to record."


def test_it_starts_the_timeline_at_the_first_timestamp_without_a_marker():
    timeline = parse_timeline("Our guest joins us.\n(00:00) Intro\n(05:00) Outro")
    assert times(timeline) == [0, 300]
    assert timeline.prose == "Our guest joins us."


def test_a_marker_word_in_a_sentence_is_prose():
    timeline = parse_timeline("We talk about the timeline of AI. 00:00 Intro")
    assert timeline.prose == "We talk about the timeline of AI."
    assert titles(timeline) == ["Intro"]


# Titles are kept as written.


def test_it_keeps_dashes_inside_titles():
    timeline = parse_timeline(
        "00:00 \u2014 Creativity is bounded \u2014 and why 01:00 \u2014 Lean vs. Coq - does it "
        "matter? 02:00 - Bottom-up vs. top-down \u2013 loops"
    )
    assert titles(timeline) == [
        "Creativity is bounded \u2014 and why",
        "Lean vs. Coq - does it matter?",
        "Bottom-up vs. top-down \u2013 loops",
    ]


def test_it_keeps_parentheses_inside_titles():
    timeline = parse_timeline(
        "Timeline 00:12 \u2014 Intros: background (Inception, Batch Norm) "
        '12:25 \u2014 What "formalization" means (and why it\'s not what you think)(14:39) Next'
    )
    assert titles(timeline) == [
        "Intros: background (Inception, Batch Norm)",
        'What "formalization" means (and why it\'s not what you think)',
        "Next",
    ]


def test_it_keeps_quotes_and_numbers_in_titles():
    timeline = parse_timeline(
        "(26:12) The 30\u00d730 maze experiment(27:42) Scaling Mathlib by 100\u20131000x"
        "(30:00) Should you still do a PhD in 2026?(31:00) The 2 \u201cbig\u201d bets of 2005"
    )
    assert titles(timeline) == [
        "The 30\u00d730 maze experiment",
        "Scaling Mathlib by 100\u20131000x",
        "Should you still do a PhD in 2026?",
        "The 2 \u201cbig\u201d bets of 2005",
    ]


def test_it_collapses_runs_of_whitespace_in_titles():
    timeline = parse_timeline("06:35 \u2014 From GPT-1 to  GPT-3\t now")
    assert titles(timeline) == ["From GPT-1 to GPT-3 now"]


def test_a_label_opening_a_title_is_part_of_the_title():
    timeline = parse_timeline("00:00 Intro 12:00 Music: the next frontier 15:00 Outro")
    assert titles(timeline) == ["Intro", "Music: the next frontier", "Outro"]
    assert timeline.music_credits == []


# Where the timeline ends, and the trailers after it.


def test_it_ends_the_last_title_at_a_glued_trailer():
    timeline = parse_timeline(
        "Timeline 1:09:00 \u2014 Startups1:12:00 \u2014 Closing thoughts: build AI for good"
        f"Music: {KID_KODI}{PALMS_DOWN}Changes: trimmedAbout: {ABOUT}."
    )
    assert timeline.chapters[-1] == ParsedChapter(4320, "Closing thoughts: build AI for good")
    assert timeline.music_credits == [KID_KODI, PALMS_DOWN]
    assert timeline.sections == {"Changes": "trimmed", "About": f"{ABOUT}."}
    assert timeline.skipped == []


def test_it_ends_the_last_title_at_a_trailer_after_a_space():
    timeline = parse_timeline(f"1:09:17 \u2014 Wrap Music: {KID_KODI}")
    assert titles(timeline) == ["Wrap"]
    assert timeline.music_credits == [KID_KODI]


def test_it_reads_one_music_credit_a_line():
    timeline = parse_timeline(f"00:00 Intro\nMusic:\n{KID_KODI}\n\n{PALMS_DOWN}\n")
    assert timeline.music_credits == [KID_KODI, PALMS_DOWN]


def test_it_keeps_credits_links_and_transcript_sections():
    timeline = parse_timeline(
        "00:00 Intro\nCredits: Edited by Sam.\nLinks: https://example.com\nTranscript: soon"
    )
    assert timeline.sections == {
        "Credits": "Edited by Sam.",
        "Links": "https://example.com",
        "Transcript": "soon",
    }


def test_it_ends_the_timeline_at_a_blank_line_and_reports_unlabelled_text_after_it():
    timeline = parse_timeline(
        "Prose.\nTimeline:\n00:00 Intro\n10:00 Outro\n\nThanks for listening!\n\nAbout: Us."
    )
    assert titles(timeline) == ["Intro", "Outro"]
    assert timeline.sections == {"About": "Us."}
    assert timeline.skipped == [
        'Ignored "Thanks for listening!": it is neither a chapter nor a labelled section.'
    ]


def test_a_blank_line_between_chapters_does_not_end_the_timeline():
    timeline = parse_timeline("Timeline:\n\n00:00 Intro\n\n10:00 Middle\n  \n20:00 Outro\n")
    assert titles(timeline) == ["Intro", "Middle", "Outro"]


def test_a_second_line_under_a_chapter_is_not_part_of_its_title():
    timeline = parse_timeline("00:00 Intro\nwith a note\n10:00 Outro")
    assert titles(timeline) == ["Intro", "Outro"]
    assert timeline.skipped == [
        'Ignored "with a note": it is neither a chapter nor a labelled section.'
    ]


def test_it_reads_a_title_on_the_line_after_its_timestamp():
    timeline = parse_timeline("Timeline:\n00:00\nIntro\n01:00 \u2014\nOutro")
    assert timeline.chapters == [ParsedChapter(0, "Intro"), ParsedChapter(60, "Outro")]


def test_it_reads_windows_line_endings():
    timeline = parse_timeline("Prose.\r\nTimeline:\r\n00:00 Intro\r\n01:00 Outro\r\nAbout: Us.")
    assert titles(timeline) == ["Intro", "Outro"]
    assert timeline.prose == "Prose."


# No timeline.


def test_text_without_a_timeline_is_all_prose():
    timeline = parse_timeline("  A conversation about models.\n\nAnd about data.  ")
    assert timeline == Timeline(
        chapters=[], prose="A conversation about models.\n\nAnd about data."
    )
    assert not timeline.found


def test_text_without_a_timeline_still_loses_its_trailers():
    timeline = parse_timeline(f"A conversation.\nMusic: {KID_KODI}\nAbout: {ABOUT}.")
    assert timeline.prose == "A conversation."
    assert timeline.music_credits == [KID_KODI]
    assert timeline.sections == {"About": f"{ABOUT}."}
    assert timeline.chapters == []
    assert timeline.skipped == []


def test_timestamps_that_give_no_chapter_stay_in_the_prose_with_the_reasons():
    timeline = parse_timeline("Timeline: 00:00 01:00")
    assert not timeline.found
    assert timeline.prose == "Timeline: 00:00 01:00"
    assert timeline.skipped == [
        'Skipped "00:00": it has no title.',
        'Skipped "01:00": it has no title.',
    ]


# What gets skipped, and why.


def test_it_skips_a_chapter_that_goes_back_in_time_and_says_why():
    timeline = parse_timeline("00:00 Intro 14:00 Middle 12:00 Foo 20:00 Outro")
    assert times(timeline) == [0, 840, 1200]
    assert timeline.skipped == [
        'Skipped "12:00 Foo": it starts before the chapter before it (14:00).'
    ]


def test_it_skips_a_chapter_that_starts_with_the_one_before_it():
    timeline = parse_timeline("00:00 Intro 14:00 Middle 14:00 Again")
    assert titles(timeline) == ["Intro", "Middle"]
    assert timeline.skipped == [
        'Skipped "14:00 Again": it starts at the same time as the chapter before it (14:00).'
    ]


def test_it_skips_a_chapter_without_a_title():
    timeline = parse_timeline("00:00 Intro 05:00 \u2014 10:00 Outro 12:00")
    assert titles(timeline) == ["Intro", "Outro"]
    assert timeline.skipped == [
        'Skipped "05:00": it has no title.',
        'Skipped "12:00": it has no title.',
    ]


def test_it_skips_a_time_that_cannot_be():
    timeline = parse_timeline("00:00 Intro 00:75 Odd 1:75:00 Odder 2:00:00 Outro")
    assert titles(timeline) == ["Intro", "Outro"]
    assert timeline.skipped == [
        'Skipped "00:75 Odd": 00:75 is not a valid time.',
        'Skipped "1:75:00 Odder": 1:75:00 is not a valid time.',
    ]


def test_it_reads_more_than_sixty_minutes_without_hours():
    timeline = parse_timeline("00:00 Intro 75:30 Long after")
    assert times(timeline) == [0, 4530]


def test_it_shortens_long_titles_in_its_reasons():
    timeline = parse_timeline(f"10:00 Intro 05:00 {'word ' * 30}")
    assert len(timeline.skipped) == 1
    assert len(timeline.skipped[0]) < 120
    assert "\u2026" in timeline.skipped[0]


# Nothing to read.


@pytest.mark.parametrize("text", ["", None, "   \n\t \n"])
def test_empty_input_gives_an_empty_timeline(text):
    assert parse_timeline(text) == Timeline(chapters=[], prose="")


@pytest.mark.parametrize(
    "text",
    [
        "::::",
        "(((00:",
        "12:3",
        "Timeline:",
        "Timeline: Music:",
        "99:99:99:99",
        "\x00\ufffd\u202e00:00\u200b",
        "1:2:3:4:5:6",
        "Music:Music:About:",
        "(00:00)(00:00)(00:00)",
    ],
)
def test_it_survives_garbage(text):
    timeline = parse_timeline(text)
    assert isinstance(timeline, Timeline)
    starts = times(timeline)
    assert all(earlier < later for earlier, later in pairwise(starts))


# Pieces descriptions are made of, so random strings often look like a timeline.
PIECES = [
    "Timeline",
    "Timeline:",
    "Chapters ",
    "00:00",
    "01:00",
    "1:01:04",
    "59:59",
    "99:99",
    "(12:34)",
    "[05:00]",
    "12:",
    ":3",
    " \u2014 ",
    "\u2013",
    "-",
    ":",
    "|",
    "(",
    ")",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "Music:",
    "About:",
    "Changes:",
    "Intro",
    "x",
    "7",
    '"',
    "\u201c",
    ".",
    "\u03c4",
]


def test_it_never_raises_and_always_keeps_chapters_in_order():
    rng = random.Random(20260522)
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.2:
            text += "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 20)))
        timeline = parse_timeline(text)
        starts = times(timeline)
        assert all(earlier < later for earlier, later in pairwise(starts))
        assert all(title and title == title.strip() for title in titles(timeline)), text
        assert timeline.found == bool(timeline.chapters)
        assert timeline.prose == timeline.prose.strip()


def test_the_credits_text_keeps_the_changes_note_for_the_licence():
    timeline = parse_timeline(
        'Timeline 00:00 — Intro01:00 — ByeMusic: "Kid Kodi" - Blue Dot Sessions - CC BY-NC 4.0.'
        "Changes: trimmedAbout: The show."
    )
    assert timeline.music_credits_text() == (
        '"Kid Kodi" - Blue Dot Sessions - CC BY-NC 4.0.\nChanges: trimmed'
    )


def test_the_credits_text_is_empty_without_credits():
    assert parse_timeline("00:00 Intro 01:00 Bye").music_credits_text() == ""
