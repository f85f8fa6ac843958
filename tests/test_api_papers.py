"""The papers API (/api/v1/papers/): bylines, ids and links, citations, discussions."""

import datetime

import pytest

from papers.models import Authorship, Paper
from tests.api import (
    API,
    API_URL,
    SITE_URL,
    assert_errors,
    assert_queries_do_not_grow,
    documented_fields,
    get_json,
    openapi,
    slugs,
)
from tests.factories import (
    AuthorshipFactory,
    ChapterFactory,
    CitationFactory,
    DiscussionFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
)
from tests.pages import saved, tagged

PAPERS = f"{API}/papers/"
WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def prh(db):
    """The Platonic Representation Hypothesis: three authors, citations, an episode."""
    paper = PaperFactory(
        title="The Platonic Representation Hypothesis",
        slug="prh",
        year=2024,
        published_on=datetime.date(2024, 5, 13),
        venue="ICML 2024",
        abstract="Representations are converging.",
        summary="Models see the world alike.",
        arxiv_id="2405.07987",
        doi="10.48550/arXiv.2405.07987",
        url="https://phillipi.github.io/prh/",
        openalex_id="W4396833154",
    )
    paper.tags.add("Representation Learning")
    for order, (name, slug) in enumerate(
        [("Minyoung Huh", "minyoung-huh"), ("Brian Cheung", "brian-cheung")], start=1
    ):
        AuthorshipFactory(paper=paper, person=PersonFactory(name=name, slug=slug), order=order)
    AuthorshipFactory(
        paper=paper, person=PersonFactory(name="Phillip Isola", slug="phillip-isola"), order=3
    )
    cited = PaperFactory(title="Deep Learning", slug="deep-learning", year=2015)
    citing = PaperFactory(title="Convergence Revisited", slug="revisited", year=2025)
    CitationFactory(citing=paper, cited=cited)
    CitationFactory(citing=citing, cited=paper)
    episode = EpisodeFactory(title="Platonic Representations", slug="platonic", published_at=WHEN)
    chapter = ChapterFactory(episode=episode, start=754, title="The hypothesis")
    DiscussionFactory(episode=episode, paper=paper, chapter=chapter, note="The starting point.")
    return paper


def test_a_paper_has_exactly_the_documented_fields(api, prh):
    data = get_json(api, f"{PAPERS}prh/")
    assert data == {
        "url": f"{API_URL}/papers/prh/",
        "html_url": f"{SITE_URL}/papers/prh/",
        "slug": "prh",
        "title": "The Platonic Representation Hypothesis",
        "year": 2024,
        "published_on": "2024-05-13",
        "venue": "ICML 2024",
        "abstract": "Representations are converging.",
        "summary": "Models see the world alike.",
        "arxiv_id": "2405.07987",
        "doi": "10.48550/arXiv.2405.07987",
        "web_url": "https://phillipi.github.io/prh/",
        "openalex_id": "W4396833154",
        "semantic_scholar_id": "",
        "tags": ["Representation Learning"],
        "byline": [  # authors in order
            {
                "slug": "minyoung-huh",
                "name": "Minyoung Huh",
                "html_url": f"{SITE_URL}/people/minyoung-huh/",
            },
            {
                "slug": "brian-cheung",
                "name": "Brian Cheung",
                "html_url": f"{SITE_URL}/people/brian-cheung/",
            },
            {
                "slug": "phillip-isola",
                "name": "Phillip Isola",
                "html_url": f"{SITE_URL}/people/phillip-isola/",
            },
        ],
        "links": {
            "arXiv": "https://arxiv.org/abs/2405.07987",
            "DOI": "https://doi.org/10.48550/arXiv.2405.07987",
            "Link": "https://phillipi.github.io/prh/",
            "OpenAlex": "https://openalex.org/W4396833154",
        },
        "cites": [
            {
                "slug": "deep-learning",
                "title": "Deep Learning",
                "year": 2015,
                "html_url": f"{SITE_URL}/papers/deep-learning/",
            }
        ],
        "cited_by": [
            {
                "slug": "revisited",
                "title": "Convergence Revisited",
                "year": 2025,
                "html_url": f"{SITE_URL}/papers/revisited/",
            }
        ],
        "discussed_in": [
            {
                "episode": {
                    "slug": "platonic",
                    "title": "Platonic Representations",
                    "published_at": "2025-03-01T12:00:00Z",
                    "html_url": f"{SITE_URL}/episodes/platonic/",
                },
                "chapter_start": 754,
                "note": "The starting point.",
            }
        ],
    }
    assert set(data) == documented_fields("PaperDetail")
    assert set(data) - {"cites", "cited_by", "discussed_in"} == documented_fields("Paper")


def test_a_list_item_is_the_detail_without_citations_and_discussions(api, prh):
    listed = next(p for p in get_json(api, PAPERS)["results"] if p["slug"] == "prh")
    detail = get_json(api, f"{PAPERS}prh/")
    assert listed == {k: v for k, v in detail.items() if k in documented_fields("Paper")}


def test_a_link_is_a_valid_uri_whatever_the_id_holds(api):
    PaperFactory(slug="odd", doi="10.1234/ü [x]")
    assert get_json(api, f"{PAPERS}odd/")["links"] == {
        "DOI": "https://doi.org/10.1234/%C3%BC%20%5Bx%5D"
    }


# Drafts among the episodes that discussed a paper.


def test_unpublished_discussions_are_hidden_from_the_public(api, listener_api, editor_api, prh):
    DiscussionFactory(episode=EpisodeFactory(slug="draft", draft=True), paper=prh)
    DiscussionFactory(episode=EpisodeFactory(slug="scheduled", scheduled=True), paper=prh)

    def discussed_in(client):
        return {d["episode"]["slug"] for d in get_json(client, f"{PAPERS}prh/")["discussed_in"]}

    assert discussed_in(api) == {"platonic"}
    assert discussed_in(listener_api) == {"platonic"}
    assert discussed_in(editor_api) == {"platonic", "draft", "scheduled"}


# Lists.


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["revisited", "prh", "deep-learning"]),  # newest first
        ("tag=representation-learning", ["prh"]),
        ("year=2015", ["deep-learning"]),
        ("year=1990", []),
        ("author=brian-cheung", ["prh"]),
        ("author=nobody", []),
        ("search=platonic", ["prh"]),
        ("search=isola", ["prh"]),  # an author's name
        ("search=converging", ["prh"]),  # the abstract
        ("ordering=title", ["revisited", "deep-learning", "prh"]),
        ("ordering=year", ["deep-learning", "prh", "revisited"]),
    ],
)
def test_filters_search_and_ordering(api, prh, query, expected):
    assert slugs(get_json(api, f"{PAPERS}?{query}")) == expected


@pytest.mark.parametrize(
    "query, field", [("year=twenty", "year"), ("year=-1", "year"), ("author=a%20b", "author")]
)
def test_a_malformed_filter_is_a_400_naming_it(api, prh, query, field):
    assert_errors(api.get(f"{PAPERS}?{query}"), 400, field)


def test_papers_are_paginated(api):
    saved(PaperFactory, 25)
    first = get_json(api, PAPERS)
    assert (first["count"], len(first["results"]), first["next"]) == (
        25,
        20,
        f"{API_URL}/papers/?page=2",
    )


# Writing.


@pytest.fixture
def authors(db):
    for name in ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]:
        PersonFactory(name=name, slug=name.lower().replace(" ", "-"))


NEW_PAPER = {
    "title": "Deep Learning",
    "year": 2015,
    "venue": "Nature",
    "doi": "10.1038/nature14539",
    "authors": ["yann-lecun", "yoshua-bengio", "geoffrey-hinton"],
    "tags": ["Deep Learning"],
}


def byline(data):
    return [author["slug"] for author in data["byline"]]


def test_an_editor_creates_a_paper_with_its_authors_in_order(editor_api, authors):
    response = editor_api.post(PAPERS, NEW_PAPER, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "deep-learning"
    assert byline(data) == ["yann-lecun", "yoshua-bengio", "geoffrey-hinton"]
    assert "authors" not in data  # written as slugs, read as the byline
    assert data["links"] == {"DOI": "https://doi.org/10.1038/nature14539"}
    paper = Paper.objects.get()
    assert [a.order for a in paper.authorships.all()] == [1, 2, 3]


def test_authors_sent_replace_the_byline_and_left_out_keep_it(editor_api, authors):
    url = editor_api.post(PAPERS, NEW_PAPER, format="json").json()["url"]
    data = editor_api.patch(url, {"venue": "Nature 521"}, format="json").json()
    assert byline(data) == ["yann-lecun", "yoshua-bengio", "geoffrey-hinton"]
    data = editor_api.patch(url, {"authors": ["geoffrey-hinton", "yann-lecun"]}, format="json")
    assert byline(data.json()) == ["geoffrey-hinton", "yann-lecun"]
    assert Authorship.objects.count() == 2


def test_published_on_sets_the_year(editor_api):
    data = editor_api.post(
        PAPERS, {"title": "Attention", "published_on": "2017-06-12"}, format="json"
    ).json()
    assert data["year"] == 2017


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"year": "2015"}, "year"),
        ({"year": 2015.5}, "year"),
        ({"published_on": "12 June 2017"}, "published_on"),
        ({"arxiv_id": "https://arxiv.org/abs/2405.07987"}, "arxiv_id"),
        ({"doi": "doi:10.1038/nature14539"}, "doi"),
        ({"web_url": "javascript:alert(1)"}, "web_url"),
        ({"authors": "yann-lecun"}, "authors"),
        ({"authors": ["yann-lecun", "nobody"]}, "authors.1"),
        ({"authors": ["yann-lecun", 3]}, "authors.1"),
        ({"authors": ["yann-lecun\x00"]}, "authors.0"),
        ({"authors": ["yann-lecun", "yann-lecun"]}, "authors"),
        ({"tags": [""]}, "tags"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(editor_api, authors, change, field):
    response = editor_api.post(PAPERS, {**NEW_PAPER, **change}, format="json")
    assert_errors(response, 400, field)
    assert not Paper.objects.exists()
    assert not Authorship.objects.exists()


@pytest.mark.parametrize("field", ["slug", "arxiv_id", "doi"])
def test_a_duplicate_slug_or_id_is_a_409(editor_api, prh, authors, field):
    value = {"slug": "prh", "arxiv_id": "2405.07987", "doi": "10.48550/arXiv.2405.07987"}[field]
    response = editor_api.post(PAPERS, {**NEW_PAPER, field: value}, format="json")
    assert response.status_code == 409, response.json()
    assert not Paper.objects.filter(title="Deep Learning", venue="Nature").exists()


def test_an_editor_deletes_a_paper_with_its_byline(editor_api, prh):
    assert editor_api.delete(f"{PAPERS}prh/").status_code == 204
    assert not Paper.objects.filter(slug="prh").exists()
    assert not Authorship.objects.exists()


def test_only_editors_write(api, listener_api, prh):
    assert api.post(PAPERS, NEW_PAPER, format="json").status_code == 401
    assert listener_api.post(PAPERS, NEW_PAPER, format="json").status_code == 403
    assert listener_api.patch(f"{PAPERS}prh/", {"year": 1}, format="json").status_code == 403
    assert listener_api.delete(f"{PAPERS}prh/").status_code == 403
    assert Paper.objects.filter(slug="prh", year=2024).exists()


# Queries.


def test_the_list_makes_the_same_queries_for_1_and_50_papers(api, django_assert_max_num_queries):
    people = saved(PersonFactory, 3)

    def build(n):
        papers = saved(PaperFactory, n)
        tagged(papers, "vision", "language")
        for paper in papers:
            for order, person in enumerate(people, start=1):
                AuthorshipFactory(paper=paper, person=person, order=order)
        return PAPERS

    assert_queries_do_not_grow(api, django_assert_max_num_queries, build)


def test_the_detail_makes_the_same_queries_for_1_and_50_citations_and_episodes(
    api, django_assert_max_num_queries
):
    paper = PaperFactory(slug="cited-a-lot")

    def build(n):
        for other in saved(PaperFactory, n):
            CitationFactory(citing=other, cited=paper)
            CitationFactory(citing=paper, cited=other)
            AuthorshipFactory(
                paper=paper, person=PersonFactory(), order=Authorship.objects.count() + 1
            )
            DiscussionFactory(episode=EpisodeFactory(), paper=paper)
        return f"{PAPERS}cited-a-lot/"

    data = assert_queries_do_not_grow(api, django_assert_max_num_queries, build).json()
    assert [len(data[k]) for k in ["cites", "cited_by", "discussed_in", "byline"]] == [51] * 4


@pytest.mark.parametrize("year", [10051, 10000, 999, 0, -1])
def test_a_year_no_date_holds_is_refused_and_nothing_is_saved(editor_api, prh, year):
    response = editor_api.put(f"{PAPERS}prh/", {"title": "PRH", "year": year}, format="json")
    assert_errors(response, 400, "year")
    prh.refresh_from_db()
    assert prh.year != year
    assert_errors(
        editor_api.post(PAPERS, {"title": "New", "year": year}, format="json"), 400, "year"
    )
    assert not Paper.objects.filter(title="New").exists()


@pytest.mark.parametrize("year", [1000, 9999])
def test_the_first_and_last_years_are_taken_and_indexed(editor_api, prh, year):
    response = editor_api.put(f"{PAPERS}prh/", {"title": "PRH", "year": year}, format="json")
    assert response.status_code == 200, response.content
    assert Paper.objects.get(slug="prh").year == year


def test_the_openapi_document_states_the_years_a_paper_may_carry():
    schema = openapi()["components"]["schemas"]
    for component in ("Paper", "PaperRequest", "PatchedPaperRequest"):
        year = schema[component]["properties"]["year"]
        assert (year["minimum"], year["maximum"]) == (1000, 9999), component
