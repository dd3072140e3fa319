#!/usr/bin/env bash
# Runs every check and test: gofmt, go vet, then `go test -race` with store tests on both
# SQLite and a throwaway PostgreSQL this script starts (and stops) itself.
# Usage: scripts/test.sh [go test packages/flags...]   (default: ./...)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet -tags nomsgpack ./...

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
# On exit, also by Ctrl-C or SIGTERM: stop go test and its test binaries, then PostgreSQL.
trap 'kill_children; pg_stop' EXIT
trap 'exit 130' INT TERM
pg_start
export B24PAY_TEST_POSTGRES_URL="$PG_URL"

# shellcheck source=scripts/chromium.sh
source scripts/chromium.sh
chromium_ensure || { echo "scripts/test.sh: the browser tests need Chromium (see above)" >&2; exit 1; }

echo "== go test -race (SQLite + PostgreSQL at 127.0.0.1:$PG_PORT)"
# In the background so that a signal reaches the trap at once; the trap stops it.
go test -tags nomsgpack -race -count=1 -timeout 20m "${pkgs[@]}" &
wait $!
