#!/usr/bin/env bash
# A throwaway PostgreSQL server for the case tests: scripts/postgres.sh start | stop | url
#
#   start  initdb a cluster in var/pg (or $PG_DIR), start it on a free port of 127.0.0.1 and print
#          its DATABASE_URL on stdout (everything else goes to stderr):
#            export DATABASE_URL="$(scripts/postgres.sh start)"
#   url    print the DATABASE_URL of the running cluster
#   stop   stop the server and delete the cluster
#
# PostgreSQL refuses to run as root: as root, the server runs as the system user `postgres` (or
# `labourbot-pg`, created with useradd when neither exists). The binaries come from
# /usr/lib/postgresql/<version>/bin; when there are none, `apt-get install postgresql` is run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
REQUESTED="${PG_DIR:-$ROOT/var/pg}"
# Where the cluster is when the server's user could not reach REQUESTED (see start). Beside REQUESTED, not
# in the clone, so that each requested folder (CI's var/pg, a test's temporary folder) finds its own
# cluster again: `stop` with the same PG_DIR as `start` always stops what `start` started.
POINTER="$REQUESTED.dir"
PG_DIR="$( [ -f "$POINTER" ] && cat "$POINTER" || echo "$REQUESTED")"
DATA="$PG_DIR/data"
DB_NAME="labourbot"
DB_USER="labourbot"

say() { echo "postgres.sh: $*" >&2; }

bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$dir" ] || [ ! -x "$dir/pg_ctl" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      say "PostgreSQL is not installed and this user cannot install it: run 'apt-get install -y postgresql' as root"
      exit 1
    fi
    say "installing PostgreSQL (apt-get)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    dir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  echo "$dir"
}

# The account the server runs as: ourselves, or (as root) a system user.
run_user() {
  if [ "$(id -u)" -ne 0 ]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  if ! id labourbot-pg >/dev/null 2>&1; then
    say "creating the system user labourbot-pg"
    useradd --system --no-create-home --shell /usr/sbin/nologin labourbot-pg
  fi
  echo labourbot-pg
}

as_user() {  # as_user USER command args...
  local user="$1"; shift
  if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

url() {
  echo "postgresql://$DB_USER@127.0.0.1:$(cat "$PG_DIR/port")/$DB_NAME"
}

start() {
  local bin user port
  bin="$(bin_dir)"
  user="$(run_user)"
  if [ -f "$PG_DIR/port" ] && as_user "$user" "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "already running"
    url
    return
  fi
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR/run"
  chown -R "$user" "$PG_DIR"
  chmod 700 "$PG_DIR"
  if ! as_user "$user" test -w "$PG_DIR/run"; then
    # A clone in a private home (e.g. /root, mode 700): the server's user cannot reach var/pg.
    rm -rf "$PG_DIR"
    PG_DIR="/tmp/labourbot-pg-$(echo "$REQUESTED" | md5sum | cut -c1-8)"
    DATA="$PG_DIR/data"
    say "$user cannot reach the clone; the cluster goes to $PG_DIR"
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR/run" "$(dirname "$POINTER")"
    chown -R "$user" "$PG_DIR"
    chmod 700 "$PG_DIR"
    echo "$PG_DIR" >"$POINTER"
  fi
  as_user "$user" "$bin/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  port="$(free_port)"
  echo "$port" >"$PG_DIR/port"
  as_user "$user" "$bin/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR/run -c fsync=off -c synchronous_commit=off" \
    start >&2 || { cat "$PG_DIR/server.log" >&2; exit 1; }
  as_user "$user" "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DB_NAME"
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (as $user, data in $DATA)"
  url
}

stop() {
  local bin user
  if [ ! -d "$DATA" ]; then say "not running"; rm -f "$POINTER"; return; fi
  bin="$(bin_dir)"
  user="$(stat -c %U "$DATA")"
  as_user "$user" "$bin/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  rm -rf "$PG_DIR" "$POINTER"
  say "stopped and removed $PG_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
