"""`manage.py delete_job_files`: the input files of jobs finished long ago, deleted."""

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.runner import delete_old_files


def days(text):
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Delete the uploaded input files (feeds, BibTeX files) of background jobs that "
        "finished, succeeded or failed, more than JOB_FILES_KEEP_DAYS days ago. A job deletes "
        "its file itself when it succeeds, and with the job; a failed job keeps it so that it "
        "can be run again, until this deletes it (then it can't be). Celery beat runs this "
        "once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=days,
            default=None,
            metavar="N",
            help="Jobs finished more than N days ago. Default: JOB_FILES_KEEP_DAYS "
            f"({settings.JOB_FILES_KEEP_DAYS}).",
        )

    def handle(self, *args, days, verbosity, **options):
        count = delete_old_files(days)
        if verbosity >= 1:
            what = "input file of a finished job" if count == 1 else "input files of finished jobs"
            self.stdout.write(f"Deleted {count} {what}.")
