#!/usr/bin/env bash
# What each part of the stage-1 kernel costs: copies of classify.c with one part removed (its masks set
# to zero, so the output is wrong: timing only), each timed by Benchmarks/stage1_speed.c on FILE. The
# differences bound what making a part cheaper could save; they are not figures of a correct kernel.
# Usage: Benchmarks/stage1-ablation.sh FILE [WINDOW_BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 FILE [WINDOW_BYTES]" >&2; exit 64; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
k=Sources/CMaskKernels
python3 - "$k/classify.c" "$work" <<'PY'
import sys
src = open(sys.argv[1]).read(); out = sys.argv[2]
def need(s, old):
    assert old in s, old
    return s
rare = ["r->at_prev = set64(lo_a, rows_a, lo_b, rows_b, AT_PREV_LO) | mask64(a, b);",
        "r->enc_prev = set64(lo_a, rows_a, lo_b, rows_b, ENC_PREV_LO);",
        "r->enc_digit = set64(lo_a, rows_a, lo_b, rows_b, ENC_DIGIT_LO);",
        "r->op_byte = set64(lo_a, rows_a, lo_b, rows_b, OP_BYTE_LO);",
        "r->slash = eq64(a, b, '/');", "r->upper_a = eq64(a, b, 'A');",
        "r->u_folded = eq64(folded_a, folded_b, 'u');", "r->tilde = eq64(a, b, '~');"]
keyword = "r->keyword = ~mask64(_mm256_cmpeq_epi8(keyword_hits(p), zero), _mm256_cmpeq_epi8(keyword_hits(p + 32), zero));"
digits = "if (r->digit == 0) {"
longrun = "    out->longrun = (uint64_t)t;"
variants = {}
s = src
for line in rare: s = need(s, line).replace(line, "r->%s = 0;" % line.split("->")[1].split(" ")[0])
variants["1-no-rare-classes"] = s
s = need(s, keyword).replace(keyword, "r->keyword = 0;")
variants["2-and-no-keywords"] = s
s = need(s, digits).replace(digits, "if (1) {")
variants["3-and-no-digit-runs"] = s
s = need(s, longrun).replace(longrun, "    out->longrun = 0; (void)t;")
variants["4-and-no-long-runs"] = s
variants["0-whole"] = src
for name, text in variants.items():
    open("%s/%s.c" % (out, name), "w").write(text)
PY
for c in "$work"/*.c; do
  name=$(basename "$c" .c)
  cc -O2 -I "$k/include" -I "$k" Benchmarks/stage1_speed.c "$c" "$k/kernel_path.c" -o "$work/$name"
  printf '%-22s ' "$name"; "$work/$name" "$@" | sed 's/.*windows, //'
done
