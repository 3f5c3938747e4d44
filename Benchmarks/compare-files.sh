#!/usr/bin/env bash
# Two release `maskd` binaries on files of your own, one thread, runs interleaved: the minimum user+sys
# CPU seconds of each, their ratio, and every run's figure (this machine is shared: read the minimum and
# the spread, not one run). Compare-binaries.sh does the same on generated corpora, threads 1 and 2.
#
# Usage: Benchmarks/compare-files.sh BASE_BINARY HEAD_BINARY RUNS FILE...
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
cpu() { /usr/bin/time -f '%U %S' "$1" pipe -q --threads 1 < "$2" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f", $1 + $2}'; }
for f in "$@"; do
  b=(); h=()
  for _ in $(seq "$runs"); do b+=("$(cpu "$base" "$f")"); h+=("$(cpu "$head" "$f")"); done
  bmin=$(printf '%s\n' "${b[@]}" | sort -n | head -1); hmin=$(printf '%s\n' "${h[@]}" | sort -n | head -1)
  echo "$(basename "$f"): base min ${bmin}s head min ${hmin}s head/base speed $(awk -v b="$bmin" -v h="$hmin" 'BEGIN { printf "%.3f", b / h }')   [base ${b[*]}] [head ${h[*]}]"
done
