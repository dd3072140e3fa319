#!/usr/bin/env bash
# pg_start starts a throwaway PostgreSQL on a free loopback port in a temp dir and sets
# PG_URL, PG_PORT and PG_DIR; pg_stop stops it and removes the dir. Installs the server
# with apt when no binaries are found. As root the server runs as the `postgres` user.
# Standalone: `scripts/postgres.sh` starts one and waits until Ctrl-C.

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$d" ] && command -v initdb >/dev/null; then d=$(dirname "$(command -v initdb)"); fi
  echo "$d"
}

pg_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

pg_as() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

pg_start() {
  local bin
  bin=$(pg_bindir)
  if [ -z "$bin" ]; then
    echo "== installing PostgreSQL (no server binaries found)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }; then
      echo "could not install PostgreSQL with apt-get; install the server (apt-get install postgresql)" >&2
      return 1
    fi
    bin=$(pg_bindir)
  fi
  [ -n "$bin" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/b24pay-pg.XXXXXX)
  PG_PORT=$(pg_free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  export PG_URL PG_PORT PG_DIR PG_BIN="$bin"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}

# kill_children stops every process this shell started (and their children), deepest first.
kill_children() {
  local parent=${1:-$$} pid
  for pid in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
    kill_children "$pid"
    kill "$pid" 2>/dev/null || true
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  trap 'kill_children; pg_stop' EXIT
  trap 'exit 130' INT TERM
  pg_start
  echo "PostgreSQL running: $PG_URL (Ctrl-C stops it)"
  # Wait in the shell, not in a foreground sleep, so a signal is handled at once and the
  # sleeping child is killed on exit instead of being left behind.
  sleep infinity &
  wait $!
fi
