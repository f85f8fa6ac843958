"""Health checks for load balancers and orchestrators: /healthz and /readyz.

- /healthz: the process is alive and answering. No database, no cache: fast, always 200 "ok".
- /readyz: the dependencies answer: the database, the cache and, when CELERY_BROKER_URL is
  set, the job queue's broker. A JSON body names each with "ok" or "error"; 503 when one is
  down, so the balancer stops sending requests to this worker until it is back.

They answer from a middleware placed first, before the host check, the HTTPS redirect,
sessions and the sign-in lockout: a probe comes by plain HTTP with the machine's address
as its host, and must not depend on anything but what it checks.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

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


def healthz(request):
    response = HttpResponse(OK, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


def readyz(request):
    results = readiness()
    ready = all(result == OK for result in results.values())
    response = JsonResponse(
        {"status": OK if ready else ERROR, "checks": results}, status=200 if ready else 503
    )
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
