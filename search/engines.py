"""Full-text search on each database engine: PostgreSQL for real, SQLite as a fallback.

Both take the same query syntax (PostgreSQL's "websearch": words, "a phrase", -excluded,
this OR that), rank title matches above keyword matches above body matches, and mark the
matching words in titles and snippets. PostgreSQL also forgives misspelled names of people
and topics (trigram similarity); SQLite matches words by their beginning instead.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Case, F, FloatField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from search.models import Entry, Kind

# Marks around matched words in what the database returns; never in indexed text (see
# search.index.clean), so that escaping the text and then turning them into <mark> is safe.
START, STOP = "\x02", "\x03"
SEPARATOR = " · "


def engine_for(alias):
    vendor = connections[alias].vendor
    return POSTGRESQL if vendor == "postgresql" else SQLITE


def marked(text):
    """`text` from the database as safe HTML, its matched words in <mark>."""
    html = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # Escaped just above; the marks are ours.


def snippet_source(keywords, body):
    return SEPARATOR.join(part for part in (keywords, body) if part)


class PostgreSQL:
    config = "english"
    # Misspelled names are forgiven where a name is the whole title.
    similar_kinds = [Kind.PERSON, Kind.TAG]

    def vector(self):
        """The weighted document of an entry; search.index stores it in Entry.vector."""
        return (
            SearchVector("title", weight="A", config=self.config)
            + SearchVector("keywords", weight="B", config=self.config)
            + SearchVector("body", weight="C", config=self.config)
        )

    def query(self, terms):
        return SearchQuery(terms, search_type="websearch", config=self.config)

    def search(self, entries, terms):
        query = self.query(terms)
        # The kinds are repeated in each condition so that the trigram index, which holds
        # only those kinds (migration 0002), serves it.
        similar = Q(kind__in=self.similar_kinds, title__trigram_word_similar=terms)
        similarity = Case(
            When(kind__in=self.similar_kinds, then=TrigramWordSimilarity(terms, "title")),
            default=Value(0.0),
            output_field=FloatField(),
        )
        return entries.filter(Q(vector=query) | similar).annotate(
            rank=SearchRank(F("vector"), query) + similarity
        )

    def highlight(self, entries, terms):
        """Set `title_html` and `snippet_html` on each entry (one query)."""
        query = self.query(terms)
        options = {"config": self.config, "start_sel": START, "stop_sel": STOP}
        rows = (
            Entry.objects.filter(pk__in=[entry.pk for entry in entries])
            .annotate(
                title_marked=SearchHeadline("title", query, highlight_all=True, **options),
                snippet_marked=SearchHeadline(
                    Concat("keywords", Value(SEPARATOR), "body", output_field=TextField()),
                    query,
                    max_words=30,
                    min_words=12,
                    short_word=2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **options,
                ),
            )
            .values_list("pk", "title_marked", "snippet_marked")
        )
        found = {pk: (title, snippet) for pk, title, snippet in rows}
        for entry in entries:
            title, snippet = found.get(entry.pk, (entry.title, ""))
            entry.title_html = marked(title)
            entry.snippet_html = marked(snippet.strip().removeprefix(SEPARATOR.strip()).strip())


class SQLite:
    table = "search_entry_fts"
    # bm25() weights of the title, keywords and body columns.
    weights = "10.0, 4.0, 1.0"

    def search(self, entries, terms):
        match = fts5_query(terms)
        if match is None:  # no word in it (say, only punctuation after a minus)
            return entries.none().annotate(rank=Value(0.0, output_field=FloatField()))
        matching = RawSQL(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", (match,))
        # bm25() is smaller for better matches; search ranks larger first.
        rank = RawSQL(
            f"SELECT -bm25({self.table}, {self.weights}) FROM {self.table} "
            f"WHERE {self.table} MATCH %s AND rowid = search_entry.id",
            (match,),
            output_field=FloatField(),
        )
        return entries.filter(pk__in=matching).annotate(rank=rank)

    def highlight(self, entries, terms):
        match = fts5_query(terms)
        found = {}
        if match is not None and entries:
            ids = [entry.pk for entry in entries]
            marks = f"'{START}', '{STOP}'"
            sql = (
                f"SELECT rowid, highlight({self.table}, 0, {marks}), "
                f"snippet({self.table}, 1, {marks}, ' … ', 16), "
                f"snippet({self.table}, 2, {marks}, ' … ', 24) "
                f"FROM {self.table} WHERE {self.table} MATCH %s "
                f"AND rowid IN ({', '.join(['%s'] * len(ids))})"
            )
            with connections[entries[0]._state.db or "default"].cursor() as cursor:
                cursor.execute(sql, [match, *ids])
                for pk, title, keywords, body in cursor.fetchall():
                    # The keywords' snippet when they hold the match, else the body's.
                    found[pk] = (title, keywords if START in (keywords or "") else body)
        for entry in entries:
            title, snippet = found.get(entry.pk, (entry.title, ""))
            if not snippet:
                snippet = " ".join((entry.body or entry.keywords).split()[:24])
            entry.title_html = marked(title)
            entry.snippet_html = marked(snippet)


POSTGRESQL = PostgreSQL()
SQLITE = SQLite()

# Websearch syntax: "a phrase", -word, -"a phrase", OR, and plain words.
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+")


def fts5_query(terms):
    """PostgreSQL's websearch syntax, written for SQLite FTS5 (None when nothing to find).

    Every word is quoted (FTS5 has operators of its own) and the last word of the query
    matches as a prefix, so that "Kambham" finds Kambhampati.
    """
    groups, excluded = [[]], []
    join_next = False
    for negate, phrase, word in TOKEN.findall(terms):
        if word and word.upper() == "OR" and groups[-1]:
            join_next = True
            continue
        if word.startswith("-") and len(word) > 1:
            negate, word = "-", word[1:]
        words = WORD.findall(phrase or word)
        if not words:
            continue
        item = '"' + " ".join(words) + '"'
        if negate:
            excluded.append(item)
        elif join_next or not groups[-1]:
            groups[-1].append(item)
        else:
            groups.append([item])
        join_next = False
    groups = [group for group in groups if group]
    if not groups:
        return None
    last = groups[-1][-1]
    if not terms.rstrip().endswith('"'):
        groups[-1][-1] = last + "*"
    query = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    for item in excluded:
        query += f" NOT {item}"
    return query
