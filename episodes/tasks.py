"""Celery tasks of the episodes app (found by the Celery app's autodiscovery)."""

from celery import shared_task

from episodes.jobs import queue_show_syncs


@shared_task(name="episodes.sync_show_feeds")
def sync_show_feeds():
    """Celery beat: re-import the feed of every show that has an import feed URL."""
    return [job.pk for job in queue_show_syncs()]
