#!/usr/bin/env bash
# Whether two `maskd` binaries write the same bytes: output and findings report of `maskd pipe --threads
# 1` on each FILE (CSV, wire stream or pg_dump), under one fixed key. The check behind RESULTS.md's
# "outputs byte-identical on N files" (the files: maskbench's 32 MB corpora in ~/.cache/maskbench,
# Corpora/samples and Corpora/independent, and Benchmarks/table-shapes.py's tables as CSV and wire).
# Usage: Benchmarks/same-output.sh BASE_BINARY HEAD_BINARY FILE...   (exit 1 when any file differs)
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BASE_BINARY HEAD_BINARY FILE..." >&2; exit 64; }
base=$1; head=$2; shift 2
export MASKD_TOKEN_KEY=0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100ff0
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
differ=0
for f in "$@"; do
  "$base" pipe -q --threads 1 --report "$scratch/base.report" < "$f" > "$scratch/base.out" 2>/dev/null
  "$head" pipe -q --threads 1 --report "$scratch/head.report" < "$f" > "$scratch/head.out" 2>/dev/null
  if ! cmp -s "$scratch/base.out" "$scratch/head.out" || ! cmp -s "$scratch/base.report" "$scratch/head.report"; then
    echo "differs: $f"; differ=1
  fi
done
echo "files: $# differing: $([ $differ = 0 ] && echo none || echo some)"
exit $differ
