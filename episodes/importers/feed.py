"""Import a podcast feed: the show from its channel, an episode from each of its items.

`import_feed(source)` is what `manage.py import_feed` and the admin's "Import a podcast feed"
page both run. The rules:

- The whole file is read once before anything is written: if it is not a podcast feed (not
  XML, broken anywhere, not RSS, no item with audio), or has more items than
  FEED_IMPORT_MAX_ITEMS, a FeedError says why, nothing saved.
- The show: created from the channel when the database has none; otherwise the show given,
  the only one, or the one with the channel's title, and only its empty fields are filled
  in: what an editor wrote wins. Its hosts are never guessed, and cover images are not
  downloaded (a note says to upload it).
- The whole import is one transaction: a failure half way (an interruption, the database
  gone) leaves the database as it was. Episodes are matched by GUID (or, for an item without
  one, its enclosure URL, then its link). Each item is saved in a savepoint of its own: an
  item that can't be saved is skipped with the reason, and the others go on. Skipped: an
  item with nothing to know it by, one without an enclosure (no audio, so not a podcast
  episode), one whose GUID an earlier item of the feed already used (the first wins), one
  with values the episode can't hold.
- What the feed says wins over the database; what it leaves out is kept: title,
  show notes, audio, date, duration, number, season, type and explicit flag come from the
  item; the slug is set once (so addresses don't change); the summary comes from
  itunes:subtitle, or is the first sentence of the notes when the episode has none; tags,
  papers, transcript and artwork are never touched.
- The notes (content:encoded, else description, else itunes:summary; HTML turned to text)
  go through the admin's timeline parser: the prose becomes the description, the timeline
  the chapters (matched by start time, so links to papers and people stay; chapters the
  timeline no longer has are removed) and the "Music:" lines the music credits. Notes
  without a timeline leave the chapters alone.
- Guests come from the title (`guests.guests_in_title`): each is found by name (ignoring
  case and accents) or created, and appears as a guest with the affiliation as the title
  shows it. Guests are added and updated, never removed.
- The date: published, or scheduled when it is in the future; an item without a readable
  date becomes a draft. An episode an editor moved back to draft stays a draft.
- Values are compared before saving, so a second run over the same feed changes nothing
  and says so. Odd values (a duration like "1:75:00", an episode number taken, no audio
  size) are left out with a warning, never a crash.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError, models, transaction

from core.text import name_key, unique_slug
from episodes.importers.guests import guests_in_title
from episodes.importers.rss import (
    FeedError,
    html_to_text,
    item_label,
    iter_items,
    parse_count,
    parse_date,
    parse_duration,
    parse_explicit,
    read_channel,
)
from episodes.importers.sources import DEFAULT_TIMEOUT, open_feed
from episodes.models import Appearance, Episode, Show
from episodes.services import add_appearances, sync_chapters
from episodes.timeline import parse_timeline
from people.services import find_or_create_person

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
OUTCOMES = [CREATED, UPDATED, UNCHANGED, SKIPPED]

DEFAULT_PROGRESS_EVERY = 100

# "EP28: ...", "Ep. 28 - ...", "Episode 28: ...", "#28 | ...": a number only before a separator,
# so that "#1 Rule of Thumb" or "Ep 3.5" give none.
_TITLE_NUMBER = re.compile(
    r"\s*(?:ep(?:isode)?\.?\s*|#)(?P<number>\d{1,6})\s*(?:[:\-\u2013\u2014|)]|\.(?!\d))",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|\Z)")
_SUMMARY_LENGTH = 300


class _Skip(Exception):
    """This item can't become an episode; the message says why."""


@dataclass
class ItemResult:
    """What became of one item of the feed."""

    position: int
    title: str
    guid: str = ""
    outcome: str = ""
    reason: str = ""  # why it was skipped
    changes: list[str] = field(default_factory=list)  # what an update changed
    warnings: list[str] = field(default_factory=list)
    episode_id: int | None = None

    @property
    def label(self):
        return item_label(self.position, self.title)

    def describe(self):
        """'item 2 "Title": updated (duration, chapters)', for a line of output."""
        if self.outcome == SKIPPED:
            return f"{self.label}: skipped, {self.reason}"
        changes = f" ({', '.join(self.changes)})" if self.changes else ""
        return f"{self.label}: {self.outcome}{changes}."


@dataclass
class ImportReport:
    """Everything an import did, for the command's output and the admin's result page."""

    source: str
    dry_run: bool = False
    show: Show | None = None
    show_outcome: str = ""
    show_changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    people_created: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def counts(self):
        counts = Counter(dict.fromkeys(OUTCOMES, 0))
        counts.update(result.outcome for result in self.items)
        return counts

    @property
    def changed(self):
        counts = self.counts
        return bool(counts[CREATED] or counts[UPDATED] or self.show_outcome in {CREATED, UPDATED})

    @property
    def skipped(self):
        return [result for result in self.items if result.outcome == SKIPPED]

    @property
    def saved(self):
        """The items that made or changed an episode."""
        return [result for result in self.items if result.outcome in {CREATED, UPDATED}]

    @property
    def warnings(self):
        """(item result, warning) for every warning of an item that was not skipped."""
        return [
            (result, warning)
            for result in self.items
            if result.outcome != SKIPPED
            for warning in result.warnings
        ]

    def summary(self):
        """ "4 items: 2 created, 1 updated, 0 unchanged, 1 skipped." """
        counts = self.counts
        n = len(self.items)
        outcomes = ", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES)
        return f"{n} {'item' if n == 1 else 'items'}: {outcomes}."

    def show_summary(self):
        title = self.show.title if self.show else "?"
        changes = f" ({', '.join(self.show_changes)})" if self.show_changes else ""
        return f'Show "{title}": {self.show_outcome}{changes}.'


def import_feed(
    source,
    *,
    show=None,
    dry_run=False,
    timeout=DEFAULT_TIMEOUT,
    progress=None,
    progress_every=DEFAULT_PROGRESS_EVERY,
    on_item=None,
):
    """Import the feed at `source` (URL, path or open binary file); return an ImportReport.

    `show` is a Show or a show's slug, to import into that show. With `dry_run` everything
    happens as usual and is then rolled back: the report says what an import would do.
    `progress(done, total)` is called every `progress_every` items, `on_item(result)` after
    each. Raises FeedError, with nothing written, when the feed can't be read or is not a
    podcast feed. It all happens in one transaction (an item that can't be saved rolls back
    to its savepoint and is skipped): whatever interrupts it, nothing of it is kept.
    """
    with open_feed(source, timeout=timeout) as (file, label):
        channel = read_channel(file)
        _check_size(channel)
        file.seek(0)
        importer = FeedImporter(channel, ImportReport(source=label, dry_run=dry_run))
        with transaction.atomic():
            importer.import_show(show)
            for done, item in enumerate(iter_items(file), start=1):
                result = importer.import_item(item)
                if on_item:
                    on_item(result)
                if progress and progress_every and done % progress_every == 0:
                    progress(done, channel.item_count)
            if dry_run:
                transaction.set_rollback(True)
    return importer.report


def _check_size(channel):
    """Refuse a feed with more items than one import takes, before anything is written."""
    limit = settings.FEED_IMPORT_MAX_ITEMS
    if channel.item_count > limit:
        raise FeedError(
            f"The feed has {channel.item_count:,} items, more than the {limit:,} one import "
            "takes (the FEED_IMPORT_MAX_ITEMS setting): raise the setting to import it."
        )


class FeedImporter:
    """Imports one feed whose channel has been read; see the module's docstring."""

    def __init__(self, channel, report):
        self.channel = channel
        self.report = report
        self.report.total = channel.item_count
        self.show = None
        # GUID -> position of the item that was imported under it, for duplicates.
        self.imported = {}

    # The show.

    def import_show(self, show=None):
        show = self._find_show(show)
        values, notes = self._show_values()
        self.report.notes += notes
        with transaction.atomic():
            if show is None:
                if not values.get("title"):
                    raise FeedError(
                        "The feed's channel has no <title>, so there is no name to create the "
                        "show with. Create the show in the admin first, then import."
                    )
                show = Show(**values)
                show.slug = unique_slug(Show, show.title)
                show.save()
                self.report.show_outcome = CREATED
            else:
                changed = []
                for name, value in values.items():
                    if name in {"title", "language", "explicit"}:
                        continue  # Never empty: the editor's choice stands.
                    if getattr(show, name) in ("", None):
                        setattr(show, name, value)
                        changed.append(Show._meta.get_field(name).verbose_name)
                if changed:
                    show.save()
                self.report.show_outcome = UPDATED if changed else UNCHANGED
                self.report.show_changes = changed
        self.show = self.report.show = show
        if self.channel.image and not show.artwork:
            self.report.notes.append(
                f"The feed's cover image ({self.channel.image}) was not downloaded: upload it "
                "as the show's artwork in the admin."
            )
        return show

    def _find_show(self, show):
        if isinstance(show, Show):
            return show
        if show:
            found = Show.objects.filter(slug=show).first()
            if found is None:
                raise FeedError(f'There is no show "{show}": give the slug of an existing show.')
            return found
        shows = list(Show.objects.order_by("pk")[:100])
        if len(shows) <= 1:
            return shows[0] if shows else None
        key = name_key(self.channel.title)
        matching = [s for s in shows if name_key(s.title) == key]
        if len(matching) == 1:
            return matching[0]
        slugs = ", ".join(s.slug for s in shows)
        raise FeedError(
            f'There are several shows and none is called "{self.channel.title}": say which '
            f"one the feed is for ({slugs})."
        )

    def _show_values(self):
        """The channel's values the show can hold, and a note for each it can't."""
        channel = self.channel
        wanted = {
            "title": channel.title,
            "subtitle": channel.subtitle,
            "description": html_to_text(channel.description or channel.summary),
            "language": channel.language,
            "categories": "\n".join(dict.fromkeys(channel.categories)),
            "explicit": parse_explicit(channel.explicit),
            "copyright": channel.copyright,
            "owner_name": channel.owner_name or channel.author,
            "owner_email": channel.owner_email,
            "website": channel.link,
            "podcast_guid": channel.podcast_guid,
        }
        values, notes = {}, []
        for name, value in wanted.items():
            if value in ("", None):
                continue
            model_field = Show._meta.get_field(name)
            if isinstance(model_field, models.CharField) and model_field.max_length:
                value = value[: model_field.max_length]
            try:
                values[name] = model_field.clean(value, None)
            except ValidationError as error:
                notes.append(
                    f'The channel\'s {model_field.verbose_name} "{value}" was left out: '
                    f"{' '.join(error.messages)}"
                )
        return values, notes

    # Episodes.

    def import_item(self, item):
        result = ItemResult(item.position, item.title)
        self.report.items.append(result)
        enclosure_url = item.enclosure.url if item.enclosure else ""
        guid = item.guid or enclosure_url or item.link
        result.guid = guid
        try:
            if not guid:
                raise _Skip(
                    "it has no <guid>, enclosure URL or link to recognise it by on the next run."
                )
            if guid in self.imported:
                raise _Skip(
                    f"its GUID ({guid}) is also the GUID of item {self.imported[guid]}, which "
                    "was imported: the first item with a GUID wins."
                )
            if not enclosure_url:
                raise _Skip(
                    "it has no <enclosure> with the audio file, so it is not a podcast episode."
                )
            if len(guid) > Episode._meta.get_field("guid").max_length:
                raise _Skip("its GUID is longer than 255 characters.")
            with transaction.atomic():
                self._save_episode(item, guid, result)
        except _Skip as skip:
            result.outcome, result.reason = SKIPPED, str(skip)
        except DatabaseError as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            result.outcome = SKIPPED
            result.reason = f"the database refused it ({reason})."
        else:
            self.imported[guid] = item.position
        return result

    def _save_episode(self, item, guid, result):
        episode = Episode.objects.filter(guid=guid).first()
        creating = episode is None
        values, timeline = self._episode_values(item, episode, result)
        if creating:
            episode = Episode(show=self.show, guid=guid, **values)
            episode.slug = unique_slug(Episode, episode.title)
            before = {}
        else:
            before = {name: getattr(episode, name) for name in values}
            for name, value in values.items():
                setattr(episode, name, value)
        try:
            episode.clean_fields()
        except ValidationError as error:
            problems = "; ".join(
                f"{_verbose(name)}: {' '.join(messages)}"
                for name, messages in error.message_dict.items()
            )
            raise _Skip(f"it has values an episode can't hold ({problems}).") from None
        changed = [name for name in before if getattr(episode, name) != before[name]]
        if creating or changed:
            episode.save()
        result.episode_id = episode.pk
        result.changes = [_verbose(name) for name in changed]
        if timeline.found:
            sync = sync_chapters(episode=episode, parsed=timeline.chapters)
            result.warnings += [_timeline_warning(reason) for reason in sync.skipped]
            if sync.changed and not creating:
                result.changes.append("chapters")
        if self._sync_guests(episode, item.title, result) and not creating:
            result.changes.append("guests")
        if creating:
            result.outcome = CREATED
        else:
            result.outcome = UPDATED if result.changes else UNCHANGED

    def _episode_values(self, item, episode, result):
        """The episode's fields as the item gives them, and the timeline of its notes."""
        warn = result.warnings.append
        creating = episode is None
        title = item.title
        if not title:
            raise _Skip("it has no <title>.")
        values = {"title": title[:255]}
        if len(title) > 255:
            warn("The title was cut to 255 characters.")

        timeline = parse_timeline(html_to_text(item.notes))
        result.warnings += [_timeline_warning(reason) for reason in timeline.skipped]
        values["description"] = timeline.prose
        if timeline.music_credits:
            values["music_credits"] = timeline.music_credits_text()
        subtitle = " ".join(html_to_text(item.subtitle).split())
        if subtitle:
            values["summary"] = subtitle
        elif creating or not episode.summary:
            values["summary"] = _first_sentence(timeline.prose)

        enclosure = item.enclosure
        values["audio_url"] = enclosure.url
        values["audio_type"] = enclosure.type or "audio/mpeg"
        if len(values["audio_type"]) > 50:
            warn(f'The enclosure type "{enclosure.type[:60]}" is too long; audio/mpeg was used.')
            values["audio_type"] = "audio/mpeg"
        size = parse_count(enclosure.length)
        if size:
            values["audio_size"] = size
        elif creating or not episode.audio_size:
            warn(
                f'The enclosure gives no length in bytes ("{enclosure.length}"); podcast apps '
                "need it: fill in the audio size."
            )

        if item.duration is not None:
            duration = parse_duration(item.duration)
            if duration is None:
                left = "empty" if creating or episode.duration is None else "as it was"
                warn(
                    f'itunes:duration "{item.duration}" is not a length of time (like 3480, '
                    f"58:00 or 1:18:00); the duration was left {left}."
                )
            else:
                values["duration"] = duration

        season = parse_count(item.season)
        if season is not None:
            values["season"] = season
        elif item.season:
            warn(f'itunes:season "{item.season}" is not a number; the season was left out.')
        number = self._number(item, episode, values.get("season"), warn)
        if number is not None:
            values["number"] = number

        episode_type = item.episode_type.lower()
        if episode_type in Episode.EpisodeType.values:
            values["episode_type"] = episode_type
        elif episode_type:
            warn(f'itunes:episodeType "{item.episode_type}" is unknown; it was left out.')
        explicit = parse_explicit(item.explicit)
        if explicit is not None:
            values["explicit"] = explicit

        values.update(self._publication(item, episode, warn))
        return values, timeline

    def _number(self, item, episode, season, warn):
        number = parse_count(item.episode)
        if number is None and item.episode:
            warn(f'itunes:episode "{item.episode}" is not a number; the number was left out.')
            return None
        if number is None:
            match = _TITLE_NUMBER.match(item.title)
            number = int(match["number"]) if match else None
        if number is None:
            return None
        if season is None and episode is not None:
            season = episode.season
        taken = Episode.objects.filter(show=episode.show if episode else self.show, number=number)
        taken = taken.filter(season=season) if season is not None else taken.filter(season=None)
        if episode is not None:
            taken = taken.exclude(pk=episode.pk)
        other = taken.first()
        if other is not None:
            warn(f'Number {number} is already the number of "{other.title}"; it was left out.')
            return None
        return number

    def _publication(self, item, episode, warn):
        published_at = parse_date(item.pub_date)
        if published_at is None:
            written = (
                f'pubDate "{item.pub_date}" is not a date'
                if item.pub_date
                else ("There is no pubDate")
            )
            if episode is None:
                warn(f"{written}; the episode was imported as a draft.")
                return {"is_draft": True}
            warn(f"{written}; the publication date was left as it was.")
            return {}
        if episode is not None and episode.is_draft:
            return {"published_at": published_at}  # An editor unpublished it: it stays so.
        # Live from its date on, or scheduled until then if the feed dates it in the future.
        return {"published_at": published_at, "is_draft": False}

    def _sync_guests(self, episode, title, result):
        """Add the title's guests to the episode, or update their affiliation; True if any."""
        guests = {}
        for order, guest in enumerate(guests_in_title(title)):
            person, created = find_or_create_person(name=guest.name)
            if created:
                if guest.name not in self.report.people_created:
                    self.report.people_created.append(guest.name)
            elif person.is_host:
                result.warnings.append(f"{person.name} is one of the hosts; not added as a guest.")
                continue
            guests.setdefault(
                person.pk,
                {
                    "person": person,
                    "role": Appearance.Role.GUEST,
                    "affiliation": guest.affiliation[:200],
                    "order": order,
                },
            )
        added = add_appearances(episode=episode, appearances=list(guests.values()))
        return added.changed


def _verbose(name):
    try:
        return str(Episode._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _timeline_warning(reason):
    """'Timeline: skipped "10:00 Late": ...' from what the parser or the sync skipped."""
    return f"Timeline: {reason[:1].lower()}{reason[1:]}"


def _first_sentence(text):
    """The text up to its first full stop, question or exclamation mark, on one line."""
    text = " ".join(text.split())
    end = _SENTENCE_END.search(text)
    sentence = text[: end.end()] if end else text
    if len(sentence) > _SUMMARY_LENGTH:
        sentence = sentence[: _SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "\u2026"
    return sentence
