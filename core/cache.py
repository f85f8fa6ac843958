"""The shared cache's backends: Django's Redis cache, with one client per connection pool,
and two ways of answering from this process's memory without a round trip to Redis:

- `RedisCache.get_watched()`: a value that changes rarely and is read on every request
  (the content version, core.versions), kept in this process until a message on a Redis
  channel says it changed. Writers announce with `set_announced()`.
- `VersionedRedisCache` (the "versioned" cache): entries whose key carries the content
  version (pages, fragments, memos) never change under their key, so each process keeps
  the recent ones in memory in front of Redis.
"""

import logging
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property
from redis import ConnectionPool
from redis.client import PubSub

logger = logging.getLogger(__name__)

# After losing the channel, how long to read from Redis before subscribing again.
RESUBSCRIBE_SECONDS = 1.0
SUBSCRIBE_TIMEOUT = 2.0
EVERYTHING = b"*"


class ReusedClients(RedisCacheClient):
    """Django builds a new `redis.Redis` object for every cache operation, copying its table
    of some 170 reply handlers each time: a third of a 304's time (which is one cache read).
    One client per connection pool does the same work; a client is safe to share between
    threads (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class Watch:
    """Values of this process that stay valid while nothing arrives on a Redis channel.

    The subscription is made before the first value is read, and its socket is polled (no
    round trip: a non-blocking read of what has already arrived) each time a value is used.
    A writer announces its change before it answers, so by the time anyone can ask for the
    page it changed, the announcement is waiting on every watching process's socket: an
    edit still shows at the next request, in every worker of every server. Anything
    unexpected (the channel lost, reconnected, Redis restarted) drops every value and reads
    Redis directly until the channel is back.
    """

    def __init__(self, location, options, channel):
        self._location = location
        self._options = options
        self.channel = channel
        self._lock = threading.Lock()
        self._pubsub = None
        self._retry_at = 0.0
        self._epoch = 0  # moves on every change heard: a value kept in an older one is gone
        self._values = {}  # key -> (epoch, value)

    def get(self, key, load):
        """The value of `key`: the one kept, or `load()` (kept if nothing changed meanwhile)."""
        with self._lock:
            epoch = self._listen()
            kept = self._values.get(key) if epoch is not None else None
            if kept is not None and kept[0] == epoch:
                return kept[1]
        # Outside the lock: a slow or failing Redis must not queue the other threads.
        value = load()
        if epoch is None:  # not watching: nothing is kept
            return value
        with self._lock:
            # Kept only if no change was heard since the subscription was checked: a change
            # that came while loading may or may not be in `value`.
            if self._listen() == epoch and value is not None:
                self._values[key] = (epoch, value)
        return value

    def forget(self, key=None):
        """Drop `key` (every key when None) in this process."""
        with self._lock:
            if key is None:
                self._values.clear()
            else:
                self._values.pop(key, None)
            self._epoch += 1

    def _listen(self):
        """The current epoch after reading what arrived; None when not subscribed."""
        if self._pubsub is None and not self._subscribe():
            return None
        try:
            while (message := self._pubsub.get_message(timeout=0)) is not None:
                if message["type"] == "message":
                    self._heard(message["data"])
                elif message["type"] != "subscribe":
                    self._epoch += 1
            if self._pubsub.reconnected:
                # redis-py subscribed again on its own: what was published meanwhile is lost.
                self._pubsub.reconnected = False
                self._heard(EVERYTHING)
        except Exception:
            logger.warning("Lost the cache's channel %s; reading Redis directly.", self.channel)
            self._drop_subscription()
            return None
        return self._epoch

    def _heard(self, data):
        if data == EVERYTHING:
            self._values.clear()
        else:
            self._values.pop(data.decode(), None)
        self._epoch += 1

    def _subscribe(self):
        if time.monotonic() < self._retry_at:
            return False
        pubsub = None
        try:
            pool = ConnectionPool.from_url(self._location, **self._options)
            pubsub = Subscription(pool)
            pubsub.subscribe(self.channel)
            # Confirmed before any value is read: a change announced from now on is heard.
            confirmation = pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT)
            if confirmation is None or confirmation["type"] != "subscribe":
                raise RuntimeError(f"no confirmation of the subscription: {confirmation}")
        except Exception:
            logger.warning("Could not watch the cache's channel %s.", self.channel)
            self._retry_at = time.monotonic() + RESUBSCRIBE_SECONDS
            if pubsub is not None:
                pubsub.close()
            return False
        pubsub.reconnected = False
        self._pubsub = pubsub
        self._heard(EVERYTHING)
        return True

    def _drop_subscription(self):
        pubsub, self._pubsub = self._pubsub, None
        self._heard(EVERYTHING)
        self._retry_at = time.monotonic() + RESUBSCRIBE_SECONDS
        try:
            pubsub.close()
        except Exception:
            logger.debug("Closing the lost channel failed.", exc_info=True)


class Subscription(PubSub):
    """redis-py's subscription, telling when it connected again on its own."""

    reconnected = False

    def on_connect(self, connection):
        # Called when redis-py reconnects (not for the first connection).
        self.reconnected = True
        super().on_connect(connection)


# Django makes a cache backend per thread; what is kept must be shared by the threads of a
# process (a worker's threads serve the same site), so it lives here, once per place.
_per_process = {}
_per_process_lock = threading.Lock()


def per_process(key, make):
    """The one object of this process for `key`, made by `make()` the first time."""
    with _per_process_lock:
        found = _per_process.get(key)
        if found is None:
            found = _per_process[key] = make()
        return found


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with `get_watched()` / `set_announced()` (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    @cached_property
    def watch(self):
        channel = self.make_key("changed")
        location = self._servers[0]
        # The connection settings (timeouts), not Django's own options for its client.
        options = {
            name: value
            for name, value in self._options.items()
            if name not in {"serializer", "pool_class", "parser_class"}
        }
        return per_process(("watch", location, channel), lambda: Watch(location, options, channel))

    def get_watched(self, key, default=None):
        """`get(key)`, answered from this process's copy while no change was announced."""
        value = self.watch.get(key, lambda: self.get(key))
        return default if value is None else value

    def set_announced(self, key, value, timeout=None):
        """`set()`, then announce it to every process keeping `key` (get_watched)."""
        self.set(key, value, timeout)
        self.watch.forget(key)
        self._cache.get_client(write=True).publish(self.watch.channel, key)

    def clear(self):
        super().clear()
        self.watch.forget()
        self._cache.get_client(write=True).publish(self.watch.channel, EVERYTHING)


class LocalCopies:
    """A least-recently-used store of raw cache values in this process, bounded in bytes
    and in age."""

    def __init__(self, max_bytes, max_seconds):
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self._entries = OrderedDict()  # key -> (expires, raw)
        self._bytes = 0

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key, raw, seconds):
        size = _size(raw)
        if size > self.max_bytes // 8:  # one entry never pushes out most of the others
            return
        with self._lock:
            self._remove(key)
            seconds = self.max_seconds if seconds is None else min(seconds, self.max_seconds)
            self._entries[key] = (time.monotonic() + seconds, raw)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._remove(next(iter(self._entries)))

    def remove(self, key):
        with self._lock:
            self._remove(key)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _remove(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= _size(entry[1])


def _size(raw):
    return len(raw) if isinstance(raw, bytes) else 8


class LocalFirstClient(ReusedClients):
    """Reads from this process's copies first; keeps what it reads and writes."""

    def __init__(self, *args, local, **kwargs):
        super().__init__(*args, **kwargs)
        self.local = local

    def get(self, key, default):
        raw = self.local.get(key)
        if raw is None:
            raw = self.get_client(key).get(key)
            if raw is None:
                return default
            self.local.put(key, raw, None)
        return self._serializer.loads(raw)

    def set(self, key, value, timeout):
        raw = self._serializer.dumps(value)
        if timeout == 0:
            self.delete(key)
            return
        self.get_client(key, write=True).set(key, raw, ex=timeout)
        self.local.put(key, raw, timeout)

    def add(self, key, value, timeout):
        self.local.remove(key)
        return super().add(key, value, timeout)

    def delete(self, key):
        self.local.remove(key)
        return super().delete(key)

    def clear(self):
        self.local.clear()
        return super().clear()


class VersionedRedisCache(DjangoRedisCache):
    """For entries whose key carries the content version (core.versions): an entry never
    changes under its key, so what this process read or wrote is kept in its memory too
    (LOCAL_MAX_BYTES, LOCAL_SECONDS) and read from there first: a page cache hit or a
    cached fragment costs no round trip to Redis. Not for anything that changes in place
    (counters, throttles, the content version itself): another process's change would not
    be seen here."""

    def __init__(self, server, params):
        params = dict(params)
        max_bytes = params.pop("LOCAL_MAX_BYTES", 32 * 1024 * 1024)
        max_seconds = params.pop("LOCAL_SECONDS", 300)
        super().__init__(server, params)
        local = per_process(
            ("local", self._servers[0], self.key_prefix, self.version),
            lambda: LocalCopies(max_bytes, max_seconds),
        )
        self._class = lambda *args, **kwargs: LocalFirstClient(*args, local=local, **kwargs)
        self.local = local
