#!/usr/bin/env bash
# The daemon and the proxy, measured on release builds (figures go to Benchmarks/RESULTS.md):
#   1. one session over the socket, 64 KiB cuts pipelined, against `maskd pipe --format wire` on the
#      same bytes, one core each (median of 3);
#   2. round trip of one 64 KiB cut: p50 and p99;
#   3. 1,000 sessions held open: the daemon's resident memory; 4 sessions streaming at once with 1 and
#      with 2 event-loop threads;
#   4. `maskd proxy`: a 1-million-row SELECT of a PII table through the proxy (in process, and through
#      `maskd serve`) against the same SELECT straight to PostgreSQL; pgbench -S -M prepared both ways.
# Usage: Benchmarks/serve-throughput.sh [MB] (default 100). Needs root or the postgres user for part 4.
# MASKD_BENCH_PARTS=24 runs parts 2 and 4 only (default 1234).
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-100}
scripts/bootstrap
swift build -c release --product maskd >/dev/null
bin=$(realpath .build/release/maskd)
work=$(mktemp -d /tmp/maskd-serve-bench.XXXXXX)
chmod 755 "$work"
gcc -O2 -pthread -o "$work/sidecar-load" Benchmarks/sidecar-load.c
corpus=${MASKD_BENCH_DIR:-/tmp/maskd-bench-$mb}
if [ ! -f "$corpus/mixed.wire" ]; then
  python3 Corpora/generate.py --out "$corpus" --seed 7 --target-mb "$mb" --no-labels --formats csv,wire --quiet
fi
export MASKD_TOKEN_KEY=b3e1c0d2a4f5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f  # a fixed 256-bit key (not secret): a pass-phrase would cost each process a scrypt
ulimit -n 8192
pids=()
as_pg=()
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/data" ] && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
parts=${MASKD_BENCH_PARTS:-1234}
part() { [[ $parts == *$1* ]]; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
start_serve() {  # threads
  rm -f "$work/maskd.sock"
  "$bin" serve --socket "$work/maskd.sock" --threads "$1" --log-level warning 2>>"$work/serve.log" &
  serve_pid=$!
  pids+=("$serve_pid")
  for _ in $(seq 100); do [ -S "$work/maskd.sock" ] && break; sleep 0.05; done
}
stop_serve() { kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
echo "swift: $(swift --version 2>&1 | head -1); commit $(git rev-parse --short HEAD)"
echo "input: $(du -m "$corpus/mixed.wire" | cut -f1) MB wire ($corpus/mixed.wire)"

if part 1; then
echo "== 1. one session, 64 KiB cuts pipelined, one core"
pipe=$(for _ in 1 2 3; do
  "$bin" pipe --format wire --threads 1 < "$corpus/mixed.wire" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) MB\/s).*/\1/p'
done | median)
start_serve 1
serve=$(for _ in 1 2 3; do
  "$work/sidecar-load" throughput "$work/maskd.sock" "$corpus/mixed.wire" 65536 | sed -n 's/.*= \([0-9]*\) MB\/s.*/\1/p'
done | median)
echo "pipe --format wire --threads 1: $pipe MB/s; serve --threads 1, one session: $serve MB/s; ratio $(awk "BEGIN {printf \"%.2f\", $serve/$pipe}")"
stop_serve
fi

if part 2; then
echo "== 2. round trip of one 64 KiB cut"
start_serve 1
"$work/sidecar-load" latency "$work/maskd.sock" "$corpus/mixed.wire" 3000 65536
stop_serve
fi

if part 3; then
echo "== 3. many sessions"
head -c 268435456 "$corpus/mixed.wire" > "$work/part.wire"  # each parallel session streams up to 256 MB
for threads in 1 2; do
  start_serve "$threads"
  fifo="$work/hold.$threads"
  mkfifo "$fifo"
  "$work/sidecar-load" sessions "$work/maskd.sock" "$work/part.wire" 1000 4 < "$fifo" > "$work/sessions.$threads" &
  load=$!
  exec 9>"$fifo"
  for _ in $(seq 600); do grep -q parallel "$work/sessions.$threads" 2>/dev/null && break; sleep 0.1; done
  cat "$work/sessions.$threads"
  echo "serve --threads $threads: $(grep -E 'VmRSS|VmHWM' /proc/$serve_pid/status | xargs) with 1,000 sessions open"
  exec 9>&-
  wait "$load" || true
  stop_serve
done
fi

part 4 || exit 0
echo "== 4. maskd proxy against PostgreSQL"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work"; as_pg=(runuser -u postgres --); fi
port=$((20000 + RANDOM % 20000))
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -o "-k $work -p $port -c listen_addresses=127.0.0.1" -l "$work/pg.log" -w start >/dev/null
psql="psql -X -q -h 127.0.0.1 -p $port -U postgres -d postgres"
$psql -c "create table people as select i as id, 'user' || i || '@corp' || (i % 97) || '.example.com' as email,
            lpad(((i::bigint * 7919) % 899 + 1)::text, 3, '0') || '-' || lpad((i % 99 + 1)::text, 2, '0') || '-' || lpad((i % 9999 + 1)::text, 4, '0') as ssn,
            'note for customer ' || i as note, now() - i * interval '1 minute' as created
          from generate_series(1, 1000000) i"
start_serve 2
pport=$((port + 1)); iport=$((port + 2))
"$bin" proxy --listen 127.0.0.1:$pport --upstream 127.0.0.1:$port --maskd "$work/maskd.sock" --log-level warning 2>>"$work/proxy.log" &
pids+=($!)
"$bin" proxy --listen 127.0.0.1:$iport --upstream 127.0.0.1:$port --log-level warning 2>>"$work/proxy.log" &
pids+=($!)
sleep 1
timed() {  # port -> seconds of a 1M-row SELECT, median of 3
  for _ in 1 2 3; do
    s=$(date +%s.%N)
    psql -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "select * from people" > /dev/null
    e=$(date +%s.%N)
    awk "BEGIN {print $e - $s}"
  done | median
}
direct=$(timed $port); viaserve=$(timed $pport); inproc=$(timed $iport)
echo "1M-row SELECT: direct ${direct}s; proxy+serve ${viaserve}s ($(awk "BEGIN {printf \"%.2f\", $viaserve/$direct}")x); proxy in process ${inproc}s ($(awk "BEGIN {printf \"%.2f\", $inproc/$direct}")x)"
psql -X -q -h 127.0.0.1 -p $pport -U postgres -d postgres -At -c "select email from people limit 1"
"${as_pg[@]}" "$pgbin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -i -s 10 -q postgres >/dev/null 2>&1
tps() { "$pgbin/pgbench" -h 127.0.0.1 -p "$1" -U postgres -n -S -M prepared -T 15 -c 4 -j 2 postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
d=$(tps $port); s=$(tps $pport); i=$(tps $iport)
echo "pgbench -S -M prepared -c 4 -j 2 -T 15: direct $d tps; proxy+serve $s tps ($(awk "BEGIN {printf \"%.0f\", 100*(1-$s/$d)}")% fewer); proxy in process $i tps ($(awk "BEGIN {printf \"%.0f\", 100*(1-$i/$d)}")% fewer)"
