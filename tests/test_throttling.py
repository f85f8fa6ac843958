"""The API's anonymous limit is counted once for the whole site, per real client address.

Counts live in the shared cache (Redis in production), so every worker process sees the
same count; the address is REMOTE_ADDR, or what NUM_PROXIES trusted proxies vouch for,
never a header the client writes.
"""

import httpx
import pytest
import redis
from django.conf import settings as django_settings

from tests import servers
from tests.factories import EpisodeFactory

API = "/api/v1"
RATE = "3/minute"


@pytest.fixture
def three_a_minute(settings):
    rates = {**django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": RATE}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def behind_one_proxy(settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_a_rotating_x_forwarded_for_does_not_reset_the_count(api, three_a_minute):
    EpisodeFactory()
    for n in range(3):
        response = api.get(f"{API}/episodes/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        assert response.status_code == 200
    response = api.get(f"{API}/episodes/", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


def test_by_default_the_client_is_remote_addr(api, three_a_minute):
    for _ in range(3):
        assert api.get(f"{API}/tags/", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert api.get(f"{API}/tags/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert api.get(f"{API}/tags/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(
    api, three_a_minute, behind_one_proxy
):
    # The client writes what it likes in front; our proxy appends the address it saw.
    for n in range(3):
        spoofed = f"10.0.0.{n}, 198.51.100.7"
        assert api.get(f"{API}/tags/", HTTP_X_FORWARDED_FOR=spoofed).status_code == 200
    assert api.get(f"{API}/tags/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").status_code == 429
    assert api.get(f"{API}/tags/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.fixture(scope="module")
def shared_redis():
    """The Redis the worker processes share: REDIS_URL if set, else database 6 on loopback."""
    url = django_settings.CACHES["default"].get("LOCATION") or "redis://127.0.0.1:6379/6"
    if not str(url).startswith("redis"):
        url = "redis://127.0.0.1:6379/6"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"No Redis at {url} for the worker processes: {error}")
    return url, client


@pytest.fixture(scope="module")
def two_workers(shared_redis, tmp_path_factory):
    url, client = shared_redis
    client.flushdb()
    database = tmp_path_factory.mktemp("workers") / "db.sqlite3"
    env = servers.base_env(DATABASE_URL=f"sqlite:///{database}", REDIS_URL=url, API_ANON_RATE=RATE)
    servers.migrate(env)
    with servers.server(env) as first, servers.server(env) as second:
        yield first, second
    client.flushdb()


def test_two_worker_processes_count_together(two_workers):
    first, second = two_workers
    statuses = [
        httpx.get(f"{worker}{API}/tags/", headers={"X-Forwarded-For": f"10.1.1.{n}"}).status_code
        for n, worker in enumerate([first, second, first, second, first])
    ]
    assert statuses == [200, 200, 200, 429, 429]
