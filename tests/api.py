"""Helpers for the API tests (tests/test_api_*.py): the OpenAPI document, reading answers
and errors, and query budgets. The clients (`api`, `listener_api`, `editor_api`,
`editor_session`) are fixtures in tests/conftest.py.
"""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from tests.pages import SITE_URL

API = "/api/v1"
API_URL = f"http://testserver{API}"  # Links to the API are built from the request.

__all__ = ["API", "API_URL", "SITE_URL"]


_schema = {}


def openapi():
    """The OpenAPI document, generated once."""
    if not _schema:
        _schema.update(SchemaGenerator().get_schema(request=None, public=True))
    return _schema


def documented_fields(component):
    """The properties the OpenAPI document lists for a component (a response shape)."""
    return set(openapi()["components"]["schemas"][component]["properties"])


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(data):
    """The slugs of a list page's results, in order."""
    return [item["slug"] for item in data["results"]]


def assert_errors(response, status, *fields):
    """A JSON error with this status, naming these fields (dotted paths: "chapters.1.start")."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    for path in fields:
        found = body
        for key in path.split("."):
            if isinstance(found, list):  # a nested list's errors: one item for each sent
                assert key.isdigit() and int(key) < len(found), (path, body)
                found = found[int(key)]
            else:
                assert isinstance(found, dict) and key in found, (path, body)
                found = found[key]
        assert found, (path, body)
    return body


def assert_queries_do_not_grow(client, django_assert_max_num_queries, build):
    """`build(n)` adds n rows and returns a URL: the 50-row answer makes no more queries
    than the 1-row one (measured after a warm-up request, rendered: the page cache, which
    would answer the second request, is off)."""
    url = build(1)
    assert client.get(url).status_code == 200, url
    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    url = build(50)
    with override_settings(PAGE_CACHE_SECONDS=0), django_assert_max_num_queries(len(one_row)):
        response = client.get(url)
    assert response.status_code == 200
    return response
