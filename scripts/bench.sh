#!/usr/bin/env bash
# Side-by-side fleet benchmark (make bench): supaudit check versus conftest
# on the same generated snapshots and the same policies, and the floor —
# the prepared query's evaluation time alone (Go benchmark) × N ÷ cores.
#
# Usage: scripts/bench.sh [N ...]        (default: 1000 10000)
# Env:   CONFTEST=path/to/conftest       (default: installs conftest into out/tools
#                                          with go install; a benchmark tool only,
#                                          not a dependency of supaudit)
#        SEED=1
#        REPEAT=3                        (runs of each measurement; the median is printed)
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
seed="${SEED:-1}"
repeat="${REPEAT:-3}"
out=out/bench
mkdir -p "$out" out/tools
cores="${GOMAXPROCS:-$(nproc)}"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time; Debian package time)"; exit 2; }
command -v jq >/dev/null || { echo "needs jq, to check that both tools find the same verdicts (Debian package jq)"; exit 2; }

go build -o out/tools/supaudit ./cmd/supaudit
go build -o out/tools/gensnap ./cmd/gensnap

conftest="${CONFTEST:-}"
if [ -z "$conftest" ]; then
  conftest=out/tools/conftest
  if [ ! -x "$conftest" ]; then
    echo "installing conftest v0.71.1 into out/tools (benchmark tool only)…"
    GOBIN="$PWD/out/tools" go install github.com/open-policy-agent/conftest@v0.71.1
  fi
fi

# conftest gets the same policies (without the _test.rego files), the same
# parameters, and a thin entry policy mapping results onto deny/warn.
cpol="$out/conftest-policy"
rm -rf "$cpol" && mkdir -p "$cpol"
(cd policies && find supaudit -name '*.rego' ! -name '*_test.rego' -print0 | while IFS= read -r -d '' f; do
  mkdir -p "../$cpol/$(dirname "$f")"; cp "$f" "../$cpol/$f"; done)
cp bench/conftest/entry.rego "$cpol/"
# The control: the same policies with an entry that never evaluates them,
# to separate conftest's fixed cost per file from the policy evaluation.
cnoop="$out/conftest-noop-policy"
rm -rf "$cnoop" && cp -r "$cpol" "$cnoop" && cp bench/conftest/noop/entry.rego "$cnoop/entry.rego"


# time_run TAG CMD...: one timed run, appended as "seconds peak_kb" to
# $out/runs-TAG.txt. Exit status 1 is a run with findings (both tools);
# anything above is an error, and the benchmark stops.
time_run() {
  local tag="$1" rc=0
  shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/stdout-$tag.txt" 2>"$out/stderr-$tag.txt" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "$tag failed (exit $rc): $*" >&2
    tail -5 "$out/stderr-$tag.txt" >&2
    exit 1
  fi
  tail -1 "$out/time.txt" >>"$out/runs-$tag.txt"
}

# median TAG: "median_seconds largest_peak_kb" of the runs of TAG.
median() {
  sort -n "$out/runs-$1.txt" | awk '{t[NR] = $1; if ($2 > m) m = $2} END {print t[int((NR + 1) / 2)], m}'
}

# The floor's Go benchmark, built once.
go test -c -o out/tools/policies.test ./policies/

printf '\n%s cores; each figure is the median of %s runs (peak memory: the largest)\n' "$cores" "$repeat"
printf 'floor = mean prepared-query evaluation per snapshot of the set on one core (BenchmarkRawEvalDir) x N / cores\n' 
printf 'conftest fixed = conftest with an entry policy that never evaluates the policies (its cost per file apart from evaluation)\n'
printf 'conftest/floor = the ratio a supaudit running exactly at the floor would reach: the ceiling of conftest/supaudit\n\n'
printf '%6s | %20s | %20s | %16s | %17s | %9s | %9s | %9s\n' N "supaudit s (peak MB)" "conftest s (peak MB)" "conftest fixed s" "floor s (ns/snap)" "c/supaud" "sup/floor" "c/floor"
agree=()
for n in "${sizes[@]}"; do
  dir="$out/snapshots-$n"
  if [ ! -d "$dir" ]; then
    out/tools/gensnap -n "$n" -seed "$seed" -out "$dir" >/dev/null
  fi
  # The runs are interleaved (supaudit, conftest, conftest fixed, floor;
  # $repeat times) so that a slow spell of a shared machine does not fall on
  # one tool only. The floor runs on one core (GOMAXPROCS=1, so the
  # collector's work is counted instead of being done on the idle second
  # core) with supaudit's own GC settings.
  rm -f "$out"/runs-*.txt
  for ((r = 0; r < repeat; r++)); do
    time_run supaudit out/tools/supaudit check "$dir" --format json --output "$out/supaudit-$n.json"
    time_run conftest "$conftest" test --policy "$cpol" --data policies/params.json --no-color --output json "$dir"
    time_run fixed "$conftest" test --policy "$cnoop" --data policies/params.json --no-color --output json "$dir"
    (cd policies && GOMAXPROCS=1 GOGC=800 GOMEMLIMIT=256MiB SUPAUDIT_BENCH_DIR="$PWD/../$dir" ../out/tools/policies.test \
      -test.run '^$' -test.bench 'BenchmarkRawEvalDir$' -test.benchtime=1x) |
      awk '/BenchmarkRawEvalDir/ {for (i=1;i<=NF;i++) if ($(i+1)=="ns/snapshot") print $i, 0}' >>"$out/runs-floor.txt"
  done
  # Both tools must find the same verdicts: supaudit's fail results are
  # conftest's deny messages, its warn and unknown results conftest's warn.
  # (supaudit's counts from its summary line, "…: N snapshot(s), A fail, B unknown, C warn, …",
  # rather than reading its report of up to hundreds of megabytes again.)
  count() { grep -o "[0-9]\+ $1\b" "$out/stderr-supaudit.txt" | awk '{s += $1} END {print s + 0}'; }
  s_fail="$(count fail)"
  s_warn="$(($(count warn) + $(count unknown)))"
  c_fail="$(jq '[.[] | (.failures // []) | length] | add' "$out/stdout-conftest.txt")"
  c_warn="$(jq '[.[] | (.warnings // []) | length] | add' "$out/stdout-conftest.txt")"
  if [ "$s_fail/$s_warn" != "$c_fail/$c_warn" ]; then
    echo "verdicts differ on $dir: supaudit $s_fail fail, $s_warn warn/unknown; conftest $c_fail deny, $c_warn warn" >&2
    exit 1
  fi
  agree+=("$n: $s_fail fail, $s_warn warn/unknown in both")
  read -r s_sec s_kb < <(median supaudit)
  read -r c_sec c_kb < <(median conftest)
  read -r f_sec _ < <(median fixed)
  read -r floor_ns _ < <(median floor)
  floor="$(awk -v ns="$floor_ns" -v n="$n" -v c="$cores" 'BEGIN {printf "%.2f", ns*n/c/1e9}')"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a/b}'; }
  printf '%6s | %12s (%5d) | %12s (%5d) | %16s | %7s (%7.0f) | %9s | %9s | %9s\n' "$n" "$s_sec" "$((s_kb/1024))" "$c_sec" "$((c_kb/1024))" "$f_sec" "$floor" "$floor_ns" \
    "$(ratio "$c_sec" "$s_sec")" "$(ratio "$s_sec" "$floor")" "$(ratio "$c_sec" "$floor")"
done
echo
printf 'same verdicts: %s\n' "${agree[@]}"
echo "supaudit: out/tools/supaudit check DIR --format json --output FILE"
echo "conftest: conftest test --policy $cpol --data policies/params.json --output json DIR"
echo "fixed:    conftest test --policy $cnoop --data policies/params.json --output json DIR"
