"""/healthz says the process answers; /readyz says whether its dependencies do."""

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import health


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
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
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
