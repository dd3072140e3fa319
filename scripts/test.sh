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
go vet ./...

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_start
trap pg_stop EXIT
export B24PAY_TEST_POSTGRES_URL="$PG_URL"

# shellcheck source=scripts/chromium.sh
source scripts/chromium.sh
chromium_ensure

echo "== go test -race (SQLite + PostgreSQL at 127.0.0.1:$PG_PORT)"
go test -race -count=1 -timeout 20m "${pkgs[@]}"
