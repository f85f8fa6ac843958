"""core/cache.py: the shared cache's Redis backend, one client per connection pool."""

import socket
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCacheClient

from core.cache import RedisCache

REDIS = "redis://127.0.0.1:6379/1"


def redis_cache(location=REDIS, **options):
    return RedisCache(location, {"OPTIONS": options, "KEY_PREFIX": "test-cache"})


@pytest.fixture
def shared():
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (the suite needs it for this).")
    cache = redis_cache()
    yield cache
    cache.clear()


def test_it_reads_writes_counts_and_deletes_like_django_s(shared):
    shared.set("a", {"value": 1}, 60)
    assert shared.get("a") == {"value": 1}
    assert shared.add("a", "other") is False
    shared.set("n", 1)
    assert shared.incr("n") == 2
    shared.set_many({"x": 1, "y": 2})
    assert shared.get_many(["x", "y", "z"]) == {"x": 1, "y": 2}
    shared.delete("a")
    assert shared.get("a") is None


def test_every_operation_uses_the_same_client(shared):
    client = shared._cache.get_client()
    shared.set("k", 1)
    shared.get("k")
    assert shared._cache.get_client() is client
    assert shared._cache.get_client(write=True) is client  # one server: one pool


def test_a_django_client_is_built_anew_for_each_operation():
    """What the backend is for: if Django starts reusing its clients, drop core/cache.py."""
    django_client = RedisCacheClient([REDIS])
    assert django_client.get_client() is not django_client.get_client()


def test_a_cache_that_is_down_fails_fast(db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = redis_cache(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=1)
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        cache.get("anything")
    assert time.monotonic() - started < 2
