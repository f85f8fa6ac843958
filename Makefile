# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# make api-check SEED=123: schemathesis with another seed (see scripts/check-api-schema.sh).
SEED ?= $(or $(API_CHECK_SEED),20250101)
EXAMPLES ?= $(or $(API_CHECK_EXAMPLES),100)
# Installed again only when pyproject.toml changes.
STAMP := $(VENV)/.installed

.PHONY: run serve test api-check lint format install migrate demo static browser wrk bench bench-search bench-site clean help

help:
	@echo "make run     install, migrate, load the demo content, serve on http://127.0.0.1:$(PORT)"
	@echo "make serve   production-like: DEBUG off, collected static files, gunicorn (gunicorn.conf.py)"
	@echo "make test    lint, the whole test suite and api-check (DATABASE_URL picks the database)"
	@echo "make api-check  schemathesis against the API's OpenAPI document, on a throwaway database (SEED=N: another seed)"
	@echo "make lint    ruff check and format check"
	@echo "make browser install Chromium for the browser tests if missing (as root, with apt-get)"
	@echo "make format  let ruff fix what it can"
	@echo "make bench   the benchmarks: bench-search, then bench-site"
	@echo "make bench-search  search latency on 225,000 generated items (PostgreSQL, database ibsite_bench)"
	@echo "make bench-site    every kind of page under wrk, served by gunicorn (PostgreSQL, database ibsite_bench_site)"
	@echo "make clean   remove the virtualenv, the SQLite database and collected static files"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed (found %s)." % sys.version.split()[0])'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

static: install
	DEBUG=1 $(PY) manage.py collectstatic --noinput --verbosity 0

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo --demo-editor

# Debian's Chromium for tests/test_browser.py; without it those tests are skipped.
browser:
	@sh scripts/install-browser.sh

run: demo static
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin: /admin/, see README for the demo editor)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like, to see the site as it is served: DEBUG off, static files collected, gunicorn
# with gunicorn.conf.py on http://127.0.0.1:$(PORT). Plain HTTP, so the HTTPS redirect is off
# (and signing in, which needs secure cookies, is for `make run`); a throwaway SECRET_KEY
# unless one is set. The database and the rest come from the environment, as in production.
serve: migrate static
	@echo "Serving on http://127.0.0.1:$(PORT)/ with gunicorn, DEBUG off"
	DEBUG=0 SECURE_SSL_REDIRECT=0 BIND="$${BIND:-127.0.0.1:$(PORT)}" \
	  SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  $(BIN)/gunicorn

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pytest runs last, so that its summary (the test count CI reads) closes the output.
test: lint static browser
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings
	bash scripts/check-api-schema.sh
	$(BIN)/pytest

# The API against its own OpenAPI document, as an anonymous client and as an editor (about
# four minutes). A throwaway SQLite database, or <name>_apicheck beside DATABASE_URL's.
# SEED=123 fuzzes with another seed (API_CHECK_SEED; 20250101 when unset), EXAMPLES=N
# changes the cases per operation (API_CHECK_EXAMPLES, 100).
api-check: install static
	API_CHECK_SEED=$(SEED) API_CHECK_EXAMPLES=$(EXAMPLES) bash scripts/check-api-schema.sh

# Debian's wrk for bench-site, installed when missing (as root, with apt-get).
wrk:
	@sh scripts/install-wrk.sh

# Both benchmarks, the second even when the first misses its target; fails if either does.
bench: install static wrk
	@status=0; \
	$(PY) scripts/bench_search.py || status=1; \
	$(PY) scripts/bench_site.py $(BENCH_SITE_ARGS) || status=1; \
	exit $$status

# Search latency on a generated corpus in PostgreSQL (database ibsite_bench, kept between
# runs; the first run builds it, several minutes). See scripts/bench_search.py.
bench-search: install
	$(PY) scripts/bench_search.py

# The site under load as in production: gunicorn on loopback, wrk against each kind of page,
# cache cold, warm and 304, on one server, two, and with reads on the replica (database
# ibsite_bench_site, kept between runs; the first run builds it). Options through
# BENCH_SITE_ARGS, e.g. "--setups one --duration 10". See scripts/bench_site.py.
bench-site: install static wrk
	$(PY) scripts/bench_site.py $(BENCH_SITE_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media
