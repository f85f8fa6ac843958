"""gunicorn.conf.py: the production server's settings come from the machine and the
environment, and gunicorn serves the site with them."""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
CPUS = len(os.sched_getaffinity(0))


def gunicorn_config(**env):
    """gunicorn's settings as it reads them from gunicorn.conf.py with `env`."""
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    base["DEBUG"] = "1"  # --print-config loads the site too, which then needs no SECRET_KEY
    result = subprocess.run(
        [str(GUNICORN), "--print-config"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = {}
    for line in result.stdout.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            config[name.strip()] = value.strip()
    return config


def test_workers_and_threads_follow_the_cpus_by_default():
    config = gunicorn_config()
    assert config["workers"] == str(2 * CPUS + 1)
    assert config["threads"] == "2"
    assert config["worker_class"] == "gthread"
    assert config["wsgi_app"] == "ibsite.wsgi:application"
    assert config["bind"] == "['127.0.0.1:8000']"


def test_the_environment_sets_workers_threads_timeout_and_address():
    config = gunicorn_config(
        WEB_CONCURRENCY="3", GUNICORN_THREADS="1", GUNICORN_TIMEOUT="60", PORT="9000"
    )
    assert (config["workers"], config["threads"], config["timeout"]) == ("3", "1", "60")
    assert config["worker_class"] == "sync"  # one thread: the plain worker
    assert config["bind"] == "['0.0.0.0:9000']"  # a platform's PORT
    assert gunicorn_config(BIND="127.0.0.1:7000", PORT="9000")["bind"] == "['127.0.0.1:7000']"


def test_workers_are_recycled_with_jitter():
    config = gunicorn_config()
    assert (config["max_requests"], config["max_requests_jitter"]) == ("20000", "2000")


def test_the_site_is_imported_once_and_workers_forked_from_it():
    assert gunicorn_config()["preload_app"] == "True"
    assert gunicorn_config(GUNICORN_PRELOAD="0")["preload_app"] == "False"


def test_a_malformed_number_fails_loudly():
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [str(GUNICORN), "--print-config"],
        cwd=ROOT,
        env={**base, "GUNICORN_THREADS": "many"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "GUNICORN_THREADS='many' is not a whole number" in result.stderr


def test_gunicorn_serves_the_site_and_logs_each_request():
    """The real server, with the configuration as it is: a page, a hashed static file, and an
    access line with the duration."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "ibsite.settings",
        "SECRET_KEY": "gunicorn-test-" + "k" * 50,
        "DATABASE_URL": "sqlite:///:memory:",
        "SECURE_SSL_REDIRECT": "0",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [str(GUNICORN)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    response = httpx.get(f"{url}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        pytest.fail(f"gunicorn did not start: {log.read()}")
                    time.sleep(0.1)
            assert response.status_code == 200
            robots = httpx.get(f"{url}/robots.txt", headers={"X-Forwarded-For": "203.0.113.9"})
            assert robots.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=30)
        log.seek(0)
        output = log.read()
    assert "Using worker: gthread" in output
    line = next(line for line in output.splitlines() if "GET /robots.txt" in line)
    assert '"GET /robots.txt HTTP/1.1" 200' in line
    assert re.search(r'" \d+ms xff="203\.0\.113\.9"$', line), line
