"""Limits on input (ibsite/settings.py, "Limits on input"): each refused with a 4xx that
says what was wrong, never a 500, and each tested at its boundary."""

import pytest

from api.parsers import nesting_depth
from people.models import Organization
from tests.api import API

ORGANIZATIONS = f"{API}/organizations/"


# The depth of JSON (API_MAX_JSON_DEPTH).


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"3", 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[{{{{"}', 1),
        (b'["\\"[[[", ["]"]]', 2),
    ],
)
def test_the_depth_of_json_is_measured_without_counting_strings(body, depth):
    assert nesting_depth(body) == depth


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 100_000],
)
def test_deeply_nested_json_is_a_400_that_says_so(editor_api, body):
    response = editor_api.post(ORGANIZATIONS, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "64 levels deep" in response.json()["detail"]
    assert not Organization.objects.exists()


def test_json_as_deep_as_the_limit_is_read(editor_api, settings):
    settings.API_MAX_JSON_DEPTH = 3
    deep = {"name": "MIT", "kind": "lab", "extra": [[1]]}  # 3 levels
    assert editor_api.post(ORGANIZATIONS, deep, format="json").status_code == 201
    deeper = {"name": "NYU", "kind": "lab", "extra": [[[1]]]}  # 4 levels
    response = editor_api.post(ORGANIZATIONS, deeper, format="json")
    assert response.status_code == 400
    assert "3 levels deep" in response.json()["detail"]


# The query string (QUERY_STRING_MAX_LENGTH, DATA_UPLOAD_MAX_NUMBER_FIELDS).


@pytest.mark.parametrize("url", ["/", "/episodes/", f"{API}/episodes/", "/search/"])
def test_a_query_string_past_the_limit_is_a_414(client, db, settings, url):
    settings.QUERY_STRING_MAX_LENGTH = 100
    assert client.get(f"{url}?q={'a' * 98}").status_code == 200  # 100 characters
    response = client.get(f"{url}?q={'a' * 99}")
    assert response.status_code == 414
    assert b"at most 100 characters" in response.content


def test_the_default_limit_is_8_kb(client, db):
    assert client.get("/episodes/?x=" + "a" * 8190).status_code == 200
    assert client.get("/episodes/?x=" + "a" * 8191).status_code == 414


def test_too_many_parameters_is_a_400(client, db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    assert client.get("/episodes/?" + "&".join(f"a{i}=1" for i in range(5))).status_code == 200
    assert client.get("/episodes/?" + "&".join(f"a{i}=1" for i in range(6))).status_code == 400
