#!/usr/bin/env bash
# Runs the benchmarks whose figures are quoted in the README and the issue notes.
# Speed targets live here, never as timed assertions in tests.
#   bench/run.sh            all benchmarks
#   bench/run.sh schedules  one package (schedules, bitrix, billing, finance)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
run() { echo "== $1"; go test -run '^$' -bench "${2:-.}" -benchmem ${3:-} "./$1"; }
if [ "$what" = all ] || [ "$what" = schedules ]; then
  run schedules/ .
fi
if [ "$what" = all ] || [ "$what" = bitrix ]; then
  # One pass of 2 000 item updates through the per-portal leaky bucket against the fake portal;
  # reports the share of the bucket's ceiling reached (custom metric "%ceiling").
  run bitrix/ 'ItemUpdates' '-benchtime 1x'
  run bitrix/b24fake/ .
fi
if [ "$what" = all ] || [ "$what" = billing ]; then
  run billing/invoicebox/ .
  run billing/sbp/ .
fi
if [ "$what" = all ] || [ "$what" = finance ]; then
  # The finance page's queries over 100 000 instalments; on PostgreSQL when B24PAY_TEST_POSTGRES_URL is set.
  run finance/ 'Dashboard' '-benchtime 10x'
fi
