"""The tests' real read replica (tests/test_routers.py, tests/test_health.py).

On PostgreSQL it is a streaming replica that scripts/replica.sh starts on TEST_REPLICA_PORT
(5434, a data directory of the tests' own, so stopping it disturbs no one); tests wait for it
to replay the primary's writes. Where it cannot start (not root, no PostgreSQL binaries) the
tests that need it are skipped, saying why. On SQLite the replica is a second connection to
the same file. The `replica_server` fixture (tests/conftest.py) starts it once per session.
"""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_ENV = {
    "REPLICA_PORT": os.environ.get("TEST_REPLICA_PORT", "5434"),
    "REPLICA_DATA": os.environ.get("TEST_REPLICA_DATA", "/var/tmp/ibsite-replica-tests"),
}


def on_postgresql():
    return connections["default"].vendor == "postgresql"


def replica_script(command):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "replica.sh"), command],
        env={**os.environ, **SCRIPT_ENV},
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_replica():
    """On PostgreSQL, start the real replica (or skip the test, saying why) and yield its
    script's environment, stopping it at the end if it was not running before; on SQLite,
    yield None."""
    if not on_postgresql():
        yield None
        return
    was_running = replica_script("status").returncode == 0
    result = replica_script("start")
    if result.returncode != 0:
        pytest.skip(
            "No real replica to test against: scripts/replica.sh start failed: "
            + (result.stderr or result.stdout).strip()
        )
    yield SCRIPT_ENV
    if not was_running:
        replica_script("stop")


def wait_for_replay(timeout=30):
    """Until the replica has replayed everything the primary has written so far."""
    if not on_postgresql():
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connections["replica"].cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
        except Exception:
            # The test database may not exist on the replica yet: ask again.
            connections["replica"].close()
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            pytest.fail(f"The replica did not replay the primary's WAL up to {target}.")
        time.sleep(0.02)
