#!/usr/bin/env bash
# Runs the benchmarks whose figures the README quotes and prints one Markdown table:
# measure | figure | baseline | ratio. Speed targets live here and in the README, never as timed
# assertions in tests. PostgreSQL rows appear when B24PAY_TEST_POSTGRES_URL is set.
#   bench/run.sh            everything (about 25 minutes on 2 cores)
#   bench/run.sh quick      without the 100k drain, the 20 000-item pushes and the 100 000-subscription
#                           billing run
# The table (with the line above it) is the README's Benchmarks table as it stands: paste it there.
# Raw `go test -bench` output is kept in $BENCH_OUT (default a temp dir) for the details (query plans
# with -v, allocations); with BENCH_REUSE=1 a benchmark whose output is already there is not rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"

bench() { # file package pattern [extra flags]
  [ -n "${BENCH_REUSE:-}" ] && [ -s "$out/$1.txt" ] && return
  go test -run '^$' -bench "$3" -benchtime 1x ${4:-} "./$2" >"$out/$1.txt" 2>&1 || { cat "$out/$1.txt" >&2; exit 1; }
}
# metric FILE BENCH-NAME-REGEX UNIT: the value reported with UNIT on the first matching line.
metric() {
  awk -v re="^$2-[0-9]+[ \t]" -v unit="$3" '$0 ~ re { for (i = 2; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$out/$1.txt"
}
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.2f", a / b }'; }
ms() { awk -v ns="$1" 'BEGIN { if (ns == "") print "–"; else printf "%.3f ms", ns / 1e6 }'; }
round() { awk -v v="$1" 'BEGIN { if (v == "") print "–"; else printf "%.0f", v }'; }

dialects=(sqlite)
[ -n "${B24PAY_TEST_POSTGRES_URL:-}" ] && dialects+=(postgres)
sizes='1000|2500|20000|100000'
[ "$mode" = quick ] && sizes='1000|2500|20000'

echo "running on $(nproc) cores; raw output in $out" >&2
load_start=$(cut -d' ' -f1 /proc/loadavg)
bench outbox outbox/ "OutboxDrain/n=($sizes)\$"
bench claim outbox/ 'OutboxClaim' '-v -benchtime 2000x'
bench webhook app/ 'Webhook(Ingest|Baseline)'
pushes='Push'
# Sub-benchmark patterns match each level unanchored: without ^…$, n=2000 would match n=20000.
[ "$mode" = quick ] && pushes='Push/./^n=(100|2000)$'
bench push bitrix/ "$pushes"
bench schedules schedules/ . '-benchmem -benchtime 1s'
bench finance finance/ 'Dashboard' '-benchtime 10x'
bench invoicebox billing/invoicebox/ . '-benchmem -benchtime 1s'
bench sbp billing/sbp/ . '-benchmem -benchtime 1s'
[ "$mode" != quick ] && [ -n "${B24PAY_TEST_POSTGRES_URL:-}" ] && bench billing subscriptions/ 'BillingRun' '-timeout 60m'

rss_idle() { # idle RSS of `b24pay serve` on SQLite, in MB
  local dir bin pid rss
  dir=$(mktemp -d)
  bin="$dir/b24pay"
  go build -tags nomsgpack -o "$bin" ./cmd/b24pay
  B24PAY_ADDR=127.0.0.1:18391 B24PAY_DATA_DIR="$dir" "$bin" serve >"$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -fs http://127.0.0.1:18391/healthz >/dev/null && break; sleep 0.2; done
  sleep 3
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  echo "$rss"
}

echo
echo "Measured on $(nproc) cores ($(date -u +%Y-%m-%d), load average $load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end);"
echo "noisy when other work shares the machine: ratios of figures taken back to back are steadier."
echo
row measure figure baseline ratio
row --- --- --- ---
for d in "${dialects[@]}"; do
  first=$(metric outbox "BenchmarkOutboxDrain/n=1000/$d" ns/msg)
  for n in ${sizes//|/ }; do
    ns=$(metric outbox "BenchmarkOutboxDrain/n=$n/$d" ns/msg)
    row "outbox drain, $n due messages, $d (instant handler)" "$(round "$(metric outbox "BenchmarkOutboxDrain/n=$n/$d" msg/s)") msg/s, $(round "$ns") ns/msg" \
      "n=1000: $(round "$first") ns/msg" "$(ratio "$ns" "$first")"
  done
  claim=$(metric claim "BenchmarkOutboxClaim/$d" ns/op)
  row "outbox claim with 10k due rows, $d (statement round trip)" "$(ms "$claim")" "target 0.1 ms" "$(ratio "$claim" 100000)"
done
exec_ms=$(grep -m1 'Execution Time' "$out/claim.txt" | awk '{ print $3 }' || true)
[ -n "$exec_ms" ] && row "outbox claim, postgres EXPLAIN ANALYZE execution (index scan on outbox_pending)" "$exec_ms ms" "target 0.1 ms" "$(ratio "$exec_ms" 0.1)"
for d in "${dialects[@]}"; do
  ing=$(metric webhook "BenchmarkWebhookIngest/$d" req/s)
  base=$(metric webhook "BenchmarkWebhookBaseline/$d" req/s)
  row "Invoicebox webhooks, 10k signed, c=50, $d (target: ratio ≥ 0.60, p99 < 50 ms, 0 lost)" \
    "$(round "$ing") req/s, p99 $(metric webhook "BenchmarkWebhookIngest/$d" p99-ms) ms, lost $(metric webhook "BenchmarkWebhookIngest/$d" lost), $(round "$(metric webhook "BenchmarkWebhookIngest/$d" cpu-µs/req)") µs CPU/req" \
    "bare gin + one INSERT, same run: $(round "$base") req/s, p99 $(metric webhook "BenchmarkWebhookBaseline/$d" p99-ms) ms, $(round "$(metric webhook "BenchmarkWebhookBaseline/$d" cpu-µs/req)") µs CPU/req" "$(ratio "$ing" "$base")"
done
for plan in 2rps-burst50 5rps-burst250; do
  for n in 100 2000 20000; do
    for s in "" /shared; do
      v=$(metric push "BenchmarkPush/$plan/n=$n$s" %ideal)
      [ -z "$v" ] && continue
      other=""
      [ -n "$s" ] && other=", other app served $(metric push "BenchmarkPush/$plan/n=$n$s" other-req/s) req/s"
      row "Bitrix24 push of $n item updates, plan $plan${s:+, bucket shared}" \
        "$(metric push "BenchmarkPush/$plan/n=$n$s" s) s, $(round "$(metric push "BenchmarkPush/$plan/n=$n$s" updates/s)") updates/s, 503s $(metric push "BenchmarkPush/$plan/n=$n$s" 503s)$other" \
        "ideal for the plan" "$(awk -v v="$v" 'BEGIN { printf "%.2f", v / 100 }')"
    done
  done
done
for q in figures debtors-page register-page; do
  ns=$(metric finance "BenchmarkDashboard/$q" ns/op)
  row "finance page query '$q', 100 000 instalments ($([ -n "${B24PAY_TEST_POSTGRES_URL:-}" ] && echo postgres || echo sqlite))" "$(ms "$ns")" "target 300 ms per page view" "$(ratio "$ns" 300000000)"
done
if [ -s "$out/billing.txt" ]; then
  ns=$(metric billing BenchmarkBillingRun ns/op)
  rate=$(metric billing BenchmarkBillingRun subscriptions/s)
  row "billing run (\`BenchmarkBillingRun\`), $(awk -v r="$rate" -v ns="$ns" 'BEGIN { printf "%.0f", r * ns / 1e9 }') due subscriptions, postgres (instant gateway; target 60 s for 100 000)" \
    "$(awk -v ns="$ns" 'BEGIN { printf "%.1f s", ns / 1e9 }'), $(round "$rate") subscriptions/s, $(metric billing BenchmarkBillingRun statements/charge) statements and $(metric billing BenchmarkBillingRun transactions/charge) transactions per charge" \
    "single-row INSERTs on the same database: $(round "$(metric billing BenchmarkBillingRun insert_tps)") TPS" "$(ratio "$ns" 60000000000)"
fi
ns=$(metric schedules BenchmarkAnnuity360 ns/op)
row "360-row annuity \`Build\` (\`BenchmarkAnnuity360\`, \`schedules\`)" \
  "$(awk -v ns="$ns" 'BEGIN { printf "%.1f µs/op", ns / 1e3 }'), $(awk -v b="$(metric schedules BenchmarkAnnuity360 B/op)" 'BEGIN { printf "%.1f KB", b / 1024 }'), $(metric schedules BenchmarkAnnuity360 allocs/op) allocs" \
  "target 100 µs" "$(ratio "$ns" 100000)"
# Every other benchmark of the pure packages (timed over 1 s): time, bytes and allocations per operation.
for f in schedules invoicebox sbp; do
  awk -v f="$f" '/^Benchmark.* ns\/op/ && !/^BenchmarkAnnuity360-/ {
    name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
    ns = ""; by = ""; al = ""
    for (i = 2; i < NF; i++) { if ($(i+1) == "ns/op") ns = $i; if ($(i+1) == "B/op") by = $i; if ($(i+1) == "allocs/op") al = $i }
    t = (ns >= 1e6) ? sprintf("%.2f ms", ns / 1e6) : sprintf("%.1f µs", ns / 1e3)
    printf "| %s (`%s`) | %s/op, %.1f KB, %d allocs | – | – |\n", name, f, t, by / 1024, al
  }' "$out/$f.txt"
done
peak=0
for f in outbox webhook; do
  for v in $(grep -o '[0-9.]* peak-rss-MB' "$out/$f.txt" | awk '{ print $1 }'); do
    peak=$(awk -v a="$peak" -v b="$v" 'BEGIN { print (b > a) ? b : a }')
  done
done
row "peak RSS of the benchmark process (100k drains, 10k webhook bursts; includes fakes and clients)" "$peak MB" "target 300 MB" "$(ratio "$peak" 300)"
idle=$(rss_idle)
row "idle RSS of b24pay serve (SQLite)" "$idle MB" "target 60 MB" "$(ratio "$idle" 60)"
