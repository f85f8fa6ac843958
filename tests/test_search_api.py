"""The search endpoint, /api/v1/search/ (api/views.py SearchViewSet): the /search/ page's
results as JSON.

The query words are distinctive nouns that both engines find alike (see
tests/test_search_page.py).
"""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from search import index
from search.models import Kind
from tests.api import API, SITE_URL, assert_errors, assert_queries_do_not_grow, get_json
from tests.factories import (
    ChapterFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
)
from tests.pages import Page, fast_client, saved  # noqa: F401 (fast_client: the `client` fixture)
from tests.test_search_page import everything_about

SEARCH = f"{API}/search/"
RESULT_FIELDS = {
    "kind",
    "title",
    "title_html",
    "snippet_html",
    "context",
    "html_url",
    "start",
    "timestamp",
    "date",
    "rank",
}
NO_MATCHES = dict.fromkeys(Kind.values, 0)


def search(client, query, status=200, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def urls(data):
    return [result["html_url"] for result in data["results"]]


def params_of(url):
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def lean(db):
    """An episode about Lean with a chapter on Mathlib, a paper with Mathlib in its title
    (older) and one with it in its abstract only (newer), and a person."""
    episode = EpisodeFactory(
        title="Proofs by Machine",
        slug="proofs-by-machine",
        duration=5400,
        published_at=datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC),
    )
    ChapterFactory(episode=episode, start=0, title="Introductions")
    ChapterFactory(episode=episode, start=3725, title="Why Mathlib works")
    PaperFactory(
        title="Mathlib in Practice",
        slug="mathlib-in-practice",
        year=2020,
        published_on=datetime.date(2020, 1, 1),
    )
    PaperFactory(
        title="Formal Proofs at Scale",
        slug="formal-proofs-at-scale",
        abstract="Every theorem is checked against mathlib.",
        year=2025,
        published_on=datetime.date(2025, 1, 1),
    )
    PersonFactory(name="Grace Example", slug="grace-example", bio="A maintainer of mathlib.")
    return episode


@pytest.fixture
def unpublished(db):
    draft = EpisodeFactory(draft=True, title="Mathlib Unreleased", slug="mathlib-unreleased")
    ChapterFactory(episode=draft, start=60, title="Mathlib behind closed doors")
    EpisodeFactory(scheduled=True, title="Mathlib Scheduled", slug="mathlib-scheduled")
    PostFactory(draft=True, title="Mathlib draft", slug="mathlib-draft")
    PostFactory(
        title="Mathlib, coming soon",
        slug="mathlib-coming-soon",
        is_draft=False,
        published_at=timezone.now() + datetime.timedelta(days=7),
    )
    return draft


# The shape of an answer.


def test_an_answer_has_the_query_counts_pages_and_results(api, lean):
    data = search(api, "mathlib")
    assert list(data) == ["query", "counts", "count", "next", "previous", "results"]
    assert data["query"] == "mathlib"
    assert data["counts"] == {
        "episode": 1,
        "chapter": 1,
        "person": 1,
        "paper": 2,
        "post": 0,
        "tag": 0,
    }
    assert data["count"] == 5
    assert data["next"] is None
    assert data["previous"] is None
    for result in data["results"]:
        assert set(result) == RESULT_FIELDS
        assert result["kind"] in Kind.values
        assert result["html_url"].startswith(f"{SITE_URL}/")
        assert isinstance(result["rank"], float)
        assert "<mark>" in result["title_html"] + result["snippet_html"]


def test_a_paper_result_has_its_page_date_and_marked_title(api, lean):
    data = search(api, "mathlib", kind="paper")
    paper = next(r for r in data["results"] if r["title"] == "Mathlib in Practice")
    assert paper == {
        "kind": "paper",
        "title": "Mathlib in Practice",
        "title_html": "<mark>Mathlib</mark> in Practice",
        "snippet_html": paper["snippet_html"],
        "context": "2020",
        "html_url": f"{SITE_URL}/papers/mathlib-in-practice/",
        "start": None,
        "timestamp": None,
        "date": "2020-01-01",
        "rank": paper["rank"],
    }
    body_match = next(r for r in data["results"] if r["title"] == "Formal Proofs at Scale")
    assert "<mark>mathlib</mark>" in body_match["snippet_html"]
    assert body_match["title_html"] == "Formal Proofs at Scale"


def test_a_chapter_result_has_its_moment(api, lean):
    data = search(api, "mathlib", kind="chapter")
    (chapter,) = data["results"]
    assert chapter["kind"] == "chapter"
    assert chapter["title"] == "Why Mathlib works"
    assert chapter["title_html"] == "Why <mark>Mathlib</mark> works"
    assert chapter["start"] == 3725
    assert chapter["timestamp"] == "1:02:05"
    assert chapter["html_url"] == f"{SITE_URL}/episodes/proofs-by-machine/?t=1:02:05"
    assert chapter["context"] == "Proofs by Machine"
    assert chapter["date"] == "2026-05-01"


def test_a_short_chapter_timestamp_has_minutes_and_seconds(api, db):
    episode = EpisodeFactory(slug="short-one")
    ChapterFactory(episode=episode, start=754, title="Thermodynamics")
    (chapter,) = search(api, "thermodynamics", kind="chapter")["results"]
    assert chapter["timestamp"] == "12:34"
    assert chapter["html_url"] == f"{SITE_URL}/episodes/short-one/?t=12:34"


def test_other_kinds_have_no_moment(api, lean):
    for result in search(api, "mathlib")["results"]:
        if result["kind"] != "chapter":
            assert result["start"] is None
            assert result["timestamp"] is None
            assert "?t=" not in result["html_url"]


def test_markup_in_titles_is_escaped_around_the_marks(api, db):
    PaperFactory(title="<b>Mathlib</b> <script>x</script>", slug="markup")
    (result,) = search(api, "mathlib")["results"]
    assert result["title"] == "<b>Mathlib</b> <script>x</script>"
    assert (
        result["title_html"]
        == "&lt;b&gt;<mark>Mathlib</mark>&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;"
    )


# Ranking, kinds and pages.


def test_a_title_match_ranks_before_a_body_match(api, lean):
    data = search(api, "mathlib", kind="paper")
    assert urls(data) == [
        f"{SITE_URL}/papers/mathlib-in-practice/",  # older, but the word is in its title
        f"{SITE_URL}/papers/formal-proofs-at-scale/",
    ]
    ranks = [result["rank"] for result in data["results"]]
    assert ranks[0] > ranks[1]


def test_results_are_best_first_across_kinds(api, lean):
    ranks = [result["rank"] for result in search(api, "mathlib")["results"]]
    assert ranks == sorted(ranks, reverse=True)


def results_on_the_page(client, **params):
    page = Page(client.get("/search/", params))
    return [SITE_URL + attrs["href"] for attrs in page.all("a", class_="result-title")]


@pytest.mark.parametrize("kind", ["paper", "chapter", "person"])
def test_one_kind_is_ranked_as_on_the_page(api, client, lean, kind):
    expected = results_on_the_page(client, q="mathlib", kind=kind)
    assert expected
    assert urls(search(api, "mathlib", kind=kind)) == expected


def test_every_kind_is_ranked_as_on_the_page(api, client, lean):
    # The page groups the same results by kind, each group in the same order.
    results = search(api, "mathlib")["results"]
    by_kind = sorted(results, key=lambda result: Kind.values.index(result["kind"]))
    assert [result["html_url"] for result in by_kind] == results_on_the_page(client, q="mathlib")


def test_kind_filters_the_results_but_not_the_counts(api, lean):
    everything = search(api, "mathlib")
    for kind in Kind.values:
        data = search(api, "mathlib", kind=kind)
        assert {result["kind"] for result in data["results"]} <= {kind}
        assert data["count"] == everything["counts"][kind]
        assert data["counts"] == everything["counts"]
    assert search(api, "mathlib", kind="")["count"] == 5  # blank: every kind


def test_results_are_paginated_and_the_links_keep_the_query(api, db):
    index.update(papers=saved(PaperFactory, 25, abstract="Checked against mathlib."))

    first = search(api, "mathlib", kind="paper")
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert params_of(first["next"]) == {"q": ["mathlib"], "kind": ["paper"], "page": ["2"]}
    assert first["next"].startswith(f"http://testserver{SEARCH}?")

    second = get_json(api, first["next"])
    assert len(second["results"]) == 5
    assert not set(urls(first)) & set(urls(second))
    assert second["next"] is None
    assert params_of(second["previous"]) == {"q": ["mathlib"], "kind": ["paper"]}
    assert second["counts"]["paper"] == 25


@pytest.mark.parametrize("page", ["2", "99", "0", "abc"])
def test_a_page_out_of_range_is_a_json_404(api, lean, page):
    response = api.get(SEARCH, {"q": "mathlib", "page": page})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


# Bad and odd queries.


def test_a_missing_query_is_a_400_naming_q(api, lean):
    body = assert_errors(api.get(SEARCH), 400, "q")
    assert isinstance(body["q"], list)
    body = assert_errors(api.get(SEARCH, {"kind": "paper"}), 400, "q")
    assert isinstance(body["q"], list)


@pytest.mark.parametrize("kind", ["podcast", "Paper", "episodes", "tag,paper"])
def test_an_unknown_kind_is_a_400_naming_kind(api, lean, kind):
    body = assert_errors(api.get(SEARCH, {"q": "mathlib", "kind": kind}), 400, "kind")
    assert isinstance(body["kind"], list)


def test_a_query_with_nothing_to_look_for_finds_nothing(api, lean):
    for query in ["", "   ", "!!!", "?-+*:()\"'", "\x00", "\x01\x02\x03", "-", '""']:
        data = search(api, query)
        assert data["count"] == 0, repr(query)
        assert data["results"] == []
        assert data["counts"] == NO_MATCHES


def test_control_characters_are_dropped_from_the_query(api, lean):
    for query in ["mathlib\x00", "\x00mathlib", "\x00mathlib\x00", "mathlib\x1b\x7f"]:
        data = search(api, query)
        assert data["query"] == "mathlib", repr(query)
        assert data["count"] == 5, repr(query)


def test_a_very_long_query_is_cut_to_200_characters(api, lean):
    data = search(api, ("mathlib " * 300)[:2000])
    assert len(data["query"]) <= 200
    assert data["query"] == " ".join(["mathlib"] * 25)  # cut at a space, not in a word
    assert data["count"] == 5


ODD_QUERIES = [
    "x" * 2000,
    "mathlib " * 250,
    '"mathlib',
    'mathlib"',
    "mathlib OR",
    "OR OR OR",
    "-mathlib -",
    "NOT mathlib AND (x)",
    "mathlib*",
    "^mathlib",
    "NEAR(mathlib proofs)",
    "title:mathlib",
    "'; DROP TABLE search_entry; --",
    "μαθηματικά 数学 🧮",
    "%",
    "_",
    "\\",
    "mathlib\ufffd",
]


def test_odd_queries_are_answered_never_a_500(api, lean):
    for query in ODD_QUERIES:
        data = search(api, query)
        assert sum(data["counts"].values()) == data["count"], repr(query)
        assert len(data["results"]) == min(data["count"], 20), repr(query)


def test_no_match_is_an_empty_page(api, lean):
    data = search(api, "zygomorphic")
    assert data == {
        "query": "zygomorphic",
        "counts": NO_MATCHES,
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


# Only what is published.


@pytest.mark.parametrize("client_name", ["api", "listener_api", "editor_api"])
def test_drafts_and_scheduled_items_never_leak(request, lean, unpublished, client_name):
    client = request.getfixturevalue(client_name)
    data = search(client, "mathlib")
    assert data["count"] == 5
    found = json.dumps(data)
    for word in ["Unreleased", "closed doors", "Scheduled", "draft", "coming soon"]:
        assert word not in found
    for kind in ["episode", "chapter", "post"]:
        assert search(client, "unreleased", kind=kind)["count"] == 0
    assert search(client, "scheduled")["count"] == 0


# The OpenAPI document.


def schema_of(api):
    response = api.get(f"{API}/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_search_is_documented_with_its_parameters_and_counts(api):
    schema = schema_of(api)
    operation = schema["paths"][f"{API}/search/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"q", "kind", "page"} <= set(parameters)
    assert parameters["q"]["required"] is True
    assert set(Kind.values) <= set(parameters["kind"]["schema"]["enum"])
    assert set(operation["responses"]) >= {"200", "400", "404"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"query", "counts", "count", "next", "previous", "results"} <= set(page["properties"])
    assert {"query", "counts"} <= set(page["required"])
    assert set(page["properties"]["counts"]["properties"]) == set(Kind.values)
    item = page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][item]["properties"]) == RESULT_FIELDS


def test_an_answer_matches_its_documented_shape(api, lean):
    schema = schema_of(api)
    components = schema["components"]["schemas"]
    page = components["PaginatedSearchResultList"]
    data = search(api, "mathlib")
    assert set(page["required"]) <= set(data)
    assert set(data) <= set(page["properties"])
    item = components["SearchResult"]
    for result in data["results"]:
        assert set(item["required"]) <= set(result)
        assert set(result) == set(item["properties"])


# Query budget.


@pytest.mark.parametrize("kind", ["", "chapter", "paper"])
def test_search_makes_the_same_queries_for_1_and_50_matches(
    api, django_assert_max_num_queries, kind
):
    def build(n):
        everything_about("thermodynamics", n)
        return f"{SEARCH}?q=thermodynamics&kind={kind}"

    response = assert_queries_do_not_grow(api, django_assert_max_num_queries, build)
    data = response.json()
    assert len(data["results"]) == 20
    assert data["counts"]["paper"] == 51


@pytest.mark.parametrize("who", ["api", "listener_api", "editor_api"])
def test_writing_to_search_is_a_405_for_everyone(request, db, who):
    client = request.getfixturevalue(who)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"{API}/search/", {}, format="json")
        assert response.status_code == 405, (who, method, response.status_code)


# Answered like the other reads (api.views.Versioned): from the page cache for anonymous
# clients, fresh after an edit, never cached for an editor.


def test_a_repeated_search_is_answered_from_the_cache_without_a_query(api, lean):
    first = search(api, "mathlib")
    with CaptureQueriesContext(connection) as queries:
        again = search(api, "mathlib")
    assert again == first
    assert len(queries) == 0


def test_a_new_match_shows_at_the_next_search(api, lean):
    assert "/posts/mathlib-for-everyone/" not in " ".join(urls(search(api, "mathlib")))
    PostFactory(title="Mathlib for Everyone", slug="mathlib-for-everyone")
    assert f"{SITE_URL}/posts/mathlib-for-everyone/" in urls(search(api, "mathlib"))


def test_an_editor_is_never_answered_from_the_cache(api, editor_api, lean):
    search(api, "mathlib")  # kept for anonymous clients
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = editor_api.get(SEARCH, {"q": "mathlib"})
        assert response.status_code == 200
        assert len(queries) > 0
        assert "public" not in response.get("Cache-Control", "")


def test_the_anonymous_limit_counts_searches_answered_from_the_cache(api, lean, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    search(api, "mathlib")
    search(api, "mathlib")  # from the cache, counted
    search(api, "mathlib", status=429)
