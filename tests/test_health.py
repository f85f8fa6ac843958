"""/healthz says the process answers; /readyz says whether its dependencies do."""

import contextlib
import logging
import re
import socket
import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from core import health, routers
from tests.replica import wait_for_replay


def test_healthz_is_ok_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


def test_probes_answer_whatever_host_they_use(client, db):
    # Orchestrators probe by the machine's address, which is not in ALLOWED_HOSTS.
    assert client.get("/healthz", HTTP_HOST="10.11.12.13:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.11.12.13:8000").status_code == 200


def test_readyz_names_each_dependency(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_is_503_naming_the_cache_when_it_is_down(client, db, settings):
    down = f"redis://127.0.0.1:{closed_port()}/0"
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
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "error"}
    assert response["Retry-After"]


def test_readyz_checks_the_queue_when_a_broker_is_configured(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == "error"


def test_readyz_is_503_naming_the_database_when_it_is_down(client, db, monkeypatch):
    def refuse():
        raise OSError("connection refused")

    monkeypatch.setattr(health, "check_database", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_not_redirected_to_https(client, db, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path).status_code == 200


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readyz_has_no_queue_when_jobs_run_in_process(client, db, settings):
    """`make run`: no broker of its own (the in-memory one Celery is given), jobs in-process."""
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/readyz")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache"}


# The read replica: shown beside the checks, never failing readiness.

REPLICA_DOWN = ", reads go to the primary"
# Outside a test transaction, as in production: the replica's connection is then opened and
# closed as the probe needs (inside one it would stay open, in that transaction).
uses_the_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_reads(settings):
    """Anonymous reads routed to the replica, as in production, the router having no memory
    of an earlier failure."""
    settings.REPLICA_READS = True
    routers.forget_replica_failure()
    yield
    routers.forget_replica_failure()


@contextlib.contextmanager
def replica_moved(**changes):
    """The replica's connection settings changed (a closed port, a file that cannot be
    opened), and put back afterwards."""
    replica = connections["replica"]
    saved = dict(replica.settings_dict)
    # Changed before closing: SQLite keeps a connection to an in-memory database open.
    replica.settings_dict.update(changes)
    replica.close()
    if replica.vendor == "postgresql":
        replica.close_pool()  # a pool keeps the address it was made with
    try:
        yield
    finally:
        replica.close()
        if replica.vendor == "postgresql":
            replica.close_pool()
        replica.settings_dict.clear()
        replica.settings_dict.update(saved)


def unreachable(tmp_path):
    """Settings for a replica that refuses at once: a port nobody listens on (PostgreSQL), a
    file in a directory that does not exist (SQLite)."""
    if connections["replica"].vendor == "postgresql":
        return {"HOST": "127.0.0.1", "PORT": str(closed_port())}
    return {"NAME": str(tmp_path / "gone" / "db.sqlite3")}


@uses_the_replica
def test_readyz_reports_a_replica_that_answers_with_its_lag(client, replica_server, replica_reads):
    if replica_server is None:  # SQLite: the replica is a second connection to the same file
        response = client.get("/readyz")
        assert response.json()["replica"] == {"state": "ok", "lag_seconds": None}
        return
    wait_for_replay()
    # Other databases of the same server write too: the replica may be replaying some WAL
    # with no transaction's time known yet, for a moment.
    deadline = time.monotonic() + 10
    while True:
        response = client.get("/readyz")
        replica = response.json()["replica"]
        if replica["lag_seconds"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 200
    assert replica["state"] == "ok"
    assert isinstance(replica["lag_seconds"], int | float)
    assert 0 <= replica["lag_seconds"] < 10


@uses_the_replica
def test_readyz_stays_ready_when_the_replica_is_down_and_says_why(
    client, replica_reads, tmp_path, caplog, settings
):
    with replica_moved(**unreachable(tmp_path)), caplog.at_level(logging.WARNING):
        started = time.monotonic()
        response = client.get("/readyz")
        # Refused at once; with DATABASE_POOL, the pool tries until its timeout, which is this.
        assert time.monotonic() - started < settings.REPLICA_CONNECT_TIMEOUT + 1.5

        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["checks"] == {"database": "ok", "cache": "ok"}
        state = body["replica"]["state"]
        assert state.startswith("down: ") and state.endswith(REPLICA_DOWN)
        assert len(state) > len("down: " + REPLICA_DOWN)  # a reason
        assert "127.0.0.1" not in state and "port" not in state  # the log has the address
        assert body["replica"]["lag_seconds"] is None

        # Asked again within REPLICA_RETRY_SECONDS: the router's word, without connecting.
        again = client.get("/readyz")
        assert again.json()["replica"] == body["replica"]
        warnings = [r for r in caplog.records if "does not answer" in r.getMessage()]
        assert len(warnings) == 1


@uses_the_replica
def test_readyz_gives_up_on_a_silent_replica_within_the_connect_timeout(
    client, replica_reads, settings
):
    if connections["replica"].vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite opens a file, it does not wait for a server.")
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    with silent, replica_moved(HOST="127.0.0.1", PORT=str(silent.getsockname()[1])):
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    # psycopg's words, or its pool's (DATABASE_POOL).
    reason = r"(connection timeout expired|couldn't get a connection after [\d.]+ sec)"
    assert re.fullmatch(f"down: {reason}{REPLICA_DOWN}", response.json()["replica"]["state"])
    assert elapsed < settings.REPLICA_CONNECT_TIMEOUT + 1.5


def test_readyz_has_no_replica_when_reads_do_not_go_to_one(client, db, settings):
    settings.REPLICA_READS = False  # a replica configured, but every read on the primary
    assert "replica" not in client.get("/readyz").json()


def test_readyz_has_no_replica_when_none_is_configured(client, db, settings):
    settings.REPLICA_READS = True
    with pytest.warns(UserWarning, match="Overriding setting DATABASES"):
        settings.DATABASES = {"default": settings.DATABASES["default"]}
    assert "replica" not in client.get("/readyz").json()
