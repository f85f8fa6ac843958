"""The content version of the site: what every page, API answer and feed is validated and
cached by.

One record in Django's cache (Redis in production, so every worker shares it), the
*generation*: a token, when it was made (the pages' Last-Modified) and the next scheduled
publication it did not see yet. It is renewed

- by any save, delete or many-to-many change of a model of a registered content app
  (`register()`, from each content app's `ready()`), and by `core.signals.content_changed`
  (bulk writes, lists of children replaced, publication state changed in bulk); inside a
  batch (core.batching: a request, an import, a job) once at its end, and again when the
  transaction commits, so that nothing rendered from the old rows meanwhile is kept as
  current;
- when the scheduled publication it noted comes: an episode or post scheduled for a time
  becomes live with no write at all. Every model built on `core.publishing.Publishable` is
  asked for its next scheduled time in one small query when a generation is made; reading
  the generation after that time makes its successor (the same one in every worker: it
  follows from the record alone) and notes the next time.

Reading the version is one cache read, plus one small query only when a scheduled time has
just passed or the cache lost the record (a restart). A raw `QuerySet.update()` or SQL sends
no signal: send `content_changed` after it, as the services do.

A cache that keeps nothing (the dummy backend) has no generation: `current()` is None, the
page cache stands aside, and the feeds use a fixed token (their own query still versions
them).
"""

import functools
import hashlib
import os
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from core.batching import deferred
from core.publishing import Publishable, State, in_state
from core.signals import content_changed

GENERATION_KEY = "content:generation"

# The app labels whose rows the public sees (filled by register()).
_content_apps: set[str] = set()


def register(*labels):
    """Count the models of these apps (by label) as content: saving one renews the version."""
    _content_apps.update(labels)


def content_apps():
    return frozenset(_content_apps)


@dataclass(frozen=True)
class Generation:
    token: str
    made_at: datetime  # whole seconds, later than its predecessor's: the Last-Modified
    next_at: datetime | None  # the next scheduled publication, when this one goes stale


def next_scheduled(after):
    """The earliest publication time after `after` of an item that is not a draft, among
    every Publishable model: one query (a UNION of one small indexed query per model)."""
    models = [m for m in apps.get_models() if issubclass(m, Publishable)]
    if not models:
        return None
    queries = [
        m._default_manager.filter(in_state(State.SCHEDULED, after))
        .order_by()
        .values_list("published_at", flat=True)
        for m in models
    ]
    first, *rest = queries
    combined = first.union(*rest) if rest else first
    return next(iter(combined.order_by("published_at")[:1]), None)


def _made_at(now, previous):
    # Last-Modified counts whole seconds: each generation's is at least a second after the
    # one before, so a client holding the old one never gets a 304 for the new content.
    stamp = now.replace(microsecond=0)
    if previous is not None and stamp <= previous.made_at:
        stamp = previous.made_at + timedelta(seconds=1)
    return stamp


def _make(previous=None):
    now = timezone.now()
    return Generation(uuid.uuid4().hex, _made_at(now, previous), next_scheduled(now))


def _successor(record, now):
    """The generation after a scheduled publication came: the same in every worker."""
    token = hashlib.sha256(f"{record.token}|{record.next_at.isoformat()}".encode()).hexdigest()
    made_at = _made_at(record.next_at, record)
    return replace(record, token=token[:32], made_at=made_at, next_at=next_scheduled(now))


def _read():
    # With Redis, this process keeps the record while no change is announced (core.cache):
    # no round trip, yet a change made by any process is seen at the next request.
    return getattr(cache, "get_watched", cache.get)(GENERATION_KEY)


def _write(record):
    getattr(cache, "set_announced", cache.set)(GENERATION_KEY, record, None)


def current():
    """The current Generation (made when the cache has none), or None when the cache keeps
    nothing. At most one cache read (none while this process's copy holds); one small
    query when a scheduled time has passed."""
    if isinstance(caches["default"], DummyCache):
        return None
    record = _read()
    if record is None:
        cache.add(GENERATION_KEY, _make(), None)
        record = _read()
    if record.next_at is not None and record.next_at <= timezone.now():
        record = _successor(record, timezone.now())
        _write(record)
    return record


def generation():
    """The current token, for keys and ETags ("none" when the cache keeps nothing)."""
    record = current()
    return record.token if record is not None else "none"


@functools.cache
def release():
    """A fingerprint of the code, templates and static manifest this process serves, so
    that a deploy changes every version (computed once per process, from the files'
    contents: the same on every server of one release)."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    skip = {"staticfiles", "tests", "node_modules", "media", "__pycache__"}
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in skip)
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt", ".xml", ".json")):
                path = Path(folder, name)
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or root / "staticfiles") / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class PageVersion:
    """The validators and cache key of one answer: the site's content version with what
    else the answer depends on (the release, host and scheme, full path, varying headers)."""

    etag: str
    last_modified: datetime
    key: str


def for_request(request, vary=()):
    """The PageVersion of `request` (one cache read, see current()); None when the cache
    keeps nothing. `vary`: the request headers (META names) the answer depends on."""
    record = current()
    if record is None:
        return None
    parts = [
        release(),
        settings.SITE_URL,
        record.token,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        *(request.META.get(name, "") for name in vary),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return PageVersion(f'"{digest[:32]}"', record.made_at, f"page:{digest}")


def versioned_cache():
    """The cache for what is found by the content version (pages, fragments, memos): such
    an entry never changes under its key, so each process may keep copies (core.cache)."""
    return caches["versioned"]


# A memo is found by the content version, so it never goes stale; the time only clears old
# versions' memos from the cache.
MEMO_SECONDS = 24 * 3600


def memoize(name, compute):
    """`compute()`, worked out once per content version and shared by every worker through
    the cache: for what a page derives from many rows (popular topics, a filter's choices),
    which only an edit can change. Not for what depends on the visitor."""
    record = current()
    if record is None:
        return compute()
    key = f"memo:{name}:{release()}:{record.token}"
    value = versioned_cache().get(key)
    if value is None:
        value = compute()
        versioned_cache().set(key, value, MEMO_SECONDS)
    return value


# Renewal.


def _renew_now():
    _write(_make(cache.get(GENERATION_KEY)))


def _renew():
    """A new generation now, and again once the transaction commits (so that a page
    rendered from the old rows meanwhile is not kept as current)."""
    _renew_now()
    transaction.on_commit(_renew_now)


def bump():
    """Content changed: renew the generation, once at the end of the open batch (a request,
    an import) if there is one, else now."""
    if deferred("content-generation", start=list, flush=lambda _: _renew()) is None:
        _renew()


def _model_changed(sender, **kwargs):
    # A migration's historical models (another app registry) change a schema in progress:
    # the pages are versioned again by the first write after it (and any deploy).
    if sender._meta.app_label in _content_apps and sender._meta.apps is apps:
        bump()


def _content_changed(sender, **kwargs):
    bump()


def connect():
    post_save.connect(_model_changed, dispatch_uid="content-version-saved")
    post_delete.connect(_model_changed, dispatch_uid="content-version-deleted")
    m2m_changed.connect(_model_changed, dispatch_uid="content-version-m2m")
    content_changed.connect(_content_changed, dispatch_uid="content-version-changed")


# Views the page cache may answer for (core.middleware.page_cache).


def versioned(view=None, *, vary=()):
    """Mark a view whose answer to an anonymous visitor follows from the content version
    alone: the page cache may answer for it (304 from the version, or a stored copy).
    `vary`: the request headers (META names) it depends on besides the address."""

    def mark(view):
        view.versioned = True
        view.versioned_vary = tuple(vary)
        return view

    return mark(view) if view is not None else mark
