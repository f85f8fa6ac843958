"""Settings for the test suite: the real settings, with what tests must not depend on."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SITE_URL", "https://informationbottleneck.test")

from ibsite.settings import *  # noqa: F403

# Hashing passwords slowly is the point in production and a waste of minutes in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# The cache is the real settings' own: Redis when REDIS_URL is set (CI sets it, use a database
# of your own, e.g. redis://127.0.0.1:6379/5: each test empties it), local memory otherwise.
