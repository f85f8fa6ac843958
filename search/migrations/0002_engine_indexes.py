"""What each database engine needs to search the entries fast (see search/models.py).

PostgreSQL: for each kind, GIN indexes on the weighted tsvector and on the title's tsvector,
and a trigram index on the names of people and topics (pg_trgm) for misspelled names.

SQLite: an FTS5 table over the title, keywords and body columns, kept in step with
search_entry by triggers.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Index names and kinds as in search.models (a migration keeps its own copy).
KINDS = ["episode", "chapter", "person", "paper", "post", "tag"]
# One pair of GIN indexes per kind (partial indexes): a search looks for the matches of each
# kind apart, and finds them in a small index rather than intersecting a list of every
# entry of that kind with the word's.
POSTGRESQL = [
    statement
    for kind in KINDS
    for statement in (
        f"CREATE INDEX search_entry_{kind}_vector_idx ON search_entry USING gin (vector) "
        f"WHERE kind = '{kind}'",
        # The expression SearchVector("title", config="english") compiles to, exactly.
        f"CREATE INDEX search_entry_{kind}_title_idx ON search_entry USING gin "
        f"(to_tsvector('english'::regconfig, COALESCE(title, ''))) WHERE kind = '{kind}'",
    )
] + [
    "CREATE INDEX search_entry_name_trgm_idx ON search_entry USING gin (title gin_trgm_ops) "
    "WHERE kind IN ('person', 'tag')",
]
POSTGRESQL_UNDO = ["DROP INDEX IF EXISTS search_entry_name_trgm_idx"] + [
    f"DROP INDEX IF EXISTS search_entry_{kind}_{column}_idx"
    for kind in KINDS
    for column in ("vector", "title")
]

_DELETE = (
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.keywords, old.body);"
)
_INSERT = (
    "INSERT INTO search_entry_fts(rowid, title, keywords, body) "
    "VALUES (new.id, new.title, new.keywords, new.body);"
)
SQLITE = [
    # Stems English words (porter) and ignores accents, as PostgreSQL's "english" does.
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(title, keywords, body, "
    "content='search_entry', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN {_INSERT} END",
    f"CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN {_DELETE} END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_entry "
    f"BEGIN {_DELETE} {_INSERT} END",
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),  # PostgreSQL only; nothing on SQLite
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
