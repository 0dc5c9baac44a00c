#!/usr/bin/env bash
# A streaming replica of the machine's PostgreSQL, for the tests of reads that must survive the primary (issue 18).
#
#   scripts/pg-replica.sh start     create it if needed (pg_basebackup), start it, wait until it streams; idempotent
#   scripts/pg-replica.sh stop      stop it (the folder stays; the next start resumes or re-creates it)
#   scripts/pg-replica.sh status    running or not, in recovery or not, WAL receiver state and lag
#   scripts/pg-replica.sh promote   make it a primary (a rehearsal); the next start re-creates it as a replica
#   scripts/pg-replica.sh url       the URL the tests read as DATABASE_REPLICA_URL
#
# Run as root (server processes run as postgres through runuser) or as postgres. The primary needs a loopback
# `replication` line in pg_hba.conf (docs/operations.md). No replication slot: a slot would make the primary keep
# WAL for a replica that is stopped or dead, until its disk fills. Without one the primary may recycle WAL a stopped
# replica still needs; `start` then finds it not streaming and re-creates it from a fresh base backup (seconds here).
# Settings: PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), REPLICA_PORT (5433), REPLICA_DIR
# (/var/lib/postgresql/shop-replica), PG_BIN (/usr/lib/postgresql/15/bin).
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/lib/postgresql/shop-replica}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
# Beside the folder, not in it: the log of a broken replica survives its re-creation, and the lock its removal.
LOG_FILE="$REPLICA_DIR.log"
LOCK_FILE="$REPLICA_DIR.lock"
# How long a started replica may take to stream before it counts as broken (a reconnect takes well under that).
STREAM_WAIT_SECONDS=${STREAM_WAIT_SECONDS:-20}

say() { echo "pg-replica: $*" >&2; }
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
pg_ctl() { as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" "$@"; }
on_primary() { "$PG_BIN/psql" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -XAtqc "$1"; }
on_replica() { "$PG_BIN/psql" -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -XAtqc "$1" 2>/dev/null; }
replica_url() { echo "postgres://postgres@127.0.0.1:$REPLICA_PORT/postgres"; }
is_running() { [ -f "$REPLICA_DIR/postmaster.pid" ] && pg_ctl status >/dev/null 2>&1; }
control_field() { as_postgres "$PG_BIN/pg_controldata" "$1" 2>/dev/null | sed -n "s/^$2: *//p"; }

# Why the folder cannot become a healthy replica of this primary without a fresh base backup (empty: it may).
stale_reason() {
  [ -f "$REPLICA_DIR/PG_VERSION" ] || { echo "no data folder"; return; }
  [ -f "$REPLICA_DIR/standby.signal" ] || { echo "not a standby (promoted by an earlier rehearsal?)"; return; }
  # A primary re-created by initdb has another identifier: its WAL can never apply to this copy.
  local primary_sysid
  primary_sysid=$(on_primary "SELECT system_identifier FROM pg_control_system()")
  [ "$(control_field "$REPLICA_DIR" "Database system identifier")" = "$primary_sysid" ] || { echo "a copy of another cluster (system identifier differs)"; return; }
  # A copy promoted once is on a later timeline than the primary: it has diverged and can never follow it again.
  local primary_tli replica_tli
  primary_tli=$(on_primary "SELECT timeline_id FROM pg_control_checkpoint()")
  replica_tli=$(control_field "$REPLICA_DIR" "Latest checkpoint's TimeLineID")
  [ "${replica_tli:-0}" -le "$primary_tli" ] || echo "its timeline $replica_tli has diverged from the primary's $primary_tli (promoted once?)"
}

# Waits until the replica answers in recovery with its WAL receiver streaming; fails after STREAM_WAIT_SECONDS.
# A diverged timeline or WAL the primary already recycled shows up here: the receiver never reaches `streaming`.
wait_streaming() {
  local state=""
  for _ in $(seq 1 "$STREAM_WAIT_SECONDS"); do
    state=$(on_replica "SELECT pg_is_in_recovery()::text || ' ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'no-receiver')" || true)
    [ "$state" = "true streaming" ] && return 0
    # Out of recovery (promoted): no wait will bring it back.
    case "$state" in false*) break ;; esac
    sleep 1
  done
  say "not streaming (in recovery, receiver: ${state:-no answer}); last log lines:"
  tail -n 5 "$LOG_FILE" >&2 || true
  return 1
}

create() {
  say "creating from a base backup of $PRIMARY_HOST:$PRIMARY_PORT into $REPLICA_DIR"
  is_running && pg_ctl stop -m immediate >/dev/null
  rm -rf "$REPLICA_DIR"
  # -X stream: the WAL of the backup's own duration comes along, so it is consistent without archiving; -c fast: an
  # immediate checkpoint instead of waiting for a spread one (minutes); -R: standby.signal and primary_conninfo.
  if ! as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$REPLICA_DIR" -X stream -c fast -R; then
    say "pg_basebackup failed: does the primary's pg_hba.conf have 'host replication all 127.0.0.1/32 trust'?"
    return 1
  fi
  # Debian keeps postgresql.conf and pg_hba.conf in /etc, so the copy has neither. A hot standby refuses to start
  # with fewer connections, workers or locks than its primary: copy those from the primary.
  local settings
  settings=$(on_primary "SELECT string_agg(name || ' = ' || setting, E'\n') FROM pg_settings WHERE name IN
    ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')")
  as_postgres tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<CONF
# Written by scripts/pg-replica.sh: a hot standby of $PRIMARY_HOST:$PRIMARY_PORT for tests.
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
cluster_name = 'shop-replica'
hot_standby = on
shared_buffers = 32MB
$settings
CONF
  as_postgres tee "$REPLICA_DIR/pg_hba.conf" >/dev/null <<'HBA'
local all all trust
host all all 127.0.0.1/32 trust
HBA
}

start_server() {
  # Port on the command line too: a postgresql.auto.conf copied from the primary must not move it back to 5432.
  # 9>&-: the server must not inherit the lock, or it would hold it for as long as it runs.
  pg_ctl -l "$LOG_FILE" -o "-p $REPLICA_PORT" -w -t 60 start >/dev/null 9>&-
}

# The primary admits replication connections from loopback as it admits the others here (trust): a machine set up
# fresh has no such line, so it is added once (to the file the primary names) and the configuration reloaded, which
# does not interrupt the primary. Only root may edit it; anyone else is told what is missing.
ensure_replication_access() {
  local hba_file line='host replication all 127.0.0.1/32 trust'
  hba_file=$(on_primary "SHOW hba_file")
  if grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba_file" 2>/dev/null; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then say "$hba_file has no '$line' line and only root may add it"; return 1; fi
  say "adding '$line' to $hba_file and reloading the primary's configuration"
  printf '\n# Added by scripts/pg-replica.sh: the local streaming replica of the tests.\n%s\n' "$line" >>"$hba_file"
  on_primary "SELECT pg_reload_conf()" >/dev/null
}

start() {
  local reason
  # Without its primary a replica cannot be checked or copied; and a folder must not be thrown away for that.
  if ! "$PG_BIN/pg_isready" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -q; then say "the primary $PRIMARY_HOST:$PRIMARY_PORT does not answer"; return 1; fi
  ensure_replication_access
  if is_running; then
    if wait_streaming; then say "already running and streaming on port $REPLICA_PORT"; return 0; fi
    reason="it runs but does not stream"
  else
    if "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$REPLICA_PORT" -q; then say "port $REPLICA_PORT is taken by another server"; return 1; fi
    reason=$(stale_reason)
    # A stopped, intact replica resumes where it stopped; one that cannot catch up is re-created below.
    if [ -z "$reason" ]; then
      if start_server && wait_streaming; then say "started on port $REPLICA_PORT"; return 0; fi
      reason="it does not stream after a restart"
    fi
  fi
  say "re-creating: $reason"
  create
  start_server
  wait_streaming
  say "created and started on port $REPLICA_PORT"
}

status() {
  if ! is_running; then echo "stopped ($REPLICA_DIR)"; return 3; fi
  on_replica "SELECT 'running on port $REPLICA_PORT; in recovery: ' || pg_is_in_recovery()
    || '; receiver: ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')
    || CASE WHEN pg_is_in_recovery() THEN '; replay: ' || pg_get_wal_replay_pause_state()
         || '; lag: ' || coalesce((now() - pg_last_xact_replay_timestamp())::text, 'unknown') ELSE '' END"
}

# Several test runs may call `start` at once: one creates, the others wait for the lock, then find it running.
locked() { exec 9>"$LOCK_FILE"; flock 9; "$@"; }
case "${1:-}" in
  start) locked start ;;
  stop) if is_running; then locked pg_ctl stop -m fast >/dev/null; say "stopped"; else say "not running"; fi ;;
  status) status ;;
  promote) locked pg_ctl promote -w >/dev/null; say "promoted: it accepts writes now; the next start re-creates it as a replica" ;;
  url) replica_url ;;
  *) echo "usage: $0 start|stop|status|promote|url" >&2; exit 2 ;;
esac
