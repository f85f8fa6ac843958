"""The one Celery task: run a Job by its id (`jobs.runner.run`), retrying transient failures.

`acks_late`: the broker forgets the message only once the task is done, so a worker killed
half way (its job's transaction rolled back) leaves it to be delivered again. A job still
failed after its retries stays failed, and an editor may retry it from the admin.
"""

import logging

from celery import shared_task
from celery.signals import task_failure

from jobs import runner
from jobs.models import Job

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="jobs.run", acks_late=True, reject_on_worker_lost=False)
def run_job(self, job_id):
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.state == Job.State.SUCCEEDED:
        return  # deleted, or a message delivered again after the job was done
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


@shared_task(name="jobs.delete_old_files")
def delete_old_files():
    """Celery beat's daily clean-up: the input files of jobs finished JOB_FILES_KEEP_DAYS ago."""
    return runner.delete_old_files()


@task_failure.connect
def _mark_killed_job_failed(sender=None, task_id=None, exception=None, args=None, **kwargs):
    """A job whose worker process was killed (its hard time limit) is failed, not left running."""
    if getattr(sender, "name", None) != "jobs.run" or not args:
        return
    try:
        job = Job.objects.filter(pk=args[0], task_id=task_id, state=Job.State.RUNNING).first()
        if job is not None:
            runner.fail(job, f"Its worker stopped it ({type(exception).__name__}: {exception}).")
    except Exception:
        logger.warning("Could not mark job %s failed.", args[0], exc_info=True)
