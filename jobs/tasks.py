"""The Celery tasks: run a Job by its id (`jobs.runner.run`), retrying transient failures;
and, on a schedule, fail the jobs whose worker is gone (`jobs.fail_stuck`).

A worker killed half way leaves nothing (the job's transaction is rolled back), and then:

- only its pool process killed (prefork: out of memory, the hard time limit): the worker
  acknowledges the message and `task_failure` fails the job at once; an editor runs it again;
- the whole worker killed (`--pool=solo`, the machine lost): the message, never
  acknowledged (`acks_late`), is delivered again after `CELERY_VISIBILITY_TIMEOUT` to the next
  worker, which runs the job from the start; until then the job shows as stuck once past its
  hard time limit, and `jobs.fail_stuck` (celery beat) fails it so that an editor may run it
  again sooner. A message whose job has been run again since (a new task id) is dropped.

A job still failed after its retries stays failed, and an editor may retry it from the admin.
"""

import logging

from celery import shared_task
from celery.signals import task_failure
from django.utils import timezone

from jobs import runner
from jobs.models import Job

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="jobs.run", acks_late=True, reject_on_worker_lost=False)
def run_job(self, job_id):
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.state == Job.State.SUCCEEDED:
        return  # deleted, or a message delivered again after the job was done
    if job.task_id and self.request.id != job.task_id:
        # A message delivered again (its worker was killed) after an editor ran the job
        # again: the new message runs it, this one would run it twice at once.
        logger.info(
            "Job %s: dropping task %s, it now runs as %s.", job.pk, self.request.id, job.task_id
        )
        return
    kind = runner.get_kind(job.kind)
    try:
        runner.run(job, task=self)
    except kind.retry_on as error:
        if self.request.is_eager or self.request.retries >= kind.max_retries:
            tries = self.request.retries + 1
            runner.fail(job, f"{error} (tried {'once' if tries == 1 else f'{tries} times'})")
            return
        runner._save(
            job,
            state=Job.State.QUEUED,
            errors=f"{error} Trying again in {kind.retry_delay} s "
            f"(attempt {self.request.retries + 2} of {kind.max_retries + 1}).",
        )
        raise self.retry(exc=error, countdown=kind.retry_delay) from None


@shared_task(name="jobs.fail_stuck")
def fail_stuck():
    """Fail the jobs running past their hard time limit (their worker is gone); celery beat."""
    return len(runner.fail_stuck())


@shared_task(name="jobs.delete_old_files")
def delete_old_files():
    """Celery beat's daily clean-up: the input files of jobs finished JOB_FILES_KEEP_DAYS ago."""
    return runner.delete_old_files()


@task_failure.connect
def _mark_killed_job_failed(sender=None, task_id=None, exception=None, args=None, **kwargs):
    """A job whose pool process was killed (its hard time limit, or a SIGKILL) is failed at once.

    The worker's main process sends `task_failure` for it (Celery 5.7: `TimeLimitExceeded` or
    `WorkerLostError`) and has acknowledged the message, so nothing would run it again. For a
    time limit it does so BEFORE killing the process, in the loop that does the killing, so
    this must not wait for anything that process holds: the job never locks its own row
    (runner.Progress). On SQLite, though, the process holds the whole database: the write
    then waits SQLite's timeout, fails, and the job is left to the stuck sweep. (Not from a
    thread: the pool forks its next process at once, and a SQLite connection open in the
    parent at that moment leaves the child's SQLite believing the database locked.)
    """
    if getattr(sender, "name", None) != "jobs.run" or not args:
        return
    job_id = args[0]
    try:
        running = Job.objects.filter(pk=job_id, task_id=task_id, state=Job.State.RUNNING)
        kind = runner.find_kind(running.values_list("kind", flat=True).first() or "")
        name = type(exception).__name__
        if name == "TimeLimitExceeded" and kind:
            message = f"It took longer than {kind.time_limit} s and its worker process was killed."
        elif name == "WorkerLostError":
            message = f"Its worker process was killed while running it ({exception})."
        else:
            message = f"Its worker stopped it ({name}: {exception})."
        running.update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            errors=f"{message} Nothing was saved.",
        )
    except Exception:
        logger.warning("Could not mark job %s failed.", job_id, exc_info=True)
