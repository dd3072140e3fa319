#!/bin/bash
# Times what a newcomer meets: git clone of this repository, then the README's sandbox command with
# empty module and build caches, until the sandbox prints its URL. Usage: bench/sandbox-time.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=18555
cleanup() {
  pkill -f "b24pay sandbox -addr 127.0.0.1:$port" 2>/dev/null || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
start=$(date +%s.%N)
git clone -q "$repo" "$work/clone"
cd "$work/clone"
CGO_ENABLED=0 GOCACHE="$work/gocache" GOMODCACHE="$work/gomod" GOFLAGS=-modcacherw \
  go run -tags nomsgpack ./cmd/b24pay sandbox -addr 127.0.0.1:$port -data-dir "$work/data" >"$work/log" 2>&1 &
until grep -q "is ready" "$work/log"; do
  kill -0 $! 2>/dev/null || { echo "the sandbox did not start:"; tail "$work/log"; exit 1; }
  sleep 0.2
done
echo "clone to URL: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
