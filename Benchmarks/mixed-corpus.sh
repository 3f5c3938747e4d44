# Sourced by the throughput scripts: builds the release `maskd` and makes (once, cached by size) the
# generated mixed corpus of `$mb` MB as CSV, wire stream and pg_dump script. Sets: bin, corpus.
scripts/bootstrap
swift build -c release --product maskd >/dev/null
bin=.build/release/maskd
corpus=${MASKD_BENCH_DIR:-/tmp/maskd-bench-$mb}
if [ ! -f "$corpus/mixed.wire" ]; then
  python3 Corpora/generate.py --out "$corpus" --seed 7 --target-mb "$mb" --no-labels --formats csv,wire --quiet
fi
[ -f "$corpus/mixed.sql" ] || python3 Benchmarks/csv-to-pgdump.py "$corpus/mixed.csv" "$corpus/mixed.sql" mixed
export MASKD_TOKEN_KEY=b3e1c0d2a4f5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f  # a fixed 256-bit key (not secret): a pass-phrase would cost each process a scrypt
