"""Put the demo content in the database, changing only what differs from the file.

The file (`ibsite/demo/content.json`) is one JSON object. Slugs tie it together, and are
how rows are found again on the next run:

    {
      "show": {"slug", "title", "description", ...any other Show field,
               "hosts": [person slug, ...]},
      "organizations": [{"slug", "name", "kind": "university|company|lab|institute|other"}],
      "people": [{"slug", "name", "bio", "is_host", ...any other Person field,
                  "affiliations": [{"organization": slug, "title", "is_current"}],
                  "topics": [tag, ...]}],
      "papers": [{"slug", "title", "year", "venue", "arxiv_id", "summary", ...,
                  "authors": [person slug, ... in byline order],
                  "references": [slug of a paper this one cites, ...],
                  "tags": [tag, ...]}],
      "episodes": [{"slug", "title", "is_draft": false, "published_at": "2026-05-28T10:00:00Z",
                    "duration": seconds, "summary" (optional),
                    "description": the show notes as published, timeline and trailers included,
                    "guests": [{"person": slug, "affiliation": "NYU/Meta"}],
                    "papers": [{"paper": slug, "chapter": "19:27" (optional)}],
                    "tags": [tag, ...]}],
      "posts": [{"slug", "title", "dek", "body", "is_draft", "published_at",
                 "author": person slug (optional), "papers": [paper slug, ...], "tags": [...],
                 "hindsight_verdict", "hindsight_note", "hindsight_date": "2026-06-01"}],
      "reviews": [{"listener": user name, "name": "First Last", "stars": 1 to 5,
                   "title", "text" (optional), "episode": slug (optional: else the show)}]
    }

- A field the file leaves out keeps what the database has (a new row gets the model's
  default). Lists are complete: an author, guest, chapter or tag the file no longer lists is
  removed from its paper, episode or person. Nothing else is ever deleted.
- Episode descriptions go through `episodes.timeline.parse_timeline`: the prose becomes the
  description, the timeline the chapters and the music credits their own field. The summary
  is the prose's first sentence unless the file gives one. Every episode has both hosts and
  the silent demo audio, at an address of its own (`silence.mp3?episode=<slug>`).
- Reviews are by demo listeners: accounts made with the user name and name given and no
  password (nobody signs in as them), one review each per item, found again by both.
- Dates and times are ISO 8601; times need their time zone ("Z" for UTC).
- Rows are matched by slug, validated like the admin would, and saved only when a value
  differs. Their lists go through the services the importers and the API use
  (`episodes.services.sync_chapters` and `replace_appearances`, `papers.services.
  replace_authors`, `people.services.replace_affiliations`): their rules, their messages,
  and a row kept when its natural key stays (a chapter by start, an appearance by person and
  role, an authorship by person and place...).
"""

import datetime
import re
from collections import Counter
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from community.models import Review
from core.children import replace_children
from core.durations import parse_timestamp
from core.signals import content_changed
from episodes.models import Appearance, Discussion, Episode, Show
from episodes.services import replace_appearances, sync_chapters
from episodes.timeline import parse_timeline
from ibsite.editors import EDITORS_GROUP, grant_editor_permissions
from papers.models import Citation, Paper
from papers.services import replace_authors
from people.models import Affiliation, Organization, Person
from people.services import replace_affiliations
from posts.models import Post

DEMO_EDITOR_USERNAME = "editor"
DEMO_EDITOR_PASSWORD = "information-bottleneck"

OUTCOMES = CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"

# What the loader counts, in the order of its summary: kind -> (singular, plural).
KINDS = {
    "show": ("show", "shows"),
    "organization": ("organization", "organizations"),
    "person": ("person", "people"),
    "affiliation": ("affiliation", "affiliations"),
    "paper": ("paper", "papers"),
    "authorship": ("authorship", "authorships"),
    "citation": ("citation", "citations"),
    "episode": ("episode", "episodes"),
    "appearance": ("appearance", "appearances"),
    "chapter": ("chapter", "chapters"),
    "discussion": ("paper discussed", "papers discussed"),
    "post": ("post", "posts"),
    "listener": ("demo listener", "demo listeners"),
    "review": ("review", "reviews"),
    "editor": ("demo editor", "demo editors"),
}

SECTIONS = ["show", "organizations", "people", "papers", "episodes", "posts", "reviews"]

# The end of a sentence: . ! or ? before a space or the end of the text.
SENTENCE_END = re.compile(r"[.!?](?=\s|\Z)")


class DemoContentError(Exception):
    """The file says something that can't be loaded; the message says what and where."""


class Tally:
    """How many rows of each kind were created, updated, left unchanged or removed."""

    def __init__(self):
        self.counts = {kind: Counter() for kind in KINDS}

    def add(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def add_list(self, kind, replaced):
        """What a service did to a list (a `core.children.Replaced`); returns its Counter."""
        rows = [replaced.created, replaced.updated, replaced.unchanged, replaced.deleted]
        counts = Counter(dict(zip(OUTCOMES, map(len, rows), strict=True)))
        self.counts[kind].update(counts)
        return counts

    @property
    def changed(self):
        return any(c[CREATED] or c[UPDATED] or c[REMOVED] for c in self.counts.values())

    def describe(self, kind):
        return describe(self.counts[kind], *KINDS[kind])

    def summary(self):
        return ", ".join(self.describe(kind) for kind in KINDS if self.counts[kind].total())


def describe(counts, singular, plural):
    """ "205 chapters (5 created, 200 unchanged)" from a Counter of outcomes."""
    total = counts[CREATED] + counts[UPDATED] + counts[UNCHANGED]
    outcomes = [f"{counts[o]} {o}" for o in OUTCOMES if counts[o]]
    return f"{total} {singular if total == 1 else plural} ({', '.join(outcomes) or 'none'})"


def first_sentence(text):
    """The text up to its first full stop, question or exclamation mark, on one line."""
    text = " ".join(text.split())
    end = SENTENCE_END.search(text)
    return text[: end.end()] if end else text


def _ignore(message):
    pass


class DemoLoader:
    """Loads one content file. `say`, `detail` and `warn` receive progress messages."""

    def __init__(self, *, audio_url, audio_size, say=None, detail=None, warn=None):
        self.audio_url = audio_url
        self.audio_size = audio_size
        self.say = say or _ignore
        self.detail = detail or _ignore
        self.warn = warn or _ignore
        self.tally = Tally()
        self.show = None
        self.hosts = []
        # What the file defines so far, by slug: what later items may refer to.
        self.organizations = {}
        self.people = {}
        self.papers = {}
        self.listeners = {}

    def load(self, content):
        """Load everything in `content` (the parsed file) and return the Tally."""
        content = _object(content, "The file")
        _known_keys(content, SECTIONS, "The file")
        if "show" not in content:
            raise DemoContentError('The file has no "show": every episode belongs to it.')
        for item in _list_of_objects(content, "organizations", "The file"):
            self.load_organization(item)
        for item in _list_of_objects(content, "people", "The file"):
            self.load_person(item)
        self.load_show(_object(content["show"], '"show"'))
        papers = _list_of_objects(content, "papers", "The file")
        for item in papers:
            self.load_paper(item)
        # Citations after every paper, so a paper may cite one listed after it.
        for item in papers:
            self.load_references(item)
        for item in _list_of_objects(content, "episodes", "The file"):
            self.load_episode(item)
        for item in _list_of_objects(content, "posts", "The file"):
            self.load_post(item)
        for item in _list_of_objects(content, "reviews", "The file"):
            self.load_review(item)
        return self.tally

    # One method per kind.

    def load_organization(self, item):
        slug, where = _slug(item, "organization")
        organization, outcome = self.upsert(
            Organization, {"slug": slug}, _fields(Organization, item, where), where
        )
        self.organizations[slug] = organization
        self.tally.add("organization", outcome)

    def load_person(self, item):
        slug, where = _slug(item, "person")
        relations = {"affiliations", "topics"}
        values = _fields(Person, item, where, skip=relations)
        # name_key is not in the file: Person.save() derives it from the name.
        person, outcome = self.upsert(Person, {"slug": slug}, values, where, exclude=["name_key"])
        self.people[slug] = person
        affiliations = [
            {
                **_fields(Affiliation, affiliation, where, skip={"organization"}),
                "organization": self.ref(self.organizations, affiliation, "organization", where),
            }
            for affiliation in _list_of_objects(item, "affiliations", where)
        ]
        with self.rules(where):
            self.tally.add_list(
                "affiliation", replace_affiliations(person=person, affiliations=affiliations)
            )
        topics_changed = sync_tags(person.topics, _list(item, "topics", where))
        self.tally.add("person", _touched(outcome, topics_changed))

    def load_show(self, item):
        slug, where = _slug(item, "show")
        values = _fields(Show, item, where, skip={"hosts"})
        self.show, outcome = self.upsert(Show, {"slug": slug}, values, where)
        self.hosts = [
            self.ref(self.people, host, "person", where) for host in _list(item, "hosts", where)
        ]
        hosts_changed = sync_set(self.show.hosts, self.hosts)
        self.tally.add("show", _touched(outcome, hosts_changed))

    def load_paper(self, item):
        slug, where = _slug(item, "paper")
        values = _fields(Paper, item, where, skip={"authors", "references", "tags"})
        paper, outcome = self.upsert(Paper, {"slug": slug}, values, where)
        self.papers[slug] = paper
        authors = [
            self.ref(self.people, author, "person", where)
            for author in _list(item, "authors", where)
        ]
        with self.rules(where):
            self.tally.add_list("authorship", replace_authors(paper=paper, people=authors))
        tags_changed = sync_tags(paper.tags, _list(item, "tags", where))
        self.tally.add("paper", _touched(outcome, tags_changed))

    def load_references(self, item):
        slug, where = _slug(item, "paper")
        cited = [
            {"cited": self.ref(self.papers, reference, "paper", where)}
            for reference in _list(item, "references", where)
        ]
        self.replace("citation", Citation, {"citing": self.papers[slug]}, ("cited",), cited)

    def load_episode(self, item):
        slug, where = _slug(item, "episode")
        timeline = parse_timeline(item.get("description", ""))
        for reason in timeline.skipped:
            self.warn(f"{where}: {reason}")
        values = {
            **_fields(Episode, item, where, skip={"description", "guests", "papers", "tags"}),
            "show": self.show,
            "description": timeline.prose,
            "music_credits": timeline.music_credits_text(),
            "summary": item.get("summary") or first_sentence(timeline.prose),
            # One file for all, at an address of its own: podcast apps tell episodes apart
            # by their audio URL, and merge or drop those sharing one.
            "audio_url": f"{self.audio_url}?episode={slug}",
            "audio_size": self.audio_size,
            "audio_type": "audio/mpeg",
        }
        episode, outcome = self.upsert(Episode, {"slug": slug}, values, where)
        with self.rules(where):
            appearances = replace_appearances(
                episode=episode, appearances=self.appearances(item, where)
            )
        self.tally.add_list("appearance", appearances)
        chapters = sync_chapters(episode=episode, parsed=timeline.chapters)
        for reason in chapters.skipped:
            self.warn(f"{where}: {reason}")
        chapter_counts = self.tally.add_list("chapter", chapters)
        discussions = [
            self.discussion(episode, paper, where) for paper in _list(item, "papers", where)
        ]
        self.replace("discussion", Discussion, {"episode": episode}, ("paper",), discussions)
        outcome = _touched(outcome, sync_tags(episode.tags, _list(item, "tags", where)))
        self.tally.add("episode", outcome)
        self.say(f"Episode {slug}: {outcome}; {describe(chapter_counts, 'chapter', 'chapters')}.")

    def load_post(self, item):
        slug, where = _slug(item, "post")
        values = _fields(Post, item, where, skip={"author", "papers", "tags"})
        if "author" in item:
            author = item["author"]
            values["author"] = self.ref(self.people, author, "person", where) if author else None
        post, outcome = self.upsert(Post, {"slug": slug}, values, where)
        papers = [
            self.ref(self.papers, paper, "paper", where) for paper in _list(item, "papers", where)
        ]
        papers_changed = sync_set(post.papers, papers)
        tags_changed = sync_tags(post.tags, _list(item, "tags", where))
        self.tally.add("post", _touched(outcome, papers_changed or tags_changed))

    def load_review(self, item):
        _known_keys(item, ["listener", "name", "stars", "title", "text", "episode"], "A review")
        username = item.get("listener")
        if not username or not isinstance(username, str):
            raise DemoContentError(f'The review {item!r} has no "listener" (a user name).')
        where = f'the review by "{username}"'
        listener = self.listeners.get(username)
        if listener is None:  # once per listener, however many reviews they wrote
            first, _, last = str(item.get("name", "")).partition(" ")
            listener, outcome = self.upsert(
                User, {"username": username}, {"first_name": first, "last_name": last}, where,
                exclude=["password"],
            )  # fmt: skip
            if outcome == CREATED:
                listener.set_unusable_password()
                listener.save(update_fields=["password"])
            self.tally.add("listener", outcome)
            self.listeners[username] = listener
        episode = None
        if slug := item.get("episode"):
            episode = Episode.objects.filter(slug=slug).first()
            if episode is None:
                raise DemoContentError(f'{where} names the episode "{slug}", which is not here.')
        lookup = {"author": listener, "episode": episode, "show": None if episode else self.show}
        values = {key: item.get(key, "") for key in ("title", "text")}
        values["stars"] = item.get("stars")
        _, outcome = self.upsert(Review, lookup, values, where)
        self.tally.add("review", outcome)

    def load_demo_editor(self):
        """A staff account in the Editors group (never a superuser) with a known password."""
        user = User.objects.filter(username=DEMO_EDITOR_USERNAME).first()
        outcome = UNCHANGED
        if user is None:
            user, outcome = User(username=DEMO_EDITOR_USERNAME), CREATED
        wanted = {"is_staff": True, "is_superuser": False, "is_active": True}
        if any(getattr(user, name) != value for name, value in wanted.items()):
            outcome = _touched(outcome, True)
            for name, value in wanted.items():
                setattr(user, name, value)
        if not user.check_password(DEMO_EDITOR_PASSWORD):
            outcome = _touched(outcome, True)
            user.set_password(DEMO_EDITOR_PASSWORD)
        if outcome != UNCHANGED:
            user.save()
        editors = Group.objects.filter(name=EDITORS_GROUP).first()
        if editors is None:
            editors = grant_editor_permissions(Group, Permission)
        if not user.groups.contains(editors):
            user.groups.add(editors)
            outcome = _touched(outcome, True)
        self.tally.add("editor", outcome)
        return user

    # Pieces of an episode.

    def appearances(self, item, where):
        """Both hosts, in the order the show lists them, then the guests."""
        hosts = [
            {"person": host, "role": Appearance.Role.HOST, "affiliation": "", "order": order}
            for order, host in enumerate(self.hosts)
        ]
        guests = _list_of_objects(item, "guests", where)
        for guest in guests:
            _known_keys(guest, ["person", "affiliation"], f"A guest of {where}")
        return hosts + [
            {**guest, "person": self.ref(self.people, guest, "person", where), "order": order}
            for order, guest in enumerate(guests)
        ]

    def discussion(self, episode, item, where):
        item = _object(item, f"A paper discussed in {where}")
        _known_keys(item, ["paper", "chapter", "note"], f"A paper discussed in {where}")
        paper = self.ref(self.papers, item, "paper", where)
        chapter = None
        if item.get("chapter"):
            start = parse_timestamp(str(item["chapter"]))
            chapter = episode.chapters.filter(start=start).first() if start is not None else None
            if chapter is None:
                raise DemoContentError(
                    f'{where} discusses "{paper.slug}" at {item["chapter"]}, but no chapter of '
                    "its timeline starts then. Give the start of one of its chapters, like "
                    '"19:27", or leave "chapter" out.'
                )
        return {"paper": paper, "chapter": chapter, "note": item.get("note", "")}

    # The machinery: find or create, compare, save what differs.

    def upsert(self, model, lookup, values, where, *, exclude=()):
        """The row matching `lookup`, made to hold `values`; and CREATED, UPDATED or UNCHANGED.

        The values go through the model's own validation, which also turns them into what
        the database gives back (strings to dates, a missing publication time of a
        non-draft to now), so that comparing them with the stored row is fair. Uniqueness is
        checked only before a write.
        """
        row = model._default_manager.filter(**lookup).first()
        if row is None:
            row = model(**lookup, **values)
            _validate(row, where, exclude)
            row.save()
            return row, CREATED
        before = _stored_values(row)
        for name, value in values.items():
            setattr(row, name, value)
        _validate(row, where, exclude, unique=False)
        changed = [name for name, value in _stored_values(row).items() if value != before[name]]
        if not changed:
            return row, UNCHANGED
        _validate(row, where, exclude)
        row.save()
        self.detail(f"Updated {where}: {', '.join(changed)}.")
        return row, UPDATED

    def replace(self, kind, model, parent, key, wanted):
        """Rows no service writes (citations, papers discussed), replaced the same way."""
        replaced = replace_children(model, parent=parent, key=key, wanted=wanted)
        if replaced.changed:
            owner = next(iter(parent.values()))
            content_changed.send(sender=type(owner), pks=[owner.pk])
        self.tally.add_list(kind, replaced)

    @contextmanager
    def rules(self, where):
        """A rule a service refused, as a DemoContentError saying where."""
        try:
            yield
        except ValidationError as error:
            raise DemoContentError(f"{where}: {' '.join(error.messages)}") from None

    def ref(self, registry, item_or_slug, what, where):
        """The row the file defines under slug; `item_or_slug` is a slug or {what: slug}."""
        slug = item_or_slug.get(what) if isinstance(item_or_slug, dict) else item_or_slug
        if slug not in registry:
            section = {"person": "people", "paper": "papers"}.get(what, f"{what}s")
            raise DemoContentError(
                f'{where} names the {what} "{slug}", which the file does not define. Add it '
                f'under "{section}" (before anything that refers to it), or fix the slug.'
            )
        return registry[slug]


def sync_tags(manager, names):
    """Give the row exactly these tags (ignoring case, as the site does); True if changed."""
    if {tag.casefold() for tag in manager.names()} == {name.casefold() for name in names}:
        return False
    manager.set(names)
    return True


def sync_set(manager, rows):
    """Make a many-to-many relation hold exactly `rows`; True if it changed."""
    if set(manager.values_list("pk", flat=True)) == {row.pk for row in rows}:
        return False
    manager.set(rows)
    return True


# Reading the file: small checks that turn a mistake into a message saying where it is.


def _object(value, where):
    if not isinstance(value, dict):
        raise DemoContentError(f"{where} should be a JSON object ({{...}}).")
    return value


def _list(item, key, where):
    value = item.get(key, [])
    if not isinstance(value, list):
        raise DemoContentError(f'In {where}, "{key}" should be a list ([...]).')
    return value


def _list_of_objects(item, key, where):
    return [_object(value, f'Each of "{key}" in {where}') for value in _list(item, key, where)]


def _known_keys(item, allowed, where):
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise DemoContentError(
            f"{where} has {', '.join(map(repr, unknown))}, which the loader doesn't know. "
            f"It knows {', '.join(map(repr, allowed))}."
        )


def _slug(item, kind):
    slug = item.get("slug")
    if not slug or not isinstance(slug, str):
        shown = item.get("title") or item.get("name") or item
        raise DemoContentError(f'The {kind} {shown!r} has no "slug": every item needs one.')
    return slug, f'{kind} "{slug}"'


def _fields(model, item, where, *, skip=()):
    """The plain fields of `model` that `item` gives, parsed and checked."""
    values = {}
    for name, value in item.items():
        if name in skip or name == "slug":
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is None or not field.concrete or field.is_relation or not field.editable:
            raise DemoContentError(
                f'{where} has "{name}", which is not something a {model._meta.verbose_name} '
                "has. Fix or remove it."
            )
        value = _parse(field, value, f"{where}, {name}")
        try:  # each field as the admin checks it, lists' rows included (no query)
            values[name] = field.clean(value, None)
        except ValidationError as error:
            raise DemoContentError(f"{where}, {name}: {' '.join(error.messages)}") from None
    return values


def _parse(field, value, where):
    if value is None or not isinstance(field, models.DateField):
        return value
    try:
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            return moment
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        example = (
            "2026-05-28T10:00:00Z" if isinstance(field, models.DateTimeField) else "2026-06-01"
        )
        raise DemoContentError(f'{where}: {value!r} is not a date like "{example}".') from None


def _validate(row, where, exclude, *, unique=True):
    try:
        row.full_clean(exclude=exclude, validate_unique=unique, validate_constraints=unique)
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise DemoContentError(f"{where}: {problems}") from None


def _stored_values(row):
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }


def _touched(outcome, changed):
    """An unchanged row whose tags or relations changed counts as updated."""
    return UPDATED if changed and outcome == UNCHANGED else outcome
