"""Queue work and run it: `enqueue(kind, **params)` and the kinds apps register.

    @register("papers.import", label="Paper import", retry_on=(SourceUnavailable,))
    def import_papers_job(job, progress):
        ...
        progress(done, total, "Imported 3 of 10 papers")
        return Outcome(summary="...", errors=[...], link="/admin/...")

`enqueue` creates the Job and sends it to the queue once the transaction that created it
commits (so the worker finds the row). Without a broker (`CELERY_BROKER_URL` unset) Celery
runs the task in-process at that moment (`task_always_eager`), and the request waits for it.

`run(job)` is what the worker's task calls: the job runs in ONE transaction, with the
search index and other deferred work written inside it (`core.batching.batch`), so a job
killed half way leaves nothing behind and can simply be run again. Failures the kind calls
transient (a network timeout) are retried by Celery after a pause; others fail the job
with the message. Progress is saved outside that transaction (see `Progress`).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.batching import batch
from jobs.models import DELETED_FILE, Job, delete_file_on_commit

logger = logging.getLogger(__name__)

DEFAULT_SOFT_TIME_LIMIT = 15 * 60
DEFAULT_TIME_LIMIT = 16 * 60


class JobError(Exception):
    """The job cannot do its work; the message says why, for the person who started it."""


@dataclass
class Outcome:
    """What a job did: a summary, the problems met on the way, where to see the result."""

    summary: str = ""
    errors: list[str] = field(default_factory=list)
    link: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    handler: object
    label: str
    soft_time_limit: int
    time_limit: int
    retry_on: tuple
    max_retries: int
    retry_delay: int


_KINDS = {}


def register(
    name,
    *,
    label,
    soft_time_limit=DEFAULT_SOFT_TIME_LIMIT,
    time_limit=DEFAULT_TIME_LIMIT,
    retry_on=(),
    max_retries=3,
    retry_delay=30,
):
    """Register `handler(job, progress) -> Outcome` as the work of jobs of kind `name`.

    `soft_time_limit` seconds in, the handler is interrupted (its transaction rolled back,
    the job failed); at `time_limit` the worker process is killed. Exceptions of the types in
    `retry_on` are transient: the job is queued again after `retry_delay` seconds, up to
    `max_retries` times.
    """

    def decorator(handler):
        _KINDS[name] = Kind(
            name,
            handler,
            label,
            soft_time_limit,
            time_limit,
            tuple(retry_on),
            max_retries,
            retry_delay,
        )
        return handler

    return decorator


def get_kind(name):
    try:
        return _KINDS[name]
    except KeyError:
        raise JobError(f"There is no kind of job called {name!r}.") from None


def find_kind(name):
    """The Kind called `name`, or None (a job of a kind since removed from the code)."""
    return _KINDS.get(name)


def known_kinds():
    return list(_KINDS.values())


def kind_label(name):
    kind = _KINDS.get(name)
    return kind.label if kind else name


def enqueue(kind, *, user=None, file=None, **params):
    """A new queued Job of `kind` with `params` (JSON values), sent to the queue on commit.

    `file` (an uploaded file) is stored as the job's own input file. Returns the Job.
    """
    get_kind(kind)
    job = Job(kind=kind, params=params, created_by=user)
    job.new_task_id()
    if file is not None:
        job.input_file.save(file.name or "input", file, save=False)
    job.save()
    transaction.on_commit(lambda: dispatch(job))
    return job


def retry(job):
    """Queue a failed or stuck job again, from the start, with a new task id."""
    job.state = Job.State.QUEUED
    job.new_task_id()
    job.done, job.total, job.progress_text = 0, None, ""
    job.started_at = job.finished_at = None
    job.save()
    transaction.on_commit(lambda: dispatch(job))
    return job


def dispatch(job):
    """Send the job to the worker (or, without a broker, run it here and now)."""
    from jobs.tasks import run_job

    kind = get_kind(job.kind)
    run_job.apply_async(
        args=[job.pk],
        task_id=job.task_id,
        soft_time_limit=kind.soft_time_limit,
        time_limit=kind.time_limit,
    )


class Progress:
    """`progress(done, total=None, text="")`, given to a handler to say how far it is.

    The job's transaction is still open while it runs, so its row can't show progress to
    anyone else yet: progress goes to the Celery result backend (Redis), which the job's
    admin page reads while the job runs, and to the Job in memory, saved when it finishes.
    The row itself is not written here: that would lock it until the job's transaction
    ends, and the worker's main process, which fails a job whose time limit is past (see
    jobs.tasks), would then wait on that lock instead of killing the process holding it.
    """

    def __init__(self, job, task=None):
        self.job = job
        self.task = task

    def __call__(self, done, total=None, text=""):
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        if text:
            job.progress_text = text[:300]
        if self.task is not None and not self.task.request.is_eager:
            try:
                self.task.update_state(
                    state="PROGRESS",
                    meta={"done": job.done, "total": job.total, "text": job.progress_text},
                )
            except Exception:  # progress is a nicety: never fail the job for it
                logger.warning("Could not report the progress of job %s.", job.pk, exc_info=True)


def live_progress(job):
    """(done, total, text) of a running job, from the result backend when it has some."""
    fallback = (job.done, job.total, job.progress_text)
    if job.state != Job.State.RUNNING or not job.task_id or settings.CELERY_TASK_ALWAYS_EAGER:
        return fallback
    try:
        from jobs.tasks import run_job

        result = run_job.AsyncResult(job.task_id)
        if result.state == "PROGRESS" and isinstance(result.info, dict):
            info = result.info
            return info.get("done", 0), info.get("total"), info.get("text", "")
    except Exception:
        logger.warning("Could not read the progress of job %s.", job.pk, exc_info=True)
    return fallback


def _save(job, **values):
    for name, value in values.items():
        setattr(job, name, value)
    job.save(update_fields=[*values])


def start(job):
    _save(
        job,
        state=Job.State.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        attempts=job.attempts + 1,
        errors="",
    )


def finish(job, outcome):
    _save(
        job,
        state=Job.State.SUCCEEDED,
        finished_at=timezone.now(),
        summary=outcome.summary,
        errors="\n".join(outcome.errors),
        link=outcome.link,
        done=job.done,
        total=job.total,
        progress_text=job.progress_text,
    )
    # Done with for good: a succeeded job is never run again, so its input is not needed.
    delete_input_file(job)


def delete_input_file(job):
    """Delete the job's input file: the row forgets it now (its name stays in `params`, and
    the job can't be run again), the storage once the transaction commits."""
    if not job.input_file:
        return
    name = job.input_file.name
    _save(job, input_file="", params={**job.params, DELETED_FILE: name})
    delete_file_on_commit(name)


def delete_old_files(days=None):
    """Delete the input files of jobs finished more than `days` (JOB_FILES_KEEP_DAYS) days
    ago, failed ones included; return how many."""
    days = settings.JOB_FILES_KEEP_DAYS if days is None else days
    jobs = list(Job.objects.with_old_files(days))
    for job in jobs:
        delete_input_file(job)
    return len(jobs)


def fail(job, message):
    job.refresh_from_db(fields=["done", "total", "progress_text"])
    _save(
        job,
        state=Job.State.FAILED,
        finished_at=timezone.now(),
        errors=f"{message} Nothing was saved.",
    )


def fail_stuck():
    """Fail every job running past its hard time limit and a margin: its worker is gone.

    Returns the jobs failed. A job that a worker started again meanwhile (a message delivered
    again) is left alone: the update only applies to the run it saw.
    """
    failed = []
    for job in Job.objects.stuck():
        kind = find_kind(job.kind)
        limit = f"its time limit ({kind.time_limit} s)" if kind else "its time limit"
        message = (
            f"Its worker stopped answering: it was still running past {limit}, so it was "
            "killed or lost. Nothing was saved."
        )
        updated = Job.objects.filter(
            pk=job.pk, state=Job.State.RUNNING, started_at=job.started_at
        ).update(state=Job.State.FAILED, finished_at=timezone.now(), errors=message)
        if updated:
            failed.append(job)
            logger.warning("Job %s (%s) was stuck running: failed.", job.pk, job.kind)
    return failed


def run(job, task=None):
    """Run the job's handler in one transaction; return the Outcome (None on failure).

    Transient failures are raised again (for the caller to retry); every other failure
    fails the job with its message, and nothing the handler wrote is kept.
    """
    kind = get_kind(job.kind)
    start(job)
    try:
        with transaction.atomic(), batch():
            outcome = kind.handler(job, Progress(job, task)) or Outcome()
    except JobError as error:
        fail(job, str(error))
        return None
    except kind.retry_on:
        raise
    except Exception as error:
        if type(error).__name__ == "SoftTimeLimitExceeded":
            fail(job, f"It took longer than {kind.soft_time_limit} s and was stopped.")
        else:
            logger.exception("Job %s (%s) failed.", job.pk, job.kind)
            fail(job, f"It failed unexpectedly ({type(error).__name__}: {error}).")
        return None
    finish(job, outcome)
    return outcome
