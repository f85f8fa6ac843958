"""Caching headers and conditional GET (ibsite/middleware.py, ConditionalGetMiddleware)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import patch_cache_control

from core.middleware import cache_control
from episodes.models import Episode
from tests.factories import EpisodeFactory, PaperFactory, PostFactory, UserFactory
from tests.pages import fast_client  # noqa: F401 (the `client` fixture, faster)

PUBLIC = "public, max-age=300"


@pytest.fixture
def content(db):
    EpisodeFactory(slug="ep", title="An Episode")
    EpisodeFactory(slug="draft", draft=True)
    PaperFactory(slug="paper")
    PostFactory(slug="post")


PUBLIC_URLS = [
    "/",
    "/about/",
    "/episodes/",
    "/episodes/?year=2020",
    "/episodes/ep/",
    "/episodes/ep/?t=1:00",
    "/people/",
    "/papers/",
    "/papers/paper/",
    "/papers/paper/bibtex",
    "/posts/",
    "/posts/post/",
    "/tags/",
    "/sitemap.xml",
    "/sitemap-episodes.xml",
    "/sitemap-papers.xml?p=1",
    "/robots.txt",
]


# What browsers and proxies may keep.


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_anonymous_pages_may_be_kept_five_minutes_and_carry_an_etag(client, content, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC
    assert response["ETag"].startswith('"')
    assert "Cookie" in response["Vary"] and "Authorization" in response["Vary"]
    assert not response.cookies


def test_a_head_request_gets_the_same_headers(client, content):
    response = client.head("/episodes/ep/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC


def test_the_time_pages_may_be_kept_is_a_setting(client, content, settings):
    settings.PUBLIC_PAGE_MAX_AGE = 60
    assert client.get("/").headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("url", ["/", "/episodes/ep/", "/episodes/draft/", "/posts/post/"])
def test_an_editors_pages_are_private_and_checked_every_time(editor_client, content, url):
    response = editor_client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives
    assert "public" not in directives
    assert "max-age=300" not in directives


def test_a_signed_in_listeners_pages_are_private_too(client, listener, content):
    client.force_login(listener)
    response = client.get("/episodes/ep/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/episodes/nope/", "/episodes/draft/", "/nope/"])
def test_not_found_pages_are_not_marked_public(client, content, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
    assert "max-age" not in response.get("Cache-Control", "")


def test_a_rejected_method_is_not_marked_public(client, content):
    response = client.post("/robots.txt")
    assert response.status_code == 405
    assert "public" not in response.get("Cache-Control", "")


def test_the_admin_keeps_its_own_never_cache_headers(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private"} <= directives
    assert "public" not in directives


# Conditional GET.


def test_asking_again_with_the_etag_gets_304_not_modified(client, content):
    first = client.get("/episodes/ep/")
    again = client.get("/episodes/ep/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == PUBLIC


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_page_answers_304_to_its_own_etag(client, content, url):
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_changed_page_gets_a_new_etag_and_a_full_answer(client, content):
    etag = client.get("/episodes/ep/")["ETag"]
    episode = Episode.objects.get(slug="ep")
    episode.title = "A New Title"
    episode.save()  # any write that announces itself renews the content version
    response = client.get("/episodes/ep/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "A New Title" in response.text


def test_a_stale_or_unrelated_etag_gets_the_page(client, content):
    response = client.get("/episodes/ep/", headers={"if-none-match": '"not-it"'})
    assert response.status_code == 200
    assert response.content


def test_the_same_page_under_different_filters_has_different_etags(client, content):
    assert client.get("/episodes/")["ETag"] != client.get("/episodes/?year=2020")["ETag"]


# The middleware on its own.


def run(response, user=None, method="get"):
    request = getattr(RequestFactory(), method)("/")
    request.user = user or AnonymousUser()
    return cache_control(lambda request: response)(request)


def test_it_marks_an_anonymous_page_public():
    response = run(HttpResponse("hello"))
    assert response["Cache-Control"] == PUBLIC
    # Signed in by session (pages) or by token (the API), someone may see drafts.
    assert response["Vary"] == "Cookie, Authorization"


def test_a_response_setting_a_cookie_is_private():
    response = HttpResponse("hello")
    response.set_cookie("csrftoken", "x")
    assert run(response)["Cache-Control"] == "private, no-cache"


def test_it_leaves_a_views_own_cache_control_alone():
    response = HttpResponse("hello")
    patch_cache_control(response, max_age=3600, immutable=True)
    assert run(response)["Cache-Control"] == "max-age=3600, immutable"


def test_it_leaves_other_methods_alone():
    response = run(HttpResponse("done"), method="post")
    assert not response.has_header("Cache-Control")
    assert not response.has_header("Vary")


@pytest.mark.parametrize("status", [301, 302, 404, 410, 500])
def test_only_successful_answers_are_marked_public(status):
    response = run(HttpResponse(status=status))
    assert not response.has_header("Cache-Control")
    assert response["Vary"] == "Cookie, Authorization"


@pytest.mark.django_db
def test_a_signed_in_user_is_private():
    assert run(HttpResponse("hi"), user=UserFactory())["Cache-Control"] == "private, no-cache"
