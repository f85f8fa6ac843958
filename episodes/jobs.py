"""The feed import as a background job: what the admin's import page and celery beat queue.

`import_feed` is the same code `manage.py import_feed` runs; the job runs it in one
transaction (`jobs.runner.run`), so an import killed half way leaves no episode behind, and
the search index is written in that transaction too.
"""

from django.urls import reverse

from episodes.importers.feed import import_feed
from episodes.importers.rss import FeedError
from episodes.importers.sources import FeedUnavailable
from episodes.models import Show
from jobs.models import Job
from jobs.runner import JobError, Outcome, enqueue, register

IMPORT_FEED = "episodes.import_feed"
PROGRESS_EVERY = 10


@register(
    IMPORT_FEED,
    label="Feed import",
    # The download alone may take 10 minutes (episodes.importers.sources).
    soft_time_limit=30 * 60,
    time_limit=32 * 60,
    retry_on=(FeedUnavailable,),
    max_retries=3,
    retry_delay=60,
)
def import_feed_job(job, progress):
    params = job.params
    show = None
    if params.get("show"):
        show = Show.objects.filter(pk=params["show"]).first()
        if show is None:
            raise JobError("The show chosen for this import has been deleted.")
    progress(0, None, "Reading the feed\u2026")

    def step(done, total):
        progress(done, total, f"Imported {done:,} of {total:,} items\u2026")

    try:
        if params.get("url"):
            source = params["url"]
            report = _import(source, show, params, step)
        elif job.input_file:
            with job.input_file.open("rb") as source:
                report = _import(source, show, params, step)
        else:
            raise JobError("The job has no feed: neither a URL nor a file.")
    except FeedUnavailable:
        raise
    except FeedError as error:
        raise JobError(str(error)) from None
    progress(len(report.items), report.total, report.summary())
    summary, errors = report_lines(report)
    link = "" if report.dry_run else reverse("admin:episodes_episode_changelist")
    return Outcome(summary="\n".join(summary), errors=errors, link=link)


def _import(source, show, params, step):
    return import_feed(
        source,
        show=show,
        dry_run=bool(params.get("dry_run")),
        progress=step,
        progress_every=PROGRESS_EVERY,
    )


def report_lines(report):
    """The import's report as lines for people: (summary lines, problem lines)."""
    summary = [f"From {report.source}."]
    if report.dry_run:
        summary.append("A preview: nothing was saved.")
    summary += [report.show_summary(), f"Episodes: {report.summary()}"]
    if report.people_created:
        n = len(report.people_created)
        verb = "would be" if report.dry_run else ("was" if n == 1 else "were")
        people = "person" if n == 1 else "people"
        summary.append(f"{n} {people} {verb} created: {', '.join(report.people_created)}.")
    for result in report.saved:
        summary.append(result.describe()[:1].upper() + result.describe()[1:])
    if not report.dry_run:
        summary.append(
            "Importing the same feed again changes only what differs."
            if report.changed
            else "Nothing changed: the database already matched the feed."
        )
    errors = [f"Skipped {result.label}: {result.reason}" for result in report.skipped]
    errors += [
        f"{result.label[:1].upper()}{result.label[1:]}: {w}" for result, w in report.warnings
    ]
    errors += report.notes
    return summary, errors


def queue_feed_import(*, user=None, url="", file=None, show=None, dry_run=False):
    """Queue an import of the feed at `url`, or of the uploaded `file`; returns the Job."""
    params = {"dry_run": dry_run, "show": show.pk if show else None}
    if url:
        params["url"] = url
    return enqueue(IMPORT_FEED, user=user, file=file, **params)


def queue_show_syncs():
    """Queue an import of each show's import feed URL, unless one is already waiting or running.

    Returns the jobs queued. Celery beat runs this every FEED_SYNC_INTERVAL seconds.
    """
    busy = set(
        Job.objects.filter(
            kind=IMPORT_FEED, state__in=[Job.State.QUEUED, Job.State.RUNNING]
        ).values_list("params__show", flat=True)
    )
    return [
        queue_feed_import(url=show.import_url, show=show)
        for show in Show.objects.exclude(import_url="").order_by("pk")
        if show.pk not in busy
    ]
