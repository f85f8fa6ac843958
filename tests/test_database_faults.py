"""When the database is down the site says so: 503 with Retry-After, never a hung worker.

Real faults, in server processes: a PostgreSQL port nobody listens on, one that accepts
connections and never answers, an SQLite file that cannot be opened, and PostgreSQL behind
a relay that the test cuts and restores (the site recovers by itself).
"""

import os
import socket
import time
import uuid

import httpx
import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.signals import template_rendered

from core.auth import locked_out
from core.errors import server_error
from tests import servers

PAGE = "/episodes/"
API_PAGE = "/api/v1/episodes/"
PG = ("127.0.0.1", 5432)


def assert_unavailable(url):
    page = httpx.get(f"{url}{PAGE}", timeout=30)
    assert page.status_code == 503, page.text
    assert page.headers["Retry-After"] == "30"
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Back in a moment" in page.text

    api = httpx.get(f"{url}{API_PAGE}", timeout=30)
    assert api.status_code == 503, api.text
    assert api.headers["Retry-After"] == "30"
    assert api.json() == {"detail": "The service is unavailable for a moment. Try again shortly."}

    ready = httpx.get(f"{url}/readyz", timeout=30)
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "error"

    assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    # A page that needs no database still serves: the page cache's version query failing
    # only means no validators and no cache for it.
    robots = httpx.get(f"{url}/robots.txt", timeout=30)
    assert robots.status_code == 200


def test_postgresql_refusing_connections():
    env = servers.base_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{servers.free_port()}/x")
    with servers.server(env) as url:
        assert_unavailable(url)


def test_postgresql_that_never_answers_gives_up_after_the_connect_timeout():
    with socket.create_server(("127.0.0.1", 0), backlog=64) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        env = servers.base_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/x", DB_CONNECT_TIMEOUT="1"
        )
        with servers.server(env) as url:
            started = time.monotonic()
            response = httpx.get(f"{url}{PAGE}", timeout=30)
            assert response.status_code == 503
            assert time.monotonic() - started < 10


def test_sqlite_file_that_cannot_be_opened(tmp_path):
    # The directory does not exist, so SQLite cannot open (or create) the file. (Making a file
    # unreadable proves nothing when the tests run as root, who reads it anyway.)
    env = servers.base_env(DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'db.sqlite3'}")
    with servers.server(env) as url:
        assert_unavailable(url)


def test_other_errors_are_500_and_json_under_the_api(settings, db, monkeypatch):
    from api import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.EpisodeViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    response = client.get(API_PAGE)
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side."}


def render_error_page(rf, name):
    """The answer the site gives for `name`, made as it is made: by its handler."""
    if name == "locked_out.html":
        return locked_out(rf.post("/admin/login/"))
    fault = OperationalError("the database is down") if name == "503.html" else ValueError()
    try:
        raise fault
    except Exception:
        return server_error(rf.get(PAGE))


@pytest.mark.parametrize(
    ("name", "status", "title"),
    [
        ("500.html", 500, "Something went wrong"),
        ("503.html", 503, "Back in a moment"),
        ("locked_out.html", 429, "Too many failed sign-ins"),
    ],
)
def test_the_error_pages_share_one_layout_that_needs_no_database(rf, name, status, title):
    """No `db` fixture: any query would fail the test (they are shown when it is down)."""
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        response = render_error_page(rf, name)
    finally:
        template_rendered.disconnect(record)
    assert response.status_code == status
    assert rendered == [name, "error_base.html"]
    page = response.content.decode()
    assert f"<title>{title} · The Information Bottleneck</title>" in page
    assert '<a class="brand" href="/">The Information Bottleneck</a>' in page
    assert 'href="/static/css/site.' in page


@pytest.fixture
def postgresql():
    try:
        psycopg.connect(
            host=PG[0], port=PG[1], user="postgres", dbname="postgres", connect_timeout=2
        ).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"No PostgreSQL at {PG[0]}:{PG[1]}: {error}")
    name = f"faults_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        host=PG[0], port=PG[1], user="postgres", dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(
            host=PG[0], port=PG[1], user="postgres", dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_going_away_and_coming_back(postgresql):
    relay = servers.TCPProxy(PG)
    relay.start()
    try:
        env = servers.base_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{relay.port}/{postgresql}"
        )
        servers.migrate(env)
        with servers.server(env) as url:
            # Pages at other addresses than assert_unavailable() asks for: the page cache
            # keeps these, and answers for them while the database is away (no write can
            # change them meanwhile).
            kept = [f"{url}{PAGE}?page=1", f"{url}{API_PAGE}?page=1"]
            assert [httpx.get(page, timeout=30).status_code for page in kept] == [200, 200]

            relay.stop()
            assert_unavailable(url)
            assert [httpx.get(page, timeout=30).status_code for page in kept] == [200, 200]

            relay.start()
            assert httpx.get(f"{url}{PAGE}", timeout=30).status_code == 200
            assert httpx.get(f"{url}{API_PAGE}", timeout=30).status_code == 200
            assert httpx.get(f"{url}/readyz", timeout=30).json()["checks"]["database"] == "ok"
    finally:
        relay.stop()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="statement_timeout is a PostgreSQL setting; this run is on SQLite",
)
def test_postgresql_queries_have_a_statement_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_the_shared_cache_down_is_a_503_too(db, settings):
    down = f"redis://127.0.0.1:{servers.free_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": down,
            "OPTIONS": {"socket_connect_timeout": 1},
        },
        "versioned": {
            "BACKEND": "core.cache.VersionedRedisCache",
            "LOCATION": down,
            "OPTIONS": {"socket_connect_timeout": 1},
        },
    }
    client = Client(raise_request_exception=False)
    response = client.get(API_PAGE)  # the anonymous throttle counts in the cache
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["detail"].startswith("The service is unavailable")
