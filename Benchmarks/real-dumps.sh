#!/usr/bin/env bash
# Real pg_dump output to measure and compare `maskd pipe` on (RESULTS.md's "real pg_dumps"): a
# throwaway PostgreSQL cluster (Tests/Integration/throwaway-postgres.sh) loads Corpora/samples,
# Corpora/independent and maskbench's 32 MB PII-free and dense corpora as tables of text, and a table of
# hostile text (tabs, line breaks, backslashes, `\N` and `N`, octal-looking text, CRs, unicode, 20 %
# NULLs: 20,000 rows); pg_dump writes each table alone (TABLE.sql) and all of them in one dump (all.sql).
#
# Usage: Benchmarks/real-dumps.sh OUTDIR     (needs a release maskbench: swift build -c release)
# Then, e.g.: Benchmarks/same-output.sh BASE HEAD OUTDIR/*.sql
#             CLOCK=task-clock Benchmarks/compare-files.sh BASE HEAD 8 OUTDIR/all.sql OUTDIR/hostile.sql
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 64; }
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"; out=$(cd "$1" && pwd)
export INTEGRATION_DIR="$root/Tests/Integration"
. "$INTEGRATION_DIR/throwaway-postgres.sh"
corpus() { "$root/.build/release/maskbench" corpus --size 32MB --density "$1" --format csv --json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["files"]["csv"])'; }
dense=$(corpus dense); none=$(corpus none)
start_throwaway_postgres dumps
$psql -d postgres -c "create database src"
load() { # TABLE CSV: a table of text columns named by the CSV's header, loaded from it
  local cols; cols=$(head -1 "$2" | python3 -c 'import sys, csv; print(", ".join("\"" + c + "\" text" for c in next(csv.reader(sys.stdin))))')
  $psql -d src -c "create table \"$1\" ($cols)"
  cp "$2" "$dir/load.csv"; chmod 644 "$dir/load.csv"
  $psql -d src -c "\\copy \"$1\" from '$dir/load.csv' with (format csv, header true)"
}
tables=()
for f in "$root"/Corpora/samples/*.csv "$root"/Corpora/independent/*.csv; do
  t=$(basename "$f" .csv); load "$t" "$f"; tables+=("$t")
done
load mixed "$dense"; load activity "$none"; tables+=(mixed activity)
python3 - "$dir/hostile.tsv" <<'PY'
import random, sys
r = random.Random(7)
def esc(v):
    if v is None: return r"\N"
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
parts = ["a", "\t", "\n", "\\", "\\\\", "\\N", "N", "ann.lee@example.com", "4111 1111 1111 1111", "536-90-4399",
         "AKIAZ7QK3M5N8P2R4T6V", "password=hunter2hunter2", "zoë", "用户@例子.广告", "\r", "\\101", "x" * 70, " ", "\"q\""]
with open(sys.argv[1], "w") as o:
    for i in range(20000):
        vals = [str(i)] + [None if r.random() < 0.2 else "".join(r.choice(parts) for _ in range(r.randrange(0, 12))) for _ in range(5)]
        o.write("\t".join(esc(v) for v in vals) + "\n")
PY
chmod 644 "$dir/hostile.tsv"
$psql -d src -c "create table hostile (id integer, a text, b varchar(900), c text, d text, e text)" \
  -c "\\copy hostile from '$dir/hostile.tsv'"
tables+=(hostile)
for t in "${tables[@]}"; do pg_dump -d src -t "\"$t\"" > "$out/$t.sql"; done
pg_dump -d src > "$out/all.sql"
ls -l "$out"
