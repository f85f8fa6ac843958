"""A job killed half way, by a real SIGKILL: it leaves nothing, does not stay "running", and
runs again to the end (jobs/tasks.py, jobs/runner.py).

Each test starts `celery -A ibsite worker` as a subprocess on a queue of its own (Redis
database 12 for messages, 13 for results), pointed at the test database, and queues the
import of tests/fixtures/feeds/good.xml (3 episodes, their chapters, guests and search
entries). The worker loads tests/killable_worker.py, which makes each episode save wait half
a second inside the job's transaction and writes down which process saved it: once two
episodes are written, that process (the one running the job) is killed with SIGKILL.

Skipped, saying why, when Redis does not answer, and on SQLite unless the test database is
a file another process can open (TEST_SQLITE_FILE=1, see tests/conftest.py).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone

from episodes.jobs import queue_feed_import
from episodes.models import Chapter, Episode, Show
from ibsite.editors import grant_editor_permissions
from jobs.models import Job
from jobs.runner import enqueue, get_kind
from jobs.tasks import fail_stuck
from people.models import Person
from search.models import Entry
from tests.celery_queue import celery_on_redis
from tests.factories import EditorFactory
from tests.killable_worker import SLEEPER

# redis-py 8 deprecates the setex that Celery's Redis result backend calls.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")

BROKER = "redis://127.0.0.1:6379/12"
RESULTS = "redis://127.0.0.1:6379/13"
# Seconds after which Redis gives a message no worker acknowledged to the next worker.
VISIBILITY_TIMEOUT = 3
ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "tests" / "fixtures" / "feeds" / "good.xml"
GUIDS = {"ib-isola", "ib-kempe", "ib-ren"}


def database_url():
    """The test database, as DATABASE_URL for the worker; None when it is in memory."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    return None


class Worker:
    """`celery worker` in a process of its own, on `queue`, with its output in a file."""

    def __init__(self, queue, tmp_path, pool="solo"):
        self.queue, self.pool = queue, pool
        self.saves = tmp_path / "saves.log"
        self.output = tmp_path / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_RESULT_BACKEND": RESULTS,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "KILLTEST_SAVES_LOG": str(self.saves),
            "KILLTEST_SAVE_DELAY": "0.5",
            "PYTHONPATH": str(ROOT),
        }
        command = [
            *(sys.executable, "-m", "celery", "-A", "ibsite", "worker"),
            *("--pool", self.pool, "--concurrency", "1", "--queues", self.queue),
            *("--include", "tests.killable_worker", "--loglevel", "INFO"),
            *("--hostname", f"killtest-{uuid.uuid4().hex[:8]}@%h"),
            *("--without-mingle", "--without-gossip"),
        ]
        with open(self.output, "ab") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.wait_for_log("ready.", seconds=60)
        return self

    def log(self):
        return self.output.read_text(errors="replace")

    def wait_for_log(self, text, seconds=30):
        deadline = time.monotonic() + seconds
        while text not in self.log():
            if self.process.poll() is not None:
                raise AssertionError(f"The worker exited:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"No {text!r} from the worker in {seconds} s:\n{self.log()}")
            time.sleep(0.1)

    def saved(self):
        """[(process id, episode guid)] of the episodes saved so far, by any run."""
        if not self.saves.exists():
            return []
        return [tuple(line.split()) for line in self.saves.read_text().splitlines()]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start workers with `workers(pool=...)`; all are stopped at the end."""
    if database_url() is None:
        pytest.skip(
            "The SQLite test database is in memory, which a worker in another process can't "
            "open: run with TEST_SQLITE_FILE=1, or on PostgreSQL (DATABASE_URL)."
        )
    with celery_on_redis(BROKER, RESULTS, "tests-killed") as queue:
        settings.CELERY_TASK_ALWAYS_EAGER = False  # live_progress reads the result backend
        started = []

        def start(pool="solo"):
            started.append(Worker(queue, tmp_path, pool).start())
            return started[-1]

        try:
            yield start
        finally:
            for worker in started:
                worker.stop()
            settings.CELERY_TASK_ALWAYS_EAGER = True
            redis.Redis.from_url(BROKER).delete(queue)


def refreshed(job):
    while True:
        try:
            job.refresh_from_db()
            return job
        except OperationalError:  # SQLite: a writer holds the database for a moment
            time.sleep(0.05)


def wait_until(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Not {what} after {seconds} s.")
        time.sleep(0.05)


def wait_until_finished(job, seconds=60):
    wait_until(lambda: refreshed(job).is_finished, f"finished (job {job.pk})", seconds)
    return job


def import_half_way_then_kill(worker):
    """Queue the feed import, wait until the job has written two episodes inside its
    transaction, and SIGKILL the process running it. Returns the job and its process id."""
    job = queue_feed_import(file=SimpleUploadedFile("good.xml", FEED.read_bytes()))
    wait_until(lambda: len(worker.saved()) >= 2, "two episodes written")
    pid = int(worker.saved()[0][0])
    assert refreshed(job).state == Job.State.RUNNING
    assert not Episode.objects.exists()  # written, but not committed: nobody else sees them
    os.kill(pid, signal.SIGKILL)
    return job, pid


def assert_nothing_was_imported():
    assert not Episode.objects.exists()
    assert not Chapter.objects.exists()
    assert not Person.objects.exists()  # the guests named in the titles
    assert not Show.objects.exists()  # created from the channel
    assert not Entry.objects.exists()  # the search index is written in the transaction


def assert_imported_once():
    assert sorted(Episode.objects.values_list("guid", flat=True)) == sorted(GUIDS)
    assert Chapter.objects.count() > 0
    assert Entry.objects.filter(kind="episode").count() == 3
    names = list(Person.objects.values_list("name", flat=True))
    assert "Julia Kempe" in names and len(names) == len(set(names))
    assert Show.objects.count() == 1


def test_a_worker_killed_half_way_leaves_nothing_and_its_message_runs_the_job_again(
    workers,
):
    first = workers(pool="solo")  # the worker's own process runs the job
    job, pid = import_half_way_then_kill(first)
    assert pid == first.process.pid
    first.process.wait(timeout=10)

    assert_nothing_was_imported()
    job = refreshed(job)
    # Nobody is left to say it failed: still "running", not stuck before its time limit.
    assert job.state == Job.State.RUNNING and not job.is_stuck
    assert job.attempts == 1

    # The message was never acknowledged: past the visibility timeout, the next worker
    # is given it again and runs the job from the start.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    second = workers(pool="solo")
    wait_until_finished(job)
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.attempts == 2
    assert "3 created, 0 updated" in job.summary
    assert_imported_once()
    assert {saver for saver, _ in second.saved()} == {str(pid), str(second.process.pid)}


def test_a_killed_job_shows_as_stuck_is_failed_by_beat_and_an_editor_runs_it_again(
    workers, client
):
    first = workers(pool="solo")
    job, _ = import_half_way_then_kill(first)
    first.process.wait(timeout=10)
    assert_nothing_was_imported()

    # Later, past the import's hard time limit and a minute: the editor is told it's stuck.
    limit = get_kind(job.kind).time_limit
    Job.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - timezone.timedelta(seconds=limit + 61)
    )
    grant_editor_permissions(*_group_models())  # transactional tests flush the group
    client.force_login(EditorFactory())
    listing = client.get("/admin/jobs/job/").content.decode()
    assert "Stuck: its worker stopped answering (run it again)" in listing

    # Celery beat's sweep fails it, saying why.
    assert fail_stuck.apply().get() == 1
    job = refreshed(job)
    assert job.state == Job.State.FAILED
    assert "still running past its time limit (1920 s)" in job.errors
    page = client.get(f"/admin/jobs/job/{job.pk}/change/").content.decode()
    assert "Run it again" in page

    old_task = job.task_id
    response = client.post(f"/admin/jobs/job/{job.pk}/retry/")
    assert response.status_code == 302
    assert refreshed(job).task_id != old_task

    # The next worker gets both messages, the old one (never acknowledged) and the new one:
    # the old one is dropped, so the job runs once.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    second = workers(pool="solo")
    wait_until_finished(job)
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert_imported_once()
    second.wait_for_log(f"dropping task {old_task}")
    assert job.attempts == 2


def test_a_pool_process_killed_half_way_fails_the_job_at_once_and_it_runs_again(workers):
    worker = workers(pool="prefork")
    job, pid = import_half_way_then_kill(worker)
    assert pid != worker.process.pid  # the pool's child, the worker itself lives on

    wait_until_finished(job, seconds=30)
    assert job.state == Job.State.FAILED
    assert job.errors.startswith("Its worker process was killed while running it")
    assert job.errors.endswith("Nothing was saved.")
    assert_nothing_was_imported()

    from jobs import runner

    runner.retry(job)  # what "Run it again" does
    wait_until_finished(job)
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.attempts == 2
    assert_imported_once()


def test_a_job_past_its_hard_time_limit_is_failed_and_leaves_nothing(workers):
    if connection.vendor == "sqlite":
        pytest.skip(
            "On SQLite the job's process holds the whole database until it is killed, so the "
            "worker can't fail the job at that moment: the stuck sweep does, later."
        )
    workers(pool="prefork")  # time limits need a pool process to kill
    job = enqueue(SLEEPER)
    # The sleeper would end by itself after 30 s: failed well before, it was killed. (Its
    # task_failure handler once waited on a lock the job held, so the kill came only then,
    # after the job had committed all it wrote.)
    wait_until_finished(job, seconds=20)
    assert job.state == Job.State.FAILED
    assert job.errors == (
        "It took longer than 2 s and its worker process was killed. Nothing was saved."
    )
    assert not Person.objects.exists()
    assert (job.done, job.total) == (0, None)  # its progress went with its transaction


def _group_models():
    from django.contrib.auth.models import Group, Permission

    return Group, Permission
