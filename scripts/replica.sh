#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL primary, for the read router's tests and the
# benchmark (see "Deploying" in the README for a real one).
#
#   scripts/replica.sh start    make it (pg_basebackup) if needed, start it, wait until it
#                               streams and has caught up; fast when it runs already
#   scripts/replica.sh stop     stop it (its data is kept: the next start is quick)
#   scripts/replica.sh status   running or not, and how far behind; exit 0 running, 3 stopped
#   scripts/replica.sh destroy  stop it and delete its data directory
#
# Then: DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<the primary's database name>
#
# The primary is Debian's cluster on PRIMARY_HOST:PRIMARY_PORT (127.0.0.1:5432, user
# postgres, trust). The replica is a plain data directory (REPLICA_DATA, default
# /var/tmp/ibsite-replica, disposable) run with pg_ctl on REPLICA_PORT (5433) as the
# postgres OS user. It uses no replication slot, so a stopped replica never makes the primary
# keep WAL; one that fell too far behind to catch up is made again from a fresh base backup.
#
# Streaming needs a "replication" line in the primary's pg_hba.conf ("all" does not cover
# replication connections). When there is none, this script adds one for 127.0.0.1, trusted
# like the lines there, and reloads the primary, saying so; nothing else of the primary is
# changed (wal_level=replica and max_wal_senders > 0 are PostgreSQL's defaults: checked).
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIMARY_USER=${PRIMARY_USER:-postgres}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DATA=${REPLICA_DATA:-/var/tmp/ibsite-replica}
CATCH_UP_SECONDS=${CATCH_UP_SECONDS:-60}
LOG="$REPLICA_DATA.log"

die() { echo "replica.sh: $*" >&2; exit 1; }
say() { echo "replica.sh: $*"; }

# Debian's PostgreSQL: the one version in /etc/postgresql, binaries in /usr/lib/postgresql.
versions=$(ls /etc/postgresql 2>/dev/null || true)
[ -n "$versions" ] || die "no PostgreSQL cluster in /etc/postgresql (Debian's postgresql package)."
[ "$(echo "$versions" | wc -l)" -eq 1 ] || die "several PostgreSQL versions in /etc/postgresql: $versions"
VERSION=$versions
BIN=/usr/lib/postgresql/$VERSION/bin
[ -x "$BIN/pg_basebackup" ] || die "$BIN/pg_basebackup is missing."
HBA=/etc/postgresql/$VERSION/main/pg_hba.conf

# The server runs as the postgres OS user: as root, become it; as postgres, just run.
if [ "$(id -u)" -eq 0 ]; then
  as_postgres() { runuser -u postgres -- "$@"; }
elif [ "$(id -un)" = postgres ]; then
  as_postgres() { "$@"; }
else
  die "run it as root or as the postgres user (the replica's files belong to postgres)."
fi

primary_sql() { "$BIN/psql" -X -qAt -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"; }
replica_sql() { "$BIN/psql" -X -qAt -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PRIMARY_USER" -d postgres -c "$1"; }
running() { as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1; }
answering() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$REPLICA_PORT"; }
streaming() { [ "$(replica_sql "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" = streaming ]; }

# Bytes of WAL the replica has still to replay (an empty answer when it cannot be told).
lag_bytes() {
  local target
  target=$(primary_sql "SELECT pg_current_wal_lsn()") || return 0
  replica_sql "SELECT pg_wal_lsn_diff('$target', pg_last_wal_replay_lsn())::bigint" 2>/dev/null || true
}

check_primary() {
  "$BIN/pg_isready" -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" \
    || die "the primary does not answer on $PRIMARY_HOST:$PRIMARY_PORT (start it: pg_ctlcluster $VERSION main start)."
  local level senders
  level=$(primary_sql "SHOW wal_level")
  senders=$(primary_sql "SHOW max_wal_senders")
  [ "$level" != minimal ] || die "the primary has wal_level=minimal; set it to replica and restart it."
  [ "$senders" -gt 0 ] || die "the primary has max_wal_senders=0; raise it and restart it."
  if ! "$BIN/psql" -X -qAt "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PRIMARY_USER replication=true" \
      -c "IDENTIFY_SYSTEM" >/dev/null 2>&1; then
    allow_replication
  fi
}

allow_replication() {
  [ -w "$HBA" ] || die "the primary refuses replication connections and $HBA is not writable: add
    host replication $PRIMARY_USER 127.0.0.1/32 trust
to it and reload the primary (pg_ctlcluster $VERSION main reload)."
  echo "replica.sh: NOTE: changing the PRIMARY's configuration: $HBA had no line allowing
replica.sh: replication connections; adding 'host replication $PRIMARY_USER 127.0.0.1/32 trust'
replica.sh: (trusted like its other 127.0.0.1 lines) and reloading the primary." >&2
  printf '\n# Added by scripts/replica.sh (ibsite): a local streaming replica.\nhost replication %s 127.0.0.1/32 trust\n' \
    "$PRIMARY_USER" >>"$HBA"
  pg_ctlcluster "$VERSION" main reload
  for _ in $(seq 20); do
    "$BIN/psql" -X -qAt "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PRIMARY_USER replication=true" \
      -c "IDENTIFY_SYSTEM" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "the primary still refuses replication connections after the pg_hba.conf change."
}

make_replica() {
  say "making the replica in $REPLICA_DATA (pg_basebackup from $PRIMARY_HOST:$PRIMARY_PORT)"
  rm -rf "$REPLICA_DATA"
  mkdir -p "$(dirname "$REPLICA_DATA")"
  install -d -o postgres -g postgres -m 700 "$REPLICA_DATA"
  as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
    -D "$REPLICA_DATA" -X stream -R -c fast --no-sync
  # Debian keeps a cluster's configuration in /etc, so the copy has none: a small one of its
  # own. A hot standby needs at least the primary's max_connections and the like.
  local connections workers senders xacts locks
  connections=$(primary_sql "SHOW max_connections")
  workers=$(primary_sql "SHOW max_worker_processes")
  senders=$(primary_sql "SHOW max_wal_senders")
  xacts=$(primary_sql "SHOW max_prepared_transactions")
  locks=$(primary_sql "SHOW max_locks_per_transaction")
  as_postgres tee "$REPLICA_DATA/postgresql.conf" >/dev/null <<EOF
# The ibsite test and benchmark replica (scripts/replica.sh): a hot standby of
# $PRIMARY_HOST:$PRIMARY_PORT. primary_conninfo is in postgresql.auto.conf.
listen_addresses = '127.0.0.1'
port = $REPLICA_PORT
hba_file = '$REPLICA_DATA/pg_hba.conf'
hot_standby = on
hot_standby_feedback = on
max_connections = $connections
max_worker_processes = $workers
max_wal_senders = $senders
max_prepared_transactions = $xacts
max_locks_per_transaction = $locks
shared_buffers = 64MB
fsync = off
wal_receiver_status_interval = 1s
default_text_search_config = 'pg_catalog.english'
datestyle = 'iso, mdy'
timezone = 'Etc/UTC'
lc_messages = 'C.UTF-8'
EOF
  as_postgres tee "$REPLICA_DATA/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
}

start_server() {
  touch "$LOG" && chown postgres:postgres "$LOG" 2>/dev/null || true
  as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" -l "$LOG" -w -t 60 start >/dev/null \
    || die "the replica did not start; see $LOG."
}

# Waits until the replica streams and has replayed what the primary had when asked.
wait_caught_up() {
  local target deadline=$((SECONDS + CATCH_UP_SECONDS))
  target=$(primary_sql "SELECT pg_current_wal_lsn()")
  while [ $SECONDS -lt $deadline ]; do
    if streaming && [ "$(replica_sql "SELECT pg_last_wal_replay_lsn() >= '$target'" 2>/dev/null)" = t ]; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

start() {
  if running && answering && streaming; then
    say "running on 127.0.0.1:$REPLICA_PORT (${REPLICA_DATA}), $(lag_bytes) bytes behind"
    return 0
  fi
  check_primary
  if running; then
    say "running but not streaming; restarting it"
    as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null || true
  fi
  if [ -f "$REPLICA_DATA/standby.signal" ] && [ -f "$REPLICA_DATA/postgresql.conf" ]; then
    start_server
    if wait_caught_up; then
      say "started on 127.0.0.1:$REPLICA_PORT ($REPLICA_DATA)"
      return 0
    fi
    say "it could not catch up with the primary (WAL it needs is gone?); making it again"
    as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null || true
  fi
  make_replica
  start_server
  wait_caught_up || die "the new replica does not stream from the primary; see $LOG."
  say "started on 127.0.0.1:$REPLICA_PORT ($REPLICA_DATA)"
}

stop() {
  if running; then
    as_postgres "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w -t 60 stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

status() {
  if running && answering; then
    local state
    state=$(replica_sql "SELECT coalesce((SELECT status FROM pg_stat_wal_receiver), 'not streaming')" 2>/dev/null || echo unknown)
    say "running on 127.0.0.1:$REPLICA_PORT ($REPLICA_DATA): $state, $(lag_bytes) bytes behind"
    return 0
  fi
  say "not running (port $REPLICA_PORT, $REPLICA_DATA)"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  destroy) stop; rm -rf "$REPLICA_DATA" "$LOG"; say "deleted $REPLICA_DATA" ;;
  *) echo "usage: $0 start|stop|status|destroy" >&2; exit 2 ;;
esac
