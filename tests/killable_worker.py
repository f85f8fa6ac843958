"""Loaded by the Celery worker that tests/test_jobs_killed.py starts as a subprocess
(`celery worker --include tests.killable_worker`), and by that test module.

Nothing here changes what a job does: it only makes the worker slow enough to be killed at a
known point, and says where it is.

- With KILLTEST_SAVES_LOG set (only in that worker's environment), every episode saved
  appends "<process id> <episode guid>" to that file (outside the job's transaction: a file,
  not the database), then waits KILLTEST_SAVE_DELAY seconds, inside the transaction.
- "tests.sleeper" adds a person, then sleeps past its 2-second hard time limit, deaf to the
  soft one at 1 s (as a handler stuck in a C call is). Celery's prefork pool counts the hard
  limit from the soft one, so a kind's soft limit must be the shorter.
"""

import contextlib
import os
import time

from django.db.models.signals import post_save

from jobs.runner import Outcome, register

SLEEPER = "tests.sleeper"


def _episode_saved(sender, instance, **kwargs):
    log = os.environ.get("KILLTEST_SAVES_LOG")
    if not log:
        return  # the test process itself: no delay
    with open(log, "a") as file:
        file.write(f"{os.getpid()} {instance.guid}\n")
    time.sleep(float(os.environ.get("KILLTEST_SAVE_DELAY", "0.5")))


post_save.connect(_episode_saved, sender="episodes.Episode", dispatch_uid="killable-worker")


@register(SLEEPER, label="Sleeper", soft_time_limit=1, time_limit=2)
def sleeper(job, progress):
    from celery.exceptions import SoftTimeLimitExceeded

    from people.models import Person

    Person.objects.create(name="Written Before The Limit", slug="written-before-the-limit")
    progress(1, 2, "Added a person, now sleeping")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(SoftTimeLimitExceeded):
            time.sleep(0.1)
    return Outcome(summary="Slept (it should have been killed).")
