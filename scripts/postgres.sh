#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and the benchmark: its data directory and socket
# live in one temporary directory, it listens on 127.0.0.1 only, trusts local connections and
# holds nothing worth keeping.
#
#   scripts/postgres.sh start     starts it (idempotent: does nothing if it already runs) and
#                                 prints its URL, postgres://dr@127.0.0.1:PORT/dr
#   scripts/postgres.sh url       prints the URL of the running server (exit 1 if none)
#   scripts/postgres.sh restart   pg_ctl restart -m fast (the tests restart it under load)
#   scripts/postgres.sh stop      stops it and removes its directory (idempotent)
#
# Where: DR_SCHEDULE_PG_DIR (default /tmp/dr-schedule-postgres-$UID) and DR_SCHEDULE_PG_PORT
# (default 54329). Run as root, initdb and pg_ctl run as the `postgres` user (PostgreSQL refuses
# to run as root); run as anyone else, they run as that user. Debian's `postgresql` package is
# installed with apt when it is missing (root only).
set -euo pipefail

dir="${DR_SCHEDULE_PG_DIR:-/tmp/dr-schedule-postgres-$(id -u)}"
port="${DR_SCHEDULE_PG_PORT:-54329}"
data="$dir/data"
sock="$dir/socket"
log="$dir/server.log"
url="postgres://dr@127.0.0.1:$port/dr"

say() { printf '[postgres] %s\n' "$*" >&2; }

bindir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$found" ] && command -v pg_ctl >/dev/null; then found="$(dirname "$(command -v pg_ctl)")"; fi
  printf '%s' "$found"
}

install_postgres() {
  if [ -n "$(bindir)" ]; then return; fi
  if [ "$(id -u)" != 0 ]; then
    say "PostgreSQL is not installed and this user cannot install it (apt-get install postgresql)"
    exit 1
  fi
  say "installing Debian's postgresql package"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# Runs a PostgreSQL program as the user that owns the data directory.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    local quoted
    printf -v quoted '%q ' "$@"
    su postgres -s /bin/bash -c "$quoted"
  else
    "$@"
  fi
}

running() {
  [ -f "$data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  install_postgres
  local bin
  bin="$(bindir)"
  if running; then
    echo "$url"
    return
  fi
  mkdir -p "$dir"
  chmod 0755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    as_owner mkdir -p "$sock"
    as_owner "$bin/initdb" -D "$data" -A trust -U dr --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ||
    { tail -n 30 "$log" >&2; exit 1; }
  # The database the URL names (the role `dr` is the superuser initdb made).
  if ! as_owner "$bin/psql" -h "$sock" -p "$port" -U dr -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'dr'" | grep -q 1; then
    as_owner "$bin/createdb" -h "$sock" -p "$port" -U dr dr
  fi
  say "running on 127.0.0.1:$port (data $data, log $log)"
  echo "$url"
}

stop() {
  if [ -d "$data" ] && running; then
    as_owner "$(bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart)
    running || { say "not running"; exit 1; }
    as_owner "$(bindir)/pg_ctl" -D "$data" -l "$log" -m fast -w restart \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
    ;;
  url)
    running || { say "not running"; exit 1; }
    echo "$url"
    ;;
  *)
    echo "usage: $0 start|stop|restart|url" >&2
    exit 2
    ;;
esac
