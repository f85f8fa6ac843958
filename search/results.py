"""A search as the page and the API run it: the query cleaned, matched, ranked, highlighted.

Two queries whatever the number of matches. The first finds the hits of every kind, with
their rank; counts, ordering, the best of each kind and pagination then happen on those
small tuples. The second loads the entries shown, with their titles and snippets marked up.

Ranking reads each matching entry, so a word found in half the corpus must not rank half
the corpus: of each kind, at most CAP entries whose title matches and CAP others are ranked
(see the engines' candidates()), and a count that reaches CAP is shown as "CAP+". Anything
narrower than a very common word is ranked in full.
"""

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone

from search.engines import SEPARATOR, START, engine_for, marked
from search.index import CONTROL
from search.models import Entry, Kind

MAX_LENGTH = 200  # characters of a query; the rest is dropped, and the page says so
PER_KIND = 5  # results of each kind on the "all" page
# Matches of each kind ranked at most (title matches first); counts stop there ("200+").
CAP = 100
WORD = re.compile(r"\w")


def clean_terms(raw):
    """The query as searched: no control characters, spaces collapsed, at most MAX_LENGTH
    characters (cut at a space where there is one). Returns (terms, shortened)."""
    terms = " ".join(CONTROL.sub(" ", raw or "").split())
    if len(terms) <= MAX_LENGTH:
        return terms, False
    cut = terms[:MAX_LENGTH]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut, True


@dataclass(frozen=True)
class Hit:
    pk: int
    kind: str
    rank: float
    date: date | None

    def sort_key(self):
        # Best first; among equals the newest, then the first indexed.
        return (-self.rank, self.date is None, -(self.date or date.min).toordinal(), self.pk)


class Search:
    def __init__(self, raw, using="default"):
        self.terms, self.shortened = clean_terms(raw)
        # Something to look for: at least one letter or digit.
        self.searchable = bool(WORD.search(self.terms))
        self.engine = engine_for(using)
        self.using = using

    @cached_property
    def hits(self):
        """Every hit, best first (one query)."""
        if not self.searchable:
            return []
        rows = self.engine.hits(self.using, self.terms, CAP, timezone.now())
        return sorted((Hit(*row) for row in rows), key=Hit.sort_key)

    def counts(self):
        """{kind: number of hits}, every kind, in the order results are shown; CAP means
        CAP or more."""
        counts = dict.fromkeys(Kind.values, 0)
        for hit in self.hits:
            counts[hit.kind] += 1
        return counts

    def ranked(self, kind=None):
        """The hits, or those of one kind, as a sequence of entries: a slice of it (a page)
        loads its entries, marked up, in one query."""
        hits = [hit for hit in self.hits if hit.kind == kind] if kind else self.hits
        return Results(self, hits)

    def best_of_each_kind(self, per_kind=PER_KIND):
        """{kind: its best `per_kind` entries, marked up}, for the kinds with hits."""
        best = {}
        for hit in self.hits:
            group = best.setdefault(hit.kind, [])
            if len(group) < per_kind:
                group.append(hit)
        entries = iter(self.load([hit for kind in Kind.values for hit in best.get(kind, [])]))
        return {kind: [next(entries) for _ in best[kind]] for kind in Kind.values if kind in best}

    def load(self, hits):
        """The entries of `hits`, in their order, with `rank`, `title_html` and
        `snippet_html` (one query)."""
        if not hits:
            return []
        entries = Entry.objects.using(self.using).filter(pk__in=[hit.pk for hit in hits])
        found = {entry.pk: entry for entry in self.engine.with_marks(entries, self.terms)}
        loaded = []
        for hit in hits:
            entry = found.get(hit.pk)
            if entry is not None:  # unless deleted since the hits were found
                entry.rank = hit.rank
                _mark_up(entry)
                loaded.append(entry)
        return loaded


class Results:
    """Hits as a sequence of entries, for Django's Paginator and DRF's pagination."""

    def __init__(self, search, hits):
        self.search, self.hits = search, hits

    def __len__(self):
        return len(self.hits)

    def count(self):
        return len(self.hits)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.search.load(self.hits[index])
        return self.search.load([self.hits[index]])[0]

    def __iter__(self):
        return iter(self[:])


def _mark_up(entry):
    title = entry.title_marked or entry.title
    snippet = getattr(entry, "snippet_marked", None)
    if snippet is None:  # SQLite marks keywords and body apart
        keywords, body = entry.keywords_marked or "", entry.body_marked or ""
        snippet = keywords if START in keywords else body
    snippet = snippet.strip().removeprefix(SEPARATOR.strip()).strip()
    if START not in snippet:  # the title matched, or a name by its spelling
        words = (entry.body or entry.keywords).split()
        snippet = " ".join(words[:30]) + (" …" if len(words) > 30 else "")
    entry.title_html = marked(title)
    entry.snippet_html = marked(snippet)
