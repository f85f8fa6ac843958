"""A job: one piece of long work, its input, its state, its progress and what it did."""

import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

# Where a job whose input file was deleted keeps its name (in `params`, the job's input).
DELETED_FILE = "deleted_file"

# How long past its hard time limit a running job is taken for stuck (its worker is gone):
# the time for the worker's main process to notice a killed pool process and fail the job.
STUCK_MARGIN = datetime.timedelta(seconds=60)


class JobQuerySet(models.QuerySet):
    def stuck(self):
        """Running past their kind's hard time limit and STUCK_MARGIN: their worker is gone.

        The limits are per kind (in code), so the oldest running jobs are read and checked.
        """
        from jobs.runner import DEFAULT_TIME_LIMIT, known_kinds

        shortest = min([k.time_limit for k in known_kinds()] or [DEFAULT_TIME_LIMIT])
        cutoff = timezone.now() - datetime.timedelta(seconds=shortest) - STUCK_MARGIN
        running = self.filter(state=Job.State.RUNNING, started_at__lt=cutoff)
        return [job for job in running.order_by("started_at") if job.is_stuck]

    def with_old_files(self, days):
        """Finished jobs (succeeded or failed) that ended more than `days` days ago and
        still keep an input file."""
        ended_before = timezone.now() - datetime.timedelta(days=days)
        return self.filter(
            state__in=[Job.State.SUCCEEDED, Job.State.FAILED], finished_at__lt=ended_before
        ).exclude(input_file="")


class Job(models.Model):
    """Long work run by the queue's worker (or in-process without a broker).

    The state moves queued -> running -> succeeded or failed; a failed (or stuck) job can be
    queued again. `params` holds the input (JSON: a URL, options, ids); an uploaded file is
    kept in `input_file`, which belongs to the job: it is deleted with the job, once the job
    has succeeded, and JOB_FILES_KEEP_DAYS after a failure (`delete_job_files`), after
    which the job can't be run again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(
        max_length=100, help_text="What the job does, like episodes.import_feed."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    params = models.JSONField("input", default=dict, blank=True, help_text="URL, ids, options.")
    input_file = models.FileField("input file", upload_to="jobs/%Y/%m/", blank=True)
    done = models.PositiveIntegerField(default=0, help_text="How many units of work are done.")
    total = models.PositiveIntegerField(null=True, blank=True, help_text="Out of how many.")
    progress_text = models.CharField("progress", max_length=300, blank=True)
    summary = models.TextField(blank=True, help_text="What the job did, for people.")
    errors = models.TextField(blank=True, help_text="What went wrong, one a line.")
    link = models.CharField(
        max_length=300, blank=True, help_text="Where to see the result (an admin page)."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
        help_text="Who started it; empty for scheduled jobs.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["state", "created_at"], name="jobs_job_state_created")]

    def __str__(self):
        return f"{self.label} #{self.pk}"

    def get_absolute_url(self):
        return reverse("admin:jobs_job_change", args=[self.pk])

    @property
    def label(self):
        from jobs.runner import kind_label

        return kind_label(self.kind)

    @property
    def is_finished(self):
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}

    @property
    def is_stuck(self):
        """Running for longer than its hard time limit: its worker was killed."""
        from jobs.runner import DEFAULT_TIME_LIMIT, find_kind

        if self.state != self.State.RUNNING or not self.started_at:
            return False
        kind = find_kind(self.kind)  # a kind no longer in the code: the default limit
        limit = datetime.timedelta(seconds=kind.time_limit if kind else DEFAULT_TIME_LIMIT)
        return timezone.now() - self.started_at > limit + STUCK_MARGIN

    @property
    def can_retry(self):
        if DELETED_FILE in self.params:
            return False  # its input is gone
        return self.state == self.State.FAILED or self.is_stuck

    @property
    def percent(self):
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    def new_task_id(self):
        self.task_id = uuid.uuid4().hex
        return self.task_id


@receiver(post_delete, sender=Job)
def _delete_the_jobs_file(sender, instance, **kwargs):
    """A deleted job's file goes with it (however it was deleted: admin, queryset, cascade)."""
    if instance.input_file:
        delete_file_on_commit(instance.input_file.name)


def delete_file_on_commit(name):
    """Delete a job's stored file once the transaction commits: a rollback keeps it."""
    storage = Job._meta.get_field("input_file").storage
    transaction.on_commit(lambda: storage.delete(name))
