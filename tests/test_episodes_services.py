"""Writing episodes (episodes/services.py): chapters from a timeline or an editor's list,
appearances, and the rules they keep, on both engines."""

import pytest

from episodes.services import (
    chapters_from_description,
)
from tests.factories import (
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
