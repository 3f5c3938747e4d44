#!/usr/bin/env bash
# What reading the client's query text (SelectListAliases) costs the proxy: a 25 MB `INSERT … VALUES`
# (400,000 rows) sent three times through `maskd proxy` by psql, and the proxy process's CPU time
# (user + system ticks from /proc, 100 a second) when it has forwarded them. The server's insert time is
# the wall clock's most; the proxy's ticks are what the binaries differ in.
# Usage: Benchmarks/proxy-query-text.sh [MASKD_BINARY...]   (default .build/release/maskd; give a base
# and a head binary, twice each, alternated, to compare)
set -uo pipefail
cd "$(dirname "$0")/.."
. Tests/Integration/throwaway-postgres.sh
start_throwaway_postgres querytext
export MASKD_TOKEN_KEY=0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100ff0
$psql -d postgres -c "CREATE TABLE t (id int, note text, flag boolean, extra text)"
python3 - > "$dir/insert.sql" <<'PY'
rows = ",".join(f"({i}, 'note {i} with some words, it''s text', true, null)" for i in range(400000))
print(f"INSERT INTO t VALUES {rows};")
PY
[ $# -gt 0 ] || set -- .build/release/maskd
for bin in "$@"; do
  lport=$((40000 + RANDOM % 20000))
  "$bin" proxy --listen 127.0.0.1:$lport --upstream "$dir/.s.PGSQL.$port" --log-level error &
  pid=$!
  sleep 1
  $psql -d postgres -c "TRUNCATE t"
  for _ in 1 2 3; do
    psql -X -q -h 127.0.0.1 -p $lport -U postgres -d postgres -f "$dir/insert.sql" || echo "insert failed through $bin"
  done
  echo "$bin: proxy CPU ticks for three inserts: $(awk '{print $14 + $15}' /proc/$pid/stat)"
  kill $pid
  wait $pid 2>/dev/null
done
