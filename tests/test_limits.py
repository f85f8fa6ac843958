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


def query_of(length):
    """A query string of `length` characters, each value within QUERY_VALUE_MAX_LENGTH."""
    parts, left = [], length
    while left > 0:
        value = min(left - 2, 2040)  # "x=" and the value, then "&" if more follows
        parts.append("x=" + "a" * max(value, 0))
        left -= len(parts[-1]) + 1
    query = "&".join(parts)
    return query + "a" * (length - len(query))


def test_the_default_limit_is_8_kb(client, db):
    assert len(query_of(8192)) == 8192
    assert client.get("/episodes/?" + query_of(8192)).status_code == 200
    assert client.get("/episodes/?" + query_of(8193)).status_code == 414


def test_a_query_string_past_the_limit_is_json_under_the_api(client, db, settings):
    settings.QUERY_STRING_MAX_LENGTH = 100
    response = client.get(f"{API}/episodes/?q={'a' * 99}")
    assert response.status_code == 414
    assert response.json() == {"detail": "The query string is too long: at most 100 characters."}


# One parameter's name or value (QUERY_VALUE_MAX_LENGTH).


@pytest.mark.parametrize("url", ["/", "/episodes/", "/search/", "/admin/login/"])
def test_a_value_past_the_limit_is_a_400_that_says_so(client, db, settings, url):
    settings.QUERY_VALUE_MAX_LENGTH = 50
    assert client.get(f"{url}?q={'a' * 50}").status_code == 200
    response = client.get(f"{url}?page=1&q={'a' * 51}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == "The query parameter 'q' is too long: at most 50 characters."


def test_a_name_past_the_limit_is_a_400_that_says_so(client, db, settings):
    settings.QUERY_VALUE_MAX_LENGTH = 50
    assert client.get(f"/episodes/?{'k' * 50}=1").status_code == 200
    response = client.get(f"/episodes/?{'k' * 51}=1")
    assert response.status_code == 400
    assert response.text == "A query parameter's name is too long: at most 50 characters."


def test_every_value_of_a_repeated_parameter_is_held_to_the_limit(client, db, settings):
    settings.QUERY_VALUE_MAX_LENGTH = 50
    assert client.get(f"/episodes/?tag=a&tag={'a' * 51}").status_code == 400


def test_values_are_measured_in_characters_once_decoded(client, db, settings):
    settings.QUERY_VALUE_MAX_LENGTH = 10
    assert client.get("/episodes/?q=" + "%C3%A9" * 10).status_code == 200  # ten é, 60 sent
    assert client.get("/episodes/?q=" + "%C3%A9" * 11).status_code == 400


def test_a_value_past_the_limit_is_json_under_the_api(client, db, settings):
    settings.QUERY_VALUE_MAX_LENGTH = 50
    assert client.get(f"{API}/episodes/?search={'a' * 50}").status_code == 200
    response = client.get(f"{API}/episodes/?search={'a' * 51}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The query parameter 'search' is too long: at most 50 characters."
    }


def test_a_value_past_its_limit_is_named_even_in_a_query_string_past_its_own(client, db):
    response = client.get(f"{API}/episodes/?search={'a' * 9000}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The query parameter 'search' is too long: at most 2048 characters."
    }


def test_the_default_value_limit_is_2048_characters(client, db):
    assert client.get("/episodes/?q=" + "a" * 2048).status_code == 200
    response = client.get("/episodes/?q=" + "a" * 2049)
    assert response.status_code == 400
    assert b"at most 2048 characters" in response.content


def test_too_many_parameters_is_a_400(client, db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    assert client.get("/episodes/?" + "&".join(f"a{i}=1" for i in range(5))).status_code == 200
    assert client.get("/episodes/?" + "&".join(f"a{i}=1" for i in range(6))).status_code == 400
