#!/usr/bin/env bash
# Throughput of a release `maskd pipe` on a generated mixed corpus (CSV, wire, and the same rows as a
# pg_dump script), 1 and 2 threads,
# default policy and a scan-only policy (everything redacted, so no token is computed).
# Usage: Benchmarks/pipe-throughput.sh [MB] (default 200). Prints one line per run; median of 3.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-200}
source Benchmarks/mixed-corpus.sh
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
echo "swift: $(swift --version 2>&1 | head -1)"
echo "input: $(du -m "$corpus/mixed.csv" | cut -f1) MB csv, $(du -m "$corpus/mixed.wire" | cut -f1) MB wire, $(du -m "$corpus/mixed.sql" | cut -f1) MB pgdump"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for policy in default scan-only; do
  args=()
  [ "$policy" = scan-only ] && args=(--action email=redact --action credit_card=redact --action us_ssn=redact --action secret=redact)
  for format in csv wire sql; do
    for threads in 1 2; do
      rates=$(for _ in 1 2 3; do
        "$bin" pipe --threads "$threads" "${args[@]}" < "$corpus/mixed.$format" 2>&1 >/dev/null \
          | sed -n 's/.*(\([0-9]*\) MB\/s).*/\1/p'
      done | median)
      printf 'policy=%-9s format=%-4s threads=%d  %5s MB/s\n' "$policy" "$format" "$threads" "$rates"
    done
  done
done
