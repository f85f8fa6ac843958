"""Full-text search on each database engine: PostgreSQL for real, SQLite as a fallback.

Both take the same query syntax (PostgreSQL's "websearch": words, "a phrase", -excluded,
this OR that), rank title matches above keyword matches above body matches, and mark the
matching words in titles and snippets. PostgreSQL also forgives misspelled names of people
and topics (trigram similarity); SQLite matches words by their beginning instead.
"""

import functools
import re
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connections, transaction
from django.db.models import F, FloatField, Q, TextField, Value
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

    def hits(self, using, terms, cap, now):
        """(id, kind, rank, date) of the entries to rank: of each kind, at most `cap` whose
        title matches and `cap` that match anywhere (search.results explains why).

        Written in SQL because it is the one query every search makes, and building it with
        the ORM took longer than running it. The planner is kept to the GIN indexes: left to
        itself, it may walk a kind's entries in date order until `cap` of them match, quick
        for a common word but a scan of the whole kind for a rare word it misjudges (one it
        has no statistics for, a phrase); the indexes' bitmaps are quick for both.
        """
        params = {"terms": terms, "cap": cap, "now": now}
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            cursor.execute(self._hits_sql, params)
            rows = cursor.fetchall()
            cursor.execute("SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on")
        return rows

    @functools.cached_property
    def _hits_sql(self):
        query = f"websearch_to_tsquery('{self.config}'::regconfig, %(terms)s)"
        title = f"to_tsvector('{self.config}'::regconfig, COALESCE(title, ''))"  # its index
        similar = ", ".join(f"'{kind}'" for kind in self.similar_kinds)
        candidates = []
        for kind in Kind.values:
            of_kind = (
                f"SELECT id FROM search_entry WHERE kind = '{kind}' AND public_from <= %(now)s"
            )
            found = f"vector @@ {query}"
            if kind in self.similar_kinds:
                # The kinds repeated, so that the trigram index (only those kinds) serves it.
                found = f"({found} OR (kind IN ({similar}) AND title %%> %(terms)s))"
            candidates += [
                f"({of_kind} AND {title} @@ {query} LIMIT %(cap)s)",
                f"({of_kind} AND {found} LIMIT %(cap)s)",
            ]
        return (
            f"SELECT id, kind, ts_rank(vector, {query}) + CASE WHEN kind IN ({similar}) "
            "THEN word_similarity(%(terms)s, title) ELSE 0 END, date FROM search_entry "
            f"WHERE id IN ({' UNION ALL '.join(candidates)}) "
            # A query of excluded words only ("-zzz") would match nearly everything, without
            # the indexes: it matches nothing (querytree() is "T" when no word must appear).
            f"AND querytree({query}) NOT IN ('T', '')"
        )

    def with_marks(self, entries, terms):
        """`entries` annotated with `title_marked` and `snippet_marked`: the title, and a
        passage of the keywords and body, with the matched words between START and STOP."""
        query = self.query(terms)
        options = {"config": self.config, "start_sel": START, "stop_sel": STOP}
        return entries.annotate(
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


class SQLite:
    table = "search_entry_fts"
    # bm25() weights of the title, keywords and body columns.
    weights = "10.0, 4.0, 1.0"

    def matching(self, entries, terms):
        match = fts5_query(terms)
        if match is None:  # no word in it (say, only punctuation after a minus)
            return entries.none()
        found = RawSQL(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s", (match,))
        return entries.filter(pk__in=found)

    def hits(self, using, terms, cap, now):
        """(id, kind, rank, date) of the newest `cap` matching entries of each kind."""
        entries = Entry.objects.using(using).public(now=now)
        newest = [F("date").desc(), F("pk").desc()]  # search_entry_newest_idx, backwards
        candidates = [
            Q(pk__in=self.matching(entries.filter(kind=kind), terms).order_by(*newest)[:cap])
            for kind in Kind.values
        ]
        found = entries.filter(reduce(or_, candidates)).annotate(rank=self.rank(terms))
        return list(found.values_list("pk", "kind", "rank", "date"))

    def rank(self, terms):
        # bm25() is smaller for better matches; search ranks larger first. Only called on
        # entries that match, so the inner MATCH finds the row.
        return RawSQL(
            f"SELECT -bm25({self.table}, {self.weights}) FROM {self.table} "
            f"WHERE {self.table} MATCH %s AND rowid = search_entry.id",
            (fts5_query(terms) or '""',),
            output_field=FloatField(),
        )

    def with_marks(self, entries, terms):
        match = fts5_query(terms) or '""'
        marks = f"'{START}', '{STOP}'"

        def from_fts(function):
            return RawSQL(
                f"SELECT {function} FROM {self.table} "
                f"WHERE {self.table} MATCH %s AND rowid = search_entry.id",
                (match,),
                output_field=TextField(),
            )

        return entries.annotate(
            title_marked=from_fts(f"highlight({self.table}, 0, {marks})"),
            # The keywords' passage when they hold the match, else the body's.
            keywords_marked=from_fts(f"snippet({self.table}, 1, {marks}, ' … ', 16)"),
            body_marked=from_fts(f"snippet({self.table}, 2, {marks}, ' … ', 24)"),
        )


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
