"""Settings for the test suite: the real settings, with what tests must not depend on."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SITE_URL", "https://informationbottleneck.test")


def _test_replica_url():
    """The tests' own read replica: the database's twin on TEST_REPLICA_PORT (PostgreSQL), or
    the same SQLite file. Never DATABASE_REPLICA_URL's: tests/test_routers.py stops it."""
    from pathlib import Path
    from urllib.parse import urlsplit

    url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{Path(__file__).resolve().parent.parent / 'db.sqlite3'}"
    )
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return url
    port = os.environ.get("TEST_REPLICA_PORT", "5434")
    netloc = parts.netloc.rsplit("@", 1)
    host = netloc[-1].rsplit(":", 1)[0] if ":" in netloc[-1] else netloc[-1]
    return parts._replace(netloc="@".join([*netloc[:-1], f"{host}:{port}"])).geturl()


os.environ["DATABASE_REPLICA_URL"] = _test_replica_url()

from ibsite.settings import *  # noqa: E402, F403

# Hashing passwords slowly is the point in production and a waste of minutes in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# The cache is the real settings' own: Redis when REDIS_URL is set (CI sets it, use a database
# of your own, e.g. redis://127.0.0.1:6379/5: each test empties it), local memory otherwise.

# The read replica is the test database's mirror (TEST: MIRROR, no database of its own), and
# no read goes there but in tests/test_routers.py: the suite's data lives in transactions that
# another connection cannot see. On PostgreSQL those tests start a real streaming replica on
# TEST_REPLICA_PORT (scripts/replica.sh), which follows the test database the primary makes.
REPLICA_READS = False
