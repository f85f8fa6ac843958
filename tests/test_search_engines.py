"""Full-text search on each engine: the websearch syntax, ranking, highlighting, what is
public, and what each engine adds (SQLite's FTS5 table and prefixes, PostgreSQL's trigrams).

The module runs on whichever database the suite uses (DATABASE_URL); the few tests of one
engine's own machinery skip on the other.
"""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone

from episodes.models import Episode
from posts.models import Post
from search.engines import fts5_query
from search.models import ALWAYS, Entry, Kind
from search.results import Search
from tests.factories import (
    ChapterFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
)

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's FTS5 table (PostgreSQL has its own)"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: DATABASE_URL=postgres://..."
)


def found(terms, kind=None):
    """Titles of the public entries matching `terms`, best first."""
    return [entry.title for entry in Search(terms).ranked(kind)]


def highlighted(terms):
    """{title: (title_html, snippet_html)} of what a search for `terms` shows."""
    return {e.title: (e.title_html, e.snippet_html) for e in Search(terms).ranked()}


# fts5_query: the websearch syntax, written for FTS5.


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("attention", '("attention"*)'),
        ("reasoning models", '("reasoning") AND ("models"*)'),
        ("  reasoning   models  ", '("reasoning") AND ("models"*)'),
        ('"platonic representation"', '("platonic representation")'),
        (
            '"platonic representation" hypothesis',
            '("platonic representation") AND ("hypothesis"*)',
        ),
        ("planning -diffusion", '("planning"*) NOT "diffusion"'),
        # A query that ends with a closing quote is typed to the end: no prefix.
        ('planning -"chain of thought"', '("planning") NOT "chain of thought"'),
        ("transformers OR diffusion", '("transformers" OR "diffusion"*)'),
        ("llm transformers or diffusion", '("llm") AND ("transformers" OR "diffusion"*)'),
        ("OR planning", '("OR") AND ("planning"*)'),
        ("Shwartz-Ziv", '("Shwartz Ziv"*)'),
        ("Kempe's", '("Kempe s"*)'),
        ("Schölkopf", '("Schölkopf"*)'),
    ],
)
def test_fts5_query_writes_websearch_syntax_for_fts5(terms, expected):
    assert fts5_query(terms) == expected


@pytest.mark.parametrize("terms", ["", "   ", "!!!", "-", '""', "- -- ...", "-planning", '-"a b"'])
def test_fts5_query_is_none_when_there_is_nothing_to_find(terms):
    assert fts5_query(terms) is None


@pytest.mark.parametrize(
    "terms",
    ['plan"ning', 'a"b" OR "c', '"unclosed phrase', 'NEAR("a" "b")', "title:secret", "a AND b*"],
)
def test_quotes_and_operators_in_a_query_cannot_break_fts5_syntax(terms):
    query = fts5_query(terms)
    # Every word is quoted, and the quotes hold only words: outside them is only our syntax.
    quoted = re.findall(r'"([^"]*)"', query)
    assert all(re.fullmatch(r"\w+( \w+)*", words) for words in quoted), query
    outside = re.findall(r"\w+|\S", re.sub(r'"[^"]*"', " ", query))
    assert set(outside) <= {"(", ")", "*", "AND", "OR", "NOT"}, query


@pytest.mark.django_db
@pytest.mark.parametrize(
    "terms",
    ['plan"ning', 'a"b" OR "c', '"unclosed phrase', 'NEAR("a" "b")', "title:secret", "(a", "^a"],
)
def test_any_query_searches_without_a_database_error(terms):
    PaperFactory(title="Planning with a secret title")
    found(terms)  # no OperationalError / ProgrammingError


# Ranking.


@pytest.mark.django_db
def test_a_title_match_outranks_a_body_match():
    PaperFactory(
        title="Scaling Laws for Language Models",
        abstract="We study how attention models scale with compute.",
    )
    PaperFactory(title="Attention Is All You Need", abstract="A new network architecture.")

    assert found("attention") == ["Attention Is All You Need", "Scaling Laws for Language Models"]


@pytest.mark.django_db
def test_a_keyword_match_outranks_a_body_match():
    PaperFactory(title="Emergent Abilities", abstract="Written with Yann LeCun in mind.")
    PaperFactory(title="Joint Embeddings", venue="NeurIPS 2023", abstract="Predictive models.")
    paper = PaperFactory(title="Self-Supervised Learning")
    paper.authors.add(PersonFactory(name="Yann LeCun"), through_defaults={"order": 1})

    assert found("LeCun", kind=Kind.PAPER) == ["Self-Supervised Learning", "Emergent Abilities"]


@pytest.mark.django_db
def test_words_are_stemmed_as_english():
    PaperFactory(title="Planning with Reasoning Models")

    assert found("plans", kind=Kind.PAPER) == ["Planning with Reasoning Models"]
    assert found("reasoned model", kind=Kind.PAPER) == ["Planning with Reasoning Models"]


# The websearch syntax.


PLANNING = "Planning with Reasoning Models"
WORLD = "Reasoning about Planning and World Models"
DIFFUSION = "Diffusion Models Beat GANs"


@pytest.fixture
def papers(db):
    for title in [PLANNING, WORLD, DIFFUSION]:
        PaperFactory(title=title)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("reasoning models", {PLANNING, WORLD}),
        ('"reasoning models"', {PLANNING}),
        ("models -planning", {DIFFUSION}),
        ('models -"reasoning models"', {WORLD, DIFFUSION}),
        ("diffusion OR reasoning", {PLANNING, WORLD, DIFFUSION}),
        ("gans or world", {WORLD, DIFFUSION}),
        ("diffusion reasoning", set()),
    ],
)
def test_websearch_syntax_works_on_every_engine(papers, terms, expected):
    assert set(found(terms, kind=Kind.PAPER)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("terms", ["", "!!!", "-planning", "- ..."])
def test_a_query_with_nothing_to_find_finds_nothing(terms):
    PaperFactory(title="Planning with Reasoning Models")

    search = Search(terms)
    assert list(search.ranked()) == []
    assert sum(search.counts().values()) == 0


# Highlighting.


@pytest.mark.django_db
def test_matched_words_are_marked_in_titles_and_snippets():
    PaperFactory(title="Attention Is All You Need", abstract="The dominant models use attention.")
    PaperFactory(title="Scaling Laws", abstract="Compute matters more than attention heads do.")

    shown = highlighted("attention")

    title_html, snippet_html = shown["Attention Is All You Need"]
    assert title_html == "<mark>Attention</mark> Is All You Need"
    assert "<mark>attention</mark>" in snippet_html
    title_html, snippet_html = shown["Scaling Laws"]
    assert title_html == "Scaling Laws"
    assert "<mark>attention</mark> heads" in snippet_html


@pytest.mark.django_db
def test_html_in_indexed_text_is_escaped_never_run():
    PaperFactory(
        title="<script>alert(1)</script> attention",
        abstract='<img src=x onerror="alert(1)"> attention & <b>friends</b>',
    )

    ((title_html, snippet_html),) = highlighted("attention").values()

    for html in (title_html, snippet_html):
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert "<mark>attention</mark>" in html
    assert "&lt;/script&gt; <mark>attention</mark>" in title_html
    assert "&amp;" in snippet_html


# Drafts and scheduled items.


@pytest.fixture
def unpublished(db):
    """A draft and a scheduled episode (with chapters), a draft and a scheduled post, and a
    topic only they use; all about "clandestine" things."""
    later = timezone.now() + datetime.timedelta(days=7)
    draft = EpisodeFactory(draft=True, title="Clandestine draft episode", tags=["Secrecy"])
    ChapterFactory(episode=draft, title="Clandestine chapter of the draft")
    scheduled = EpisodeFactory(scheduled=True, title="Clandestine scheduled episode")
    ChapterFactory(episode=scheduled, title="Clandestine chapter of the scheduled one")
    PostFactory(draft=True, title="Clandestine draft post", tags=["Secrecy"])
    PostFactory(is_draft=False, published_at=later, title="Clandestine scheduled post")


def test_drafts_scheduled_items_their_chapters_and_their_topics_are_never_found(unpublished):
    assert found("clandestine") == []
    assert found("secrecy") == []
    assert Entry.objects.filter(kind=Kind.TAG, title="Secrecy").exists()
    assert Search("clandestine").counts() == dict.fromkeys(Kind.values, 0)
    # They are indexed, ready for publication: only hidden.
    assert Entry.objects.filter(title__startswith="Clandestine").count() == 6


def test_they_are_found_once_published_even_by_a_bulk_update(unpublished):
    # The admin's actions: a bulk update(), announced by content_changed.
    Episode.objects.drafts().publish_now()
    Post.objects.scheduled().publish_now()

    assert set(found("clandestine")) == {
        "Clandestine draft episode",
        "Clandestine chapter of the draft",
        "Clandestine scheduled post",
    }
    assert found("secrecy", kind=Kind.TAG) == ["Secrecy"]


def test_a_topic_used_by_something_public_is_found(unpublished):
    PaperFactory().tags.add("Secrecy")

    assert found("secrecy", kind=Kind.TAG) == ["Secrecy"]


# SQLite: the FTS5 table, kept in step by triggers.


@sqlite_only
@pytest.mark.django_db
def test_sqlite_has_the_fts5_table_and_its_three_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN "
            "('search_entry', 'search_entry_fts') AND type IN ('table', 'trigger')"
        )
        objects = {name: (kind, sql) for kind, name, sql in cursor.fetchall()}

    kind, sql = objects["search_entry_fts"]
    assert kind == "table"
    assert "USING fts5(title, keywords, body" in sql
    for name in ["search_entry_fts_insert", "search_entry_fts_delete", "search_entry_fts_update"]:
        assert objects[name][0] == "trigger", name


@sqlite_only
@pytest.mark.django_db
def test_sqlite_fts5_table_follows_inserts_updates_and_deletes():
    paper = PaperFactory(title="Platonic Representations")
    assert found("platonic") == ["Platonic Representations"]

    paper.title = "Aristotelian Representations"
    paper.save()
    assert found("platonic") == []
    assert found("aristotelian") == ["Aristotelian Representations"]

    paper.delete()
    assert found("aristotelian") == []
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('integrity-check')")


@sqlite_only
@pytest.mark.django_db
def test_sqlite_matches_the_last_word_as_a_prefix():
    PersonFactory(name="Rao Kambhampati")

    assert found("Kambham") == ["Rao Kambhampati"]
    assert found("rao kambh") == ["Rao Kambhampati"]
    assert found('"Kambham"') == []  # a quoted word is whole


# PostgreSQL: a weighted tsvector with a GIN index, and trigrams for misspelled names.


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Kambampati", "Subarao Kambhampatti", "kambhampati"])
def test_postgresql_forgives_misspelled_names_of_people_by_trigram_similarity(typed):
    PersonFactory(name="Subbarao Kambhampati")
    PersonFactory(name="Julia Kempe")
    PersonFactory(name="Phillip Isola")

    assert found(typed, kind=Kind.PERSON) == ["Subbarao Kambhampati"]


@postgresql_only
@pytest.mark.django_db
def test_postgresql_forgives_misspelled_topics():
    EpisodeFactory(tags=["Interpretability"])

    assert found("interpretabilty", kind=Kind.TAG) == ["Interpretability"]


@postgresql_only
@pytest.mark.django_db
def test_postgresql_has_the_gin_indexes_of_migration_0002():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entry'"
        )
        indexes = dict(cursor.fetchall())

    for kind in Kind.values:
        vector = indexes[f"search_entry_{kind}_vector_idx"]
        assert "USING gin (vector)" in vector and f"'{kind}'" in vector
        title = indexes[f"search_entry_{kind}_title_idx"]
        assert "USING gin (to_tsvector('english'" in title and f"'{kind}'" in title
    trigram = indexes["search_entry_name_trgm_idx"]
    assert "USING gin (title gin_trgm_ops)" in trigram
    assert "'person'" in trigram and "'tag'" in trigram


@postgresql_only
@pytest.mark.django_db
def test_postgresql_finds_the_hits_through_those_indexes():
    """The hits query's expressions must be the indexes' own, or PostgreSQL reads every
    entry of a kind. Enough papers that the planner prefers the indexes to a walk."""
    from search.engines import POSTGRESQL

    Entry.objects.bulk_create(
        Entry(kind=Kind.PAPER, title=f"Paper {n} on topic {n % 97}", url="/", public_from=ALWAYS)
        for n in range(3000)
    )
    Entry.objects.update(vector=POSTGRESQL.vector())
    params = {"terms": "platonic", "cap": 100, "now": timezone.now()}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE search_entry")
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + POSTGRESQL._hits_sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan" not in plan
    assert "Bitmap Index Scan on search_entry_paper_vector_idx" in plan, plan
    assert "Bitmap Index Scan on search_entry_paper_title_idx" in plan, plan


@postgresql_only
@pytest.mark.django_db
def test_postgresql_fills_the_vector_of_every_entry_and_refreshes_it_on_change():
    episode = EpisodeFactory(title="Platonic Representations", tags=["Representation"])
    ChapterFactory.create_batch(2, episode=episode)
    PersonFactory()
    PaperFactory()
    PostFactory()
    assert Entry.objects.count() == 7
    assert not Entry.objects.filter(vector__isnull=True).exists()

    episode.title = "Aristotelian Representations"
    episode.save()

    assert not Entry.objects.filter(vector__isnull=True).exists()
    assert found("aristotelian", kind=Kind.EPISODE) == ["Aristotelian Representations"]
    assert found("platonic", kind=Kind.EPISODE) == []
