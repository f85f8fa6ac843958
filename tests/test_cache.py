"""core/cache.py: the shared cache's Redis backend, one client per connection pool; the
content version kept in each process while no change is announced; versioned entries kept
in each process's memory."""

import socket
import threading
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCacheClient

import core.cache
from core.cache import LocalCopies, RedisCache, VersionedRedisCache
from tests import servers

REDIS = "redis://127.0.0.1:6379/1"


def redis_cache(location=REDIS, **options):
    return RedisCache(location, {"OPTIONS": options, "KEY_PREFIX": "test-cache"})


def in_another_process(make):
    """What `make()` builds, with what a process keeps of its own (core.cache.per_process),
    as another worker would have it."""
    kept = dict(core.cache._per_process)
    core.cache._per_process.clear()
    try:
        built = make()
        if isinstance(built, RedisCache):
            built.watch  # noqa: B018 (made now, in the other process's registry)
        return built
    finally:
        core.cache._per_process.clear()
        core.cache._per_process.update(kept)


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


# get_watched / set_announced: the content version kept in each process, changes announced.


def test_a_watched_value_is_kept_while_no_change_is_announced(shared):
    shared.set_announced("generation", "one")
    assert shared.get_watched("generation") == "one"
    shared.set("generation", "two")  # behind the watch's back, as nothing in the site writes
    assert shared.get_watched("generation") == "one"  # kept: Redis was not asked


def test_a_change_announced_by_another_process_is_seen_at_the_next_read(shared):
    other = in_another_process(redis_cache)  # its own connections and its own copy
    shared.set_announced("generation", "one")
    assert shared.get_watched("generation") == "one"
    assert other.get_watched("generation") == "one"
    other.set_announced("generation", "two")
    # No wait: Redis writes the announcement to every watcher before answering the writer.
    assert shared.get_watched("generation") == "two"
    assert other.get_watched("generation") == "two"


def test_the_threads_of_a_process_share_what_it_keeps(shared):
    """Django makes a cache backend per thread: a worker's threads still keep one copy."""
    shared.set_announced("generation", "one")
    in_thread = {}
    thread = threading.Thread(target=lambda: in_thread.update(cache=redis_cache()))
    thread.start()
    thread.join()
    assert in_thread["cache"].watch is shared.watch
    assert in_thread["cache"].get_watched("generation") == "one"
    shared.set("generation", "two")  # unannounced: a kept copy answers in both
    assert shared.get_watched("generation") == "one"


def test_a_missing_value_is_not_kept(shared):
    assert shared.get_watched("generation") is None
    shared.set("generation", "made by another worker with add()")
    assert shared.get_watched("generation") == "made by another worker with add()"


def test_clearing_the_cache_anywhere_drops_every_kept_value(shared):
    other = in_another_process(redis_cache)
    shared.set_announced("a", "one")
    assert shared.get_watched("a") == "one"
    other.clear()
    assert shared.get_watched("a") is None


def test_a_lost_channel_drops_what_was_kept_and_reads_redis_again(shared):
    proxy = servers.TCPProxy(("127.0.0.1", 6379))
    proxy.start()
    watching = in_another_process(
        lambda: redis_cache(f"redis://127.0.0.1:{proxy.port}/1", socket_timeout=2)
    )
    try:
        watching.set_announced("generation", "one")
        assert watching.get_watched("generation") == "one"
        shared.set("generation", "unannounced")
        assert watching.get_watched("generation") == "one"  # kept
        proxy.stop()  # Redis restarted, or the network cut: announcements may be lost
        shared.set("generation", "two")  # the change it could not hear about
        proxy.start()
        assert watching.get_watched("generation") == "two"
        shared.set_announced("generation", "three")
        assert watching.get_watched("generation") == "three"  # watching again
    finally:
        proxy.stop()


def test_without_redis_a_watched_read_fails_like_any_read(db):
    down = redis_cache(f"redis://127.0.0.1:{servers.free_port()}/0", socket_connect_timeout=1)
    with pytest.raises(redis.ConnectionError):
        down.get_watched("generation")


# LocalCopies and VersionedRedisCache: entries that never change under their key, kept in
# each process's memory in front of Redis.


def test_local_copies_drop_the_least_recently_used_beyond_their_size():
    copies = LocalCopies(max_bytes=800, max_seconds=60)
    copies.put("a", b"x" * 100, None)
    copies.put("b", b"x" * 100, None)
    assert copies.get("a")  # a is now the more recently used
    for n in range(7):  # 900 bytes in all: one must go
        copies.put(f"fill{n}", b"x" * 100, None)
    assert copies.get("a") and not copies.get("b")


def test_an_entry_too_large_for_the_local_copies_is_not_kept():
    copies = LocalCopies(max_bytes=800, max_seconds=60)
    copies.put("big", b"x" * 101, None)  # over an eighth of the whole
    assert copies.get("big") is None


def test_a_local_copy_lasts_no_longer_than_asked():
    copies = LocalCopies(max_bytes=800, max_seconds=60)
    copies.put("brief", b"x", 0.05)
    copies.put("capped", b"x", 3600)
    assert copies.get("brief")
    time.sleep(0.1)
    assert copies.get("brief") is None
    assert copies._entries["capped"][0] - time.monotonic() <= 60


@pytest.fixture
def versioned(shared):
    cache = VersionedRedisCache(REDIS, {"KEY_PREFIX": "test-cache", "LOCAL_MAX_BYTES": 10_000})
    yield cache
    cache.clear()


def test_a_versioned_entry_is_read_from_memory_after_the_first_time(versioned):
    versioned.set("page:v1", ("200", [], b"the page"), 60)
    raw = redis.Redis.from_url(REDIS)
    raw.delete(versioned.make_key("page:v1"))  # gone from Redis...
    assert versioned.get("page:v1") == ("200", [], b"the page")  # ...still in this process
    versioned.delete("page:v1")
    assert versioned.get("page:v1") is None


def test_another_process_reads_a_versioned_entry_from_redis_and_keeps_it(versioned):
    versioned.set("memo:v1", ["popular", "topics"], 60)
    other = in_another_process(lambda: VersionedRedisCache(REDIS, {"KEY_PREFIX": "test-cache"}))
    assert other.get("memo:v1") == ["popular", "topics"]
    assert other.local.get(other.make_key("memo:v1")) is not None


def test_a_versioned_value_read_is_a_copy_of_its_own(versioned):
    versioned.set("memo:v1", ["one"], 60)
    versioned.get("memo:v1").append("changed by a caller")
    assert versioned.get("memo:v1") == ["one"]


def test_clearing_the_versioned_cache_clears_the_memory_too(versioned):
    versioned.set("page:v1", "page", 60)
    versioned.clear()
    assert versioned.get("page:v1") is None
