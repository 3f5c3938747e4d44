#!/usr/bin/env bash
# What policies cost: a release `maskd pipe` of an earlier commit (BASE_BINARY) against this one, with no
# policy file, with column and identity rules, and with two custom PCRE2 detectors; runs interleaved,
# medians of 5, on the generated mixed corpus (csv, wire, pg_dump), 1 and 2 threads.
# Usage: Benchmarks/policy-overhead.sh BASE_BINARY [MB]   (build the base with `git worktree add /tmp/base REV`
#        and `swift build -c release --product maskd` there)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 BASE_BINARY [MB]"; exit 64; }
base=$(realpath "$1")
mb=${2:-60}
source Benchmarks/mixed-corpus.sh
head=$bin
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
rate() { "$@" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) MB\/s).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for f in csv wire sql; do for t in 1 2; do
  b=(); h=(); p=(); x=()
  for _ in 1 2 3 4 5; do
    b+=("$(rate "$base" pipe --threads $t < "$corpus/mixed.$f")")
    h+=("$(rate "$head" pipe --threads $t < "$corpus/mixed.$f")")
    p+=("$(rate "$head" pipe --threads $t --policy Benchmarks/policies/columns-and-identity.yaml --identity group=analysts < "$corpus/mixed.$f")")
    x+=("$(rate "$head" pipe --threads $t --policy Benchmarks/policies/two-custom-detectors.yaml < "$corpus/mixed.$f")")
  done
  mb_=$(printf '%s\n' "${b[@]}" | median); mh=$(printf '%s\n' "${h[@]}" | median)
  mp=$(printf '%s\n' "${p[@]}" | median); mx=$(printf '%s\n' "${x[@]}" | median)
  echo "$f threads=$t base=$mb_ head=$mh ($(ratio "$mh" "$mb_")) policy=$mp ($(ratio "$mp" "$mb_")) custom=$mx ($(ratio "$mx" "$mb_")) MB/s"
done; done
