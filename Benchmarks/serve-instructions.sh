#!/usr/bin/env bash
# Instructions `maskd serve --threads 1` spends masking a backend message stream that a proxy sends in
# CUT-byte S frames (callgrind; the machine's noise does not move them), for comparing builds of the daemon:
#   Benchmarks/serve-instructions.sh BIN FILE CUT [NAME=VALUE ...]
# BIN: a maskd binary; FILE: a wire stream (maskbench corpus --format wire); NAME=VALUE: environment for
# the daemon. Prints the instruction count. Needs valgrind and gcc (Benchmarks/sidecar-load.c plays the proxy).
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,7p "$0"; exit 64; }
bin=$1 file=$2 cut=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/maskd-serve-instr.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -pthread -o "$work/sidecar-load" "$here/sidecar-load.c"
# valgrind cannot read the static binary's DWARF.
strip --strip-debug -o "$work/maskd" "$bin"
export MASKD_TOKEN_KEY=0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100ff0  # fixed, not secret
env "$@" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/maskd" serve --socket "$work/s" --threads 1 \
  2> "$work/err" &
daemon=$!
for _ in $(seq 150); do [ -S "$work/s" ] && break; sleep 0.2; done
"$work/sidecar-load" throughput "$work/s" "$file" "$cut" > /dev/null
kill -TERM "$daemon"
wait "$daemon" || true
grep Collected "$work/err" | awk '{print $4}'
