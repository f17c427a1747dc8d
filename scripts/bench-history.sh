#!/usr/bin/env bash
# History store benchmark (make bench): what check --history adds to a run
# of N generated snapshots (SQLite), and supaudit report over RUNS daily runs
# of SITES sites (SQLite; PostgreSQL too when SUPAUDIT_TEST_POSTGRES names a
# server, see .ci/postgres.sh). Wall time is noisy on a shared machine, so
# the runs are interleaved (A B A B) and CPU time (user + system) is printed
# beside it.
#
# Usage: scripts/bench-history.sh
# Env:   N=1000 RUNS=365 SITES=1000 REPEAT=3
set -euo pipefail
cd "$(dirname "$0")/.."

n="${N:-1000}"
runs="${RUNS:-365}"
sites="${SITES:-1000}"
repeat="${REPEAT:-3}"
out=out/bench
mkdir -p "$out" out/tools
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time; Debian package time)"; exit 2; }

go build -o out/tools/supaudit ./cmd/supaudit
go build -o out/tools/gensnap ./cmd/gensnap
dir="$out/snapshots-$n"
[ -d "$dir" ] || out/tools/gensnap -n "$n" -seed 1 -out "$dir" >/dev/null

# timed TAG CMD...: appends "wall cpu peak_kb" to $out/hist-TAG.txt; exit 1
# (findings) is a normal run.
timed() {
  local tag="$1" rc=0
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr-$tag.txt" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "$tag failed (exit $rc): $*" >&2
    tail -5 "$out/stderr-$tag.txt" >&2
    exit 1
  fi
  # GNU time writes "Command exited with non-zero status 1" first: the
  # figures are the last line.
  tail -1 "$out/time.txt" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >>"$out/hist-$tag.txt"
}
# median TAG COLUMN
median() { awk -v c="$2" '{print $c}' "$out/hist-$1.txt" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
peak() { awk '{if ($3 > m) m = $3} END {printf "%d", m / 1024}' "$out/hist-$1.txt"; }

rm -f "$out"/hist-*.txt "$out/record.db"*
# The database holds a run already, as it would after the first day.
out/tools/supaudit check "$dir" --format json --output "$out/check.json" --history "$out/record.db" >/dev/null 2>&1 || true
for ((r = 0; r < repeat; r++)); do
  timed plain out/tools/supaudit check "$dir" --format json --output "$out/check.json"
  timed sqlite out/tools/supaudit check "$dir" --format json --output "$out/check.json" --history "$out/record.db"
done
echo "check of $n snapshots, median of $repeat interleaved runs:"
printf '  %-24s %8s %8s %8s\n' "" "wall s" "cpu s" "peak MB"
for t in plain sqlite; do
  printf '  %-24s %8s %8s %8s\n' "$t" "$(median $t 1)" "$(median $t 2)" "$(peak $t)"
done
awk -v a="$(median plain 1)" -v b="$(median sqlite 1)" -v c="$(median plain 2)" -v d="$(median sqlite 2)" \
  'BEGIN {printf "  --history FILE.db adds %.1f %% wall, %.1f %% cpu\n", 100 * (b - a) / a, 100 * (d - c) / c}'

# Report over RUNS x SITES: the Go benchmark fills the database once (kept
# in out/bench), then supaudit report is timed.
db="$out/history-${runs}x${sites}.db"
if [ ! -f "$db" ]; then
  echo "filling $db ($runs runs x $sites sites; a few minutes)…"
  SUPAUDIT_BENCH_HISTORY="$PWD/$db" SUPAUDIT_BENCH_RUNS="$runs" SUPAUDIT_BENCH_SITES="$sites" \
    go test -run '^$' -bench "BenchmarkReport/sqlite" -benchtime 1x -timeout 60m ./history/ >/dev/null
fi
for ((r = 0; r < repeat; r++)); do
  timed report out/tools/supaudit report --history "$db" --format html --output "$out/report.html"
done
echo "report --format html over $runs runs x $sites sites (SQLite, $(du -m "$db" | cut -f1) MB): $(median report 1) s wall, $(median report 2) s cpu, $(peak report) MB peak"

if [ -n "${SUPAUDIT_TEST_POSTGRES:-}" ]; then
  echo "PostgreSQL ($SUPAUDIT_TEST_POSTGRES):"
  SUPAUDIT_BENCH_RUNS="$runs" SUPAUDIT_BENCH_SITES="$sites" \
    go test -run '^$' -bench 'BenchmarkRecord/postgres|BenchmarkReport/postgres' -benchtime 3x -benchmem -timeout 60m ./history/ |
    grep '^Benchmark'
fi
