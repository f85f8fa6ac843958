"""A search as the page and the API run it: the query cleaned, counted, ranked, highlighted.

Each step is one query whatever the number of matches: the counts per kind, the best few of
every kind (a window function) or one page of a kind, and the highlighted titles and
snippets of the entries shown.
"""

import re

from django.db.models import Count, F, FloatField, Value, Window
from django.db.models.functions import RowNumber

from search.engines import engine_for
from search.index import CONTROL
from search.models import Entry, Kind

MAX_LENGTH = 200  # characters of a query; the rest is dropped, and the page says so
PER_KIND = 5  # results of each kind on the "all" page
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


class Search:
    def __init__(self, raw):
        self.terms, self.shortened = clean_terms(raw)
        # Something to look for: at least one letter or digit.
        self.searchable = bool(WORD.search(self.terms))
        entries = Entry.objects.public()
        if self.searchable:
            self.matches = entries.search(self.terms)
        else:
            self.matches = entries.none().annotate(rank=Value(0.0, output_field=FloatField()))

    def ranked(self, kind=None):
        """All matches, or those of one kind, best first; newest first among equals."""
        matches = self.matches.filter(kind=kind) if kind else self.matches
        return matches.order_by(*self._order())

    def counts(self):
        """{kind: number of matches}, for every kind, in the order results are shown."""
        found = dict(
            self.matches.order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        return {kind: found.get(kind, 0) for kind in Kind.values}

    def best_of_each_kind(self, per_kind=PER_KIND):
        """{kind: its best `per_kind` matches, highlighted}, for the kinds with matches."""
        position = Window(RowNumber(), partition_by=[F("kind")], order_by=self._order())
        best = list(
            self.matches.annotate(position=position)
            .filter(position__lte=per_kind)
            .order_by("kind", "position")
        )
        self.highlight(best)
        groups = {kind: [] for kind in Kind.values}
        for entry in best:
            groups[entry.kind].append(entry)
        return {kind: entries for kind, entries in groups.items() if entries}

    def highlight(self, entries):
        """Set `title_html` and `snippet_html` on each of `entries` (one query)."""
        entries = list(entries)
        if entries:
            engine_for(self.matches.db).highlight(entries, self.terms)
        return entries

    @staticmethod
    def _order():
        return [F("rank").desc(), F("date").desc(nulls_last=True), F("pk").asc()]
