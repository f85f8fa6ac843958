"""The feeds' content generation: a token in Django's cache that changes whenever content a
feed shows may have changed, so that a feed's ETag and cache key change with it at once.

The feeds' version query sees episodes and the show (their count and newest dates), not a
chapter renamed, a guest's new photo, a paper's new title or a topic added. Those are
saved through models and services that announce it (model signals, `content_changed`);
this listener turns any such announcement into a new token. It lives in the cache the
rendered feeds live in (Redis in production), so every worker sees it.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.batching import deferred
from core.signals import content_changed

GENERATION_KEY = "feeds:generation"

# The apps whose rows a feed shows.
CONTENT_APPS = {"episodes", "people", "papers", "posts", "taggit"}


def generation():
    """The current token (made when the cache has none, e.g. after a restart)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY)
    # A cache that keeps nothing (the dummy backend): feeds are versioned as the database
    # query alone says, as before.
    return token or "none"


def _new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _renew():
    """A new token now, and again once the transaction commits (so that no feed rendered
    from the old rows meanwhile is kept as current)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def bump():
    """Content changed: renew the token, once at the end of the open batch (a request, an
    import) if there is one, else now."""
    if deferred("feeds-generation", start=list, flush=lambda _: _renew()) is None:
        _renew()


def _model_changed(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        bump()


def _content_changed(sender, **kwargs):
    bump()


def connect():
    post_save.connect(_model_changed, dispatch_uid="feeds-saved")
    post_delete.connect(_model_changed, dispatch_uid="feeds-deleted")
    m2m_changed.connect(_model_changed, dispatch_uid="feeds-m2m")
    content_changed.connect(_content_changed, dispatch_uid="feeds-content")
