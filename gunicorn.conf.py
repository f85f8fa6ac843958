"""gunicorn's configuration for the site (gunicorn reads ./gunicorn.conf.py by itself).

    gunicorn                                  # from the project's directory: that's all
    WEB_CONCURRENCY=4 GUNICORN_THREADS=4 BIND=0.0.0.0:8000 gunicorn

Everything below has a default worked out from the machine and may be set from the
environment (see "Deploying" in the README):

- BIND (e.g. 0.0.0.0:8000 or unix:/run/ibsite.sock), else 0.0.0.0:$PORT when PORT is set
  (platforms that hand out a port), else 127.0.0.1:8000 (behind a proxy on the same machine).
- WEB_CONCURRENCY worker processes, 2 per CPU plus 1; GUNICORN_THREADS threads in each
  (2 per worker: a page spends part of its time waiting for PostgreSQL and Redis, which
  another thread uses; more threads than that mostly wait for Python's GIL).
- GUNICORN_TIMEOUT: a worker silent for this long is killed and replaced (30 s; a request
  cannot take longer than that, a statement is cancelled at DB_STATEMENT_TIMEOUT before).
- GUNICORN_MAX_REQUESTS (20000) with a jitter of GUNICORN_MAX_REQUESTS_JITTER (2000): a worker is
  replaced after that many requests, so a slow leak never grows, and not all at once.
"""

import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name}={value!r} is not a whole number.") from None
    if number < 0:
        raise SystemExit(f"gunicorn.conf.py: {name}={number} must be 0 or more.")
    return number


def _cpus():
    """The CPUs this process may use (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "ibsite.wsgi:application"

if os.environ.get("BIND"):
    bind = [address.strip() for address in os.environ["BIND"].split(",") if address.strip()]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{_int('PORT', 8000)}"]
else:
    bind = ["127.0.0.1:8000"]

workers = max(1, _int("WEB_CONCURRENCY", 2 * _cpus() + 1))
threads = max(1, _int("GUNICORN_THREADS", 2))
# Threads need the threaded worker; one thread per worker is the plain synchronous one.
worker_class = "gthread" if threads > 1 else "sync"

timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy), requests under way get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a load balancer that keeps connections open: a little more than none.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# A worker is replaced after max_requests: a guard against a slow leak, not a routine. At
# 1,000 a busy server (1,000 requests a second over 5 workers) replaced each worker every
# 5 s, and each replacement showed as a half-second stall in the benchmark's p95.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# The site is imported once, in the arbiter, and each worker forked from it: a new worker
# starts at once instead of importing Django again (a second of CPU). Nothing connects at
# import (database, Redis and the pool connect on first use, in the worker). A new release
# needs a restart of gunicorn (or USR2), not a HUP. GUNICORN_PRELOAD=0 turns it off.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {
    "0",
    "false",
    "no",
    "off",
}

# Heartbeat files in memory: on a container's overlay disk a slow write reads as a hung worker.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn 25+ opens a control socket in $HOME/.gunicorn by default, one path for every
# gunicorn of the user: two app servers on one machine would fight over it. Only on request.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

# Logs to standard output and error, for the process manager to collect. One access line
# per request: client, time, request line, status, bytes, referrer, user agent, duration in
# milliseconds, and the address the proxy saw (X-Forwarded-For).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms xff="%({x-forwarded-for}i)s"'
)

# The proxies whose X-Forwarded-Proto gunicorn believes (the site itself trusts its
# proxies through BEHIND_PROXY and NUM_PROXIES).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "ibsite"
