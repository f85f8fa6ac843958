"""The Celery app: its configuration is Django's settings starting with CELERY_.

Run a worker and the scheduler beside the web server (see "Background jobs" in README):

    celery -A ibsite worker --loglevel INFO
    celery -A ibsite beat --loglevel INFO
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ibsite.settings")

app = Celery("ibsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
