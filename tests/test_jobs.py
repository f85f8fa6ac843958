"""Background jobs (jobs/): the model, the runner in-process (the tests' default, as in
`make run`) and with a broker (dispatch mocked here; tests/test_jobs_worker.py runs a real
worker), the admin's job pages, and the feed import as a job."""

import datetime
import io
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from episodes.importers.feed import FeedImporter
from episodes.jobs import IMPORT_FEED, queue_feed_import, queue_show_syncs
from episodes.models import Episode, Show
from ibsite.celery import app
from jobs import runner
from jobs.models import Job
from jobs.runner import Outcome, enqueue, register
from jobs.tasks import fail_stuck, run_job
from people.models import Person
from tests.factories import ShowFactory, UserFactory

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
IMPORT_URL = "/admin/episodes/episode/import-feed/"


def upload(name="good.xml"):
    return SimpleUploadedFile(name, (FEEDS / name).read_bytes(), "application/rss+xml")


# A kind of job for these tests: it adds people, one a step, and may fail half way.
@register("tests.people", label="Test people", soft_time_limit=20, time_limit=30)
def add_people(job, progress):
    names = job.params["names"]
    for done, name in enumerate(names, start=1):
        if name == job.params.get("fail_at"):
            raise RuntimeError(f"stopped at {name}")
        Person.objects.create(name=name, slug=name.lower())
        progress(done, len(names), f"Added {name}")
    return Outcome(summary=f"{len(names)} people added.", errors=["one note"], link="/admin/")


@pytest.fixture
def broker(monkeypatch):
    """As with a broker: the task is sent, not run; the messages sent are recorded."""
    sent = []
    app.conf.task_always_eager = False
    monkeypatch.setattr(
        run_job, "apply_async", lambda args, **options: sent.append((args, options))
    )
    yield sent
    app.conf.task_always_eager = True


def test_a_job_starts_queued_with_its_input_and_says_what_it_is():
    job = enqueue("tests.people", names=["Ada"])
    assert job.state == Job.State.QUEUED
    assert job.params == {"names": ["Ada"]}
    assert str(job) == f"Test people #{job.pk}"
    assert job.get_absolute_url() == f"/admin/jobs/job/{job.pk}/change/"
    assert len(job.task_id) == 32


def test_an_unknown_kind_is_refused():
    with pytest.raises(runner.JobError):
        enqueue("tests.nothing")
    assert not Job.objects.exists()


def test_it_is_sent_to_the_queue_only_after_the_commit(broker):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        job = enqueue("tests.people", names=["Ada"])
    assert broker == []  # not before the row the worker reads is committed
    callbacks[0]()
    ((args, options),) = broker
    assert args == [job.pk]
    assert options == {"task_id": job.task_id, "soft_time_limit": 20, "time_limit": 30}
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert not Person.objects.exists()


def test_without_a_broker_it_runs_in_process_at_the_commit(django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager  # no CELERY_BROKER_URL, as in `make run`
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("tests.people", names=["Ada", "Grace"])
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total, job.progress_text) == (2, 2, "Added Grace")
    assert (job.summary, job.errors, job.link) == ("2 people added.", "one note", "/admin/")
    assert job.attempts == 1
    assert job.started_at <= job.finished_at
    assert Person.objects.count() == 2


def test_a_job_that_fails_half_way_leaves_nothing_and_can_be_run_again(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("tests.people", names=["Ada", "Grace", "Edsger"], fail_at="Edsger")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.errors == (
        "It failed unexpectedly (RuntimeError: stopped at Edsger). Nothing was saved."
    )
    assert not Person.objects.exists()  # Ada and Grace went with the transaction
    assert job.can_retry
    job.params["fail_at"] = None
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        runner.retry(job)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.attempts, job.errors) == (2, "one note")
    assert Person.objects.count() == 3


def test_a_running_job_is_stuck_only_past_its_hard_time_limit():
    job = Job.objects.create(kind="tests.people", state=Job.State.RUNNING)
    job.started_at = timezone.now()
    assert not job.is_stuck and not job.can_retry
    job.started_at = timezone.now() - timezone.timedelta(seconds=30 + 61)
    assert job.is_stuck and job.can_retry


def test_beat_fails_the_jobs_stuck_past_their_hard_time_limit():
    # tests/test_jobs_killed.py kills a real worker; here, what the sweep decides.
    def running(kind, seconds_ago):
        started = timezone.now() - timezone.timedelta(seconds=seconds_ago)
        return Job.objects.create(kind=kind, state=Job.State.RUNNING, started_at=started)

    stuck = running("tests.people", 30 + 61)  # its kind's hard limit is 30 s
    busy = running("tests.people", 30)
    long_import = running(IMPORT_FEED, 30 + 61)  # 32 minutes allowed
    assert Job.objects.stuck() == [stuck]
    assert fail_stuck.apply().get() == 1
    stuck.refresh_from_db()
    assert stuck.state == Job.State.FAILED and stuck.finished_at
    assert stuck.errors == (
        "Its worker stopped answering: it was still running past its time limit (30 s), "
        "so it was killed or lost. Nothing was saved."
    )
    assert stuck.can_retry
    for job in busy, long_import:
        job.refresh_from_db()
        assert job.state == Job.State.RUNNING
    assert app.conf.beat_schedule["fail-stuck-jobs"]["task"] == "jobs.fail_stuck"


def test_a_message_for_a_job_run_again_since_is_dropped():
    # A killed worker's message comes back (acks_late) after an editor ran the job again:
    # only the new message runs it.
    job = enqueue("tests.people", names=["Ada"])
    old_task = job.task_id
    runner.retry(job)
    run_job.apply(args=[job.pk], task_id=old_task)
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.attempts == 0
    assert not Person.objects.exists()
    run_job.apply(args=[job.pk], task_id=job.task_id)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and Person.objects.count() == 1


def test_a_jobs_progress_leaves_its_row_unlocked_while_it_runs(django_capture_on_commit_callbacks):
    # The worker's main process fails a job past its hard time limit before killing it: a
    # lock held by the job would hold up the kill (tests/test_jobs_killed.py).
    seen = []

    @register("tests.progress", label="Progress")
    def reports(job, progress):
        progress(1, 2, "Half")
        seen.append(Job.objects.values_list("done", "total", "progress_text").get(pk=job.pk))
        return Outcome()

    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("tests.progress")
    job.refresh_from_db()
    assert seen == [(0, None, "")]  # the row was not written inside the job's transaction
    assert (job.state, job.done, job.total, job.progress_text) == ("succeeded", 1, 2, "Half")


# The admin.


def test_the_import_page_only_queues_the_import(editor_client, broker):
    started = time.monotonic()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(IMPORT_URL, {"url": "https://feeds.example.com/ib.xml"})
    assert time.monotonic() - started < 2
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.state) == (IMPORT_FEED, Job.State.QUEUED)
    assert job.params == {
        "url": "https://feeds.example.com/ib.xml",
        "dry_run": False,
        "show": None,
    }
    assert job.created_by.username == "edna"
    assert [args for args, _ in broker] == [[job.pk]]
    assert not Episode.objects.exists() and not Show.objects.exists()


def test_an_uploaded_feed_is_kept_as_the_jobs_file(editor_client, broker):
    with TestCase.captureOnCommitCallbacks(execute=True):
        editor_client.post(IMPORT_URL, {"file": upload()})
    job = Job.objects.get()
    assert job.input_file.name.startswith("jobs/")
    with job.input_file.open("rb") as file:
        assert file.read() == (FEEDS / "good.xml").read_bytes()
    assert not Episode.objects.exists()
    assert len(broker) == 1


def test_the_paper_page_only_queues_the_lookup(editor_client, broker):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(
            "/admin/papers/paper/add-by-id/", {"identifier": "2405.07987"}
        )
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.params == {
        "identifiers": [{"kind": "arxiv", "value": "2405.07987"}],
        "file_name": None,
    }
    assert len(broker) == 1


def test_a_running_jobs_page_shows_its_progress_and_refreshes_itself(editor_client):
    job = Job.objects.create(
        kind=IMPORT_FEED,
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        done=40,
        total=200,
        progress_text="Imported 40 of 200 items\u2026",
    )
    response = editor_client.get(job.get_absolute_url())
    assert response.status_code == 200
    assert "Feed import: running" in response.text
    assert "40 of 200 (20%)" in response.text
    assert "Imported 40 of 200 items\u2026" in response.text
    assert '<meta http-equiv="refresh" content="2">' in response.text
    assert "<script>" not in response.text
    assert 'name="_save"' not in response.text
    assert "Run it again" not in response.text


def test_a_finished_jobs_page_shows_the_summary_and_stops_refreshing(editor_client):
    job = Job.objects.create(
        kind=IMPORT_FEED,
        state=Job.State.FAILED,
        summary="First line.\nSecond line.",
        errors="It broke. Nothing was saved.",
    )
    response = editor_client.get(job.get_absolute_url())
    assert "Feed import: failed" in response.text
    assert "<li>First line.</li><li>Second line.</li>" in response.text
    assert "It broke. Nothing was saved." in response.text
    assert 'http-equiv="refresh"' not in response.text
    assert "Run it again" in response.text


def test_an_editor_runs_a_failed_job_again_from_its_page(editor_client, broker):
    job = Job.objects.create(kind=IMPORT_FEED, state=Job.State.FAILED, errors="x")
    old_task = job.task_id
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(f"/admin/jobs/job/{job.pk}/retry/")
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.task_id != old_task
    assert [args for args, _ in broker] == [[job.pk]]


def test_a_succeeded_job_is_not_run_again(editor_client, broker):
    job = Job.objects.create(kind=IMPORT_FEED, state=Job.State.SUCCEEDED)
    editor_client.post(f"/admin/jobs/job/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and broker == []


def test_editors_see_the_jobs_list_read_only(editor_client):
    Job.objects.create(kind=IMPORT_FEED, state=Job.State.SUCCEEDED, done=3, total=3)
    response = editor_client.get("/admin/jobs/job/")
    assert response.status_code == 200
    assert "Feed import #" in response.text
    assert "3 of 3" in response.text
    assert "/admin/jobs/job/add/" not in response.text
    assert editor_client.get("/admin/jobs/job/add/").status_code == 403


def test_editors_see_a_job_whose_worker_is_gone_as_stuck(editor_client):
    started = timezone.now() - timezone.timedelta(seconds=32 * 60 + 61)
    Job.objects.create(kind=IMPORT_FEED, state=Job.State.RUNNING, started_at=started)
    Job.objects.create(kind=IMPORT_FEED, state=Job.State.RUNNING, started_at=timezone.now())
    response = editor_client.get("/admin/jobs/job/")
    assert response.text.count("Stuck: its worker stopped answering (run it again)") == 1
    assert response.text.count('<td class="field-state_shown">Running</td>') == 1


def test_people_without_the_permission_see_no_jobs(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_episode"))
    client.force_login(clerk)
    assert client.get("/admin/jobs/job/").status_code == 403
    job = Job.objects.create(kind=IMPORT_FEED, state=Job.State.FAILED)
    assert client.post(f"/admin/jobs/job/{job.pk}/retry/").status_code == 403


# The feed import as a job.


def run_feed_import(**options):
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = queue_feed_import(**options)
    job.refresh_from_db()
    return job


def test_a_feed_import_killed_half_way_leaves_no_episode_and_runs_again(monkeypatch):
    real = FeedImporter.import_item

    def dies_at_the_second(importer, item):
        if item.position == 2:
            raise SystemError("the worker was stopped")
        return real(importer, item)

    monkeypatch.setattr(FeedImporter, "import_item", dies_at_the_second)
    job = run_feed_import(file=upload())
    assert job.state == Job.State.FAILED
    assert "SystemError: the worker was stopped" in job.errors
    assert not Episode.objects.exists()
    assert not Show.objects.exists()
    assert not Person.objects.exists()
    monkeypatch.setattr(FeedImporter, "import_item", real)
    with TestCase.captureOnCommitCallbacks(execute=True):
        runner.retry(job)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert Episode.objects.count() == 3
    assert (job.done, job.total) == (3, 3)
    assert "Episodes: 3 items: 3 created, 0 updated, 0 unchanged, 0 skipped." in job.summary


def test_a_feed_that_cannot_be_read_fails_the_job_with_the_reason():
    job = run_feed_import(file=upload("page.html"))
    assert job.state == Job.State.FAILED
    assert "It is a web page (HTML), not a podcast feed." in job.errors
    assert job.errors.endswith("Nothing was saved.")


def test_beat_queues_an_import_for_each_show_with_an_import_url(broker):
    show = ShowFactory(import_url="https://feeds.example.com/ib.xml")
    ShowFactory(slug="no-url", title="No URL")
    with TestCase.captureOnCommitCallbacks(execute=True):
        (job,) = queue_show_syncs()
    assert job.params == {"url": show.import_url, "show": show.pk, "dry_run": False}
    assert job.created_by is None
    assert queue_show_syncs() == []  # not twice while one waits
    assert len(broker) == 1
    assert app.conf.beat_schedule["sync-show-feeds"]["task"] == "episodes.sync_show_feeds"


def test_editors_find_a_job_by_its_input(editor_client):
    Job.objects.create(kind=IMPORT_FEED, params={"url": "https://feeds.example.com/ib.xml"})
    Job.objects.create(kind=IMPORT_FEED, params={"url": "https://other.example.org/x.xml"})
    response = editor_client.get("/admin/jobs/job/", {"q": "feeds.example.com"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


# The jobs' input files: deleted once done with, kept while the job may run again.


def stored(name):
    return default_storage.exists(name)


def uploaded_job(editor_client, name):
    """Upload a feed on the import page, run the job as the commit would; the Job."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        editor_client.post(IMPORT_URL, {"file": upload(name)})
    return Job.objects.get()


def test_a_succeeded_jobs_file_is_deleted(editor_client):
    job = uploaded_job(editor_client, "good.xml")
    assert job.state == Job.State.SUCCEEDED
    name = job.params["deleted_file"]
    assert name.startswith("jobs/")
    assert not job.input_file
    assert not stored(name)
    assert not job.can_retry


def test_a_failed_jobs_file_is_kept_for_it_to_run_again(editor_client):
    job = uploaded_job(editor_client, "page.html")
    assert job.state == Job.State.FAILED
    assert stored(job.input_file.name)
    assert job.can_retry


def test_deleting_a_job_deletes_its_file(editor_client):
    job = uploaded_job(editor_client, "page.html")
    name = job.input_file.name
    with TestCase.captureOnCommitCallbacks(execute=True):
        Job.objects.filter(pk=job.pk).delete()
    assert not stored(name)


def test_a_rolled_back_deletion_keeps_the_file(editor_client):
    job = uploaded_job(editor_client, "page.html")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        job.delete()
    assert callbacks  # the file is deleted only if the deletion commits
    assert stored(job.input_file.name)


def finished_job(days_ago, state=Job.State.FAILED, name="old.xml"):
    job = Job(kind=IMPORT_FEED, state=state)
    job.input_file.save(name, ContentFile(b"<rss/>"), save=False)
    job.finished_at = timezone.now() - datetime.timedelta(days=days_ago) if days_ago else None
    job.save()
    return job


def test_files_of_jobs_finished_long_ago_are_deleted_by_the_command(settings):
    settings.JOB_FILES_KEEP_DAYS = 30
    old = finished_job(31)
    recent = finished_job(29)
    running = finished_job(None, state=Job.State.RUNNING)
    out = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("delete_job_files", stdout=out)
    assert out.getvalue() == "Deleted 1 input file of a finished job.\n"
    old.refresh_from_db()
    assert not old.input_file and not stored(old.params["deleted_file"])
    assert not old.can_retry  # its input is gone
    for kept in (recent, running):
        kept.refresh_from_db()
        assert stored(kept.input_file.name)
    assert recent.can_retry


def test_the_command_takes_the_number_of_days(settings):
    job = finished_job(3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("delete_job_files", days=2, stdout=io.StringIO())
    job.refresh_from_db()
    assert not job.input_file


def test_celery_beat_deletes_old_files_every_day(settings):
    from ibsite import settings as project_settings

    schedule = project_settings.CELERY_BEAT_SCHEDULE["delete-old-job-files"]
    assert schedule == {"task": "jobs.delete_old_files", "schedule": 24 * 60 * 60}
    assert project_settings.JOB_FILES_KEEP_DAYS == 30
    job = finished_job(31)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert app.tasks["jobs.delete_old_files"].apply().get() == 1
    job.refresh_from_db()
    assert not job.input_file
