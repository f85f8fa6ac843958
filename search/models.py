"""The search index: one row per searchable thing, holding the text that search reads.

An `Entry` is derived data. `search.index` writes it from the episodes, chapters, people,
papers, posts and tags it stands for, whenever they change; nobody edits it by hand, and
`manage.py rebuild_search_index` can always make it again from scratch.

An entry also says from when it is public (`public_from`, copied from the publishing rules
of ibsite/publishing.py), so that a search filters one column rather than joining the
episodes and posts: publishing an item through its save() or the admin's publish/unpublish
actions re-indexes it; a scheduled item appears by itself when its time comes.

Each engine indexes the same three weighted columns (title, keywords, body):
- PostgreSQL keeps a weighted tsvector in `vector` (GIN index with the kind, btree_gin), and
  a trigram index on the titles of people and topics for misspelled names (migration 0002);
- SQLite keeps an FTS5 table, `search_entry_fts`, in step with this one through triggers
  (migration 0002). Should a later migration make Django rebuild this table on SQLite, it
  must recreate those triggers: tests/test_search_engines.py checks that they exist.
"""

import datetime

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from core.durations import format_timestamp

# The public_from of what is always public (people, papers).
ALWAYS = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class Kind(models.TextChoices):
    # In the order the results page shows them.
    EPISODE = "episode", "Episodes"
    CHAPTER = "chapter", "Moments in episodes"
    PERSON = "person", "People"
    PAPER = "paper", "Papers"
    POST = "post", "Posts"
    TAG = "tag", "Topics"


class EntryQuerySet(models.QuerySet):
    def public(self, kind=None, now=None):
        """What a visitor may find (of one kind, or of all): never a draft, nor a scheduled
        episode, chapter or post before its time, nor a topic used only by those. Searching
        is search.results.Search."""
        public = self.filter(public_from__lte=now or timezone.now())
        return public.filter(kind=kind) if kind else public


class Entry(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What the entry stands for (a chapter's entry names its episode too); deleting the
    # source deletes the entry.
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, null=True, related_name="+"
    )
    chapter = models.ForeignKey(
        "episodes.Chapter", on_delete=models.CASCADE, null=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, related_name="+"
    )
    paper = models.ForeignKey(
        "papers.Paper", on_delete=models.CASCADE, null=True, related_name="+"
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, null=True, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, null=True, related_name="+")

    # Searched, from most to least weight.
    title = models.CharField(max_length=500)
    keywords = models.TextField(blank=True, help_text="Names, venues, chapter titles, tags.")
    body = models.TextField(blank=True, help_text="Descriptions, abstracts, biographies.")
    # Shown, not searched: what a result needs, so that a results page joins nothing.
    context = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500)
    start = models.PositiveIntegerField(null=True, help_text="A chapter's start, in seconds.")
    date = models.DateField(null=True, help_text="Breaks ties between equal ranks: newest first.")
    # When it is public: the episode's or post's publication time (Publishable.public_from;
    # a scheduled one appears by itself), ALWAYS for people and papers, a topic's first
    # public use; None for drafts and for topics only drafts use.
    public_from = models.DateTimeField(null=True)

    vector = SearchVectorField(null=True, editable=False)  # PostgreSQL only

    objects = EntryQuerySet.as_manager()

    # What search.index compares to tell whether an entry changed.
    TEXT_FIELDS = ["title", "keywords", "body", "context", "url", "start", "date", "public_from"]

    class Meta:
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(kind="episode"), name="one_entry_per_episode"
            ),
            models.UniqueConstraint(fields=["chapter"], name="one_entry_per_chapter"),
            models.UniqueConstraint(fields=["person"], name="one_entry_per_person"),
            models.UniqueConstraint(fields=["paper"], name="one_entry_per_paper"),
            models.UniqueConstraint(fields=["post"], name="one_entry_per_post"),
            models.UniqueConstraint(fields=["tag"], name="one_entry_per_tag"),
        ]
        indexes = [
            # The newest matches of a kind first, when a common word matches thousands
            # (search.results.CAP); the full-text indexes are in migration 0002.
            models.Index(fields=["kind", "date", "id"], name="search_entry_newest_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url

    def source_key(self):
        """(kind, id of what it stands for): an entry's identity for search.index."""
        return self.kind, getattr(self, f"{self.kind}_id")  # each kind names its foreign key

    def timestamp(self):
        """A chapter's start as the episode page's ?t= writes it ("1:04:18")."""
        return format_timestamp(self.start) if self.start is not None else ""
