"""Writing episodes (episodes/services.py): chapters from a timeline or an editor's list,
appearances, and the rules they keep, on both engines."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from episodes.models import Appearance, Chapter, Episode
from episodes.services import (
    add_appearances,
    chapters_from_description,
    check_chapter_start,
    replace_appearances,
    replace_chapters,
    sync_chapters,
)
from episodes.timeline import ParsedChapter
from search.models import Entry, Kind
from tests.factories import (
    AppearanceFactory,
    ChapterFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


# Chapters from the description

PROSE = "Phillip Isola joins us to talk about representation learning."
DESCRIPTION = f'{PROSE}\nTimeline: 00:00 Intro\n01:00 Papers\nMusic:\n"Song" - Artist'


def chapters_of(episode):
    return [(chapter.start, chapter.title) for chapter in episode.chapters.all()]


@pytest.fixture
def episode():
    return EpisodeFactory(description=DESCRIPTION, duration=3600, music_credits="")


def test_a_timeline_in_the_description_becomes_chapters(episode):
    sync = chapters_from_description(episode=episode)

    assert chapters_of(episode) == [(0, "Intro"), (60, "Papers")]
    assert sync.found
    assert [(c.start, c.title) for c in sync.created] == [(0, "Intro"), (60, "Papers")]
    assert sync.updated == sync.deleted == sync.skipped == []


def test_the_description_keeps_its_prose_and_the_credits_move_to_their_field(episode):
    chapters_from_description(episode=episode)

    episode.refresh_from_db()
    assert episode.description == PROSE
    assert episode.music_credits == '"Song" - Artist'


def test_making_chapters_again_changes_nothing(episode):
    chapters_from_description(episode=episode)
    chapters = list(episode.chapters.values_list("pk", "start", "title"))

    sync = chapters_from_description(episode=episode)

    assert not sync.found
    assert list(episode.chapters.values_list("pk", "start", "title")) == chapters
    episode.refresh_from_db()
    assert (episode.description, episode.music_credits) == (PROSE, '"Song" - Artist')


def test_a_retitled_chapter_keeps_its_links(episode):
    chapters_from_description(episode=episode)
    papers_chapter = episode.chapters.get(start=60)
    paper, person = PaperFactory(), PersonFactory()
    papers_chapter.paper, papers_chapter.person = paper, person
    papers_chapter.save()

    episode.description = f"{PROSE}\nTimeline:\n00:00 Intro\n01:00 The papers we read"
    sync = chapters_from_description(episode=episode)

    assert [c.pk for c in sync.updated] == [papers_chapter.pk]
    assert [c.start for c in sync.unchanged] == [0]
    papers_chapter.refresh_from_db()
    assert papers_chapter.title == "The papers we read"
    assert (papers_chapter.paper, papers_chapter.person) == (paper, person)


def test_a_chapter_no_longer_in_the_timeline_is_removed(episode):
    old = ChapterFactory(episode=episode, start=120, title="Cut in the edit")
    discussion = DiscussionFactory(episode=episode, chapter=old)

    sync = chapters_from_description(episode=episode)

    assert sync.deleted == [old]
    assert chapters_of(episode) == [(0, "Intro"), (60, "Papers")]
    discussion.refresh_from_db()
    assert discussion.chapter is None  # the paper is still discussed, just not at a moment


def test_a_timeline_chapter_starting_after_the_episode_ends_is_skipped_with_a_reason():
    episode = EpisodeFactory(
        duration=90,
        description="Timeline:\n00:00 Intro\n01:00 Papers\n01:30 Outro\n05:00 Bloopers",
    )

    sync = chapters_from_description(episode=episode)

    assert chapters_of(episode) == [(0, "Intro"), (60, "Papers")]
    assert sync.skipped == [
        'Skipped "01:30 Outro": it starts after the episode ends (01:30).',
        'Skipped "05:00 Bloopers": it starts after the episode ends (01:30).',
    ]


def test_an_episode_of_unknown_length_takes_every_chapter():
    episode = EpisodeFactory(duration=None, description="Timeline:\n00:00 Intro\n2:00:00 Outro")
    chapters_from_description(episode=episode)
    assert chapters_of(episode) == [(0, "Intro"), (7200, "Outro")]


def test_what_the_timeline_parser_skipped_is_reported(episode):
    episode.description = "Timeline:\n00:00 Intro\n00:00 Intro again\n01:00 Papers"

    sync = chapters_from_description(episode=episode)

    assert chapters_of(episode) == [(0, "Intro"), (60, "Papers")]
    assert len(sync.skipped) == 1
    assert sync.skipped[0].startswith('Skipped "00:00 Intro again"')


def test_a_description_without_a_timeline_leaves_the_chapters_alone():
    episode = EpisodeFactory(description="Just prose, no timestamps.", music_credits="Old")
    chapter = ChapterFactory(episode=episode)

    sync = chapters_from_description(episode=episode)

    assert not sync.found
    assert list(episode.chapters.all()) == [chapter]
    episode.refresh_from_db()
    assert (episode.description, episode.music_credits) == ("Just prose, no timestamps.", "Old")


def test_the_chapters_of_a_sync_are_in_time_order(episode):
    ChapterFactory(episode=episode, start=60, title="Papers")
    sync = chapters_from_description(episode=episode)
    assert [(c.start, c.title) for c in sync.chapters] == [(0, "Intro"), (60, "Papers")]
    assert [c.start for c in sync.unchanged] == [60]


def test_making_chapters_from_a_description_announces_the_episode(episode, announced):
    chapters_from_description(episode=episode)
    assert announced == [(Episode, [episode.pk])]


# The rule: a chapter starts before the episode ends.


@pytest.mark.parametrize("start, duration", [(0, 60), (59, 60), (99999, None)])
def test_a_chapter_may_start_anywhere_before_the_end(start, duration):
    check_chapter_start(start=start, duration=duration)


@pytest.mark.parametrize("start", [3600, 4000])
def test_a_chapter_starting_at_or_after_the_end_breaks_the_rule(start):
    with pytest.raises(ValidationError) as error:
        check_chapter_start(start=start, duration=3600)
    assert error.value.code == "chapter_after_end"
    assert error.value.messages[0].endswith(", after the episode ends (1:00:00).")


# sync_chapters: a timeline's chapters.


def parsed(*chapters):
    return [ParsedChapter(start, title) for start, title in chapters]


def test_sync_chapters_writes_the_timeline_and_indexes_it(announced):
    episode = EpisodeFactory(duration=600)

    sync = sync_chapters(episode=episode, parsed=parsed((0, "Intro"), (120, "Lean")))

    assert chapters_of(episode) == [(0, "Intro"), (120, "Lean")]
    assert sync.changed
    assert [c.title for c in sync.created] == ["Intro", "Lean"]
    assert announced == [(Episode, [episode.pk])]
    chapter_entries = Entry.objects.filter(kind=Kind.CHAPTER, episode=episode)
    assert sorted(chapter_entries.values_list("title", flat=True)) == ["Intro", "Lean"]


def test_sync_chapters_keeps_links_at_starts_that_stay():
    episode = EpisodeFactory(duration=600)
    paper, person = PaperFactory(), PersonFactory()
    kept = ChapterFactory(episode=episode, start=60, title="Old", paper=paper, person=person)

    sync = sync_chapters(episode=episode, parsed=parsed((60, "New")))

    kept.refresh_from_db()
    assert (kept.title, kept.paper, kept.person) == ("New", paper, person)
    assert sync.updated == [kept]


def test_sync_chapters_skips_what_starts_after_the_end_and_says_why():
    episode = EpisodeFactory(duration=90)

    sync = sync_chapters(episode=episode, parsed=parsed((0, "Intro"), (90, "Outro")))

    assert chapters_of(episode) == [(0, "Intro")]
    assert sync.skipped == ['Skipped "01:30 Outro": it starts after the episode ends (01:30).']


def test_sync_chapters_cuts_long_titles_to_what_a_chapter_holds():
    episode = EpisodeFactory()
    sync_chapters(episode=episode, parsed=parsed((0, "x" * 400)))
    assert episode.chapters.get().title == "x" * 300


def test_sync_chapters_with_nothing_new_writes_nothing_and_announces_nothing(announced):
    episode = EpisodeFactory()
    ChapterFactory(episode=episode, start=0, title="Intro")

    sync = sync_chapters(episode=episode, parsed=parsed((0, "Intro")))

    assert not sync.changed
    assert announced == []


def test_a_failed_sync_writes_nothing(monkeypatch):
    episode = EpisodeFactory()
    ChapterFactory(episode=episode, start=0, title="Intro")
    ChapterFactory(episode=episode, start=60, title="Gone")

    def fail(*args, **kwargs):
        raise IntegrityError("as if another request had written the same start")

    monkeypatch.setattr(Chapter.objects, "bulk_create", fail)
    with pytest.raises(IntegrityError):
        sync_chapters(episode=episode, parsed=parsed((0, "Intro, retitled"), (30, "New")))

    assert chapters_of(episode) == [(0, "Intro"), (60, "Gone")]


# replace_chapters: an editor's list.


def test_replace_chapters_makes_the_list_exactly_the_chapters(announced):
    episode = EpisodeFactory(duration=600)
    paper, person = PaperFactory(), PersonFactory()
    kept = ChapterFactory(episode=episode, start=0, title="Intro", paper=paper)
    ChapterFactory(episode=episode, start=300, title="Gone")

    sync = replace_chapters(
        episode=episode,
        chapters=[
            {"start": 120, "title": "Lean", "person": person},
            {"start": 0, "title": "Intro"},  # the paper is not sent: no longer linked
        ],
    )

    assert chapters_of(episode) == [(0, "Intro"), (120, "Lean")]
    kept.refresh_from_db()
    assert kept.paper is None
    assert episode.chapters.get(start=120).person == person
    assert sync.updated == [kept]
    assert [c.title for c in sync.deleted] == ["Gone"]
    assert announced[-1] == (Episode, [episode.pk])


@pytest.mark.parametrize(
    "chapters, message",
    [
        (
            [{"start": 0, "title": "a"}, {"start": 0, "title": "b"}],
            "Two chapters start at the same time.",
        ),
        (
            [{"start": 0, "title": "a"}, {"start": 600, "title": "After the end"}],
            "Starts at 10:00, after the episode ends (10:00).",
        ),
    ],
)
def test_replace_chapters_refuses_a_broken_rule_and_writes_nothing(chapters, message, announced):
    episode = EpisodeFactory(duration=600)
    ChapterFactory(episode=episode, start=60, title="Kept")
    before = Chapter.objects.count()

    with pytest.raises(ValidationError) as error:
        replace_chapters(episode=episode, chapters=chapters)

    assert error.value.messages == [message]
    assert Chapter.objects.count() == before
    assert chapters_of(episode) == [(60, "Kept")]
    assert announced == []


# Appearances.


def test_replace_appearances_makes_the_list_exactly_the_people(announced):
    episode = EpisodeFactory()
    host, guest, gone = PersonFactory(), PersonFactory(name="Julia Kempe"), PersonFactory()
    kept = AppearanceFactory(episode=episode, person=host, role=Appearance.Role.HOST)
    AppearanceFactory(episode=episode, person=gone)

    result = replace_appearances(
        episode=episode,
        appearances=[
            {"person": host, "role": Appearance.Role.HOST, "affiliation": "NYU/Meta"},
            {"person": guest, "affiliation": "NYU"},
        ],
    )

    rows = episode.appearances.order_by("order")
    assert [(a.person, a.role, a.affiliation, a.order) for a in rows] == [
        (host, "host", "NYU/Meta", 0),
        (guest, "guest", "NYU", 1),
    ]
    assert rows[0].pk == kept.pk
    assert [a.person for a in result.deleted] == [gone]
    assert announced[-1] == (Episode, [episode.pk])
    assert "Julia Kempe" in Entry.objects.get(kind=Kind.EPISODE, episode=episode).keywords


def test_a_person_appears_once_per_role_or_nothing_is_written(announced):
    episode = EpisodeFactory()
    person = PersonFactory()
    AppearanceFactory(episode=episode)
    before = Appearance.objects.count()

    with pytest.raises(ValidationError) as error:
        replace_appearances(episode=episode, appearances=[{"person": person}, {"person": person}])

    assert error.value.messages == ["A person appears twice in the same role."]
    assert Appearance.objects.count() == before
    assert announced == []


def test_a_person_may_appear_as_host_and_guest():
    episode = EpisodeFactory()
    person = PersonFactory()
    replace_appearances(
        episode=episode,
        appearances=[{"person": person, "role": "host"}, {"person": person, "role": "guest"}],
    )
    assert episode.appearances.count() == 2


def test_add_appearances_adds_and_updates_and_keeps_the_others():
    episode = EpisodeFactory()
    host = AppearanceFactory(episode=episode, role=Appearance.Role.HOST, affiliation="")
    guest = AppearanceFactory(episode=episode, affiliation="NYU")
    new = PersonFactory()

    result = add_appearances(
        episode=episode,
        appearances=[
            {"person": guest.person, "affiliation": "NYU/Meta"},
            {"person": new, "affiliation": "MIT", "order": 1},
        ],
    )

    assert result.changed
    assert [a.pk for a in result.updated] == [guest.pk]
    assert [a.person for a in result.created] == [new]
    assert result.unchanged == []
    affiliations = {a.person: a.affiliation for a in episode.appearances.all()}
    assert affiliations == {host.person: "", guest.person: "NYU/Meta", new: "MIT"}
    again = add_appearances(
        episode=episode,
        appearances=[{"person": guest.person, "affiliation": "NYU/Meta", "order": 0}],
    )
    assert not again.changed
