"""Writing an episode's chapters and appearances: the one place their rules live.

Every entry point calls these: the admin (its forms, its save hook and the "Re-parse
chapters" action), the API's serializers, the feed importer and the demo loader. Each
function is keyword-only and atomic: a rule broken is a ValidationError and nothing is
written. After its bulk writes it sends `core.signals.content_changed` for the episode, so
that whoever shows the episode (the search index) brings it up to date.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core.children import Replaced, replace_children
from core.durations import format_timestamp
from core.signals import content_changed
from episodes.models import Appearance, Chapter, Episode
from episodes.timeline import ParsedChapter, parse_timeline

TITLE_LENGTH = Chapter._meta.get_field("title").max_length


@dataclass
class ChapterSync(Replaced):
    """What replacing an episode's chapters did, and what it skipped and why."""

    skipped: list[str] = field(default_factory=list)

    @property
    def chapters(self):
        return sorted(self.created + self.updated + self.unchanged, key=lambda c: c.start)

    @property
    def found(self):
        return bool(self.chapters)


# The rules.


def check_chapter_start(*, start, duration):
    """A chapter starts before the episode ends (anywhere, when its length is unknown).

    Raises a ValidationError saying so; the model, the admin's form, the services and the
    API all ask this function.
    """
    if duration is not None and start >= duration:
        raise ValidationError(
            "Starts at %(start)s, after the episode ends (%(end)s).",
            code="chapter_after_end",
            params={"start": format_timestamp(start), "end": format_timestamp(duration)},
        )


def check_chapters(*, chapters, duration):
    """An editor's list of chapters: each starts before the episode ends, two never at once."""
    starts = [chapter["start"] for chapter in chapters]
    if len(set(starts)) != len(starts):
        raise ValidationError(
            "Two chapters start at the same time.", code="duplicate_chapter_start"
        )
    for start in starts:
        check_chapter_start(start=start, duration=duration)


def check_appearances(*, appearances):
    """One appearance per person per role. `appearances` as `replace_appearances` takes them."""
    keys = [(item["person"].pk, item.get("role", Appearance.Role.GUEST)) for item in appearances]
    if len(set(keys)) != len(keys):
        raise ValidationError(
            "A person appears twice in the same role.", code="duplicate_appearance"
        )


# Chapters.


@transaction.atomic
def sync_chapters(*, episode: Episode, parsed: list[ParsedChapter]) -> ChapterSync:
    """Replace the episode's chapters with `parsed` ones (start and title, as a timeline gives
    them), keeping the links to papers and people of the chapters at starts that stay.

    Lenient, as a pasted timeline needs: a chapter starting after the episode ends is
    skipped, with the reason in `skipped`; of two at one start the last wins.
    """
    wanted = {}
    skipped = []
    for chapter in parsed:
        try:
            check_chapter_start(start=chapter.start, duration=episode.duration)
        except ValidationError:
            skipped.append(
                f'Skipped "{format_timestamp(chapter.start)} {chapter.title}": it starts after '
                f"the episode ends ({format_timestamp(episode.duration)})."
            )
            continue
        wanted[chapter.start] = {"start": chapter.start, "title": chapter.title[:TITLE_LENGTH]}
    return _replace_chapters(episode, list(wanted.values()), ChapterSync(skipped=skipped))


@transaction.atomic
def replace_chapters(*, episode: Episode, chapters: list[dict]) -> ChapterSync:
    """Make the episode's chapters exactly `chapters`: dicts of start, title, and the paper
    and the person it is about (left out: none), as an editor sends them.

    Strict, as an editor's list deserves: two chapters at one start, or one starting after
    the episode ends, is a ValidationError and nothing is written. Chapters at starts that
    stay keep their ids (so the papers discussed at them stay linked).
    """
    check_chapters(chapters=chapters, duration=episode.duration)
    wanted = [
        {
            "start": chapter["start"],
            "title": chapter["title"],
            "paper": chapter.get("paper"),
            "person": chapter.get("person"),
        }
        for chapter in sorted(chapters, key=lambda chapter: chapter["start"])
    ]
    return _replace_chapters(episode, wanted, ChapterSync())


def _replace_chapters(episode, wanted, sync):
    replace_children(
        Chapter, parent={"episode": episode}, key=("start",), wanted=wanted, result=sync
    )
    sync.deleted.sort(key=lambda chapter: chapter.start)
    if sync.changed:
        content_changed.send(sender=Episode, pks=[episode.pk])
    return sync


@transaction.atomic
def chapters_from_description(*, episode: Episode) -> ChapterSync:
    """Turn a timeline pasted in the description into the episode's chapters (`sync_chapters`).

    The description keeps only its prose and the music credits move to their own field, so
    that running it again finds no timeline and changes nothing. A description without a
    timeline changes nothing. What the parser skipped comes first in `skipped`.
    """
    timeline = parse_timeline(episode.description)
    if not timeline.found:
        return ChapterSync(skipped=list(timeline.skipped))
    sync = sync_chapters(episode=episode, parsed=timeline.chapters)
    sync.skipped[:0] = timeline.skipped
    episode.description = timeline.prose
    if timeline.music_credits:
        episode.music_credits = timeline.music_credits_text()
    episode.save(update_fields=["description", "music_credits", "updated_at"])
    return sync


# Appearances.


@transaction.atomic
def replace_appearances(*, episode: Episode, appearances: list[dict]) -> Replaced:
    """Make the episode's appearances exactly `appearances`: dicts of person, role (by
    default guest), affiliation (by default none) and order (by default the place in the
    list). One appearance per person per role, or a ValidationError and nothing written.
    """
    check_appearances(appearances=appearances)
    wanted = [
        {
            "person": item["person"],
            "role": item.get("role", Appearance.Role.GUEST),
            "affiliation": item.get("affiliation", ""),
            "order": item.get("order", position),
        }
        for position, item in enumerate(appearances)
    ]
    return _replace_appearances(episode, wanted)


@transaction.atomic
def add_appearances(*, episode: Episode, appearances: list[dict]) -> Replaced:
    """Add `appearances` (as `replace_appearances` takes them) to the episode, or update the
    affiliation and order of those it has; the others stay as they are."""
    check_appearances(appearances=appearances)
    wanted = {
        (item["person"].pk, item.get("role", Appearance.Role.GUEST)): {
            "person": item["person"],
            "role": item.get("role", Appearance.Role.GUEST),
            "affiliation": item.get("affiliation", ""),
            "order": item.get("order", position),
        }
        for position, item in enumerate(appearances)
    }
    kept = [
        {"person": a.person_id, "role": a.role}
        for a in episode.appearances.all()
        if (a.person_id, a.role) not in wanted
    ]
    result = _replace_appearances(episode, [*kept, *wanted.values()])
    result.unchanged = [a for a in result.unchanged if (a.person_id, a.role) in wanted]
    return result


def _replace_appearances(episode, wanted):
    result = replace_children(
        Appearance, parent={"episode": episode}, key=("person", "role"), wanted=wanted
    )
    if result.changed:
        content_changed.send(sender=Episode, pks=[episode.pk])
    return result
