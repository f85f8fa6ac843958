"""The project's Celery app pointed at Redis, on a queue of a test's own, for tests that run a
real worker (tests/test_jobs_worker.py in a thread, tests/test_jobs_killed.py in processes).

A queue of its own per test, so that parallel runs never take each other's jobs.
"""

import contextlib
import uuid

import pytest
import redis

from ibsite.celery import app


@contextlib.contextmanager
def celery_on_redis(broker, results, prefix):
    """Yield a new queue's name while the app sends there through `broker`, keeping results
    in `results`; the app's settings and connections are as before afterwards. Skips the
    test, saying why, when Redis does not answer."""
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {broker} ({error}): start redis-server.")
    queue = f"{prefix}-{uuid.uuid4().hex}"
    saved = {
        name: app.conf[name]
        for name in ["broker_url", "result_backend", "task_always_eager", "task_default_queue"]
    }
    app.conf.update(
        broker_url=broker,
        result_backend=results,
        task_always_eager=False,
        task_default_queue=queue,
    )
    fresh_connections()
    try:
        yield queue
    finally:
        app.conf.update(saved)
        fresh_connections()


def fresh_connections():
    """Forget the app's broker connections and queues, made with the settings of before."""
    app._pool = None
    app.__dict__.pop("amqp", None)  # its queues, router and producer pool
