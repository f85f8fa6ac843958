"""The search page, /search/ (search/views.py, search/results.py), and the header's box.

The query words are distinctive nouns ("thermodynamics", "mathlib") that both engines treat
alike: PostgreSQL stems them and drops stop words, SQLite matches the last word as a prefix.
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from episodes.models import Chapter
from search import index
from tests.factories import (
    ChapterFactory,
    EditorFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import (
    XSS_ESCAPED,
    Page,
    assert_queries_do_not_grow,
    fast_client,  # noqa: F401 (the `client` fixture, faster)
    saved,
)

SEARCH = "/search/"
EPISODE_URL = "/episodes/thermodynamics-of-learning/"


def search(client, query=None, **params):
    """The results page for ?q=query (no q at all when None), as a visitor sees it."""
    if query is not None:
        params["q"] = query
    response = client.get(SEARCH, params)
    assert response.status_code == 200, response.status_code
    return Page(response)


def results(page):
    """The href of every result, in order."""
    return [attrs["href"] for attrs in page.all("a", class_="result-title")]


def result_titles(page):
    return page.text_of("a", class_="result-title")


def headings(page):
    """The h2 headings, without their counts."""
    return [text.rsplit(" ", 1)[0] if text[-1].isdigit() else text for text in page.text_of("h2")]


def params_of(href):
    return parse_qs(urlsplit(href).query)


def help_text(page):
    return " ".join(page.text_of("div", class_="search-help"))


@pytest.fixture
def thermodynamics(db):
    """Something of every kind about thermodynamics: an episode with two matching chapters
    (and one that does not match), a person, seven papers, a post and a topic."""
    episode = EpisodeFactory(
        title="The Thermodynamics of Learning", slug="thermodynamics-of-learning", duration=5400
    )
    ChapterFactory(episode=episode, start=0, title="Introductions")
    ChapterFactory(episode=episode, start=754, title="Thermodynamics and free energy")
    ChapterFactory(episode=episode, start=3725, title="Thermodynamics at scale")
    PersonFactory(name="Ada Example", slug="ada-example", bio="She writes on thermodynamics.")
    for n in range(7):
        paper = PaperFactory(
            title=f"Thermodynamics of Deep Networks, Part {n}",
            slug=f"thermodynamics-{n}",
            abstract="We measure the entropy production of training.",
        )
    paper.tags.add("thermodynamics")
    PostFactory(title="Why thermodynamics matters", slug="why-thermodynamics")
    return episode


@pytest.fixture
def unpublished(db):
    """A draft episode, its chapter and its own topic, and a scheduled post, all about
    thermodynamics: none of them may be found."""
    draft = EpisodeFactory(
        draft=True,
        title="Thermodynamics Unreleased",
        slug="thermodynamics-unreleased",
        tags=["entropy-secrets"],
    )
    ChapterFactory(episode=draft, start=60, title="Thermodynamics behind closed doors")
    PostFactory(
        title="Thermodynamics, coming soon",
        slug="thermodynamics-coming-soon",
        is_draft=False,
        published_at=timezone.now() + datetime.timedelta(days=7),
    )
    PostFactory(draft=True, title="Thermodynamics draft", slug="thermodynamics-draft")
    return draft


# Results, by kind.


def test_results_are_grouped_by_kind_in_order(client, thermodynamics):
    page = search(client, "thermodynamics")
    assert page.text_of("h1") == ["Search results"]
    assert page.text_of("h2") == [
        "Episodes 1",
        "Moments in episodes 2",
        "People 1",
        "Papers 7",
        "Posts 1",
        "Topics 1",
    ]
    assert page.text_of("p", role="status") == ["13 results for “thermodynamics”"]
    # Each group is a section named by its heading.
    sections = page.all("section", class_="result-group")
    headed = {attrs["id"] for attrs in page.all("h2")}
    assert [s["aria-labelledby"] for s in sections] == [
        f"results-{kind}" for kind in ["episode", "chapter", "person", "paper", "post", "tag"]
    ]
    assert {s["aria-labelledby"] for s in sections} <= headed


def test_the_tabs_count_each_kind_and_link_to_it(client, thermodynamics):
    page = search(client, "thermodynamics")
    assert page.links("?q=thermodynamics") == ["All 13"]
    for kind, text in [
        ("episode", "Episodes 1"),
        ("chapter", "Moments in episodes 2"),
        ("person", "People 1"),
        ("paper", "Papers 7"),
        ("post", "Posts 1"),
        ("tag", "Topics 1"),
    ]:
        assert page.links(f"?q=thermodynamics&kind={kind}")[0] == text
    assert page.text_of("a", aria_current="page") == ["All 13"]


def test_kinds_without_matches_have_no_tab_and_no_section(client, thermodynamics):
    PaperFactory(title="Mathlib and Lean", slug="mathlib-and-lean")
    page = search(client, "mathlib")
    assert headings(page) == ["Papers"]
    assert page.links("?q=mathlib") == ["All 1"]
    assert page.links("?q=mathlib&kind=paper") == ["Papers 1"]
    assert page.links("?q=mathlib&kind=episode") == []
    assert results(page) == ["/papers/mathlib-and-lean/"]


def test_the_all_page_shows_five_of_a_kind_and_links_to_the_rest(client, thermodynamics):
    page = search(client, "thermodynamics")
    assert len([href for href in results(page) if href.startswith("/papers/")]) == 5
    assert page.links("?q=thermodynamics&kind=paper") == ["Papers 7", "All 7 papers →"]
    # Kinds with five matches or fewer show them all, with no such link.
    assert [text for text in page.text_of("a") if text.startswith("All ")] == [
        "All 13",
        "All 7 papers →",
    ]


def test_the_five_of_a_kind_are_the_best_five_of_its_own_page(client, thermodynamics):
    best = [href for href in results(search(client, "thermodynamics")) if "/papers/" in href]
    all_papers = results(search(client, "thermodynamics", kind="paper"))
    assert len(all_papers) == 7
    assert best == all_papers[:5]
    # The paper with the topic as well as the title ranks first.
    assert best[0] == "/papers/thermodynamics-6/"


def test_each_result_links_to_its_page_and_says_whose_it_is(client, thermodynamics):
    page = search(client, "thermodynamics")
    hrefs = results(page)
    for href in [
        EPISODE_URL,
        "/people/ada-example/",
        "/posts/why-thermodynamics/",
        "/tags/thermodynamics/",
    ]:
        assert href in hrefs, href
    for href in hrefs:
        assert client.get(href).status_code == 200, href
    assert "Topic" in page.text_of("p", class_="meta")


def test_a_chapter_result_links_straight_to_its_moment(client, thermodynamics):
    page = search(client, "thermodynamics", kind="chapter")
    found = sorted(zip(results(page), result_titles(page), strict=True))
    assert found == [
        (f"{EPISODE_URL}?t=12:34", "12:34 Thermodynamics and free energy"),
        (f"{EPISODE_URL}?t=1:02:05", "1:02:05 Thermodynamics at scale"),
    ]
    assert set(page.text_of("span", class_="timestamp")) == {"12:34", "1:02:05"}
    for timestamp in ["12:34", "1:02:05"]:
        assert (
            '<p class="meta">A moment of <cite>The Thermodynamics of Learning</cite>: '
            f"play from {timestamp}</p>"
        ) in page
    # The chapter that does not match is not a result.
    assert "Introductions" not in page.html


def test_chapters_are_on_the_all_page_too(client, thermodynamics):
    page = search(client, "thermodynamics")
    assert f"{EPISODE_URL}?t=12:34" in results(page)
    assert f"{EPISODE_URL}?t=1:02:05" in results(page)


# One kind, by pages.


@pytest.fixture
def many_papers(db):
    papers = saved(PaperFactory, 25, abstract="Formalised in Mathlib, checked by Lean.")
    index.update(papers=papers)
    PersonFactory(name="Mathlib Maintainer", bio="Keeps mathlib building.")
    return papers


def test_one_kind_lists_only_that_kind(client, thermodynamics):
    page = search(client, "thermodynamics", kind="paper")
    assert headings(page) == []  # no groups
    assert sorted(results(page)) == [f"/papers/thermodynamics-{n}/" for n in range(7)]
    assert page.text_of("p", role="status") == ["7 results in papers for “thermodynamics”"]
    assert page.text_of("a", aria_current="page") == ["Papers 7"]
    # The form keeps the kind for the next search.
    assert page.all("input", type="hidden", name="kind", value="paper")


def test_one_kind_is_paginated_and_the_page_links_keep_the_query(client, many_papers):
    first = search(client, "mathlib", kind="paper")
    assert len(results(first)) == 20
    assert all(href.startswith("/papers/") for href in results(first))
    assert first.text_of("p", role="status") == ["25 results in papers for “mathlib”"]
    (next_link,) = first.all("a", rel="next")
    assert params_of(next_link["href"]) == {"q": ["mathlib"], "kind": ["paper"], "page": ["2"]}
    # By relevance, not by date: "Next", not "Older".
    assert first.text_of("a", rel="next") == ["Next →"]

    second = search(client, "mathlib", kind="paper", page=2)
    assert len(results(second)) == 5
    assert not set(results(first)) & set(results(second))
    (previous,) = second.all("a", rel="prev")
    assert params_of(previous["href"]) == {"q": ["mathlib"], "kind": ["paper"], "page": ["1"]}
    assert second.text_of("a", rel="prev") == ["← Previous"]
    assert second.all("a", rel="next") == []

    # The people who match are a tab away, not on these pages.
    assert second.links("?q=mathlib&kind=person") == ["People 1"]


def test_the_all_page_is_not_paginated(client, many_papers):
    page = search(client, "mathlib")
    assert page.all("nav", class_="pagination") == []
    assert page.links("?q=mathlib&kind=paper") == ["Papers 25", "All 25 papers →"]


def test_an_unknown_kind_is_ignored(client, thermodynamics):
    page = search(client, "thermodynamics", kind="podcast")
    assert page.text_of("h2")[0] == "Episodes 1"
    assert len(page.text_of("h2")) == 6
    assert page.text_of("a", aria_current="page") == ["All 13"]
    assert page.all("input", type="hidden", name="kind") == []


def test_a_kind_without_matches_offers_every_kind(client, thermodynamics):
    page = search(client, "ada", kind="paper")
    assert results(page) == []
    assert "Nothing matches “ada” in papers." in help_text(page)
    assert page.links("?q=ada") == ["All 1", "Search every kind of result"]


# What a result shows.


def test_matched_words_are_marked(client, thermodynamics):
    PaperFactory(
        title="Entropy and Mathlib",
        slug="entropy-and-mathlib",
        abstract="A long abstract. Lemmas about entropy are proved with mathlib tactics.",
    )
    page = search(client, "mathlib")
    assert "<mark>Mathlib</mark>" in page.html  # in the title
    assert "<mark>mathlib</mark>" in page.html  # in the snippet
    assert page.text_of("p", class_="snippet")


def test_a_body_match_shows_its_passage(client, thermodynamics):
    page = search(client, "thermodynamics", kind="person")
    assert len(page.text_of("p", class_="snippet")) == 1
    assert "She writes on <mark>thermodynamics</mark>" in page.html


def test_markup_in_titles_is_escaped_around_the_marks(client, db):
    PaperFactory(title="<b>Mathlib</b> <script>alert(1)</script>", slug="mathlib-markup")
    page = search(client, "mathlib")
    assert "<script>alert(1)</script>" not in page.html
    assert "&lt;b&gt;<mark>Mathlib</mark>&lt;/b&gt;" in page.html
    assert page.executable_content() == []


def test_the_query_is_escaped_wherever_the_page_repeats_it(client, thermodynamics):
    query = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
    page = search(client, query)
    assert "<script>alert(1)</script>" not in page.html
    assert "<img src=x" not in page.html
    for escaped in XSS_ESCAPED[:2]:
        assert escaped in page.html
    assert page.executable_content() == []
    (header_box,) = page.all("input", id="site-search")
    assert header_box["value"] == query  # the browser reads the escaped value back


# Queries that find nothing, or cannot.


def test_no_query_invites_one(client, thermodynamics):
    for page in [search(client), search(client, ""), search(client, "   ")]:
        assert page.text_of("h1") == ["Search"]
        assert "Type a few words: a topic, a name, the title of a paper or an episode." in (
            help_text(page)
        )
        assert results(page) == []
        assert page.all("nav", class_="search-tabs") == []
        assert page.text_of("h2") == ["Popular topics"]


def test_a_query_of_punctuation_only_says_it_has_no_words(client, thermodynamics):
    page = search(client, "!!!")
    assert "“!!!” has no letters or digits to look for." in help_text(page)
    assert results(page) == []


def test_a_very_long_query_is_cut_and_says_so(client, thermodynamics):
    query = ("thermodynamics " * 200)[:2000]
    page = search(client, query)
    assert page.text_of("p", class_="notice") == [
        "Your search was long, so only its first 200 characters were used."
    ]
    assert EPISODE_URL in results(page)  # the first 200 characters were searched
    (box,) = page.all("input", id="search-page-q")
    assert len(box["value"]) <= 200
    assert not box["value"].endswith("thermo")  # cut at a space, not inside a word


def test_a_short_query_has_no_notice(client, thermodynamics):
    assert search(client, "thermodynamics").all("p", class_="notice") == []


@pytest.mark.parametrize(
    "query",
    ["thermo\x00dynamics", "\x00thermodynamics\x1f", "\x00", "\x7f\x08\x1b", "thermodynamics\r\n"],
)
def test_control_characters_in_the_query_are_dropped(client, thermodynamics, query):
    page = search(client, query)
    assert "\x00" not in page.html
    assert "\x1f" not in page.html


def test_control_characters_around_a_word_leave_the_word_to_find(client, thermodynamics):
    page = search(client, "\x00thermodynamics\x07")
    assert EPISODE_URL in results(page)
    (box,) = page.all("input", id="search-page-q")
    assert box["value"] == "thermodynamics"


def test_no_match_suggests_what_to_try_and_popular_topics(client, thermodynamics):
    page = search(client, "zygomorphic")
    assert page.text_of("h1") == ["Search results"]
    text = help_text(page)
    assert "Nothing matches “zygomorphic”." in text
    assert "Check the spelling, or try fewer or more general words." in text
    assert page.links("/episodes/") and page.links("/papers/")
    assert page.text_of("h2") == ["Popular topics"]
    assert "/tags/thermodynamics/" in page.hrefs()
    assert page.all("nav", class_="search-tabs") == []


# Only what is published.


def test_drafts_and_scheduled_posts_are_never_found(client, thermodynamics, unpublished):
    page = search(client, "thermodynamics")
    assert page.text_of("h2")[0] == "Episodes 1"
    assert page.text_of("p", role="status") == ["13 results for “thermodynamics”"]
    for slug in [
        "thermodynamics-unreleased",
        "thermodynamics-coming-soon",
        "thermodynamics-draft",
    ]:
        assert slug not in page.html
    for text in ["Unreleased", "closed doors", "coming soon", "Thermodynamics draft"]:
        assert text not in page.html
    for kind in ["episode", "chapter", "post"]:
        assert unpublished.slug not in search(client, "thermodynamics", kind=kind).html


def test_a_topic_of_drafts_only_is_not_found_nor_suggested(client, thermodynamics, unpublished):
    page = search(client, "secrets")
    assert results(page) == []
    assert "/tags/entropy-secrets/" not in page.hrefs()


def test_editors_do_not_find_drafts_either(editor_client, thermodynamics, unpublished):
    page = search(editor_client, "unreleased")
    assert results(page) == []
    assert "Nothing matches “unreleased”." in help_text(page)


def test_an_episode_is_found_once_published(client, unpublished):
    assert results(search(client, "unreleased")) == []
    unpublished.is_draft = False
    unpublished.published_at = timezone.now() - datetime.timedelta(minutes=1)
    unpublished.save()
    assert results(search(client, "unreleased")) == ["/episodes/thermodynamics-unreleased/"]


# The header's search box, and what search engines may do.


def header_box(page):
    (form,) = page.all("form", class_="site-search")
    assert form["action"] == SEARCH
    assert form["method"] == "get"
    (box,) = page.all("input", id="site-search")
    assert box["name"] == "q"
    assert box["type"] == "search"
    assert box["aria-keyshortcuts"] == "/"
    assert page.text_of("label", for_="site-search") == ["Search the site"]
    return box


def test_every_page_has_the_search_box_in_its_header(client, thermodynamics):
    for url in ["/", EPISODE_URL, "/papers/", SEARCH]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert header_box(Page(response))["value"] == "", url
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert header_box(Page(response))["value"] == ""


def test_the_search_box_keeps_the_query_on_the_results_page(client, thermodynamics):
    page = search(client, "thermodynamics   OR   mathlib")
    assert header_box(page)["value"] == "thermodynamics OR mathlib"
    (box,) = page.all("input", id="search-page-q")
    assert box["value"] == "thermodynamics OR mathlib"
    assert box["name"] == "q"


def test_the_search_key_script_is_on_every_page(client, thermodynamics):
    for url in ["/", EPISODE_URL, f"{SEARCH}?q=thermodynamics"]:
        scripts = [attrs.get("src", "") for attrs, _ in Page(client.get(url)).scripts]
        assert any("/static/js/search-key." in src for src in scripts), url


def test_results_pages_are_not_indexed_by_search_engines(client, thermodynamics):
    for page in [search(client, "thermodynamics"), search(client), search(client, "zygomorphic")]:
        assert page.meta("robots") == "noindex, follow"
    page = search(client, "thermodynamics")
    assert page.title() == "Search: thermodynamics · The Information Bottleneck"
    assert page.canonical().endswith("/search/")


# Query budgets.


def everything_about(word, n):
    """n episodes (each with a chapter), people, papers and posts, all matching `word`."""
    show = ShowFactory()
    episodes = saved(EpisodeFactory, n, show=show, title=f"{word} episode")
    Chapter.objects.bulk_create(
        Chapter(episode=episode, start=754, title=f"{word} chapter") for episode in episodes
    )
    people = saved(PersonFactory, n, bio=f"Works on {word}.")
    papers = saved(PaperFactory, n, title=f"{word} paper")
    posts = saved(PostFactory, n, title=f"{word} post")
    papers[0].tags.add(word)
    index.update(episodes=episodes, people=people, papers=papers, posts=posts)


@pytest.mark.parametrize("kind", ["", "episode", "chapter", "paper"])
def test_the_results_page_makes_the_same_queries_for_1_and_50_matches(
    client, db, django_assert_max_num_queries, kind
):
    def build(n):
        everything_about("thermodynamics", n)
        return f"{SEARCH}?q=thermodynamics&kind={kind}"

    page = Page(assert_queries_do_not_grow(client, django_assert_max_num_queries, build))
    if kind:
        assert len(results(page)) == 20
    else:
        assert len(results(page)) == 5 * 5 + 1  # five of each kind, and the one topic


# Answered like the pages: a 304 or a stored copy for anonymous visitors, fresh after an edit.


def test_a_repeated_search_is_a_304_without_a_query(client, thermodynamics):
    first = client.get("/search/?q=thermodynamics")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/search/?q=thermodynamics", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert len(queries) == 0


def test_a_new_match_shows_at_the_next_search(client, thermodynamics):
    link = "/posts/thermodynamics-for-everyone/"
    assert link not in Page(client.get("/search/?q=thermodynamics")).hrefs()
    PostFactory(title="Thermodynamics for Everyone", slug="thermodynamics-for-everyone")
    assert link in Page(client.get("/search/?q=thermodynamics")).hrefs()


def test_a_signed_in_editor_sees_the_current_results(client, thermodynamics):
    client.get("/search/?q=thermodynamics")  # stored for anonymous visitors
    PostFactory(title="Thermodynamics for Everyone", slug="thermodynamics-for-everyone")
    client.force_login(EditorFactory())
    response = client.get("/search/?q=thermodynamics")
    assert "/posts/thermodynamics-for-everyone/" in Page(response).hrefs()


def test_the_apis_search_is_a_304_without_a_query_too(client, thermodynamics):
    first = client.get("/api/v1/search/?q=thermodynamics")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(
            "/api/v1/search/?q=thermodynamics", headers={"if-none-match": first["ETag"]}
        )
    assert again.status_code == 304
    assert len(queries) == 0


def test_a_repeated_search_is_answered_from_the_cache_without_a_query(client, thermodynamics):
    first = client.get("/search/?q=thermodynamics")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/search/?q=thermodynamics")
    assert again.status_code == 200
    assert again.content == first.content
    assert len(queries) == 0


def test_a_signed_in_editor_is_never_answered_from_the_cache(client, thermodynamics):
    etag = client.get("/search/?q=thermodynamics")["ETag"]  # kept for anonymous visitors
    client.force_login(EditorFactory())
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/?q=thermodynamics", headers={"if-none-match": etag})
        assert response.status_code == 200
        assert len(queries) > 0
        assert "private" in response["Cache-Control"]
