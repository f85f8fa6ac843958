"""Settings for the Information Bottleneck site.

Everything that differs between a laptop, CI and production is read from the environment
(or from a `.env` file beside manage.py). See "Configuration" in the README for the list.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default):
    """A yes/no setting; anything but the usual words is an error, never a silent False."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS | FALSE_WORDS:
        return value in TRUE_WORDS
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {sorted(TRUE_WORDS | FALSE_WORDS)}."
    )


# Off unless asked for: production must never run with DEBUG by accident. `make run` turns it on.
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (a long random string), "
            "or set DEBUG=1 for local development, which uses a throwaway key."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

# In production set ALLOWED_HOSTS to the site's domain names, comma-separated.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used where an absolute URL is needed outside a request
# (the demo episodes' audio, feeds, e-mails).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.str('PORT', default='8000')}")
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # full-text and trigram search; harmless on SQLite
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "taggit",
    "axes",
    "core",
    "jobs",
    "api",
    "feeds",
    "people",
    "papers",
    "episodes",
    "posts",
    # Listener accounts (accounts/): allauth's account app without the sites framework (the
    # site's name and domain come from the request, mails name the site themselves).
    "allauth",
    "allauth.account",
    "accounts",
    "community",
    "search",
    "pages",
    # Last: its post_migrate hook reads the permissions the apps above have just created.
    "ibsite.apps.IbsiteConfig",
]

MIDDLEWARE = [
    "core.health.health_checks",  # first: no host check, redirect or session for probes
    # Anonymous pages and API reads: 304 or a stored copy from the content version, before
    # the view (core.versions; PAGE_CACHE_SECONDS below). Next to first: a stored copy has
    # every header the middleware below added when it was rendered, and a 304 needs none of
    # them, so neither pays for them again (a third of a 304's time). An address refused
    # below (HTTPS redirect, bad host or query) is never a public 200, so never stored.
    "core.middleware.page_cache",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.permissions_policy",
    # An overlong query string or value, or NUL in the admin's: refused before anything reads it.
    "core.middleware.limit_query_string",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the page's content, 304 when the client has it already.
    "django.middleware.http.ConditionalGetMiddleware",
    "core.middleware.cache_control",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.batch_deferred_work",
]

ROOT_URLCONF = "ibsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "ibsite.wsgi.application"

# SQLite file in the project by default; PostgreSQL with
# DATABASE_URL=postgres://user:password@host:5432/name
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before each request so a restarted server is harmless.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: it pays off for long analytical queries, and costs a web request
    # (search, with its many subqueries) seconds of compiling.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with hashed names, served by whitenoise in every mode.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TAGGIT_CASE_INSENSITIVE = True

# Named in the User-Agent of requests to arXiv and doi.org, as their terms ask.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

# How long browsers and proxies may reuse an anonymous page before asking again (seconds).
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=300)
PAGE_SIZE = 20

# Security: safe defaults everywhere, the strict ones when not debugging.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a proxy that terminates TLS (the usual production setup).
    if env_bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The JSON API: permissions, pagination, filters, throttling and errors, set once here.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.EditorsWrite"],
    # JSON in: the nested lists (chapters, people, affiliations, authors) have no form shape.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="600/hour")},
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "The Information Bottleneck API",
    "DESCRIPTION": "Episodes, people, papers, posts and topics of The Information Bottleneck "
    "podcast. Anyone reads published content; editors write with a token "
    "(`Authorization: Token <key>`) or their session.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation pages load Swagger UI and Redoc from the site itself, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io either.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per HTTP request to arXiv or doi.org is noise in an import's output.
    "loggers": {"httpx": {"level": "WARNING"}},
}

# Outbound fetches and uploads
# core.http fetches only public http(s) addresses on these ports (feed imports by URL, arXiv,
# DOI). Operators may trust more: hosts as "host", "host:port" or "host:*" (any port), and
# networks (CIDR, on the allowed ports), e.g. an internal feed server.
try:
    OUTBOUND_ALLOWED_PORTS = env.list("OUTBOUND_ALLOWED_PORTS", cast=int, default=[80, 443])
except ValueError as error:
    raise ImproperlyConfigured(f"OUTBOUND_ALLOWED_PORTS must be port numbers: {error}") from None
if not all(0 < port < 65536 for port in OUTBOUND_ALLOWED_PORTS):
    raise ImproperlyConfigured(f"OUTBOUND_ALLOWED_PORTS: {OUTBOUND_ALLOWED_PORTS} are not ports.")
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])
OUTBOUND_ALLOWED_NETWORKS = env.list("OUTBOUND_ALLOWED_NETWORKS", default=[])
for _network in OUTBOUND_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"OUTBOUND_ALLOWED_NETWORKS: {_network!r} is not a network such as 10.0.0.0/8."
        ) from None
# The largest podcast feed imported, by URL (once decompressed) or uploaded.
FEED_MAX_BYTES = env.int("FEED_MAX_BYTES", default=64 * 1024 * 1024)
# The largest .bib file `import_papers` reads.
BIBTEX_MAX_BYTES = env.int("BIBTEX_MAX_BYTES", default=10 * 1024 * 1024)
# A request body without files, and an uploaded file kept in memory (larger ones go to a
# temporary file, up to FILE_UPLOAD_MAX_BYTES, then the rest is thrown away unread).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Every uploaded file: past this size the rest is dropped as it arrives (core.uploads).
FILE_UPLOAD_MAX_BYTES = env.int("FILE_UPLOAD_MAX_BYTES", default=64 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


# Shared cache, health, sign-in and headers

# The cache every worker shares: the API's throttle counts there, feeds are kept there.
# REDIS_URL=redis://host:6379/0 in production; local memory (one process) when unset.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL={REDIS_URL!r} is not a redis://, rediss:// or unix:// URL."
        )
    # A Redis that is down must not hang a request: fail within a second or two.
    _redis_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _redis_options,
        },
        # What is found by the content version (pages, fragments, memos: core.versions):
        # each process also keeps the recent entries in memory, up to
        # CACHE_LOCAL_MAX_BYTES for at most CACHE_LOCAL_SECONDS, and reads them from there.
        "versioned": {
            "BACKEND": "core.cache.VersionedRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _redis_options,
            "LOCAL_MAX_BYTES": env.int("CACHE_LOCAL_MAX_BYTES", default=32 * 1024 * 1024),
            "LOCAL_SECONDS": env.int("CACHE_LOCAL_SECONDS", default=300),
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "versioned": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "versioned",
        },
    }


def env_count(name, default):
    """A whole number >= 0; anything else is an error."""
    value = env.int(name, default=default)
    if value < 0:
        raise ImproperlyConfigured(f"{name}={value} must be 0 or more.")
    return value


# How many proxies of ours stand in front of the site, each appending the address it saw to
# X-Forwarded-For. 0: the client is REMOTE_ADDR and X-Forwarded-For is ignored (the client
# writes it). core.net.client_ip, the API's throttle and the sign-in lockout all use it.
NUM_PROXIES = env_count("NUM_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

# The browsable API (HTML forms over the API) is for development; JSON only in production.
API_BROWSABLE = env_bool("API_BROWSABLE", default=DEBUG)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    *(["rest_framework.renderers.BrowsableAPIRenderer"] if API_BROWSABLE else []),
]

# Database faults: give up connecting after DB_CONNECT_TIMEOUT seconds and stop a query after
# DB_STATEMENT_TIMEOUT milliseconds, so a database that hangs does not hang every worker.
DB_CONNECT_TIMEOUT = env_count("DB_CONNECT_TIMEOUT", default=5)
DB_STATEMENT_TIMEOUT = env_count("DB_STATEMENT_TIMEOUT", default=30_000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["connect_timeout"] = DB_CONNECT_TIMEOUT
    _options["options"] = (
        f"{_options.get('options', '')} -c statement_timeout={DB_STATEMENT_TIMEOUT}".strip()
    )
# Seconds a client is told to wait (Retry-After) when a dependency is down.
RETRY_AFTER = env_count("RETRY_AFTER", default=30)

# Sign-in: django-axes locks out an account, and separately an address, after
# AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES. Attempts are stored in the database,
# which every worker shares; unknown usernames are counted (and answered) like real ones.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Listeners sign in with their e-mail address (allauth); axes counts those too.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_count("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env_count("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours, as django-axes counts them
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "core.auth.locked_out"
# Failures while locked out do not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Its start-up banner would end up in the output of every management command.
AXES_VERBOSE = False

# Argon2 first: new and re-hashed passwords use it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Content-Security-Policy (django-csp 4): every script, style, font and image from the site.
# No inline scripts; inline styles are allowed for Swagger UI and Redoc, which set them.
# CSP_MEDIA_SOURCES adds the hosts the episodes' audio is served from, if not the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", *env.list("CSP_MEDIA_SOURCES", default=[])],
        "worker-src": ["'self'", "blob:"],  # Redoc's search runs in a worker
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Features the site never uses, off for it and anything it embeds; the player needs
# autoplay (resuming at ?t=), fullscreen and picture-in-picture at most.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "display-capture": [],
    "browsing-topics": [],
    "autoplay": ["self"],
    "fullscreen": ["self"],
    "picture-in-picture": ["self"],
}


# Background jobs: Celery with Redis as the broker (ibsite/celery.py, jobs/). Without
# CELERY_BROKER_URL (`make run`, the tests) a job runs in-process when it is queued.
_broker = env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = _broker or "memory://"
# Where a running job's progress is kept for its admin page; the broker's Redis by default.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_broker) or None
CELERY_TASK_ALWAYS_EAGER = not _broker
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# One task at a time per worker process: a long import doesn't hold others back.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a message a killed worker never acknowledged comes back after this long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
}
CELERY_TIMEZONE = TIME_ZONE
# How often (seconds) celery beat re-imports the feed of each show that has an import URL.
FEED_SYNC_INTERVAL = env.int("FEED_SYNC_INTERVAL", default=60 * 60)
CELERY_BEAT_SCHEDULE = {
    "sync-show-feeds": {"task": "episodes.sync_show_feeds", "schedule": FEED_SYNC_INTERVAL},
}


# Limits on input: what one request may send, each refused with a 4xx that says so (never a
# 500). Sane for editors and the public alike; raise one through the environment if needed.
# The deepest JSON an API write may nest arrays and objects (the deepest real body, an
# episode with its chapters, is 3 levels deep).
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=64)
# The longest query string (414 past it); it bounds every value in it too.
QUERY_STRING_MAX_LENGTH = env.int("QUERY_STRING_MAX_LENGTH", default=8192)
# Django's own: the most parameters in a query string or form (400 past it). The largest body
# read into memory, DATA_UPLOAD_MAX_MEMORY_SIZE (413 past it), is set with the uploads above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)


# Feeds
# What one feed may weigh, whatever the archive holds. The notes of an episode are cut (at a
# word or an element, with "…" and a link to the full notes) past FEED_NOTES_MAX_CHARS, as
# Apple Podcasts does at 4,000 characters; an item's whole content:encoded (notes, guests,
# chapters, music) past FEED_ITEM_CONTENT_MAX_CHARS; a post's full text in the Atom feed past
# FEED_POST_MAX_CHARS. A feed lists FEED_PAGE_SIZE items, the newest; older ones are on
# further pages (?page=2), linked as RFC 5005 paged feeds. A rendered feed bigger than
# FEED_CACHE_MAX_BYTES is not kept in the cache.


def _positive_int(name, default):
    value = env.int(name, default=default)
    if value < 1:
        raise ImproperlyConfigured(f"{name}={value} must be a positive whole number.")
    return value


FEED_NOTES_MAX_CHARS = _positive_int("FEED_NOTES_MAX_CHARS", 4000)
FEED_ITEM_CONTENT_MAX_CHARS = _positive_int("FEED_ITEM_CONTENT_MAX_CHARS", 10000)
FEED_POST_MAX_CHARS = _positive_int("FEED_POST_MAX_CHARS", 20000)
FEED_PAGE_SIZE = _positive_int("FEED_PAGE_SIZE", 300)
FEED_CACHE_MAX_BYTES = _positive_int("FEED_CACHE_MAX_BYTES", 5_000_000)


# Jobs whose worker is gone: every JOBS_STUCK_SWEEP_INTERVAL seconds celery beat fails the
# jobs still "running" past their kind's hard time limit and a minute (jobs.fail_stuck), so
# that an editor sees why and may run them again. 0 turns the sweep off.
JOBS_STUCK_SWEEP_INTERVAL = env.int("JOBS_STUCK_SWEEP_INTERVAL", default=5 * 60)
if JOBS_STUCK_SWEEP_INTERVAL < 0:
    raise ImproperlyConfigured(
        f"JOBS_STUCK_SWEEP_INTERVAL={JOBS_STUCK_SWEEP_INTERVAL} must be 0 (off) or more."
    )
if JOBS_STUCK_SWEEP_INTERVAL:
    CELERY_BEAT_SCHEDULE["fail-stuck-jobs"] = {
        "task": "jobs.fail_stuck",
        "schedule": JOBS_STUCK_SWEEP_INTERVAL,
    }


# Imports, jobs' files, query values ("Safe in production": the loose ends).
# The most items one import takes: a feed's <item>s, or a paper import's BibTeX entries, arXiv
# ids and DOIs together. Past it the import is refused before anything is written, with a
# message naming the setting. An import is one transaction, so this bounds how long it is.
FEED_IMPORT_MAX_ITEMS = _positive_int("FEED_IMPORT_MAX_ITEMS", 10_000)
PAPERS_IMPORT_MAX_ITEMS = _positive_int("PAPERS_IMPORT_MAX_ITEMS", 2_000)
# The longest name or value of one query-string parameter, in characters once decoded (400
# past it, JSON under /api/); QUERY_STRING_MAX_LENGTH bounds them all together.
QUERY_VALUE_MAX_LENGTH = _positive_int("QUERY_VALUE_MAX_LENGTH", 2048)
# Days a finished job keeps its uploaded input file (a feed, a BibTeX file). A job deletes it
# when it succeeds and when it is deleted; a failed one keeps it this long, to be run again,
# then celery beat (daily) or `manage.py delete_job_files` deletes it.
JOB_FILES_KEEP_DAYS = _positive_int("JOB_FILES_KEEP_DAYS", 30)
CELERY_BEAT_SCHEDULE["delete-old-job-files"] = {
    "task": "jobs.delete_old_files",
    "schedule": 24 * 60 * 60,
}


def _check_outbound_hosts(entries):
    """A malformed OUTBOUND_ALLOWED_HOSTS entry fails here, at start, rather than every fetch."""
    from core.http import parse_host_entry  # how core.http reads an entry ("host:80": 80 alone)

    for entry in entries:
        try:
            parse_host_entry(entry)
        except ValueError as error:
            raise ImproperlyConfigured(str(error)) from None


_check_outbound_hosts(OUTBOUND_ALLOWED_HOSTS)


# Page cache (core.middleware.page_cache, core.versions)
# Anonymous visitors' pages and API reads are validated (ETag, Last-Modified) by the site's
# content version, renewed by any write of content and when a scheduled item goes live, and
# kept in the shared cache (CACHES: Redis in production) under that version for
# PAGE_CACHE_SECONDS, so an edit shows at the next request. 0 keeps nothing (every miss is
# rendered; the validators and 304s stay). An answer larger than PAGE_CACHE_MAX_BYTES is
# not kept.
PAGE_CACHE_SECONDS = env_count("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_MAX_BYTES = env_count("PAGE_CACHE_MAX_BYTES", default=1_000_000)


# Scale-out: stateless app processes, pooled connections, an optional read replica.
# Any number of app servers may run side by side: nothing lives in one process that another
# needs. Sessions are in the database (through the shared cache when there is one), uploads
# go to STORAGES["default"], the cache is Redis (REDIS_URL).

# Sessions: cached_db reads a session from the shared cache and writes it through to the
# database; with local memory (no REDIS_URL) each process would keep its own stale copy, so
# then the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Uploads (artwork, photos, feeds queued for import): any Django storage backend, e.g.
# MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage with django-storages installed and
# MEDIA_STORAGE_OPTIONS='{"bucket_name": "ib-media", "region_name": "eu-west-1"}'.
STORAGES["default"] = {
    "BACKEND": env.str(
        "MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={}),
}
if not isinstance(STORAGES["default"]["OPTIONS"], dict):
    raise ImproperlyConfigured("MEDIA_STORAGE_OPTIONS must be a JSON object.")

# Connection pooling (psycopg's pool, Django's "pool" option): each process keeps between
# DATABASE_POOL_MIN_SIZE and DATABASE_POOL_MAX_SIZE connections that its threads share, and a
# request waits at most DATABASE_POOL_TIMEOUT seconds for one. A pool replaces persistent
# connections (CONN_MAX_AGE must then be 0). Off by default: one persistent connection per
# thread is as good when threads are few; turn it on to bound connections per app server.
DATABASE_POOL = env_bool("DATABASE_POOL", default=False)
DATABASE_POOL_MIN_SIZE = env_count("DATABASE_POOL_MIN_SIZE", default=2)
DATABASE_POOL_MAX_SIZE = env_count("DATABASE_POOL_MAX_SIZE", default=8)
DATABASE_POOL_TIMEOUT = env_count("DATABASE_POOL_TIMEOUT", default=10)
if DATABASE_POOL and max(DATABASE_POOL_MIN_SIZE, 1) > DATABASE_POOL_MAX_SIZE:
    raise ImproperlyConfigured(
        f"DATABASE_POOL_MAX_SIZE={DATABASE_POOL_MAX_SIZE} must be at least 1 and at least "
        f"DATABASE_POOL_MIN_SIZE={DATABASE_POOL_MIN_SIZE}."
    )


def _pooled(database, *, min_size, timeout):
    """Turn a PostgreSQL database's persistent connection into a pool of them."""
    if DATABASE_POOL and database["ENGINE"] == "django.db.backends.postgresql":
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"]["pool"] = {
            "min_size": min_size,
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": timeout,
        }


_pooled(DATABASES["default"], min_size=DATABASE_POOL_MIN_SIZE, timeout=DATABASE_POOL_TIMEOUT)

# A read replica (a PostgreSQL streaming standby; scripts/replica.sh makes one locally):
# with DATABASE_REPLICA_URL set, anonymous visitors' reads go there (core.routers) and
# everything else stays on the primary: writes, signed-in people, API tokens, any request
# for REPLICA_STICKY_SECONDS after the client wrote, background jobs and commands. A replica
# that does not connect within REPLICA_CONNECT_TIMEOUT seconds is left alone for
# REPLICA_RETRY_SECONDS, the reads going to the primary meanwhile.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_STICKY_SECONDS = env_count("REPLICA_STICKY_SECONDS", default=10)
REPLICA_CONNECT_TIMEOUT = env_count("REPLICA_CONNECT_TIMEOUT", default=2)
REPLICA_RETRY_SECONDS = env_count("REPLICA_RETRY_SECONDS", default=5)
# Routing can be turned off while keeping the alias (the test suite does: its data lives in
# uncommitted transactions the replica cannot see).
REPLICA_READS = env_bool("REPLICA_READS", default=True)
if DATABASE_REPLICA_URL:
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must use the primary's database engine.")
    if _replica["ENGINE"] == "django.db.backends.postgresql":
        _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
        _replica["CONN_HEALTH_CHECKS"] = True
        _replica["OPTIONS"] = {
            **DATABASES["default"]["OPTIONS"],
            **_replica.get("OPTIONS", {}),
            "connect_timeout": REPLICA_CONNECT_TIMEOUT,
        }
        # No connection kept open while the replica is away (the pool would keep retrying),
        # and no waiting for one longer than for a connection of our own.
        _replica["OPTIONS"].pop("pool", None)
        _pooled(_replica, min_size=0, timeout=REPLICA_CONNECT_TIMEOUT)
    # In tests, the replica is the test database's mirror, never a database of its own.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware"),
    "core.routers.route_reads",
)


# Listener accounts (accounts/, django-allauth): sign-up with an e-mail address and a password,
# verified before the first sign-in; no usernames (allauth makes a hidden one). Sign-up, sign-in
# and password reset answer alike whether an address has an account or not. The rate limits
# count in the shared cache (CACHES), per address and per account, and answer 429
# (templates/429.html). E-mails are rendered in the request and sent by a Celery task
# (accounts.tasks): the console in development, SMTP from EMAIL_URL in production.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # one address at a time: a new one replaces the old once verified
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password / address changed" to the account
ACCOUNT_SESSION_REMEMBER = None  # a "Remember me" box
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[The Information Bottleneck] "
ACCOUNT_RATE_LIMITS = {
    # Sign-ups per address; sign-ins per address (failed ones also per account, allauth's
    # default, besides django-axes' lockout above); reset e-mails per address and per account.
    "signup": env.str("ACCOUNT_SIGNUP_RATE", default="5/m/ip,20/h/ip"),
    "login": env.str("ACCOUNT_LOGIN_RATE", default="30/m/ip"),
    "reset_password": env.str("ACCOUNT_RESET_PASSWORD_RATE", default="5/m/ip,3/m/key"),
}
# allauth reads the client's address itself: trust as many proxies as core.net.client_ip.
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:settings"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# django-axes reads the account from allauth's "login" (the e-mail address) or the admin's
# "username": the lockout covers both forms.
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"

# E-mail: the console in development, nowhere but a list in tests (Django's test runner), and
# SMTP from EMAIL_URL in production, e.g. smtp+tls://user:password@smtp.example.com:587.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="The Information Bottleneck <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS
    # or EMAIL_USE_SSL, from the one URL.
    globals().update(env.email_url("EMAIL_URL"))
else:
    # Printed, never sent: `manage.py check --deploy` warns when production has no EMAIL_URL.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds to wait for the SMTP server before the sending job retries.
EMAIL_TIMEOUT = env_count("EMAIL_TIMEOUT", default=10)
# Listener profiles: the longest display name and bio, and how many links.
PROFILE_NAME_MAX_LENGTH = 80
PROFILE_BIO_MAX_LENGTH = 1000

# Community: ratings and reviews (the community app)
# How many reviews one account, and one address, may post or edit in an hour (the shared
# cache counts them): past it, a 429 with the reason, on the pages and in the API.
REVIEW_POSTS_PER_HOUR = env_count("REVIEW_POSTS_PER_HOUR", default=20)
# A review's status (published, pending, hidden) is an enum of its own in the OpenAPI
# document, not a second "StatusEnum" beside the episodes' deprecated status.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "ReviewStatusEnum": "community.models.Status",
    "StatusEnum": [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")],
}
