"""Background jobs: long work (imports, feed syncs) run by a Celery worker, shown in the admin.

A job knows nothing of episodes or papers: apps register the kinds of work they offer
(`jobs.runner.register`), and `jobs.runner.enqueue(kind, **params)` queues one.
"""
