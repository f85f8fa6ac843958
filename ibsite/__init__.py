# The Celery app is loaded with Django, so that shared tasks use it (ibsite/celery.py).
from ibsite.celery import app as celery_app

__all__ = ["celery_app"]
