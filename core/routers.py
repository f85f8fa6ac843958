"""Reads from a replica for anonymous visitors; everything else on the primary.

With DATABASE_REPLICA_URL set, settings add a "replica" database: a streaming standby of the
primary ("default"), read-only and a little behind it. The rules:

- Only web requests read from the replica, and only those of anonymous visitors
  (`route_reads`, a middleware): a GET or HEAD without a session cookie, without an
  Authorization header, and not within REPLICA_STICKY_SECONDS of a write by the same client.
  Management commands, background jobs and the shell have no such request: the primary.
- Signed-in people (editors above all) read from the primary: they must see what they have
  just saved, drafts included. The session cookie is enough to tell, before anything is read.
- Writes go to the primary. After one, the request's own reads stay there too (the replica
  has not seen the write yet), and so does everything its client asks for the next
  REPLICA_STICKY_SECONDS (a cookie, set on the answer to a POST, PUT, PATCH or DELETE).
- Users, sessions, tokens, sign-in attempts and jobs are always read on the primary, and so
  is anything read inside a transaction on it.
- A replica that does not connect (REPLICA_CONNECT_TIMEOUT) is left alone for
  REPLICA_RETRY_SECONDS, in this process: reads go to the primary meanwhile, so a replica
  that stops costs one short wait every few seconds (and an error for a request caught
  reading from it at that moment), not an error page for every visitor. /readyz shows what
  this process makes of it (core.health).
"""

import contextvars
import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
# Holds the time (Unix seconds) until which this client reads from the primary.
STICKY_COOKIE = "primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Who may do what: read where it is written, whoever asks.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "authtoken", "axes", "admin", "jobs"})


@dataclass
class _Reads:
    """What the current request may read from the replica."""

    replica: bool  # this request may read from the replica
    wrote: bool = False  # it wrote: its later reads must see that write
    checked: bool = False  # the replica answered in this request


_reads = contextvars.ContextVar("core_routers_reads", default=None)
# Until when (time.monotonic()) this process leaves a replica that did not answer alone, and
# why it did not when last asked (the error's first line, without the server's address).
_replica_down_until = 0.0
_replica_down_reason = ""
# psycopg's 'connection failed: connection to server at "10.0.0.5", port 5432 failed: ...'
_SERVER_PREFIX = re.compile(
    r'^(connection failed: )?connection to server (at|on socket) "[^"]*"(, port \d+)? '
    r"failed: (FATAL: +)?"
)


def replica_configured():
    return REPLICA in settings.DATABASES and settings.REPLICA_READS


@contextmanager
def reading_from_replica(allowed=True):
    """Within the block, reads may go to the replica (as for an anonymous visitor's GET)."""
    token = _reads.set(_Reads(replica=allowed))
    try:
        yield
    finally:
        _reads.reset(token)


def replica_available():
    """Whether the replica answers; one that did not is not asked again for a few seconds."""
    global _replica_down_reason
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA]
    try:
        # A connection kept from an earlier request may have died with its server. (The same
        # check as CONN_HEALTH_CHECKS, which it then skips; done here so that it is done.)
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except Error as error:
        replica_failed(error)
        return False
    _replica_down_reason = ""
    return True


def replica_failed(error):
    """Read from the primary for REPLICA_RETRY_SECONDS, in this process, after `error`."""
    global _replica_down_until, _replica_down_reason
    _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    message = str(error).strip()
    message = message.splitlines()[0] if message else type(error).__name__
    # The log may name the replica's address; the reason shown by the public /readyz must not.
    _replica_down_reason = _SERVER_PREFIX.sub("", message) or type(error).__name__
    log.warning(
        "The read replica does not answer (%s); reading from the primary for %s s.",
        message,
        settings.REPLICA_RETRY_SECONDS,
    )


def replica_down_reason():
    """Why the replica did not answer when this process last asked, or None if it did."""
    return _replica_down_reason or None


def forget_replica_failure():
    """Ask the replica again on the next read (after it is started again, say)."""
    global _replica_down_until, _replica_down_reason
    _replica_down_until = 0.0
    _replica_down_reason = ""


class ReplicaRouter:
    """Sends a read to the replica when the current request allows it (see the module)."""

    def db_for_read(self, model, **hints):
        state = _reads.get()
        if state is None or not state.replica or state.wrote:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        # Related rows come from where their object came from (a saved one: the primary).
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        # Inside a transaction on the primary, reads must see its uncommitted writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if not state.checked:
            if not replica_available():
                state.replica = False
                return DEFAULT_DB_ALIAS
            state.checked = True
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from one relates to the other's.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is read-only; it follows the primary's schema by replication.
        if db == REPLICA:
            return False
        return None


def may_read_from_replica(request):
    """An anonymous visitor's read that need not see a write of theirs."""
    if request.method not in SAFE_METHODS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    try:
        primary_until = int(request.COOKIES.get(STICKY_COOKIE, "0"))
    except ValueError:
        primary_until = 0
    return primary_until <= time.time()


def route_reads(get_response):
    """Decide once per request where its reads go; after a write, keep the client on the
    primary for REPLICA_STICKY_SECONDS (the replica may not have the write yet)."""

    def middleware(request):
        if not replica_configured():
            return get_response(request)
        with reading_from_replica(may_read_from_replica(request)):
            response = get_response(request)
        # A GET that wrote (a feed's GUID, worked out on its first reading) keeps only its
        # own reads on the primary: its answer may be public, and a public answer sets no
        # cookie.
        seconds = settings.REPLICA_STICKY_SECONDS
        if request.method not in SAFE_METHODS and seconds:
            response.set_cookie(
                STICKY_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware
