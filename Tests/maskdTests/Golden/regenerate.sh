#!/usr/bin/env bash
# Rewrites the expected outputs from the current build. Run only after a deliberate change of tokens or
# formats, and read the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")"
bin=../../../.build/debug/maskd
for f in csv wire sql; do
  "$bin" pipe -q --key-file test.key --report "sample.$f.report.jsonl" < "sample.$f" > "sample.masked.$f"
done
