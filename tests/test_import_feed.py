"""`manage.py import_feed`: what it imports, that it is idempotent, and how it fails.

The feeds are small files in tests/fixtures/feeds/ (good.xml: three seed-like episodes;
troubles.xml: every kind of bad item between good ones) or built here. URLs are served by a
local HTTP server on 127.0.0.1 in a thread.
"""

import datetime
import io
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command, load_command_class
from django.db import IntegrityError
from django.utils import timezone

from core.publishing import State
from episodes.importers import rss as rss_module
from episodes.importers import sources as feed_sources
from episodes.importers.feed import import_feed
from episodes.importers.rss import FeedError, html_to_text, iter_items, parse_date, parse_duration
from episodes.models import Appearance, Chapter, Episode, Show
from episodes.timeline import parse_timeline
from people.models import Person
from tests.factories import (
    AppearanceFactory,
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    PersonFactory,
    ShowFactory,
)
from tests.faults import InterruptedOutput

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


@pytest.fixture(autouse=True)
def local_servers_allowed(settings):
    """The test servers are on 127.0.0.1, which the site refuses to fetch unless told to."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1:*"]


GOOD = FEEDS / "good.xml"
TROUBLES = FEEDS / "troubles.xml"

NAMESPACES = (
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
)
CHANNEL = "<title>The Information Bottleneck</title><description>Two AI researchers.</description>"
BARE_ENCLOSURE = '<enclosure url="https://m.example/a.mp3" length="5"/>'  # No type, no GUID.
JUNE_4_10AM = datetime.datetime(2026, 6, 4, 10, tzinfo=datetime.UTC)


def run(source, *args, **options):
    """Run the command; return what it printed on stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_feed", str(source), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot():
    """Every row of every table, to compare the database before and after."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def item(guid="ep-1", title="An Episode", *, enclosure=True, pub_date=None, extra=""):
    """One <item>: a GUID, a title, an MP3 enclosure and a past date unless told otherwise."""
    parts = [f"<title>{escape(title)}</title>"]
    if guid is not None:
        parts.append(f"<guid>{escape(guid)}</guid>")
    if enclosure is True:
        url = f"https://media.example.com/{guid}.mp3"
        parts.append(f'<enclosure url="{url}" length="1000" type="audio/mpeg"/>')
    elif enclosure:
        parts.append(enclosure)
    parts.append(f"<pubDate>{pub_date or 'Thu, 07 May 2026 10:00:00 +0000'}</pubDate>")
    parts.append(extra)
    return f"<item>{''.join(parts)}</item>"


def feed(*items, channel=CHANNEL):
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {NAMESPACES}>'
        f"<channel>{channel}{''.join(items)}</channel></rss>"
    ).encode()


@pytest.fixture
def write(tmp_path):
    """write(content, name) -> the path of a file holding it."""

    def write(content, name="feed.xml"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return write


@pytest.fixture
def good(db):
    """The good feed, imported once; returns what the command printed."""
    return run(GOOD)


def episode(guid):
    return Episode.objects.get(guid=guid)


# The good feed: the show, the episodes and everything in them.


def test_it_creates_the_show_from_the_channel(good):
    show = Show.objects.get()
    assert show.title == "The Information Bottleneck"
    assert show.slug == "the-information-bottleneck"
    assert show.subtitle == "Conversations with the people whose papers shape ML"
    assert show.description.startswith("Two AI Researchers - Ravid Shwartz Ziv, and Allen")
    assert "<p>" not in show.description
    assert show.language == "en-us"
    assert show.categories == "Technology\nScience > Mathematics"
    assert show.explicit is False
    assert show.copyright == "© 2026 Ravid Shwartz-Ziv & Allen Roush"
    assert show.owner_name == "Ravid Shwartz-Ziv"
    assert show.owner_email == "hosts@informationbottleneck.example"
    assert show.website == "https://informationbottleneck.example/"
    assert str(show.podcast_guid) == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_the_hosts_are_not_guessed(good):
    show = Show.objects.get()
    assert not show.hosts.exists()
    assert not Appearance.objects.filter(role=Appearance.Role.HOST).exists()


def test_the_cover_image_is_not_downloaded_and_a_note_says_so(good):
    _, err = good
    assert not Show.objects.get().artwork
    assert "cover image (https://media.example.com/cover.jpg) was not downloaded" in err


def test_it_creates_an_episode_per_item_with_its_audio_and_date(good):
    isola = episode("ib-isola")
    assert isola.show == Show.objects.get()
    assert isola.title.startswith("Platonic Representations, Neural Thickets")
    assert isola.slug.startswith("platonic-representations-neural-thickets-and-artificial-life")
    assert isola.audio_url == "https://media.example.com/isola.mp3"
    assert isola.audio_size == 69_120_000
    assert isola.audio_type == "audio/mpeg"
    assert isola.published_at == JUNE_4_10AM
    assert isola.state == State.LIVE
    assert isola.episode_type == Episode.EpisodeType.FULL
    assert Episode.objects.count() == 3


@pytest.mark.parametrize(
    ("guid", "written", "seconds"),
    [("ib-isola", "4320", 4320), ("ib-kempe", "1:18:00", 4680), ("ib-ren", "58:00", 3480)],
)
def test_durations_are_read_in_seconds_minutes_or_hours(good, guid, written, seconds):
    assert episode(guid).duration == seconds


def test_numbers_come_from_itunes_episode_or_a_title_prefix(good):
    assert episode("ib-isola").number == 3  # itunes:episode
    assert episode("ib-kempe").number == 2  # "EP2: ..."
    assert (episode("ib-ren").number, episode("ib-ren").season) == (1, 1)


def test_the_title_is_kept_as_the_feed_writes_it(good):
    assert episode("ib-kempe").title == (
        "EP2: After Math Falls, What's Next? with Julia Kempe (NYU/Meta)"
    )


def test_the_explicit_flag_is_read(good):
    assert episode("ib-ren").explicit is True
    assert episode("ib-isola").explicit is False


def test_a_glued_timeline_becomes_chapters_with_the_admins_parser(good):
    kempe = episode("ib-kempe")
    chapters = [(chapter.start, chapter.title) for chapter in kempe.chapters.all()]
    assert chapters == [
        (0, "Introductions"),
        (60, "Defining reasoning and verifiable domains"),
        (240, "Lean, Mathlib, and the formalization of mathematics"),
        (4320, "Closing thoughts: use the tools, and build grassroots AI for good"),
    ]
    assert kempe.description == (
        "Julia Kempe on Why Math Will Fall Next. In this episode, we sit down with Julia "
        "Kempe, a Professor at NYU's Center for Data Science."
    )
    assert kempe.music_credits == (
        '"Kid Kodi" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.\n'
        '"Palms Down" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.\n'
        "Changes: trimmed"
    )


def test_a_timeline_in_html_becomes_chapters(good):
    isola = episode("ib-isola")
    assert [chapter.timestamp() for chapter in isola.chapters.all()] == [
        "00:00",
        "00:13",
        "01:05",
        "19:27",
        "1:01:11",
    ]
    assert isola.chapters.last().title == "Artificial life: LLM agents as new organisms"
    assert isola.music_credits == (
        '"Kid Kodi" - Blue Dot Sessions - via Free Music Archive - CC BY-NC 4.0.'
    )


def test_html_notes_become_paragraphs_of_text_with_markdown_links(good):
    assert episode("ib-isola").description == (
        "Phillip Isola, professor at MIT, joins us to talk about representation learning: what "
        "makes a representation good, and whether pre-training is really over.\n\n"
        "We discuss the [platonic representation hypothesis](https://arxiv.org/abs/2405.07987) "
        "and its limits."
    )


def test_content_encoded_wins_over_the_description_and_scripts_are_dropped(good):
    ren = episode("ib-ren")
    assert ren.description.startswith("We talk with Mengye Ren, Assistant Professor")
    assert "short plain description" not in ren.description
    assert "alert" not in ren.description
    assert [chapter.title for chapter in ren.chapters.all()] == [
        "Intro and welcome",
        "What is intelligence?",
        "The future of ML education",
    ]


def test_the_summary_is_the_subtitle_or_the_first_sentence(good):
    assert episode("ib-ren").summary == "What intelligence means outside a benchmark."
    assert episode("ib-kempe").summary == "Julia Kempe on Why Math Will Fall Next."


def test_guests_in_titles_appear_with_the_affiliation_as_shown(good):
    appearances = {
        a.episode.guid: (a.person.name, a.affiliation, a.role)
        for a in Appearance.objects.select_related("person", "episode")
    }
    assert appearances == {
        "ib-isola": ("Phillip Isola", "MIT", Appearance.Role.GUEST),
        "ib-kempe": ("Julia Kempe", "NYU/Meta", Appearance.Role.GUEST),
        "ib-ren": ("Mengye Ren", "NYU", Appearance.Role.GUEST),
    }


def test_a_known_person_is_reused_whatever_the_case_and_accents(db):
    kempe = PersonFactory(name="Julia Kempé")
    PersonFactory(name="PHILLIP ISOLA")
    run(GOOD)
    assert Person.objects.count() == 3  # Mengye Ren is new.
    assert episode("ib-kempe").appearances.get().person == kempe


def test_it_reports_what_it_did(good):
    out, _ = good
    assert 'Show "The Information Bottleneck": created.' in out
    assert "3 items: 3 created, 0 updated, 0 unchanged, 0 skipped." in out
    assert "3 people were created: Phillip Isola, Julia Kempe, Mengye Ren." in out


# Idempotent: a second run changes nothing; an edit in the feed updates.


def test_a_second_run_changes_nothing_and_says_so(good):
    before = snapshot()
    out, _ = run(GOOD)
    assert snapshot() == before
    assert 'Show "The Information Bottleneck": unchanged.' in out
    assert "3 items: 0 created, 0 updated, 3 unchanged, 0 skipped." in out
    assert "Nothing changed: the database already matched the feed." in out


def test_an_item_edited_in_the_feed_updates_its_episode(good, write):
    edited = GOOD.read_text(encoding="utf-8")
    edited = edited.replace(">58:00</itunes:duration>", ">3500</itunes:duration>")
    edited = edited.replace(
        "Intelligence in an Open World - with", "Intelligence in a Truly Open World - with"
    )
    slug = episode("ib-ren").slug
    out, _ = run(write(edited))
    ren = episode("ib-ren")
    assert ren.title == "Intelligence in a Truly Open World - with Mengye Ren (NYU)"
    assert ren.duration == 3500
    assert ren.slug == slug  # Its address doesn't change.
    assert "3 items: 0 created, 1 updated, 2 unchanged, 0 skipped." in out
    assert "Run it again any time" in out


def test_an_edited_timeline_keeps_the_chapters_links_to_papers(good, write):
    chapter = episode("ib-isola").chapters.get(start=19 * 60 + 27)
    discussion = DiscussionFactory(episode=chapter.episode, chapter=chapter)
    edited = GOOD.read_text(encoding="utf-8").replace(
        "19:27 The platonic representation hypothesis and what actually converges",
        "19:27 The platonic representation hypothesis",
    )
    edited = edited.replace("<br>00:13 Intro", "")
    out, _ = run(write(edited))
    chapter.refresh_from_db()
    discussion.refresh_from_db()
    assert chapter.title == "The platonic representation hypothesis"
    assert discussion.chapter == chapter
    assert not Chapter.objects.filter(episode=chapter.episode, start=13).exists()
    assert "1 updated" in out


def test_a_new_item_in_the_feed_is_added_on_the_next_run(good, write):
    grown = GOOD.read_text(encoding="utf-8").replace(
        "</channel>",
        item("ib-liu", "What Matters in AI? - with Zhuang Liu (Princeton)") + "</channel>",
    )
    out, _ = run(write(grown))
    assert "4 items: 1 created, 0 updated, 3 unchanged, 0 skipped." in out
    assert episode("ib-liu").appearances.get().person.name == "Zhuang Liu"


def test_what_the_feed_leaves_out_keeps_what_an_editor_wrote(good):
    ren = episode("ib-ren")
    ren.tags.add("world-models")
    ren.transcript = "Hello."
    ren.save()
    kempe = episode("ib-kempe")
    kempe.summary = "An editor's summary."
    kempe.save()
    AppearanceFactory(episode=kempe, person=PersonFactory(name="Tal Linzen"), affiliation="NYU")
    out, _ = run(GOOD)
    assert "3 unchanged" in out
    ren.refresh_from_db()
    assert list(ren.tags.names()) == ["world-models"]
    assert ren.transcript == "Hello."
    assert episode("ib-kempe").summary == "An editor's summary."
    assert episode("ib-kempe").appearances.count() == 2  # Guests are never removed.


def test_an_episode_an_editor_unpublished_stays_a_draft(good):
    Episode.objects.filter(guid="ib-kempe").unpublish()
    run(GOOD)
    assert episode("ib-kempe").state == State.DRAFT


def test_a_changed_affiliation_in_the_title_updates_the_appearance(good, write):
    edited = GOOD.read_text(encoding="utf-8").replace("(NYU/Meta)", "(NYU/Meta FAIR)")
    out, _ = run(write(edited), verbosity=2)
    assert episode("ib-kempe").appearances.get().affiliation == "NYU/Meta FAIR"
    assert 'Julia Kempe (NYU/M…": updated (title, guests).' in out
    assert Person.objects.filter(name="Julia Kempe").count() == 1


def test_notes_without_a_timeline_leave_the_chapters_alone(db, write):
    EpisodeFactory(guid="ep-1", duration=3600)
    ChapterFactory(episode=episode("ep-1"), start=0, title="Made by an editor")
    run(write(feed(item("ep-1", extra="<description>No timeline here.</description>"))))
    assert list(episode("ep-1").chapters.values_list("title", flat=True)) == ["Made by an editor"]


# The show that is already there.


def test_an_existing_show_keeps_what_an_editor_wrote_and_gets_its_empty_fields_filled(db):
    show = ShowFactory(description="Our own words.", language="fr", copyright="")
    out, _ = run(GOOD)
    show.refresh_from_db()
    assert show.title == "The Information Bottleneck"
    assert show.description == "Our own words."
    assert show.language == "fr"
    assert show.copyright == "© 2026 Ravid Shwartz-Ziv & Allen Roush"
    assert show.categories == "Technology\nScience > Mathematics"
    assert Show.objects.count() == 1
    assert 'Show "The Information Bottleneck": updated (subtitle, categories, copyright' in out


def test_with_several_shows_it_uses_the_one_with_the_feeds_title(db):
    ShowFactory(title="Another Show", slug="another-show")
    show = ShowFactory()
    run(GOOD)
    assert set(Episode.objects.values_list("show", flat=True)) == {show.pk}


def test_with_several_shows_and_none_with_the_title_it_asks_which(db):
    ShowFactory(title="Another Show", slug="another-show")
    ShowFactory(title="A Third Show", slug="a-third-show")
    with pytest.raises(CommandError, match="say which one the feed is for"):
        run(GOOD)
    assert not Episode.objects.exists()
    run(GOOD, show="a-third-show")
    assert Episode.objects.filter(show__slug="a-third-show").count() == 3


def test_the_help_says_how_the_show_is_treated():
    out = io.StringIO()
    command = load_command_class("episodes", "import_feed")
    command.create_parser("manage.py", "import_feed").print_help(out)
    help_text = " ".join(out.getvalue().split())
    assert "otherwise only its empty fields are filled in from the channel" in help_text
    assert "its hosts are never guessed" in help_text


def test_an_unknown_show_slug_is_a_clear_error(db):
    with pytest.raises(CommandError, match='There is no show "nope"'):
        run(GOOD, show="nope")


# Bad items: skipped with the reason, the others saved.


@pytest.fixture
def troubles(db):
    return run(TROUBLES)


def test_the_summary_counts_every_outcome(troubles):
    out, _ = troubles
    assert "9 items: 5 created, 0 updated, 0 unchanged, 4 skipped." in out


def test_an_item_without_an_enclosure_is_skipped_with_the_reason(troubles):
    out, _ = troubles
    assert not Episode.objects.filter(guid="t-no-enclosure").exists()
    assert (
        'Skipped item 2 "A blog post, not an episode": it has no <enclosure> with the audio '
        "file, so it is not a podcast episode." in out
    )


def test_a_duplicate_guid_is_skipped_and_the_first_item_wins(troubles):
    out, _ = troubles
    first = episode("t-first")
    assert first.title.startswith("Reasoning Models and Planning")
    assert first.audio_url == "https://media.example.com/rao.mp3"
    assert 'item 3 "The same GUID again": its GUID (t-first) is also the GUID of item 1' in out


@pytest.mark.parametrize(
    ("guid", "written"), [("t-odd-duration", "1:75:00"), ("t-words", "abc"), ("t-empty", "")]
)
def test_odd_durations_are_left_empty_with_a_warning(troubles, guid, written):
    _, err = troubles
    assert episode(guid).duration is None
    assert f'itunes:duration "{written}" is not a length of time' in err


def test_a_bad_item_in_the_middle_is_skipped_and_the_others_are_saved(troubles):
    out, _ = troubles
    assert not Episode.objects.filter(guid="t-bad-audio").exists()
    assert "audio URL: Enter an http:// or https:// URL." in out
    assert episode("t-last").title.startswith("What Actually Matters in AI?")
    assert episode("t-last").appearances.get().person.name == "Zhuang Liu"


def test_an_item_with_nothing_to_know_it_by_is_skipped(troubles):
    out, _ = troubles
    assert 'Skipped item 8 "Nothing to know it by": it has no <guid>, enclosure URL or link' in out


def test_a_second_run_over_bad_items_skips_them_again_and_changes_nothing(troubles):
    before = snapshot()
    out, _ = run(TROUBLES)
    assert snapshot() == before
    assert "9 items: 0 created, 0 updated, 5 unchanged, 4 skipped." in out
    assert "Nothing changed" in out


def test_each_item_is_its_own_savepoint(db, write, monkeypatch):
    """An item failing half-way (here, on its chapters) leaves nothing behind; the rest stay."""
    bulk_create = Chapter.objects.bulk_create

    def failing_bulk_create(chapters, **kwargs):
        chapters = list(chapters)
        if any(chapter.episode.guid == "ep-2" for chapter in chapters):
            raise IntegrityError("chapter refused")
        return bulk_create(chapters, **kwargs)

    monkeypatch.setattr(Chapter.objects, "bulk_create", failing_bulk_create)
    timeline = "<description>Notes. 00:00 Intro 01:00 Talk</description>"
    out, _ = run(
        write(
            feed(
                item("ep-1", "First", extra=timeline),
                item("ep-2", "Second with Jane Doe (MIT)", extra=timeline),
                item("ep-3", "Third", extra=timeline),
            )
        )
    )
    assert set(Episode.objects.values_list("guid", flat=True)) == {"ep-1", "ep-3"}
    assert not Person.objects.filter(name="Jane Doe").exists()
    assert 'Skipped item 2 "Second with Jane Doe (MIT)": the database refused it' in out
    assert Chapter.objects.count() == 4


def test_an_import_interrupted_half_way_leaves_the_database_as_it_was(db, write):
    """The whole import is one transaction: items 1 and 2, saved before Ctrl-C at item 3, go
    too, with the show and the guests they created."""
    path = write(feed(*(item(f"ep-{n}", f"Episode {n} with Jane Doe (MIT)") for n in range(5))))
    before = snapshot()
    with pytest.raises(KeyboardInterrupt):
        call_command(
            "import_feed",
            str(path),
            verbosity=2,
            stdout=InterruptedOutput('Item 3 "'),
            stderr=io.StringIO(),
        )
    assert snapshot() == before
    run(path)  # run again, it does it all
    assert Episode.objects.count() == 5


def test_the_help_says_the_import_is_one_transaction():
    help_text = load_command_class("episodes", "import_feed").create_parser("", "x").format_help()
    assert "one transaction" in " ".join(help_text.split())


def test_an_item_without_a_guid_is_known_by_its_enclosure_url(db, write):
    path = write(feed(item(None, "No GUID", enclosure=BARE_ENCLOSURE)))
    run(path)
    before = snapshot()
    out, _ = run(path)
    assert episode("https://m.example/a.mp3").title == "No GUID"
    assert snapshot() == before
    assert "1 unchanged" in out


def test_an_item_without_an_enclosure_type_is_audio_mpeg(db, write):
    run(write(feed(item(None, "x", enclosure=BARE_ENCLOSURE))))
    assert Episode.objects.get().audio_type == "audio/mpeg"


def test_a_future_date_makes_the_episode_scheduled(db, write):
    later = format_datetime(timezone.now() + datetime.timedelta(days=30))
    run(write(feed(item("ep-next", "Next Week", pub_date=later), item("ep-past", "Last Week"))))
    assert episode("ep-next").state == State.SCHEDULED
    assert episode("ep-next").is_scheduled()
    assert episode("ep-past").state == State.LIVE


def test_an_item_without_a_readable_date_becomes_a_draft(db, write):
    _, err = run(write(feed(item("ep-1", pub_date="sometime soon"))))
    assert episode("ep-1").state == State.DRAFT
    assert episode("ep-1").published_at is None
    assert 'pubDate "sometime soon" is not a date; the episode was imported as a draft.' in err


def test_an_enclosure_without_a_length_is_imported_with_a_warning(db, write):
    enclosure = '<enclosure url="https://m.example/a.mp3" length="0" type="audio/mpeg"/>'
    _, err = run(write(feed(item("ep-1", enclosure=enclosure))))
    assert episode("ep-1").audio_size is None
    assert "gives no length in bytes" in err


def test_a_number_already_taken_is_left_out_with_a_warning(db, write):
    number = "<itunes:episode>7</itunes:episode>"
    _, err = run(write(feed(item("ep-1", "One", extra=number), item("ep-2", "Two", extra=number))))
    assert episode("ep-1").number == 7
    assert episode("ep-2").number is None
    assert 'Number 7 is already the number of "One"; it was left out.' in err


@pytest.mark.parametrize(
    ("extra", "warning"),
    [
        ("<itunes:episode>seven</itunes:episode>", 'itunes:episode "seven" is not a number'),
        ("<itunes:season>-1</itunes:season>", 'itunes:season "-1" is not a number'),
        ("<itunes:episodeType>pilot</itunes:episodeType>", 'itunes:episodeType "pilot"'),
    ],
)
def test_odd_numbers_and_types_are_left_out_with_a_warning(db, write, extra, warning):
    _, err = run(write(feed(item("ep-1", extra=extra))))
    assert warning in err
    assert Episode.objects.get().episode_type == Episode.EpisodeType.FULL


def test_trailers_and_bonus_episodes_keep_their_type(db, write):
    run(write(feed(item("ep-1", extra="<itunes:episodeType>Trailer</itunes:episodeType>"))))
    assert episode("ep-1").episode_type == Episode.EpisodeType.TRAILER


def test_chapters_after_the_end_are_skipped_with_a_warning(db, write):
    notes = "<description>Notes. 00:00 Intro 10:00 Late</description>"
    duration = "<itunes:duration>5:00</itunes:duration>"
    _, err = run(write(feed(item("ep-1", extra=notes + duration))))
    assert list(episode("ep-1").chapters.values_list("start", flat=True)) == [0]
    assert 'skipped "10:00 Late": it starts after the episode ends (05:00)' in err


def test_a_guest_who_is_a_host_is_not_added_as_a_guest(db, write):
    PersonFactory(name="Allen Roush", is_host=True)
    _, err = run(write(feed(item("ep-1", "A Chat with Allen Roush (Host)"))))
    assert not Appearance.objects.exists()
    assert "Allen Roush is one of the hosts; not added as a guest." in err


# Not a podcast feed: refused, with nothing written.


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.xml", "It is not well-formed XML: Opening and ending tag mismatch"),
        ("empty.xml", "The file is empty."),
        ("page.html", "It is a web page (HTML), not a podcast feed."),
        ("feed.json", "It is JSON, not a podcast feed"),
        ("atom.xml", "It is an Atom feed"),
        ("blog.xml", "None of its 2 items has an <enclosure>"),
    ],
)
def test_a_file_that_is_not_a_podcast_feed_is_refused_with_nothing_written(db, name, message):
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(FEEDS / name)
    assert message in str(error.value)
    assert str(error.value).endswith("Nothing was imported.")
    assert snapshot() == before


def test_a_feed_broken_after_good_items_writes_nothing(db):
    with pytest.raises(CommandError, match="line 13"):
        run(FEEDS / "malformed.xml")
    assert not Show.objects.exists()
    assert not Episode.objects.exists()


def test_a_feed_cut_short_is_refused(db, write):
    content = GOOD.read_bytes()
    with pytest.raises(CommandError, match="not well-formed XML"):
        run(write(content[: len(content) // 2]))
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"   \n\n", "The file is empty."),
        (b"Just some words.", "It is not XML"),
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', "has no <channel>"),
        (b'<?xml version="1.0"?><rss><channel><title>T</title></channel></rss>', "no episodes"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "root element is <opml>"),
        (
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
            "RSS 1.0 (RDF)",
        ),
        (
            b'<?xml version="1.0"?><rss><channel><item>&nbsp;</item></channel></rss>',
            "not well-formed XML",
        ),
    ],
)
def test_other_things_that_are_not_podcast_feeds_are_refused(db, write, content, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(write(content))
    assert not Show.objects.exists()


def test_entities_declared_in_the_file_are_never_expanded(db, write, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    content = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY lol "lol">'
        '<!ENTITY lols "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f'<rss version="2.0" {NAMESPACES}><channel>{CHANNEL}'
        + item("ep-1", "Title", extra="<description>Before &xxe; &lols; after</description>")
        + "</channel></rss>"
    )
    run(write(content))
    description = episode("ep-1").description
    assert description.split() == ["Before", "after"]
    assert "SECRET" not in description


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        run(tmp_path / "nope.xml")


def test_only_http_and_https_urls_are_fetched(db):
    with pytest.raises(
        CommandError, match=r"That address can't be fetched: only public http\(s\)"
    ):
        run("ftp://example.com/feed.xml")


# How many items one import takes (FEED_IMPORT_MAX_ITEMS).


def test_a_feed_of_as_many_items_as_the_limit_is_imported(db, write, settings):
    settings.FEED_IMPORT_MAX_ITEMS = 3
    run(write(feed(*(item(f"ep-{n}", f"Episode {n}") for n in range(3)))))
    assert Episode.objects.count() == 3


def test_a_feed_of_more_items_than_the_limit_is_refused_with_nothing_written(db, write, settings):
    settings.FEED_IMPORT_MAX_ITEMS = 3
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(write(feed(*(item(f"ep-{n}", f"Episode {n}") for n in range(4)))))
    assert str(error.value).endswith(
        "The feed has 4 items, more than the 3 one import takes (the FEED_IMPORT_MAX_ITEMS "
        "setting): raise the setting to import it. Nothing was imported."
    )
    assert snapshot() == before


def test_the_limit_is_ten_thousand_items_by_default():
    from ibsite import settings as project_settings

    assert project_settings.FEED_IMPORT_MAX_ITEMS == 10_000


# Dry run, verbosity, progress, streaming.


def test_a_dry_run_reports_everything_and_saves_nothing(db):
    before = snapshot()
    out, _ = run(GOOD, dry_run=True)
    assert snapshot() == before
    assert "3 items: 3 created, 0 updated, 0 unchanged, 0 skipped." in out
    assert "3 people would be created" in out
    assert "Dry run: nothing was saved." in out


def test_verbosity_0_prints_nothing(db):
    out, err = run(GOOD, verbosity=0)
    assert (out, err) == ("", "")
    assert Episode.objects.count() == 3


def test_verbosity_2_prints_a_line_per_item(db):
    run(GOOD)
    out, _ = run(GOOD, verbosity=2)
    assert (
        'Item 1 "Platonic Representations, Neural Thickets, and Artificial L…": unchanged' in out
    )
    assert 'Item 3 "Intelligence in an Open World - with Mengye Ren (NYU)": unchanged.' in out


def test_a_long_feed_shows_its_progress(db, write):
    items = [item(f"ep-{n}", f"Episode {n}") for n in range(250)]
    out, _ = run(write(feed(*items)), progress_every=100)
    assert "Imported 100 of 250 items..." in out
    assert "Imported 200 of 250 items..." in out
    assert "Imported 300" not in out
    assert Episode.objects.count() == 250


class CountingFile(io.BytesIO):
    """A file that remembers how far it has been read."""

    furthest = 0

    def read(self, size=-1):
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_items_are_read_as_a_stream():
    notes = "<description>" + "Words. " * 2000 + "</description>"
    content = feed(*[item(f"ep-{n}", extra=notes) for n in range(500)])
    file = CountingFile(content)
    first = next(iter_items(file))
    assert first.guid == "ep-0"
    assert len(content) > 5_000_000
    assert file.furthest < 1_000_000


def test_items_already_read_are_dropped_from_the_tree():
    """Before each element, at most the one read just before it, emptied."""
    notes = "<description>Notes.</description>"
    content = feed(*[item(f"ep-{n}", extra=notes) for n in range(50)])
    for element in rss_module._channel_children(io.BytesIO(content)):
        previous = element.getprevious()
        if previous is not None:
            assert previous.getprevious() is None
            assert len(previous) == 0
            assert not previous.text


# Values as feeds write them.


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("3480", 3480),
        ("58:00", 3480),
        ("1:18:00", 4680),
        ("01:18:00", 4680),
        (" 4:05 ", 245),
        ("3480.4", 3480),
        ("0", 0),
        ("1:75:00", None),
        ("75:99", None),
        ("abc", None),
        ("", None),
        ("1:2:3:4", None),
        ("-60", None),
        ("1h 5m", None),
        ("9" * 5000, None),
        ("9" * 400, None),
        ("9" * 12, None),
    ],
)
def test_durations_as_feeds_write_them(written, seconds):
    assert parse_duration(written) == seconds


@pytest.mark.parametrize(
    ("written", "moment"),
    [
        ("Thu, 04 Jun 2026 10:00:00 +0000", JUNE_4_10AM),
        ("Thu, 04 Jun 2026 10:00:00 GMT", JUNE_4_10AM),
        ("Thu, 04 Jun 2026 03:00:00 PDT", JUNE_4_10AM),
        ("Thu, 04 Jun 2026 12:00:00 +0200", JUNE_4_10AM),
        ("2026-06-04T10:00:00Z", JUNE_4_10AM),
        ("04 Jun 2026 10:00", JUNE_4_10AM),
        ("June the fourth", None),
        ("", None),
    ],
)
def test_dates_as_feeds_write_them(written, moment):
    assert parse_date(written) == moment


def test_html_becomes_text_with_line_breaks_and_no_markup():
    html = (
        "<h2>About</h2><p>One &amp; two<br/>three</p><ul><li>00:00 Intro</li>"
        '<li>01:00 <a href="https://x.example/p">Paper</a></li></ul>'
        '<style>p{}</style><p><a href="javascript:alert(1)">click</a> <!-- hidden --></p>'
    )
    assert html_to_text(html) == (
        "About\n\nOne & two\nthree\n\n00:00 Intro\n01:00 [Paper](https://x.example/p)\n\nclick"
    )


def test_plain_text_notes_are_kept_as_written():
    text = "Line one\nLine two: a < b and c > d"
    assert html_to_text(text) == text


def test_a_timeline_written_as_an_html_list_reads_like_the_admins():
    html = "<p>Intro.</p><ol><li>00:00 — One</li><li>10:00 — Two</li></ol><p>Music: Song</p>"
    timeline = parse_timeline(html_to_text(html))
    assert [(c.start, c.title) for c in timeline.chapters] == [(0, "One"), (600, "Two")]
    assert timeline.music_credits == ["Song"]
    assert timeline.skipped == []


# URLs, served by a local server.


class FeedServer:
    """An HTTP server on 127.0.0.1 answering from `routes`: path -> bytes, or a behaviour."""

    def __init__(self):
        self.routes = {}
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                elif route == "stall":  # Accepts the connection, never answers.
                    server.release.wait(10)
                elif route == "trickle":  # Starts a feed, then stops sending.
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    self.wfile.write(GOOD.read_bytes()[:500])
                    self.wfile.flush()
                    server.release.wait(10)
                elif route == "to-ftp":
                    self.send_response(302)
                    self.send_header("Location", "ftp://127.0.0.1/feed.xml")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif route == "drip":  # Starts a feed, then a byte every 50 ms for 3 s.
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    for byte in GOOD.read_bytes()[:60]:
                        if server.release.wait(0.05):
                            break
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(route)))
                    self.end_headers()
                    self.wfile.write(route)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with FeedServer() as server:
        yield server


def test_it_imports_a_feed_from_a_url(db, server):
    server.routes["/feed.xml"] = GOOD.read_bytes()
    out, _ = run(f"{server.url}/feed.xml")
    assert Episode.objects.count() == 3
    assert f"Episodes from {server.url}/feed.xml: 3 items: 3 created" in out


def test_a_url_import_is_idempotent_too(db, server):
    server.routes["/feed.xml"] = GOOD.read_bytes()
    run(f"{server.url}/feed.xml")
    out, _ = run(f"{server.url}/feed.xml")
    assert "Nothing changed" in out


def test_a_url_that_never_answers_times_out_cleanly(db, server):
    server.routes["/slow.xml"] = "stall"
    with pytest.raises(CommandError) as error:
        run(f"{server.url}/slow.xml", timeout=0.5)
    assert "timed out after 0.5 s" in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert not Show.objects.exists()


def test_a_url_that_stops_sending_half_way_times_out_with_nothing_written(db, server):
    server.routes["/trickle.xml"] = "trickle"
    with pytest.raises(CommandError, match=r"timed out after 0\.5 s"):
        run(f"{server.url}/trickle.xml", timeout=0.5)
    assert not Show.objects.exists()


def test_a_url_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline(db, server, monkeypatch):
    monkeypatch.setattr(feed_sources, "MAX_DOWNLOAD_SECONDS", 0.5)
    server.routes["/drip.xml"] = "drip"
    with pytest.raises(CommandError, match=r"took longer than 0\.5 s to download"):
        run(f"{server.url}/drip.xml", timeout=2)
    assert not Show.objects.exists()


def test_a_url_larger_than_the_limit_is_refused(db, server, settings):
    settings.FEED_MAX_BYTES = 1024 * 1024
    server.routes["/huge.xml"] = b" " * (1024 * 1024 + 1)
    with pytest.raises(CommandError, match="larger than 1 MB, too large for a podcast feed"):
        run(f"{server.url}/huge.xml")
    assert not Show.objects.exists()


def test_a_url_redirecting_outside_http_is_refused(db, server):
    server.routes["/moved.xml"] = "to-ftp"
    with pytest.raises(CommandError) as raised:
        run(f"{server.url}/moved.xml")
    assert (
        f"{server.url}/moved.xml redirects to ftp://127.0.0.1/feed.xml. That address can't be "
        "fetched: only public http(s) addresses on the standard ports are allowed."
    ) in str(raised.value)


def test_a_url_that_is_not_found_is_a_clear_error(db, server):
    with pytest.raises(CommandError, match="answered 404 Not Found"):
        run(f"{server.url}/nowhere.xml")


def test_a_url_serving_a_web_page_is_refused(db, server):
    server.routes["/"] = (FEEDS / "page.html").read_bytes()
    with pytest.raises(CommandError, match="It is a web page"):
        run(f"{server.url}/")


def test_a_url_nobody_listens_on_is_a_clear_error(db):
    with FeedServer() as closed:
        url = closed.url
    with pytest.raises(CommandError, match="Could not download"):
        run(f"{url}/feed.xml", timeout=2)


def test_the_import_function_takes_an_open_file_too(db):
    with GOOD.open("rb") as file:
        report = import_feed(file)
    assert report.counts["created"] == 3
    assert not report.dry_run


def test_the_import_function_raises_feed_error_for_what_is_not_a_feed(db):
    with pytest.raises(FeedError, match="Atom"):
        import_feed(FEEDS / "atom.xml")
