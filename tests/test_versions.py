"""The site's content version (core.versions): what renews it, what reading it costs, and
how a scheduled publication changes it with no write at all."""

import datetime
import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import versions
from core.batching import batch
from core.signals import content_changed
from episodes.models import Episode
from tests.factories import EpisodeFactory, PersonFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def soon(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


# What renews it.


def test_saving_content_renews_it(db):
    before = versions.current()
    person = PersonFactory()
    after_create = versions.current()
    person.name = "Someone Else"
    person.save()
    assert len({before.token, after_create.token, versions.current().token}) == 3


def test_deleting_content_and_changing_tags_renew_it(db):
    episode = EpisodeFactory()
    before = versions.generation()
    episode.tags.add("reasoning")
    after_tags = versions.generation()
    episode.delete()
    assert len({before, after_tags, versions.generation()}) == 3


def test_content_changed_renews_it(db):
    before = versions.generation()
    content_changed.send(sender=Episode, pks=[1])
    assert versions.generation() != before


def test_what_is_not_content_leaves_it_alone(db):
    before = versions.generation()
    UserFactory()  # users, sessions, jobs are no page's content
    assert versions.generation() == before


def test_in_a_batch_it_is_renewed_once_at_the_end(db):
    before = versions.generation()
    with batch():
        for _ in range(5):
            PersonFactory()
        assert versions.generation() == before
    assert versions.generation() != before


def test_each_generation_is_modified_at_least_a_second_after_the_last(db):
    stamps = []
    for _ in range(3):
        PersonFactory()
        stamps.append(versions.current().made_at)
    assert stamps[0] < stamps[1] < stamps[2]
    assert all(stamp.microsecond == 0 for stamp in stamps)


# What reading it costs.


def test_reading_it_is_one_cache_read_and_no_query(db):
    EpisodeFactory(scheduled=True)  # a scheduled item a week away
    versions.current()
    with CaptureQueriesContext(connection) as queries:
        versions.current()
    assert len(queries) == 0


def test_when_the_cache_lost_it_one_small_query_makes_it_again(db):
    EpisodeFactory()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        record = versions.current()
    assert len(queries) == 1
    assert versions.current() == record


def test_the_next_scheduled_time_is_one_query_over_every_publishable_model(db):
    in_a_day, in_two = soon(86400), soon(2 * 86400)
    EpisodeFactory(published_at=in_two)
    PostFactory(is_draft=False, published_at=in_a_day)
    EpisodeFactory(draft=True, published_at=soon(60))  # a draft never goes live
    EpisodeFactory()  # live already
    with CaptureQueriesContext(connection) as queries:
        found = versions.next_scheduled(timezone.now())
    assert len(queries) == 1
    assert found == in_a_day


def test_nothing_scheduled_notes_no_time(db):
    EpisodeFactory()
    assert versions.current().next_at is None


# Scheduled publications: the version changes when the time comes, with no write.


def test_it_notes_the_next_scheduled_publication(db):
    when = soon(3600)
    EpisodeFactory(published_at=when)
    assert versions.current().next_at == when


def test_it_changes_when_a_scheduled_time_passes(db):
    when = soon(1)
    EpisodeFactory(published_at=when)
    later = soon(3600)
    PostFactory(is_draft=False, published_at=later)
    before = versions.current()
    assert before.next_at == when

    time.sleep(max(0, (when - timezone.now()).total_seconds()) + 0.05)
    with CaptureQueriesContext(connection) as queries:
        after = versions.current()
    assert len(queries) == 1  # the next time to note
    assert after.token != before.token
    assert after.made_at > before.made_at
    assert after.next_at == later
    with CaptureQueriesContext(connection) as queries:
        assert versions.current() == after  # and then it is one cache read again
    assert len(queries) == 0


def test_every_worker_makes_the_same_successor(db):
    record = versions.Generation("abc", timezone.now().replace(microsecond=0), soon(-1))
    now = timezone.now()
    assert versions._successor(record, now) == versions._successor(record, now)


# The version of one request.


def version_of(path, **headers):
    request = RequestFactory().get(path, headers=headers)
    return versions.for_request(request, vary=("HTTP_ACCEPT",))


def test_a_requests_version_follows_the_address_and_the_headers_it_varies_on(db):
    assert version_of("/a/") == version_of("/a/")
    assert version_of("/a/").etag != version_of("/b/").etag
    assert version_of("/a/").etag != version_of("/a/?page=2").etag
    assert version_of("/a/", accept="text/html").etag != version_of("/a/").etag
    assert version_of("/a/", user_agent="x").etag == version_of("/a/").etag


def test_a_requests_version_changes_with_the_content(db):
    before = version_of("/a/")
    PersonFactory()
    after = version_of("/a/")
    assert before.etag != after.etag
    assert before.key != after.key
    assert after.last_modified > before.last_modified


def test_the_release_fingerprint_is_stable_within_a_process():
    assert versions.release() == versions.release()
    assert len(versions.release()) == 16


def test_a_cache_that_keeps_nothing_has_no_version(db, settings):
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        for alias in ("default", "versioned")
    }
    assert versions.current() is None
    assert versions.generation() == "none"
    assert versions.for_request(RequestFactory().get("/")) is None


# Memos: what a miss derives from many rows, worked out once per version.


class Counted:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return ["worked out", self.calls]


def test_a_memo_is_worked_out_once_per_version(db):
    compute = Counted()
    assert versions.memoize("test", compute) == ["worked out", 1]
    assert versions.memoize("test", compute) == ["worked out", 1]
    assert compute.calls == 1


def test_a_memo_is_worked_out_again_after_any_edit(db):
    compute = Counted()
    versions.memoize("test", compute)
    PersonFactory()
    assert versions.memoize("test", compute) == ["worked out", 2]
    content_changed.send(sender=Episode, pks=[1])
    assert versions.memoize("test", compute) == ["worked out", 3]


def test_a_memo_is_shared_through_the_cache(db):
    compute = Counted()
    versions.memoize("test", compute)
    key = f"memo:test:{versions.release()}:{versions.generation()}"
    assert caches["versioned"].get(key) == ["worked out", 1]  # what another worker reads
    caches["versioned"].set(key, ["from another worker"])
    assert versions.memoize("test", compute) == ["from another worker"]


def test_a_memo_is_worked_out_each_time_with_a_cache_that_keeps_nothing(db, settings):
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        for alias in ("default", "versioned")
    }
    compute = Counted()
    versions.memoize("test", compute)
    versions.memoize("test", compute)
    assert compute.calls == 2


def test_a_deploy_works_a_memo_out_again(db, monkeypatch):
    # New code may compute it differently (another shape, other rows): the release is in the key.
    compute = Counted()
    versions.memoize("test", compute)
    monkeypatch.setattr(versions, "release", lambda: "the-next-release")
    assert versions.memoize("test", compute) == ["worked out", 2]
    monkeypatch.undo()
    assert versions.memoize("test", compute) == ["worked out", 1]  # the old release's own


def test_memos_of_different_names_are_kept_apart(db):
    assert versions.memoize("one", lambda: 1) == 1
    assert versions.memoize("two", lambda: 2) == 2
    assert versions.memoize("one", Counted()) == 1
