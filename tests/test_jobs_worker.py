"""A real Celery worker, in a thread, against Redis (DB 10 for messages, 11 for progress):
jobs go through the broker and run in the worker, on the test database.

Skipped, saying why, when Redis does not answer at 127.0.0.1:6379 (`.ci/run` starts it).
Each test run sends to a queue of its own, so parallel runs do not take each other's jobs.
"""

import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from episodes.importers.feed import FeedImporter
from episodes.jobs import queue_feed_import
from episodes.models import Episode
from ibsite.celery import app
from jobs import runner
from jobs.models import Job
from jobs.runner import Outcome, enqueue, register
from search.models import Entry
from tests.celery_queue import celery_on_redis

# redis-py 8 deprecates the setex that Celery's Redis result backend calls.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")

BROKER = "redis://127.0.0.1:6379/10"
RESULTS = "redis://127.0.0.1:6379/11"
FEEDS = Path(__file__).parent / "fixtures" / "feeds"


class Hiccup(Exception):
    """A transient failure, as a network timeout is."""


TRIES = []


@register("tests.flaky", label="Flaky", retry_on=(Hiccup,), max_retries=2, retry_delay=0)
def flaky(job, progress):
    TRIES.append(job.pk)
    if len(TRIES) == 1:
        raise Hiccup("The server did not answer.")
    return Outcome(summary=f"Worked on try {len(TRIES)}.")


@pytest.fixture
def worker(transactional_db):
    with (
        celery_on_redis(BROKER, RESULTS, "tests-jobs") as queue,
        start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]) as worker,
    ):
        yield worker


def wait_for(job, seconds=30):
    """The job, once it has succeeded or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            job.refresh_from_db()
            if job.is_finished:
                return job
        except OperationalError:  # SQLite: the worker's transaction holds the table
            pass
        time.sleep(0.1)
    raise AssertionError(f"Job {job.pk} still {job.state} after {seconds} s.")


def feed_file():
    return SimpleUploadedFile("good.xml", (FEEDS / "good.xml").read_bytes())


def test_the_worker_imports_a_feed_end_to_end(worker):
    job = queue_feed_import(file=feed_file())
    assert job.state == Job.State.QUEUED
    wait_for(job)
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert Episode.objects.count() == 3
    # The search index was written in the import's transaction.
    assert Entry.objects.filter(kind="episode").count() == 3
    assert (job.done, job.total) == (3, 3)
    assert "Episodes: 3 items: 3 created, 0 updated, 0 unchanged, 0 skipped." in job.summary
    assert job.attempts == 1


def test_an_import_stopped_half_way_in_the_worker_leaves_nothing_and_runs_again(
    worker, monkeypatch
):
    real = FeedImporter.import_item

    def dies_at_the_second(importer, item):
        if item.position == 2:
            raise RuntimeError("the worker was stopped half way")
        return real(importer, item)

    monkeypatch.setattr(FeedImporter, "import_item", dies_at_the_second)
    job = wait_for(queue_feed_import(file=feed_file()))
    assert job.state == Job.State.FAILED
    assert not Episode.objects.exists()
    assert not Entry.objects.filter(kind="episode").exists()
    monkeypatch.setattr(FeedImporter, "import_item", real)
    runner.retry(job)
    wait_for(job)
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert Episode.objects.count() == 3
    assert Entry.objects.filter(kind="episode").count() == 3


def test_a_transient_failure_is_retried_by_the_worker(worker):
    TRIES.clear()
    job = wait_for(enqueue("tests.flaky"))
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.summary == "Worked on try 2."
    assert job.attempts == 2
