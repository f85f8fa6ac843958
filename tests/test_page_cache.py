"""The page cache (core.middleware.page_cache): anonymous pages and API reads validated by
the content version before any view runs, and kept in the shared cache under it.

Every way content changes (the admin, the API, a feed import run as a job, a scheduled time
passing) shows on the next anonymous request; signed-in people always get fresh, private
pages; nothing private, personal or failed is ever kept.
"""

import datetime
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control

from core.versions import versioned
from episodes.models import Episode
from tests import servers
from tests.api import API
from tests.factories import (
    AppearanceFactory,
    EpisodeFactory,
    PaperFactory,
    PersonFactory,
    ShowFactory,
)
from tests.pages import Page, field, offered

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=300"


@pytest.fixture
def guest():
    return PersonFactory(name="Julia Kempe", slug="julia-kempe")


@pytest.fixture
def episode(guest):
    episode = EpisodeFactory(slug="ep", title="After Math Falls")
    AppearanceFactory(episode=episode, person=guest, role="guest")
    return episode


def rendered(client, url, **headers):
    """The response and how many queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


# Validators before the view: 304 with nothing rendered.


@pytest.mark.parametrize(
    "url", ["/", "/episodes/", "/episodes/ep/", "/people/julia-kempe/", f"{API}/episodes/"]
)
def test_a_matching_etag_gets_304_without_rendering_or_querying(client, episode, url):
    first = client.get(url)
    assert first.status_code == 200
    again, queries = rendered(client, url, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert queries == 0  # the version is one cache read
    assert again.templates == []  # nothing rendered
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == PUBLIC


def test_if_modified_since_the_version_gets_304(client, episode):
    first = client.get("/episodes/ep/")
    again, queries = rendered(client, "/episodes/ep/", if_modified_since=first["Last-Modified"])
    assert again.status_code == 304
    assert queries == 0


def test_the_etag_depends_on_the_address_and_the_query(client, episode):
    etags = {client.get(url)["ETag"] for url in ["/episodes/", "/episodes/?year=2020", "/"]}
    assert len(etags) == 3


def test_the_apis_etag_depends_on_the_accept_header(api, episode):
    json = api.get(f"{API}/episodes/", HTTP_ACCEPT="application/json")
    other = api.get(f"{API}/episodes/", HTTP_ACCEPT="*/*")
    assert json["ETag"] != other["ETag"]
    assert "Accept" in json["Vary"]


# The page cache.


def test_a_second_anonymous_request_is_served_from_the_cache(client, episode):
    first = client.get("/episodes/ep/")
    again, queries = rendered(client, "/episodes/ep/")
    assert queries == 0
    assert again.templates == []
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == PUBLIC
    assert again["Content-Type"] == first["Content-Type"]


def test_an_api_read_is_served_from_the_cache(api, episode):
    first = api.get(f"{API}/episodes/ep/")
    again, queries = rendered(api, f"{API}/episodes/ep/")
    assert queries == 0
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/json"


def test_with_page_cache_seconds_0_nothing_is_kept_but_the_validators_stay(
    client, episode, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    first = client.get("/episodes/ep/")
    again, queries = rendered(client, "/episodes/ep/")
    assert queries > 0  # rendered again
    assert again["ETag"] == first["ETag"]
    assert rendered(client, "/episodes/ep/", if_none_match=first["ETag"])[0].status_code == 304


def test_a_page_larger_than_the_limit_is_not_kept(client, episode, settings):
    settings.PAGE_CACHE_MAX_BYTES = 100
    client.get("/episodes/ep/")
    assert rendered(client, "/episodes/ep/")[1] > 0


# Every way content changes shows on the next anonymous request.


def rename_in_admin(editor, person, name):
    """Rename `person` as an editor does, through the admin's change form."""
    editors = Client()
    editors.force_login(editor)
    data = {
        "name": name,
        "slug": person.slug,
        "topics": "",
        **{
            f"affiliations-{key}": value
            for key, value in {
                "TOTAL_FORMS": "0",
                "INITIAL_FORMS": "0",
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "1000",
            }.items()
        },
    }
    response = editors.post(f"/admin/people/person/{person.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]


def test_a_save_in_the_admin_shows_at_once(client, episode, guest, editor):
    assert "Julia Kempe" in client.get("/episodes/ep/").text
    assert "Julia Kempe" in client.get("/").text
    etag = client.get("/episodes/ep/")["ETag"]

    rename_in_admin(editor, guest, "Julia M. Kempe")

    # The guest's new name, on a page of another object, and on the home page's card.
    page = client.get("/episodes/ep/", headers={"if-none-match": etag})
    assert page.status_code == 200
    assert "Julia M. Kempe" in page.text
    assert "Julia M. Kempe" in client.get("/").text


def test_an_api_write_shows_at_once(api, editor_api, episode):
    assert api.get(f"{API}/episodes/ep/").json()["title"] == "After Math Falls"
    assert "After Math Falls" in Client().get("/episodes/").text

    response = editor_api.patch(f"{API}/episodes/ep/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200, response.content

    assert api.get(f"{API}/episodes/ep/").json()["title"] == "Renamed"
    assert "Renamed" in Client().get("/episodes/").text


FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def test_a_feed_imported_by_a_job_shows_at_once(editor_client):
    ShowFactory()
    anonymous = Client()
    assert "After Math Falls" not in anonymous.get("/episodes/").text
    assert rendered(anonymous, "/episodes/")[1] == 0  # kept

    upload = SimpleUploadedFile(
        "good.xml", (FEEDS / "good.xml").read_bytes(), content_type="application/rss+xml"
    )
    # The admin queues the job; without a broker it runs in-process when the request commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post("/admin/episodes/episode/import-feed/", {"file": upload})
    assert response.status_code == 302
    assert Episode.objects.count() == 3

    assert "After Math Falls" in anonymous.get("/episodes/").text


def test_a_bulk_write_announced_with_content_changed_shows_at_once(client, episode):
    client.get("/episodes/ep/")
    Episode.objects.filter(pk=episode.pk).unpublish()  # update(), then content_changed
    assert client.get("/episodes/ep/").status_code == 404


def test_a_scheduled_episode_appears_when_its_time_comes(client, episode):
    soon = timezone.now() + datetime.timedelta(seconds=1.5)
    EpisodeFactory(slug="soon", title="Coming Soon", published_at=soon)
    assert "Coming Soon" not in client.get("/episodes/").text
    etag = client.get("/episodes/")["ETag"]
    assert client.get("/episodes/ep/").status_code == 200
    assert client.get("/episodes/soon/").status_code == 404

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.05)

    # No write happened: the version changed because the time it noted came.
    page = client.get("/episodes/", headers={"if-none-match": etag})
    assert page.status_code == 200
    assert "Coming Soon" in page.text
    assert client.get("/episodes/soon/").status_code == 200


# Signed-in people: fresh, private pages, never from the cache and never kept.


def test_an_editor_never_gets_the_anonymous_page(client, editor, episode):
    anonymous = Client()
    assert 'href="/admin/"' not in anonymous.get("/").text  # now kept
    client.force_login(editor)
    response, queries = rendered(client, "/")
    assert queries > 0
    assert 'href="/admin/"' in response.text
    assert "private" in response["Cache-Control"]


def test_an_editors_page_is_never_kept(client, editor, episode):
    client.force_login(editor)
    assert 'href="/admin/"' in client.get("/").text
    response, queries = rendered(Client(), "/")
    assert queries > 0  # not served from what the editor was given
    assert 'href="/admin/"' not in response.text


def test_an_editor_sees_a_draft_the_public_cannot(client, editor, episode):
    EpisodeFactory(slug="draft", draft=True)
    assert Client().get("/episodes/draft/").status_code == 404
    client.force_login(editor)
    assert client.get("/episodes/draft/").status_code == 200
    assert Client().get("/episodes/draft/").status_code == 404


def test_an_editors_etag_from_the_anonymous_page_gets_the_page(client, editor, episode):
    etag = Client().get("/").headers["ETag"]
    client.force_login(editor)
    response = client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert 'href="/admin/"' in response.text


def test_an_api_client_with_a_token_is_never_served_from_the_cache(api, editor_api, episode):
    EpisodeFactory(slug="draft", draft=True)
    assert "draft" not in [e["slug"] for e in api.get(f"{API}/episodes/").json()["results"]]
    response, queries = rendered(editor_api, f"{API}/episodes/")
    assert queries > 0
    assert "draft" in [e["slug"] for e in response.json()["results"]]
    assert "private" in response["Cache-Control"]


def test_a_signed_in_listeners_api_answers_are_not_kept(api, listener_api, episode):
    listener_api.get(f"{API}/episodes/")
    assert rendered(api, f"{API}/episodes/")[1] > 0


# Never kept: what is private, sets a cookie or failed, and what is not marked.


@versioned
def private_view(request):
    response = HttpResponse(f"for you: {time.monotonic_ns()}")
    patch_cache_control(response, private=True)
    return response


@versioned
def cookie_view(request):
    response = HttpResponse(f"with a cookie: {time.monotonic_ns()}")
    response.set_cookie("seen", "1")
    return response


@versioned
def public_view(request):
    return HttpResponse(f"public: {time.monotonic_ns()}")


def unmarked_view(request):
    return HttpResponse(f"unmarked: {time.monotonic_ns()}")


urlpatterns = [
    path("private/", private_view),
    path("cookie/", cookie_view),
    path("public/", public_view),
    path("unmarked/", unmarked_view),
]


@pytest.mark.urls(__name__)
def test_a_page_a_view_marks_private_never_enters_the_cache(client):
    first = client.get("/private/")
    assert first.status_code == 200
    assert "private" in first["Cache-Control"]
    assert client.get("/private/").content != first.content


@pytest.mark.urls(__name__)
def test_an_answer_setting_a_cookie_never_enters_the_cache(client):
    first = client.get("/cookie/")
    assert first.cookies
    assert client.get("/cookie/").content != first.content


@pytest.mark.urls(__name__)
def test_a_marked_public_view_is_kept_and_an_unmarked_one_is_not(client):
    kept = client.get("/public/")
    assert client.get("/public/").content == kept.content
    unmarked = client.get("/unmarked/")
    assert client.get("/unmarked/").content != unmarked.content


def test_a_not_found_page_is_not_kept(client, episode):
    assert client.get("/episodes/nope/").status_code == 404
    EpisodeFactory(slug="nope")
    assert client.get("/episodes/nope/").status_code == 200


def test_the_admin_is_never_cached(editor_client):
    assert "no-store" in Client().get("/admin/login/")["Cache-Control"]
    for _ in range(2):
        response, queries = rendered(editor_client, "/admin/")
        assert queries > 0
        assert "no-store" in response["Cache-Control"]


def test_a_post_is_never_answered_from_the_cache(client, episode):
    client.get("/episodes/ep/")
    with CaptureQueriesContext(connection) as queries:
        client.post("/episodes/ep/")
    assert len(queries) > 0


def test_the_api_throttle_still_counts_answers_from_the_cache(api, episode, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert api.get(f"{API}/episodes/").status_code == 200
    assert api.get(f"{API}/episodes/").status_code == 200  # from the cache, counted
    assert api.get(f"{API}/episodes/").status_code == 429


# Fragments (episode cards, filter forms) and memos (popular topics, filter choices) are
# kept per content version even with the page cache off: an edit shows at the next request.


@pytest.fixture
def page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.mark.parametrize("url", ["/", "/episodes/", "/people/julia-kempe/"])
def test_a_renamed_guest_shows_on_every_card_at_once(client, episode, guest, page_cache_off, url):
    assert "Julia Kempe" in client.get(url).text
    guest.name = "Julia M. Kempe"
    guest.save()
    assert "Julia M. Kempe" in client.get(url).text


def test_a_new_title_a_renamed_topic_and_a_new_guest_show_on_the_cards(
    client, episode, page_cache_off
):
    episode.tags.add("optimisation")
    assert "#optimisation" in client.get("/episodes/").text
    episode.title = "After Math Rises"
    episode.save()
    tag = episode.tags.get()
    tag.name = "optimization"
    tag.save()
    AppearanceFactory(episode=episode, person=PersonFactory(name="Ada Newcomer"), role="guest")
    page = client.get("/episodes/").text
    assert "After Math Rises" in page
    assert "#optimization" in page
    assert "Ada Newcomer" in page
    assert "After Math Falls" not in page


def test_the_filter_form_offers_a_new_guest_and_topic_at_once(client, episode, page_cache_off):
    page = client.get("/episodes/").text
    assert "Ada Newcomer" not in page
    other = EpisodeFactory(title="Another", tags=["fresh-topic"])
    AppearanceFactory(episode=other, person=PersonFactory(name="Ada Newcomer"), role="guest")
    page = client.get("/episodes/").text
    assert '<option value="ada-newcomer">Ada Newcomer</option>' in page
    assert '<option value="fresh-topic">fresh-topic</option>' in page


def test_the_home_pages_popular_topics_follow_an_edit_at_once(client, episode, page_cache_off):
    episode.tags.add("first")
    assert "#first" in client.get("/").text
    EpisodeFactory(tags=["second"])
    assert "#second" in client.get("/").text


def cards(response):
    """The text of each episode card on the page."""
    return Page(response).text_of("li", class_="card episode-card")


CARD_PAGES = ["/", "/episodes/", "/tags/optimisation/"]


@pytest.mark.parametrize("url", CARD_PAGES)
def test_a_guest_renamed_in_the_admin_shows_on_the_card_at_once(
    client, episode, guest, editor, page_cache_off, url
):
    episode.tags.add("optimisation")
    assert "With Julia Kempe" in cards(client.get(url))[0]
    rename_in_admin(editor, guest, "Julia M. Kempe")
    (card,) = cards(client.get(url))
    assert "With Julia M. Kempe" in card


@pytest.mark.parametrize("url", CARD_PAGES)
def test_a_new_title_topic_name_and_guest_show_on_the_card_at_once(
    client, episode, page_cache_off, url
):
    episode.tags.add("optimisation")
    (card,) = cards(client.get(url))
    assert "After Math Falls" in card
    assert "#optimisation" in card

    episode.title = "After Math Rises"
    episode.save()
    (card,) = cards(client.get(url))
    assert "After Math Rises" in card
    assert "After Math Falls" not in card

    tag = episode.tags.get()
    tag.name = "optimization"  # the slug, and so the topic page's address, stay
    tag.save()
    (card,) = cards(client.get(url))
    assert "#optimization" in card
    assert "#optimisation" not in card

    AppearanceFactory(episode=episode, person=PersonFactory(name="Ada Newcomer"), role="guest")
    (card,) = cards(client.get(url))
    assert "Ada Newcomer" in card


def test_the_filter_forms_follow_a_renamed_guest_and_a_new_paper_topic(
    client, episode, guest, editor, page_cache_off
):
    assert ("julia-kempe", "Julia Kempe") in offered(Page(client.get("/episodes/")), "guest")
    rename_in_admin(editor, guest, "Julia M. Kempe")
    assert ("julia-kempe", "Julia M. Kempe") in offered(Page(client.get("/episodes/")), "guest")

    assert offered(Page(client.get("/papers/")), "tag") == []
    PaperFactory().tags.add("fresh-topic")
    assert offered(Page(client.get("/papers/")), "tag") == [("fresh-topic", "fresh-topic")]


def test_a_filter_error_shows_each_time_and_only_at_its_own_address(
    client, episode, page_cache_off
):
    unknown = "Select a valid choice. That choice is not one of the available choices."
    for _ in range(2):  # rendered, then from the kept fragment
        response = client.get("/episodes/?guest=nobody")
        assert response.context["page"].paginator.count == 0
        assert field(Page(response), "guest").text_of("p", class_="error") == [unknown]
        assert field(Page(client.get("/episodes/")), "guest").text_of("p", class_="error") == []
    EpisodeFactory()  # a new version: the form is rendered afresh, still with the error
    assert field(Page(client.get("/episodes/?guest=nobody")), "guest").text_of(
        "p", class_="error"
    ) == [unknown]


# The page cache runs next to first (ibsite/settings.py MIDDLEWARE): a stored copy must carry
# every header the rest of the middleware gave the rendered page.

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Vary",
    "Cache-Control",
    "ETag",
    "Last-Modified",
]


@pytest.mark.parametrize("url", ["/", "/episodes/ep/", f"{API}/episodes/"])
def test_a_stored_copy_has_every_header_of_the_rendered_page(client, episode, url):
    rendered_page = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        stored = client.get(url)
    assert len(queries) == 0  # from the cache
    for header in SECURITY_HEADERS:
        assert stored.get(header) == rendered_page.get(header), header
        if header != "Cross-Origin-Opener-Policy" or rendered_page.has_header(header):
            assert stored.has_header(header), header


# Several processes: each keeps the content version while no change is announced
# (core.cache), and still shows an edit made anywhere at the next request.

EDIT = """
import sys, django
django.setup()
from tests.factories import EpisodeFactory
from episodes.models import Episode
if Episode.objects.exists():
    episode = Episode.objects.get()
    episode.title = sys.argv[1]
    episode.save()
else:
    EpisodeFactory(slug="ep", title=sys.argv[1])
"""


def edit_in_another_process(env, title):
    subprocess.run(
        [sys.executable, "-c", EDIT, title], cwd=servers.ROOT, env=env, check=True, timeout=60
    )


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    url = django_settings.CACHES["default"].get("LOCATION")
    if not str(url).startswith("redis"):
        pytest.skip("Needs REDIS_URL: the servers share the content version through Redis.")
    redis.Redis.from_url(url).flushdb()
    database = tmp_path_factory.mktemp("servers") / "db.sqlite3"
    env = servers.base_env(DATABASE_URL=f"sqlite:///{database}", REDIS_URL=url)
    servers.migrate(env)
    edit_in_another_process(env, "As first published")
    with servers.server(env) as first, servers.server(env) as second:
        yield env, first, second
    redis.Redis.from_url(url).flushdb()


def test_an_edit_in_another_process_shows_at_the_next_request_to_every_server(two_servers):
    env, first, second = two_servers
    etags = {}
    for server in (first, second):
        etags[server] = httpx.get(f"{server}/episodes/ep/").headers["ETag"]
        again = httpx.get(f"{server}/episodes/ep/", headers={"If-None-Match": etags[server]})
        assert again.status_code == 304  # from the version this server keeps

    edit_in_another_process(env, "Renamed elsewhere")

    for server in (first, second):
        response = httpx.get(f"{server}/episodes/ep/", headers={"If-None-Match": etags[server]})
        assert response.status_code == 200
        assert "Renamed elsewhere" in response.text
        assert response.headers["ETag"] != etags[server]
