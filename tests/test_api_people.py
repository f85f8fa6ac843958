"""The people API (/api/v1/people/): shape, the graph around a person, filters, writes."""

import datetime

import pytest

from people.models import Affiliation, Person
from tests.api import (
    API,
    API_URL,
    SITE_URL,
    assert_errors,
    assert_queries_do_not_grow,
    documented_fields,
    get_json,
    slugs,
)
from tests.factories import (
    AffiliationFactory,
    AppearanceFactory,
    AuthorshipFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import saved, tagged

PEOPLE = f"{API}/people/"
WHEN = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def isola(db):
    """Phillip Isola: positions, topics, profiles, an episode, papers, co-authors."""
    person = PersonFactory(
        name="Phillip Isola",
        slug="phillip-isola",
        bio="Associate Professor at MIT.",
        homepage="https://web.mit.edu/phillipi/",
        openalex_id="A5012345678",
        orcid="0000-0002-1825-0097",
    )
    person.topics.add("Representation Learning", "Vision")
    mit = OrganizationFactory(name="MIT", slug="mit")
    google = OrganizationFactory(name="Google", slug="google", kind="company")
    AffiliationFactory(person=person, organization=mit, title="Associate Professor")
    AffiliationFactory(
        person=person,
        organization=google,
        title="Researcher",
        is_current=False,
        start_year=2017,
        end_year=2018,
    )
    episode = EpisodeFactory(title="Platonic Representations", slug="platonic", published_at=WHEN)
    AppearanceFactory(episode=episode, person=person, affiliation="MIT")
    cheung = PersonFactory(name="Brian Cheung", slug="brian-cheung")
    huh = PersonFactory(name="Minyoung Huh", slug="minyoung-huh")
    prh = PaperFactory(title="The Platonic Representation Hypothesis", slug="prh", year=2024)
    pix = PaperFactory(title="Image-to-Image Translation", slug="pix2pix", year=2017)
    AuthorshipFactory(paper=prh, person=huh, order=1)
    AuthorshipFactory(paper=prh, person=cheung, order=2)
    AuthorshipFactory(paper=prh, person=person, order=3)
    AuthorshipFactory(paper=pix, person=person, order=1)
    AuthorshipFactory(paper=pix, person=huh, order=2)
    return person


def test_a_person_has_exactly_the_documented_fields(api, isola):
    data = get_json(api, f"{PEOPLE}phillip-isola/")
    assert data == {
        "url": f"{API_URL}/people/phillip-isola/",
        "html_url": f"{SITE_URL}/people/phillip-isola/",
        "slug": "phillip-isola",
        "name": "Phillip Isola",
        "bio": "Associate Professor at MIT.",
        "homepage": "https://web.mit.edu/phillipi/",
        "is_host": False,
        "topics": ["Representation Learning", "Vision"],
        "affiliations": [
            {
                "organization": "mit",
                "organization_name": "MIT",
                "title": "Associate Professor",
                "is_current": True,
                "start_year": None,
                "end_year": None,
            },
            {
                "organization": "google",
                "organization_name": "Google",
                "title": "Researcher",
                "is_current": False,
                "start_year": 2017,
                "end_year": 2018,
            },
        ],
        "openalex_id": "A5012345678",
        "semantic_scholar_id": "",
        "orcid": "0000-0002-1825-0097",
        "google_scholar_id": "",
        "links": {
            "Homepage": "https://web.mit.edu/phillipi/",
            "OpenAlex": "https://openalex.org/A5012345678",
            "ORCID": "https://orcid.org/0000-0002-1825-0097",
        },
        "appearances": [
            {
                "episode": {
                    "slug": "platonic",
                    "title": "Platonic Representations",
                    "published_at": "2025-03-01T12:00:00Z",
                    "html_url": f"{SITE_URL}/episodes/platonic/",
                },
                "role": "guest",
                "affiliation": "MIT",
            }
        ],
        "papers": [
            {
                "slug": "prh",
                "title": "The Platonic Representation Hypothesis",
                "year": 2024,
                "html_url": f"{SITE_URL}/papers/prh/",
            },
            {
                "slug": "pix2pix",
                "title": "Image-to-Image Translation",
                "year": 2017,
                "html_url": f"{SITE_URL}/papers/pix2pix/",
            },
        ],
        "coauthors": [  # most shared papers first
            {
                "slug": "minyoung-huh",
                "name": "Minyoung Huh",
                "html_url": f"{SITE_URL}/people/minyoung-huh/",
                "shared_papers": 2,
            },
            {
                "slug": "brian-cheung",
                "name": "Brian Cheung",
                "html_url": f"{SITE_URL}/people/brian-cheung/",
                "shared_papers": 1,
            },
        ],
    }
    assert set(data) == documented_fields("PersonDetail")


def test_a_list_item_leaves_out_the_graph(api, isola):
    listed = next(p for p in get_json(api, PEOPLE)["results"] if p["slug"] == "phillip-isola")
    detail = get_json(api, f"{PEOPLE}phillip-isola/")
    assert set(listed) == documented_fields("Person")
    assert listed == {k: v for k, v in detail.items() if k in listed}
    assert set(detail) - set(listed) == {"appearances", "papers", "coauthors"}


def test_profile_links_are_valid_uris_whatever_an_id_holds(api):
    PersonFactory(slug="odd", orcid="0000 ü|x", homepage="https://example.com/Käse")
    data = get_json(api, f"{PEOPLE}odd/")
    assert data["links"] == {
        "Homepage": "https://example.com/K%C3%A4se",
        "ORCID": "https://orcid.org/0000%20%C3%BC%7Cx",
    }
    assert data["homepage"] == "https://example.com/K%C3%A4se"
    assert data["orcid"] == "0000 ü|x"


# Drafts in a person's appearances.


@pytest.fixture
def upcoming(isola):
    draft = EpisodeFactory(slug="draft", draft=True)
    scheduled = EpisodeFactory(slug="scheduled", scheduled=True)
    AppearanceFactory(episode=draft, person=isola)
    AppearanceFactory(episode=scheduled, person=isola)
    AppearanceFactory(episode=draft, person=PersonFactory(slug="only-in-a-draft"))


def appearances(client, slug="phillip-isola"):
    return [a["episode"]["slug"] for a in get_json(client, f"{PEOPLE}{slug}/")["appearances"]]


@pytest.mark.parametrize("who", ["api", "listener_api"])
def test_unpublished_appearances_are_hidden_from_the_public(request, upcoming, who):
    client = request.getfixturevalue(who)
    assert appearances(client) == ["platonic"]
    # Nor does the guest filter name someone who is only in an upcoming episode.
    assert "only-in-a-draft" not in slugs(get_json(client, f"{PEOPLE}?role=guest"))


def test_editors_see_unpublished_appearances(editor_api, upcoming):
    assert set(appearances(editor_api)) == {"platonic", "draft", "scheduled"}
    assert "only-in-a-draft" in slugs(get_json(editor_api, f"{PEOPLE}?role=guest"))


# Lists.


@pytest.fixture
def crowd(isola):
    host = PersonFactory(name="Ravid Shwartz-Ziv", slug="ravid", is_host=True, bio="Host.")
    AffiliationFactory(person=host, organization=OrganizationFactory(name="NYU", slug="nyu"))
    # Two positions at one organization: still one person in the list.
    AffiliationFactory(person=isola, organization=isola.affiliations.first().organization)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["brian-cheung", "minyoung-huh", "phillip-isola", "ravid"]),
        ("role=host", ["ravid"]),
        ("role=guest", ["phillip-isola"]),
        ("role=author", ["brian-cheung", "minyoung-huh", "phillip-isola"]),
        ("organization=mit", ["phillip-isola"]),
        ("organization=nyu", ["ravid"]),
        ("organization=nowhere", []),
        ("tag=vision", ["phillip-isola"]),
        ("tag=representation-learning&organization=mit", ["phillip-isola"]),
        ("tag=vision&role=host", []),
        ("tag=nothing-like-it", []),
        ("role=", ["brian-cheung", "minyoung-huh", "phillip-isola", "ravid"]),
        ("search=isola", ["phillip-isola"]),
        ("search=host", ["ravid"]),  # the bio
        ("search=google", ["phillip-isola"]),  # an organization's name
        ("ordering=-name", ["ravid", "phillip-isola", "minyoung-huh", "brian-cheung"]),
    ],
)
def test_filters_search_and_ordering(api, crowd, query, expected):
    assert slugs(get_json(api, f"{PEOPLE}?{query}")) == expected


@pytest.mark.parametrize(
    "query, field",
    [("role=editor", "role"), ("organization=a.b", "organization"), ("tag=a.b", "tag")],
)
def test_a_malformed_filter_is_a_400_naming_it(api, crowd, query, field):
    assert_errors(api.get(f"{PEOPLE}?{query}"), 400, field)


def test_people_are_paginated(api):
    saved(PersonFactory, 25)
    first = get_json(api, PEOPLE)
    assert (first["count"], len(first["results"])) == (25, 20)
    assert first["next"] == f"{API_URL}/people/?page=2"
    assert len(get_json(api, first["next"])["results"]) == 5


# Writing.


NEW_PERSON = {
    "name": "Julia Kempe",
    "bio": "Professor at NYU.",
    "homepage": "https://cims.nyu.edu/~kempe/",
    "topics": ["Reasoning", "Mathematics"],
    "affiliations": [
        {"organization": "nyu", "title": "Professor"},
        {"organization": "meta", "title": "Visiting", "is_current": False, "start_year": 2023},
    ],
}


@pytest.fixture
def organizations(db):
    OrganizationFactory(name="NYU", slug="nyu")
    OrganizationFactory(name="Meta", slug="meta", kind="company")


def test_an_editor_creates_a_person_with_positions(editor_api, organizations):
    response = editor_api.post(PEOPLE, NEW_PERSON, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["slug"] == "julia-kempe"
    assert data["topics"] == ["Mathematics", "Reasoning"]
    assert [(a["organization"], a["title"], a["is_current"]) for a in data["affiliations"]] == [
        ("nyu", "Professor", True),
        ("meta", "Visiting", False),
    ]
    assert data == {k: v for k, v in get_json(editor_api, data["url"]).items() if k in data}


def test_positions_sent_replace_the_old_ones_and_positions_left_out_stay(editor_api, isola):
    url = f"{PEOPLE}phillip-isola/"
    data = editor_api.patch(url, {"bio": "MIT."}, format="json").json()
    assert data["bio"] == "MIT."
    assert len(data["affiliations"]) == 2
    data = editor_api.patch(url, {"affiliations": [{"organization": "google"}]}, format="json")
    assert [a["organization"] for a in data.json()["affiliations"]] == ["google"]
    assert Affiliation.objects.filter(person=isola).count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": 7}, "name"),
        # Longer than the documented maxLength as sent, though not once DRF trims it.
        ({"name": "\u0085" + "n" * 200}, "name"),
        ({"is_host": "no"}, "is_host"),
        ({"homepage": "not a url"}, "homepage"),
        ({"homepage": "ftp://example.com/"}, "homepage"),
        ({"orcid": "x" * 20}, "orcid"),
        ({"topics": [3]}, "topics"),
        ({"affiliations": [{"organization": "nowhere"}]}, "affiliations.0.organization"),
        ({"affiliations": [{"title": "No organization"}]}, "affiliations.0.organization"),
        ({"affiliations": [{"organization": "nyu", "start_year": "2020"}]}, "affiliations.0"),
        (
            {"affiliations": [{"organization": "nyu", "start_year": 2020, "end_year": 2019}]},
            "affiliations.0.end_year",
        ),
        ({"affiliations": [{"organization": "nyu"}, {"organization": "nyu"}]}, "affiliations"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(editor_api, organizations, change, field):
    response = editor_api.post(PEOPLE, {**NEW_PERSON, **change}, format="json")
    assert_errors(response, 400, field)
    assert not Person.objects.exists()
    assert not Affiliation.objects.exists()


def test_a_duplicate_slug_is_a_409(editor_api, isola, organizations):
    response = editor_api.post(PEOPLE, {**NEW_PERSON, "slug": "phillip-isola"}, format="json")
    assert_errors(response, 409, "slug")
    assert Person.objects.filter(slug="phillip-isola").get().name == "Phillip Isola"


def test_someone_in_an_episode_or_a_byline_cannot_be_deleted(editor_api, isola):
    response = editor_api.delete(f"{PEOPLE}phillip-isola/")
    assert response.status_code == 409
    assert "refers to" in response.json()["detail"]
    assert Person.objects.filter(slug="phillip-isola").exists()


def test_an_editor_deletes_a_person_nothing_refers_to(editor_api):
    PersonFactory(slug="nobody")
    assert editor_api.delete(f"{PEOPLE}nobody/").status_code == 204
    assert not Person.objects.exists()


def test_only_editors_write(api, listener_api, isola):
    url = f"{PEOPLE}phillip-isola/"
    assert api.patch(url, {"bio": "x"}, format="json").status_code == 401
    assert listener_api.patch(url, {"bio": "x"}, format="json").status_code == 403
    assert listener_api.post(PEOPLE, {"name": "x"}, format="json").status_code == 403
    assert listener_api.delete(url).status_code == 403
    isola.refresh_from_db()
    assert isola.bio == "Associate Professor at MIT."


def test_an_unknown_person_is_a_404(api):
    assert get_json(api, f"{PEOPLE}nobody/", status=404) == {
        "detail": "No Person matches the given query."
    }


# Queries.


@pytest.mark.parametrize("query", ["", "?tag=vision"])
def test_the_list_makes_the_same_queries_for_1_and_50_people(
    api, django_assert_max_num_queries, query
):
    organization = OrganizationFactory()

    def build(n):
        people = saved(PersonFactory, n)
        tagged(people, "vision", "reasoning")
        for person in people:
            AffiliationFactory(person=person, organization=organization)
        return PEOPLE + query

    assert_queries_do_not_grow(api, django_assert_max_num_queries, build)


def test_the_detail_makes_the_same_queries_for_1_and_50_of_everything(
    api, django_assert_max_num_queries
):
    person = PersonFactory(slug="busy")

    def build(n):
        episodes = saved(EpisodeFactory, n, show=ShowFactory())
        coauthors = saved(PersonFactory, n)
        organizations = saved(OrganizationFactory, n)
        tagged([person], *[f"topic-{Person.objects.count()}-{i}" for i in range(n)])
        for episode, coauthor, organization in zip(
            episodes, coauthors, organizations, strict=True
        ):
            AppearanceFactory(episode=episode, person=person)
            paper = PaperFactory()
            AuthorshipFactory(paper=paper, person=person, order=1)
            AuthorshipFactory(paper=paper, person=coauthor, order=2)
            AffiliationFactory(person=person, organization=organization)
        return f"{PEOPLE}busy/"

    response = assert_queries_do_not_grow(api, django_assert_max_num_queries, build)
    data = response.json()
    assert (len(data["appearances"]), len(data["papers"]), len(data["coauthors"])) == (51, 51, 51)
