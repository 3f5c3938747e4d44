#!/usr/bin/env bash
# Two release `maskd` binaries on files of your own, one thread, runs interleaved: the minimum user+sys
# CPU seconds of each, their ratio, and every run's figure (this machine is shared: read the minimum and
# the spread, not one run). Compare-binaries.sh does the same on generated corpora, threads 1 and 2.
#
# Usage: [CLOCK=task-clock] [THREADS=N] [ARGS="..."] Benchmarks/compare-files.sh BASE_BINARY HEAD_BINARY RUNS FILE...
#
# The per-change figures of RESULTS.md (2026-12-02, second session) used four copies of maskbench's
# 32 MB corpora in one file each, e.g. for the wire form (a wire stream may hold several results):
#   D=~/.cache/maskbench/dense-32MB-seed42-*; for i in 1 2 3 4; do cat $D/mixed.wire; done > dense4.wire
# and for CSV the header once: (cat $D/mixed.csv; for i in 1 2 3; do tail -n +2 $D/mixed.csv; done) > dense4.csv
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 BASE_BINARY HEAD_BINARY RUNS FILE..." >&2; exit 64; }
base=$1; head=$2; runs=$3; shift 3
# A fixed 256-bit key (not secret): a pass-phrase would cost each process a scrypt.
export MASKD_TOKEN_KEY=b3e1c0d2a4f5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f
# CLOCK=task-clock: the process's task clock from `perf stat` (ms, fine enough for files of tens of MB),
# in place of /usr/bin/time's user + sys seconds (10 ms steps). THREADS=N runs `--threads N`. ARGS adds
# options to both runs (ARGS="--action email=redact --action credit_card=redact").
threads=${THREADS:-1}
read -r -a extra <<< "${ARGS:-}"
cpu() {
  if [ "${CLOCK:-}" = task-clock ]; then
    perf stat -x, -e task-clock "$1" pipe -q --threads "$threads" "${extra[@]}" < "$2" 2>&1 >/dev/null | grep task-clock | cut -d, -f1 | awk '{printf "%.1f", $1}'
  else
    /usr/bin/time -f '%U %S' "$1" pipe -q --threads "$threads" "${extra[@]}" < "$2" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f", $1 + $2}'
  fi
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for f in "$@"; do
  b=(); h=()
  for _ in $(seq "$runs"); do b+=("$(cpu "$base" "$f")"); h+=("$(cpu "$head" "$f")"); done
  bmin=$(printf '%s\n' "${b[@]}" | sort -n | head -1); hmin=$(printf '%s\n' "${h[@]}" | sort -n | head -1)
  unit=$([ "${CLOCK:-}" = task-clock ] && echo ms || echo s)
  echo "$(basename "$f"): base min ${bmin}$unit median $(median "${b[@]}")$unit, head min ${hmin}$unit median $(median "${h[@]}")$unit, head/base speed $(awk -v b="$bmin" -v h="$hmin" 'BEGIN { printf "%.3f", b / h }')   [base ${b[*]}] [head ${h[*]}]"
done
