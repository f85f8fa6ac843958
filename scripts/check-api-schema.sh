#!/usr/bin/env bash
# The API against its own OpenAPI document: schemathesis, once as an anonymous client and
# once as an editor (token), on a live server with the demo content. Fails on any 5xx and
# on any response that the document does not describe (status, content type, body).
#
# It never touches the project's database: SQLite in a temporary directory, or, when
# DATABASE_URL points at PostgreSQL, a separate database (its name + "_apicheck", e.g.
# ibsite_apicheck, so runs beside different databases do not collide) created and dropped
# on that server. Needs no input; `make api-check` runs it, and so does `make test`.
#
# Environment: API_CHECK_EXAMPLES (cases per operation, 100), API_CHECK_SEED (the
# generator's seed, 20250101: the same seed sends the same requests; `make api-check
# SEED=123` fuzzes with another),
# API_CHECK_WORKERS (threads of each run, 1), API_CHECK_MAX_TIME (seconds after which a run
# is stopped and fails, 600).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
SCHEMATHESIS=${SCHEMATHESIS:-.venv/bin/schemathesis}
EXAMPLES=${API_CHECK_EXAMPLES:-100}
SEED=${API_CHECK_SEED:-20250101}
WORKERS=${API_CHECK_WORKERS:-1}
MAX_TIME=${API_CHECK_MAX_TIME:-600}
PG_NAME=

started=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/ibsite-api-check.XXXXXX")
server_pids=()
run_pids=()
pg_url=""

pg() { # pg create|drop: the throwaway PostgreSQL database, through the given server
  "$PY" - "$1" "$pg_url" "$PG_NAME" <<'EOF'
import sys

import psycopg

action, url, name = sys.argv[1:]
import urllib.parse

url = url.replace("pgsql://", "postgresql://", 1)  # django-environ's alias, unknown to libpq
# Through the server's own "postgres" database: DATABASE_URL's need not exist.
url = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if action == "create":
        conn.execute(f'CREATE DATABASE "{name}"')
EOF
}

cleanup() {
  for pid in "${run_pids[@]}" "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$pg_url" ]; then
    pg drop || echo "api-check: could not drop the database $PG_NAME" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://* | pgsql://*)
    pg_url=$DATABASE_URL
    PG_NAME=$("$PY" -c 'import sys, urllib.parse as u
print((u.urlsplit(sys.argv[1]).path.strip("/") or "ibsite") + "_apicheck")' "$pg_url")
    DATABASE_URL=$("$PY" -c 'import sys, urllib.parse as u
url = u.urlsplit(sys.argv[1])
print(u.urlunsplit(url._replace(path="/" + sys.argv[2])))' "$pg_url" "$PG_NAME")
    database="PostgreSQL ($PG_NAME)"
    pg create
    ;;
  "")
    # Waits for a lock rather than failing while the other worker writes.
    DATABASE_URL="sqlite:///$work/api-check.sqlite3?timeout=30&transaction_mode=IMMEDIATE"
    database="SQLite (throwaway)"
    # Write-ahead log: the anonymous run's reads never wait for the editor's writes.
    "$PY" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' \
      "$work/api-check.sqlite3"
    ;;
  *)
    echo "api-check: DATABASE_URL must be PostgreSQL or unset (a throwaway SQLite)." >&2
    exit 2
    ;;
esac

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
anonymous_port=$(free_port)
editor_port=$(free_port)
while [ "$editor_port" = "$anonymous_port" ]; do editor_port=$(free_port); done

# Production settings (DEBUG off), with what a local test run needs and nothing secret.
export DATABASE_URL
export DEBUG=0
export SECRET_KEY=api-check-only-not-a-secret
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export SITE_URL=http://127.0.0.1:$anonymous_port
export API_ANON_RATE=100000/hour # thousands of requests from one address, on purpose
export LOG_LEVEL=WARNING
export PYTHONUNBUFFERED=1

echo "== api-check on $database"
"$PY" manage.py migrate --noinput --verbosity 0
"$PY" manage.py load_demo --verbosity 0
# Error pages and the browsable API need the collected static files' manifest (`make
# api-check` collects them first; 45 seconds, so only here when they were never collected).
if [ ! -f staticfiles/staticfiles.json ]; then
  "$PY" manage.py collectstatic --noinput --verbosity 0
fi
token=$("$PY" manage.py shell --no-imports -c '
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token

from ibsite.editors import EDITORS_GROUP

user, _ = User.objects.get_or_create(username="api-check-editor", defaults={"is_staff": True})
user.groups.add(Group.objects.get(name=EDITORS_GROUP))
print(Token.objects.get_or_create(user=user)[0].key)
' | tail -n 1)

serve() { # serve PORT: a server of its own for each run, in the background
  # One request at a time (a run sends one at a time), on one database connection: threads
  # would each open a PostgreSQL connection and keep it (CONN_MAX_AGE) until none is left.
  "$PY" manage.py runserver --noreload --nothreading "127.0.0.1:$1" >"$work/server-$1.log" 2>&1 &
  server_pids+=($!)
}

wait_for() { # wait_for PORT
  for _ in $(seq 60); do
    if "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "http://127.0.0.1:$1/api/v1/schema/" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  cat "$work"/server-*.log >&2
  echo "api-check: the server on port $1 did not start." >&2
  exit 1
}

# "Connection: close": runserver answers a kept-alive connection only after a delayed ACK
# (40 ms a request); a new connection each time is ten times faster.
start_run() { # start_run LABEL PORT [schemathesis options]: in the background, into a log
  local label=$1 port=$2
  shift 2
  # timeout: a hard stop should a run hang; the numbers of cases bound it otherwise.
  timeout --kill-after=10 "$MAX_TIME" \
    "$SCHEMATHESIS" --config-file scripts/schemathesis.toml run \
    "http://127.0.0.1:$port/api/v1/schema/" \
    --max-examples "$EXAMPLES" --seed "$SEED" \
    --generation-database none --no-color --header "Connection: close" "$@" \
    >"$work/$label.log" 2>&1 &
  run_pids+=($!)
  printf -v "${label}_pid" %s $!
}

# The two runs at once, each with its own server: a run mostly waits for its server, and
# the server for the run, so two of them keep both cores busy.
serve "$anonymous_port"
serve "$editor_port"
wait_for "$anonymous_port"
wait_for "$editor_port"
echo "== schemathesis as anonymous and as editor ($EXAMPLES cases per operation, seed $SEED)"
# Anonymous clients: 100 generated requests to every operation. The coverage phase (edge
# cases of every field) and stateful sequences need writes that succeed: the editor's run.
start_run anonymous "$anonymous_port" --phases fuzzing --workers "$WORKERS"
# One worker each: two runs keep both cores busy, and schemathesis's worker threads have
# been seen to trip over each other (SystemError: AST constructor recursion depth mismatch).
start_run editor "$editor_port" --workers "$WORKERS" --header "Authorization: Token $token"

results=()
status=0
for label in anonymous editor; do
  pid_name=${label}_pid
  if wait "${!pid_name}"; then
    results+=("$label passed")
  else
    code=$?
    status=1
    if [ "$code" -ge 124 ] && [ "$code" -le 137 ]; then
      results+=("$label STOPPED after ${MAX_TIME}s")
    else
      results+=("$label FAILED")
    fi
  fi
  echo
  echo "== schemathesis as $label"
  cat "$work/$label.log"
done

if grep -q "Traceback" "$work"/server-*.log; then
  echo "== server errors (from its log)"
  grep -h -B2 -A60 "Traceback" "$work"/server-*.log | head -n 300
fi

elapsed=$(($(date +%s) - started))
summary=$(
  IFS=,
  echo "${results[*]}"
)
echo "api-check: ${summary//,/, } on $database in ${elapsed}s ($EXAMPLES cases per operation, seed $SEED)."
exit $status
