"""Health checks for load balancers and orchestrators: /healthz and /readyz.

- /healthz: the process is alive and answering. No database, no cache: fast, always 200 "ok".
- /readyz: the dependencies answer: the database, the cache and, when CELERY_BROKER_URL is
  set, the job queue's broker. A JSON body names each with "ok" or "error"; 503 when one is
  down, so the balancer stops sending requests to this worker until it is back.
  With a read replica (DATABASE_REPLICA_URL, core.routers), a "replica" object beside the
  checks: its state ("ok", or "down: <why>, reads go to the primary") and, on PostgreSQL,
  how many seconds behind the primary it is (null when that cannot be told). A replica that
  is down never makes /readyz fail: this process serves its reads from the primary.

They answer from a middleware placed first, before the host check, the HTTPS redirect,
sessions and the sign-in lockout: a probe comes by plain HTTP with the machine's address
as its host, and must not depend on anything but what it checks.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import Error, connections, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

from core import routers

log = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
BROKER_TIMEOUT = 2  # seconds


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, OK, 10)
    if cache.get(key) != OK:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def check_queue():
    from kombu import Connection  # celery's messaging library; only needed with a broker

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)


def checks():
    """The dependencies to check, by name."""
    found = {"database": check_database, "cache": check_cache}
    # Without a broker of its own (CELERY_TASK_ALWAYS_EAGER), jobs run in-process: no queue.
    if getattr(settings, "CELERY_BROKER_URL", "") and not settings.CELERY_TASK_ALWAYS_EAGER:
        found["queue"] = check_queue
    return found


def readiness():
    """{name: "ok" | "error"} for each dependency."""
    results = {}
    for name, check in checks().items():
        try:
            check()
        except Exception:
            log.warning("Readiness check failed: %s", name, exc_info=True)
            results[name] = ERROR
        else:
            results[name] = OK
    return results


# Seconds the replica is behind: 0 when it has replayed all it received and is receiving,
# however long ago the primary last wrote (the time since the last replayed transaction would
# grow on a quiet site); otherwise the age of the last transaction it replayed. NULL when it
# cannot be told (no transaction replayed since it started) or it is no standby at all.
REPLICA_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT FROM pg_stat_wal_receiver) THEN 0
    ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8
END
"""


def replica_lag():
    """Seconds the replica is behind the primary, or None when unknown (or not PostgreSQL)."""
    connection = connections[routers.REPLICA]
    if connection.vendor != "postgresql":
        return None
    # Functions of the server's memory, no table, no lock: quick, but bounded all the same.
    with transaction.atomic(using=routers.REPLICA), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true)",
            [str(settings.REPLICA_CONNECT_TIMEOUT * 1000)],
        )
        cursor.execute(REPLICA_LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else round(max(lag, 0.0), 3)


def replica_state():
    """{"state": "ok" | "down: <why>, reads go to the primary", "lag_seconds": float | None}.

    Asks the router, which connects at most once per REPLICA_RETRY_SECONDS and within
    REPLICA_CONNECT_TIMEOUT: a replica it found down is reported without waiting again."""
    try:
        if routers.replica_available():
            try:
                return {"state": OK, "lag_seconds": replica_lag()}
            except Error as error:  # it connected, then failed: the router leaves it alone too
                routers.replica_failed(error)
        why = routers.replica_down_reason()
        return {"state": f"down: {why}, reads go to the primary", "lag_seconds": None}
    except Exception as error:
        log.warning("The read replica's readiness probe failed.", exc_info=True)
        state = f"unknown: the probe failed ({type(error).__name__})"
        return {"state": state, "lag_seconds": None}


def healthz(request):
    response = HttpResponse(OK, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


def readyz(request):
    results = readiness()
    ready = all(result == OK for result in results.values())
    body = {"status": OK if ready else ERROR, "checks": results}
    if routers.replica_configured():
        body["replica"] = replica_state()  # not one of the checks: it never fails readiness
    response = JsonResponse(body, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(settings.RETRY_AFTER)
    add_never_cache_headers(response)
    return response


PROBES = {"/healthz": healthz, "/readyz": readyz}


def health_checks(get_response):
    """Answer /healthz and /readyz before any other middleware runs."""

    def middleware(request):
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return get_response(request)

    return middleware
