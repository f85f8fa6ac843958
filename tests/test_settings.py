"""Settings come from the environment, fail loudly when unsafe, and pass the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import brotli
from django.templatetags.static import static

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#kq!v2$w9@zr4%tp8^ym1&bn6*cd3(ef5)gh0-ij_kl+mn=op[qr]st{uv}wx|yz",
    "ALLOWED_HOSTS": "informationbottleneck.example",
    "DATABASE_URL": "sqlite:///:memory:",
    # Listeners' e-mail goes out by SMTP in production (accounts).
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
}


def manage(*args, env):
    """Run manage.py in a fresh process with exactly the given environment."""
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "ibsite.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_warn_when_emails_would_only_be_printed():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr


def test_email_is_sent_by_smtp_from_email_url():
    assert (
        setting("EMAIL_BACKEND", PRODUCTION_ENV) == "django.core.mail.backends.smtp.EmailBackend"
    )
    assert setting("EMAIL_HOST", PRODUCTION_ENV) == "smtp.example"
    assert setting("EMAIL_PORT", PRODUCTION_ENV) == "587"
    assert setting("EMAIL_USE_TLS", PRODUCTION_ENV) == "True"


def test_it_refuses_to_start_without_a_secret_key_outside_debug():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_uses_a_development_key_when_none_is_given():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env={"DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_a_malformed_boolean_fails_loudly():
    result = manage("check", env={**PRODUCTION_ENV, "DEBUG": "maybe"})
    assert result.returncode != 0


def test_postgres_urls_get_persistent_checked_connections():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["django.db.backends.postgresql", "600", "True"]


def test_static_files_are_served_hashed_and_compressed(client):
    url = static("css/site.css")
    assert url != "/static/css/site.css", "the manifest should give the file a hashed name"
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]


def setting(name, env):
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_hashes_passwords_with_argon2_first():
    assert setting("PASSWORD_HASHERS[0]", PRODUCTION_ENV).endswith("Argon2PasswordHasher")


def test_the_cache_is_redis_when_redis_url_is_set_and_local_memory_otherwise():
    backend = 'CACHES["default"]["BACKEND"]'
    assert setting(backend, PRODUCTION_ENV).endswith("LocMemCache")
    with_redis = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/5"}
    assert setting(backend, with_redis).endswith("RedisCache")


def test_a_malformed_redis_url_fails_loudly():
    result = manage("check", env={**PRODUCTION_ENV, "REDIS_URL": "127.0.0.1:6379"})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_a_negative_number_of_proxies_fails_loudly():
    result = manage("check", env={**PRODUCTION_ENV, "NUM_PROXIES": "-1"})
    assert result.returncode != 0
    assert "NUM_PROXIES" in result.stderr


def test_the_browsable_api_is_off_in_production_and_on_when_debugging():
    renderers = 'REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]'
    assert "BrowsableAPIRenderer" not in setting(renderers, PRODUCTION_ENV)
    assert "BrowsableAPIRenderer" in setting(renderers, {"DEBUG": "1"})
    assert "BrowsableAPIRenderer" in setting(renderers, {**PRODUCTION_ENV, "API_BROWSABLE": "1"})


def test_postgresql_connections_time_out():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://u@db.example:5432/ib"}
    options = setting('DATABASES["default"]["OPTIONS"]', env)
    assert "'connect_timeout': 5" in options
    assert "-c statement_timeout=30000" in options
    assert "-c jit=off" in options


def test_the_stuck_job_sweep_can_be_turned_off_but_not_made_negative():
    show = "from django.conf import settings; print(sorted(settings.CELERY_BEAT_SCHEDULE))"
    on = manage("shell", "-c", show, env=PRODUCTION_ENV)
    assert on.returncode == 0, on.stderr
    assert "'fail-stuck-jobs'" in on.stdout
    off = manage("shell", "-c", show, env={**PRODUCTION_ENV, "JOBS_STUCK_SWEEP_INTERVAL": "0"})
    assert off.returncode == 0, off.stderr
    assert "fail-stuck-jobs" not in off.stdout
    negative = manage("check", env={**PRODUCTION_ENV, "JOBS_STUCK_SWEEP_INTERVAL": "-5"})
    assert negative.returncode != 0
    assert "JOBS_STUCK_SWEEP_INTERVAL=-5 must be 0 (off) or more." in negative.stderr


# Scale-out: pooled connections, a read replica, sessions and uploads any process can reach.

POSTGRES_ENV = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ib"}


def test_a_connection_pool_replaces_persistent_connections():
    database = 'DATABASES["default"]'
    assert "'pool'" not in setting(database, POSTGRES_ENV)
    pooled = {**POSTGRES_ENV, "DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "6"}
    assert setting(f'{database}["CONN_MAX_AGE"]', pooled) == "0"
    options = setting(f'{database}["OPTIONS"]["pool"]', pooled)
    assert options == "{'min_size': 2, 'max_size': 6, 'timeout': 10}"
    # SQLite has no pool: the switch leaves it alone.
    assert "pool" not in setting(database, {**PRODUCTION_ENV, "DATABASE_POOL": "1"})


def test_a_pool_smaller_than_its_minimum_fails_loudly():
    env = {**POSTGRES_ENV, "DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "1"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_POOL_MAX_SIZE" in result.stderr


def test_a_replica_url_adds_a_quick_to_give_up_replica_mirrored_in_tests():
    assert setting("DATABASES.keys()", POSTGRES_ENV) == "dict_keys(['default'])"
    env = {**POSTGRES_ENV, "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5433/ib"}
    replica = 'DATABASES["replica"]'
    assert setting(f'{replica}["PORT"]', env) == "5433"
    assert setting(f'{replica}["TEST"]["MIRROR"]', env) == "default"
    options = setting(f'{replica}["OPTIONS"]', env)
    assert "'connect_timeout': 2" in options
    assert "-c statement_timeout=30000" in options
    pooled = setting(f'{replica}["OPTIONS"]["pool"]', {**env, "DATABASE_POOL": "1"})
    assert pooled == "{'min_size': 0, 'max_size': 8, 'timeout': 2}"


def test_a_replica_of_another_engine_fails_loudly():
    env = {**POSTGRES_ENV, "DATABASE_REPLICA_URL": "sqlite:///replica.sqlite3"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr


def test_sessions_go_through_the_shared_cache_only_when_there_is_one():
    assert setting("SESSION_ENGINE", PRODUCTION_ENV).endswith("sessions.backends.db")
    with_redis = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/5"}
    assert setting("SESSION_ENGINE", with_redis).endswith("sessions.backends.cached_db")


def test_uploads_go_to_the_storage_the_environment_names():
    default = 'STORAGES["default"]'
    assert setting(f'{default}["BACKEND"]', PRODUCTION_ENV).endswith("FileSystemStorage")
    env = {
        **PRODUCTION_ENV,
        "MEDIA_STORAGE_BACKEND": "django.core.files.storage.InMemoryStorage",
        "MEDIA_STORAGE_OPTIONS": '{"base_url": "https://media.example/"}',
    }
    assert setting(f'{default}["BACKEND"]', env).endswith("InMemoryStorage")
    code = "from django.core.files.storage import default_storage as s; print(s.url('a.jpg'))"
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "https://media.example/a.jpg"


def test_malformed_storage_options_fail_loudly():
    result = manage("check", env={**PRODUCTION_ENV, "MEDIA_STORAGE_OPTIONS": "[1, 2]"})
    assert result.returncode != 0
    assert "MEDIA_STORAGE_OPTIONS" in result.stderr


def test_the_deploy_checks_pass_with_a_pool_and_a_replica():
    env = {
        **POSTGRES_ENV,
        "DATABASE_POOL": "1",
        "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5433/ib",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hashed_static_files_are_cached_for_ever_and_sent_as_brotli(client):
    url = static("css/site.css")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)
    assert b"body" in brotli.decompress(body)
    # The same file under its plain name may change: browsers check it again soon.
    plain = client.get("/static/css/site.css", HTTP_ACCEPT_ENCODING="br")
    assert "immutable" not in plain["Cache-Control"]
