"""Writing the search index: the entries of episodes, chapters, people, papers, posts, tags.

`update(episodes=[...], papers=[...])` rewrites the entries of those objects from what the
database holds now, with a fixed number of queries per kind and per thousand objects, never
one per row (on SQLite, whose statements take at most 999 parameters, Django also splits
each bulk insert every 71 entries). Signals (search/signals.py) call it on every save and
delete, and `core.signals.content_changed` after bulk writes. Inside `core.batching.batch()`,
which every request, import and demo load runs in, the calls are gathered and written once
at the end: an episode saved with forty chapters is indexed once, and a feed of a thousand
episodes in a few dozen queries. (`batch` is re-exported here for the tests and scripts
that used it from this module.)
"""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from core.batching import batch as batch  # re-exported: index.batch() as before
from core.batching import deferred
from core.markdown import plain_text
from episodes.models import Appearance, Chapter, Episode
from papers.models import Authorship, Paper
from people.models import Affiliation, Person
from posts.models import Post
from search.engines import SEPARATOR, engine_for
from search.models import ALWAYS, Entry, Kind

KINDS = ("episodes", "people", "papers", "posts", "tags")
CHUNK = 1000  # objects read and written at once
COMPARED = [*Entry.TEXT_FIELDS, "episode_id"]  # what makes an entry need writing again
SEARCHED = ["title", "keywords", "body"]  # what makes its PostgreSQL vector need it too

# Control characters: the highlighting marks (search.engines) and what no text needs.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text):
    """Text as indexed: no control characters, whitespace collapsed."""
    return " ".join(CONTROL.sub(" ", text or "").split())


def update(**objects):
    """Rewrite the entries of the given objects (ids or instances), by kind:
    episodes (with their chapters), people, papers, posts, tags."""
    pending = deferred(
        "search-index",
        start=lambda: {kind: set() for kind in KINDS},
        flush=_write_pending,
        failure="The search index could not be updated; run manage.py rebuild_search_index.",
    )
    for kind, items in objects.items():
        if kind not in KINDS:
            raise TypeError(f"update() got an unknown kind {kind!r}; use one of {KINDS}.")
        ids = {getattr(item, "pk", item) for item in items}
        ids.discard(None)
        if pending is not None:
            pending[kind] |= ids
        elif ids:
            _write(kind, ids)


def _write_pending(pending):
    for kind, ids in pending.items():
        if ids:
            _write(kind, ids)


def rebuild(progress=None):
    """Every entry anew, kind by kind. `progress(kind, done, total)` hears of each chunk.
    Returns how many entries of each kind there are."""
    Entry.objects.all().delete()
    sources = {
        "episodes": Episode.objects,
        "people": Person.objects,
        "papers": Paper.objects,
        "posts": Post.objects,
        "tags": Tag.objects,
    }
    for kind, manager in sources.items():
        ids = list(manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            _write(kind, ids[start : start + CHUNK])
            if progress:
                progress(kind, min(start + CHUNK, len(ids)), len(ids))
    counts = dict.fromkeys(Kind.values, 0)
    for entry_kind in Entry.objects.values_list("kind", flat=True).iterator():
        counts[entry_kind] += 1
    return counts


def _write(kind, ids):
    """Make the entries of these objects match them: new ones created, changed ones
    updated, those of deleted objects removed, and the others left alone (so re-indexing
    what did not change writes nothing)."""
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            stored = Entry.objects.filter(**{_SOURCE[kind] + "__in": chunk})
            if kind == "episodes":  # and a chapter moved here from another episode
                stored |= Entry.objects.filter(chapter__episode__in=chunk)
            old = {entry.source_key(): entry for entry in stored.defer("vector")}
            created, changed, retext = [], [], []
            for entry in _BUILDERS[kind](chunk):
                current = old.pop(entry.source_key(), None)
                if current is None:
                    created.append(entry)
                elif any(getattr(current, f) != getattr(entry, f) for f in COMPARED):
                    if any(getattr(current, f) != getattr(entry, f) for f in SEARCHED):
                        retext.append(current)
                    for field in COMPARED:
                        setattr(current, field, getattr(entry, field))
                    changed.append(current)
            if old:  # objects gone, or no longer indexed
                Entry.objects.filter(pk__in=[entry.pk for entry in old.values()]).delete()
            Entry.objects.bulk_create(created, batch_size=CHUNK)
            Entry.objects.bulk_update(changed, [*Entry.TEXT_FIELDS, "episode"], batch_size=CHUNK)
            if (created or retext) and connection.vendor == "postgresql":
                # Computed by the database from the columns just written (bulk_create has
                # set the new entries' ids); publishing or a new URL leaves it as it was.
                Entry.objects.filter(pk__in=[e.pk for e in created + retext]).update(
                    vector=engine_for(connection.alias).vector()
                )


def _episode_entries(ids):
    episodes = Episode.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("person").order_by("order", "pk"),
        ),
        Prefetch(
            "chapters",
            queryset=Chapter.objects.select_related("paper", "person").order_by("start"),
        ),
        "tags",
    )
    entries = []
    for episode in episodes:
        url = episode.get_absolute_url()
        date = episode.published_at.date() if episode.published_at else None
        chapters = list(episode.chapters.all())
        # Guests, not hosts: the hosts are in every episode.
        guests = episode.guests()
        entries.append(
            Entry(
                kind=Kind.EPISODE,
                episode=episode,
                title=clean(episode.title),
                keywords=clean(
                    _joined(
                        [
                            *(guest.person.name for guest in guests),
                            *(guest.affiliation for guest in guests),
                            *(tag.name for tag in episode.tags.all()),
                            *(chapter.title for chapter in chapters),
                        ]
                    )
                ),
                body=clean(f"{episode.summary} {plain_text(episode.description)}"),
                context=_cut(f"with {', '.join(g.person.name for g in guests)}" if guests else ""),
                url=url,
                date=date,
                public_from=episode.public_from(),
            )
        )
        for chapter in chapters:
            linked = [obj for obj in (chapter.paper, chapter.person) if obj is not None]
            entries.append(
                Entry(
                    kind=Kind.CHAPTER,
                    episode=episode,
                    chapter=chapter,
                    title=clean(chapter.title),
                    keywords=clean(_joined(str(obj) for obj in linked)),
                    context=_cut(episode.title),
                    url=f"{url}?t={chapter.timestamp()}",
                    start=chapter.start,
                    date=date,
                    public_from=episode.public_from(),
                )
            )
    return entries


def _person_entries(ids):
    people = Person.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organization").order_by(
                "-is_current", "pk"
            ),
        ),
        "topics",
    )
    entries = []
    for person in people:
        affiliations = list(person.affiliations.all())
        current = [a for a in affiliations if a.is_current]
        positions = [
            f"{a.title}, {a.organization.name}" if a.title else a.organization.name
            for a in current
        ]
        entries.append(
            Entry(
                kind=Kind.PERSON,
                person=person,
                title=clean(person.name),
                keywords=clean(
                    _joined(
                        [
                            *(a.organization.name for a in affiliations),
                            *(a.title for a in affiliations if a.title),
                            *(tag.name for tag in person.topics.all()),
                        ]
                    )
                ),
                body=clean(plain_text(person.bio)),
                context=_cut("; ".join(positions) or ("Host" if person.is_host else "")),
                url=person.get_absolute_url(),
                public_from=ALWAYS,
            )
        )
    return entries


def _paper_entries(ids):
    papers = Paper.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
        "tags",
    )
    entries = []
    for paper in papers:
        authors = [str(person) for person in paper.ordered_authors()]
        byline = ", ".join(authors[:3]) + (" et al." if len(authors) > 3 else "")
        entries.append(
            Entry(
                kind=Kind.PAPER,
                paper=paper,
                title=clean(paper.title),
                keywords=clean(
                    _joined(
                        [
                            *authors,
                            paper.venue,
                            paper.arxiv_id,
                            paper.doi,
                            *(tag.name for tag in paper.tags.all()),
                        ]
                    )
                ),
                body=clean(f"{plain_text(paper.summary)} {paper.abstract}"),
                context=_cut(" · ".join(str(part) for part in (byline, paper.year) if part)),
                url=paper.get_absolute_url(),
                public_from=ALWAYS,
                date=paper.published_on or _january_first(paper.year),
            )
        )
    return entries


def _january_first(year):
    """The date a paper's year stands for; None without one, or one no date holds."""
    return datetime.date(year, 1, 1) if year and 1 <= year <= 9999 else None


def _post_entries(ids):
    posts = Post.objects.filter(pk__in=ids).select_related("author").prefetch_related("tags")
    entries = []
    for post in posts:
        date = post.published_at.date() if post.published_at else None
        entries.append(
            Entry(
                kind=Kind.POST,
                post=post,
                title=clean(post.title),
                keywords=clean(
                    _joined(
                        [post.dek, *(tag.name for tag in post.tags.all())]
                        + ([post.author.name] if post.author else [])
                    )
                ),
                body=clean(f"{plain_text(post.body)} {plain_text(post.hindsight_note)}"),
                context=_cut(f"by {post.author.name}" if post.author else ""),
                url=post.get_absolute_url(),
                date=date,
                public_from=post.public_from(),
            )
        )
    return entries


def _tag_entries(ids):
    """A topic is public from its first public use: at once when a paper or a person
    carries it, else when the first episode or post carrying it is published."""
    content_type = ContentType.objects.get_for_model

    def first_published(model):
        published = model.objects.filter(tags=OuterRef("pk"), is_draft=False)
        return Subquery(published.order_by("published_at").values("published_at")[:1])

    tags = Tag.objects.filter(pk__in=ids).annotate(
        always=Exists(
            TaggedItem.objects.filter(
                tag=OuterRef("pk"), content_type__in=[content_type(Paper), content_type(Person)]
            )
        ),
        first_episode=first_published(Episode),
        first_post=first_published(Post),
    )
    entries = []
    for tag in tags:
        uses = [when for when in (tag.first_episode, tag.first_post) if when is not None]
        entries.append(
            Entry(
                kind=Kind.TAG,
                tag=tag,
                title=clean(tag.name),
                context="Topic",
                url=reverse("tag_detail", args=[tag.slug]),
                public_from=ALWAYS if tag.always else min(uses, default=None),
            )
        )
    return entries


def _joined(parts):
    return SEPARATOR.join(part for part in parts if part)


def _cut(text, length=300):
    text = clean(text)
    return text if len(text) <= length else text[: length - 1] + "…"


_SOURCE = {
    "episodes": "episode",  # its entry and its chapters' entries
    "people": "person",
    "papers": "paper",
    "posts": "post",
    "tags": "tag",
}
_BUILDERS = {
    "episodes": _episode_entries,
    "people": _person_entries,
    "papers": _paper_entries,
    "posts": _post_entries,
    "tags": _tag_entries,
}
