#!/usr/bin/env bash
# Two release `maskd` binaries on the same bytes, runs interleaved: the figure that survives a shared
# machine is CPU time (user + sys, the minimum of the runs), reported as MB per CPU-second, with the
# median wall-clock speed beside it. Corpora: the generated dense mixed table (csv, wire, pg_dump) and,
# with NOPII=1, a wire stream without PII (Benchmarks/nopii-wire.py).
# Usage: Benchmarks/compare-binaries.sh BASE_BINARY HEAD_BINARY [MB] [RUNS]
#   (build a base with `git worktree add /tmp/base REV && cd /tmp/base && swift build -c release --product maskd`)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BASE_BINARY HEAD_BINARY [MB] [RUNS]" >&2; exit 64; }
base=$(realpath "$1"); head=$(realpath "$2"); mb=${3:-60}; runs=${4:-5}
corpus=${MASKD_BENCH_DIR:-/tmp/maskd-bench-$mb}
if [ ! -f "$corpus/mixed.wire" ]; then
  python3 Corpora/generate.py --out "$corpus" --seed 7 --target-mb "$mb" --no-labels --formats csv,wire --quiet
fi
[ -f "$corpus/mixed.sql" ] || python3 Benchmarks/csv-to-pgdump.py "$corpus/mixed.csv" "$corpus/mixed.sql" mixed
files=("$corpus/mixed.csv" "$corpus/mixed.wire" "$corpus/mixed.sql")
if [ "${NOPII:-0}" = 1 ]; then
  [ -f "$corpus/nopii.wire" ] || python3 Benchmarks/nopii-wire.py "$corpus/nopii.wire" "$mb" >/dev/null
  files+=("$corpus/nopii.wire")
fi
export MASKD_TOKEN_KEY=b3e1c0d2a4f5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f  # a fixed 256-bit key (not secret): a pass-phrase would cost each process a scrypt
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "base: $base"; echo "head: $head"
one() { /usr/bin/time -f '%U %S %e' "$1" pipe --threads "$2" < "$3" 2>&1 >/dev/null | tail -1; }
for f in "${files[@]}"; do
  size=$(stat -c %s "$f")
  for t in 1 2; do
    b=(); h=()
    for _ in $(seq "$runs"); do b+=("$(one "$base" $t "$f")"); h+=("$(one "$head" $t "$f")"); done
    summary() {
      local cpu wall
      cpu=$(printf '%s\n' "$@" | awk '{print $1 + $2}' | sort -g | head -1)
      wall=$(printf '%s\n' "$@" | awk '{print $3}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      awk -v s="$size" -v c="$cpu" -v w="$wall" 'BEGIN {printf "%6.0f MB/CPU-s %6.0f MB/s wall", s/1e6/c, s/1e6/w}'
    }
    bs=$(summary "${b[@]}"); hs=$(summary "${h[@]}")
    ratio=$(awk -v a="${bs%% MB*}" -v b="${hs%% MB*}" 'BEGIN {printf "%.2f", b / a}')
    printf '%-11s threads=%d  base %s   head %s   head/base (CPU) %s\n' "$(basename "$f")" "$t" "$bs" "$hs" "$ratio"
  done
done
