"""The rest of the API: organizations, tags, the root, the OpenAPI document and its pages,
authentication, throttling, conditional GETs, and the errors every endpoint shares."""

import io
import json

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from rest_framework.test import APIClient

from people.models import Organization
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
    AffiliationFactory,
    EpisodeFactory,
    OrganizationFactory,
    PaperFactory,
    PersonFactory,
    PostFactory,
    ShowFactory,
)
from tests.pages import Page, saved, tagged

ORGANIZATIONS = f"{API}/organizations/"
TAGS = f"{API}/tags/"
RESOURCES = ["episodes", "people", "papers", "posts", "organizations"]


# Organizations.


@pytest.fixture
def mit(db):
    return OrganizationFactory(
        name="MIT", slug="mit", homepage="https://mit.edu/", openalex_id="I63966007"
    )


def test_an_organization_has_exactly_the_documented_fields(api, mit):
    data = get_json(api, f"{ORGANIZATIONS}mit/")
    assert data == {
        "url": f"{API_URL}/organizations/mit/",
        "slug": "mit",
        "name": "MIT",
        "kind": "university",
        "homepage": "https://mit.edu/",
        "openalex_id": "I63966007",
    }
    assert set(data) == documented_fields("Organization")
    assert get_json(api, ORGANIZATIONS)["results"] == [data]


def test_organizations_are_searched_ordered_and_paginated(api):
    for name in ["Meta", "NYU", "Cornell"]:
        OrganizationFactory(name=name)
    assert slugs(get_json(api, ORGANIZATIONS)) == ["cornell", "meta", "nyu"]
    assert slugs(get_json(api, f"{ORGANIZATIONS}?ordering=-name")) == ["nyu", "meta", "cornell"]
    assert slugs(get_json(api, f"{ORGANIZATIONS}?search=ny")) == ["nyu"]
    saved(OrganizationFactory, 20)
    assert get_json(api, ORGANIZATIONS)["next"] == f"{API_URL}/organizations/?page=2"


def test_an_editor_writes_organizations(editor_api):
    response = editor_api.post(ORGANIZATIONS, {"name": "Meta AI", "kind": "lab"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "meta-ai"
    url = response.json()["url"]
    assert editor_api.patch(url, {"kind": "company"}, format="json").json()["kind"] == "company"
    assert editor_api.delete(url).status_code == 204
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"name": "MIT"}, 409, "name"),
        ({"name": "Other", "slug": "mit"}, 409, "slug"),
        ({"name": "Other", "kind": "school"}, 400, "kind"),
        ({"name": "Other", "homepage": "mit.edu"}, 400, "homepage"),
        ({"name": ["MIT"]}, 400, "name"),
        ({}, 400, "name"),
    ],
)
def test_bad_organizations_are_refused_naming_the_field(editor_api, mit, body, status, field):
    assert_errors(editor_api.post(ORGANIZATIONS, body, format="json"), status, field)
    assert Organization.objects.count() == 1


def test_an_organization_people_work_at_cannot_be_deleted(editor_api, mit):
    AffiliationFactory(organization=mit)
    response = editor_api.delete(f"{ORGANIZATIONS}mit/")
    assert response.status_code == 409
    assert Organization.objects.filter(slug="mit").exists()


def test_only_editors_write_organizations(api, listener_api, mit):
    assert api.post(ORGANIZATIONS, {"name": "X"}, format="json").status_code == 401
    assert listener_api.post(ORGANIZATIONS, {"name": "X"}, format="json").status_code == 403
    assert listener_api.delete(f"{ORGANIZATIONS}mit/").status_code == 403
    assert Organization.objects.count() == 1


# Tags.


@pytest.fixture
def topics(db):
    EpisodeFactory(tags=["Reasoning", "Vision"])
    EpisodeFactory(tags=["Reasoning"])
    EpisodeFactory(draft=True, tags=["Reasoning", "Secret"])  # a draft's topics do not count
    PostFactory(tags=["Reasoning"])
    PostFactory(draft=True, tags=["Unannounced"])
    paper = PaperFactory()
    paper.tags.add("Reasoning", "Vision")
    PersonFactory().topics.add("Vision")


def test_tags_have_counts_per_kind_of_what_is_public(api, topics):
    data = get_json(api, TAGS)
    assert data == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "name": "Reasoning",
                "slug": "reasoning",
                "html_url": f"{SITE_URL}/tags/reasoning/",
                "counts": {"episodes": 2, "papers": 1, "posts": 1, "people": 0},
            },
            {
                "name": "Vision",
                "slug": "vision",
                "html_url": f"{SITE_URL}/tags/vision/",
                "counts": {"episodes": 1, "papers": 1, "posts": 0, "people": 1},
            },
        ],
    }
    assert set(data["results"][0]) == documented_fields("Tag")


def test_tags_are_searched_and_ordered(api, topics):
    assert slugs(get_json(api, f"{TAGS}?search=vis")) == ["vision"]
    assert slugs(get_json(api, f"{TAGS}?ordering=-name")) == ["vision", "reasoning"]


def test_tags_are_read_only(api, editor_api, topics):
    assert api.post(TAGS, {"name": "x"}, format="json").status_code == 401
    response = editor_api.post(TAGS, {"name": "x"}, format="json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert api.get(f"{TAGS}reasoning/").status_code == 404  # a list, no details


# The root, the OpenAPI document and the documentation pages.


def test_the_root_lists_the_endpoints(api):
    assert get_json(api, f"{API}/") == {
        name: f"{API_URL}/{name}/"
        for name in [*RESOURCES[:4], "organizations", "tags", "reviews", "search"]
    }


def test_the_schema_is_openapi_3_with_every_endpoint(api):
    response = api.get(f"{API}/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "The Information Bottleneck API"
    expected = {f"{API}/tags/", f"{API}/search/"}
    expected |= {f"{API}/reviews/", f"{API}/reviews/{{id}}/", f"{API}/reviews/rating/"}
    for name in RESOURCES:
        expected |= {f"{API}/{name}/", f"{API}/{name}/{{slug}}/"}
    assert set(schema["paths"]) == expected
    assert api.get(f"{API}/schema/").status_code == 200  # YAML by default


def test_the_schema_generates_without_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO())


def test_every_operation_documents_its_errors_and_reads_need_no_credentials():
    for path, operations in openapi()["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if method == "get":
                assert {"200", "400", "401", "404", "414", "429"} <= codes, (method, path)
                assert {} in operation["security"], (method, path)  # anyone reads
                assert all(
                    p["allowEmptyValue"]
                    for p in operation.get("parameters", [])
                    if p["in"] == "query"
                )
            else:
                assert {"401", "403", "409"} <= codes, (method, path)
                assert {} not in operation["security"], (method, path)
            if method in {"post", "put", "patch"}:
                assert {"400", "413", "415"} <= codes, (method, path)
                assert set(operation["requestBody"]["content"]) == {"application/json"}


def test_episode_writes_are_documented_with_the_shape_they_answer_with():
    paths = openapi()["paths"]
    for path, method, code in [
        (f"{API}/episodes/", "post", "201"),
        (f"{API}/episodes/{{slug}}/", "put", "200"),
        (f"{API}/episodes/{{slug}}/", "patch", "200"),
    ]:
        schema = paths[path][method]["responses"][code]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Episode"}


def test_urls_that_may_be_blank_are_documented_so():
    episode_audio = openapi()["components"]["schemas"]["Audio"]["properties"]["url"]
    assert episode_audio["oneOf"] == [
        {"type": "string", "format": "uri"},
        {"type": "string", "maxLength": 0},
    ]


@pytest.mark.parametrize("page", ["docs", "redoc"])
def test_the_documentation_pages_load_everything_from_the_site(api, page):
    response = api.get(f"{API}/{page}/")
    assert response.status_code == 200
    html = Page(response)
    files = [attrs["src"] for attrs in html.all("script") if "src" in attrs]
    files += [attrs["href"] for attrs in html.all("link") if "href" in attrs]
    assert files
    # Swagger UI's start-up script comes from the page's own address (?script), not inline,
    # for the Content-Security-Policy.
    own_script = f"{API}/{page}/?script="
    text = response.content.decode()
    for url in files:
        assert url.startswith("/static/") or url.endswith(own_script), url
        loaded = api.get(url)
        assert loaded.status_code == 200, url
        if url.endswith(own_script):
            text += loaded.content.decode()
    assert "<script>" not in response.content.decode()
    assert "https://" not in text.replace("https://swagger.io", "")
    assert "/api/v1/schema/" in text


def test_swagger_ui_asks_no_outside_validator(api):
    assert '"validatorUrl": null' in api.get(f"{API}/docs/?script=").content.decode()


# Authentication.


def test_a_token_authenticates_and_a_wrong_one_is_refused(api, editor_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token.key}")
    assert client.post(ORGANIZATIONS, {"name": "A"}, format="json").status_code == 201
    client.credentials(HTTP_AUTHORIZATION=f"Token {editor_token.key[:-1]}x")
    response = client.post(ORGANIZATIONS, {"name": "B"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_tokens_are_issued_in_the_admin_by_superusers_only(client, editor, django_user_model):
    client.force_login(editor)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 200


# Throttling.


@pytest.fixture
def three_a_minute(settings):
    rates = {**django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def test_anonymous_clients_are_throttled(api, three_a_minute):
    EpisodeFactory()
    for _ in range(3):
        assert api.get(f"{API}/episodes/").status_code == 200
    response = api.get(f"{API}/episodes/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert int(response["Retry-After"]) <= 60


def test_editors_are_not_throttled(editor_api, three_a_minute):
    for _ in range(5):
        assert editor_api.get(f"{API}/episodes/").status_code == 200


def test_the_anonymous_rate_is_on_by_default():
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]


# Conditional GET.


@pytest.mark.parametrize("resource", RESOURCES)
def test_details_have_an_etag_and_answer_304_when_unchanged(api, resource):
    slug = {
        "episodes": lambda: EpisodeFactory().slug,
        "people": lambda: PersonFactory().slug,
        "papers": lambda: PaperFactory().slug,
        "posts": lambda: PostFactory().slug,
        "organizations": lambda: OrganizationFactory().slug,
    }[resource]()
    url = f"{API}/{resource}/{slug}/"
    first = api.get(url)
    etag = first["ETag"]
    assert etag
    assert first["Cache-Control"] == "public, max-age=300"
    again = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_object_has_a_new_etag(api, editor_api):
    EpisodeFactory(slug="e", title="Before")
    etag = api.get(f"{API}/episodes/e/")["ETag"]
    editor_api.patch(f"{API}/episodes/e/", {"title": "After"}, format="json")
    response = api.get(f"{API}/episodes/e/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["title"] == "After"
    assert response["ETag"] != etag


def test_what_editors_see_is_never_cached_by_others(editor_api):
    EpisodeFactory(slug="e")
    assert "private" in editor_api.get(f"{API}/episodes/e/")["Cache-Control"]


# Errors every endpoint shares.


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_unknown_slug_is_a_json_404(api, resource):
    for slug in ["nope", "a.b", "%00", "é"]:
        response = api.get(f"{API}/{resource}/{slug}/")
        assert response.status_code == 404, slug
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"].startswith("No ")


@pytest.mark.parametrize("path", ["nope/", "episodes/x/y/", "schema/extra", "search/x/"])
def test_an_unknown_address_under_the_api_is_a_json_404(api, path):
    response = api.get(f"{API}/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/" in response.json()["detail"]


def test_an_anonymous_answer_varies_with_the_credentials(api):
    # A shared cache must not give it to an editor with a token, who may see drafts.
    assert "Authorization" in api.get(f"{API}/episodes/")["Vary"]


@pytest.mark.parametrize(
    "body",
    ['{"name": ', "{'name': 'single quotes'}", '{"name": NaN}', "\xff\xfe"],
)
def test_malformed_json_is_a_400(editor_api, body):
    response = editor_api.post(ORGANIZATIONS, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert not Organization.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"MIT"', "3"])
def test_json_that_is_not_an_object_is_a_400(editor_api, body):
    response = editor_api.post(ORGANIZATIONS, body, content_type="application/json")
    assert response.status_code == 400
    assert "Expected a dictionary" in response.json()["non_field_errors"][0]


def test_a_body_that_is_not_json_is_a_415(editor_api):
    response = editor_api.post(ORGANIZATIONS, {"name": "MIT"}, format="multipart")
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]
    assert not Organization.objects.exists()


def test_an_oversized_body_is_a_413_and_writes_nothing(editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"name": "MIT", "openalex_id": "", "homepage": "https://mit.edu/" + "a" * 1200}
    response = editor_api.post(ORGANIZATIONS, body, format="json")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is too large.")
    assert "1000" in response.json()["detail"]
    assert not Organization.objects.exists()
    # Just under the limit is fine.
    assert editor_api.post(ORGANIZATIONS, {"name": "MIT"}, format="json").status_code == 201


def test_permissions_come_before_reading_the_body(listener_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    response = listener_api.post(ORGANIZATIONS, {"name": "A long name"}, format="json")
    assert response.status_code == 403


# Queries.


def test_organizations_make_the_same_queries_for_1_and_50(api, django_assert_max_num_queries):
    assert_queries_do_not_grow(
        api,
        django_assert_max_num_queries,
        lambda n: saved(OrganizationFactory, n) and ORGANIZATIONS,
    )


def test_tags_make_the_same_queries_for_1_and_50(api, django_assert_max_num_queries):
    def build(n):
        episodes = saved(EpisodeFactory, n, show=ShowFactory())
        papers = saved(PaperFactory, n)
        tagged(episodes + papers, *[f"topic-{n}-{i}" for i in range(n)])
        return TAGS

    assert_queries_do_not_grow(api, django_assert_max_num_queries, build)
