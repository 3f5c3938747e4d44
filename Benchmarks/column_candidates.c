// Per column of a table, how many values hold a stage-1 candidate (an anchor, a digit candidate, a token
// start), the rows laid out as the column batches copy them (Benchmarks/column_candidates.py) and
// classified as they are, with the token catalogue's prefixes and no structural bytes. A value with a
// candidate is scanned by stage 2 whole, so a column of values that hold no PII but one candidate each
// (UUIDs before a date, user agents' "x64") costs a scan a row; RESULTS.md (2026-12-06, thirty-first
// session) counts them on maskbench's PII-free table. (The engine's gate also admits a value whose first
// byte starts a long run with a byte that is no letter or digit; not counted here.)
// Against another revision's kernel: `git archive REV Sources/CMaskKernels | tar -x -C /tmp/kREV` and the
// same command with /tmp/kREV/Sources/CMaskKernels in place of Sources/CMaskKernels.
//
//   python3 Benchmarks/catalogue_prefixes.py > /tmp/catalogue_prefixes.c
//   clang -O2 -I Sources/CMaskKernels/include Benchmarks/column_candidates.c /tmp/catalogue_prefixes.c \
//      Sources/CMaskKernels/*.c -o /tmp/column_candidates
//   python3 Benchmarks/column_candidates.py ~/.cache/maskbench/none-32MB-*/activity.csv 3000 | /tmp/column_candidates
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "mask_kernels.h"

extern const mk_token_prefixes catalogue_prefixes;   // Benchmarks/catalogue_prefixes.py

enum { MAX_COLUMNS = 1664, WINDOW = 16384 };

int main(void) {
    uint32_t header[2];
    if (fread(header, 4, 2, stdin) != 2) { fprintf(stderr, "no input\n"); return 1; }
    const size_t n = header[0], count = header[1];
    uint8_t *bytes = malloc(n + 64);
    int32_t *spans = malloc(sizeof(int32_t) * 3 * (count + 1));
    mk_block_masks *masks = malloc(sizeof(mk_block_masks) * ((n + 63) / 64 + 1));
    if (fread(bytes, 1, n, stdin) != n || fread(spans, 12, count, stdin) != count) { fprintf(stderr, "short input\n"); return 1; }
    const uint8_t none[4] = {0, 0, 0, 0};
    for (size_t s = 0; s < n; s += WINDOW) mk_classify(bytes, n, s, n - s < WINDOW ? n - s : WINDOW, none, masks + s / 64, &catalogue_prefixes);
    static long values[MAX_COLUMNS], flagged[MAX_COLUMNS];
    int columns = 0;
    for (size_t v = 0; v < count; v++) {
        const int column = spans[3 * v];
        if (column < 0 || column >= MAX_COLUMNS) continue;
        int any = 0;
        for (int32_t i = spans[3 * v + 1]; i < spans[3 * v + 2] && !any; i++) {
            const mk_block_masks *m = &masks[i / 64];
            any = (int)(((m->anchor | m->digitstart | m->tokenstart) >> (i % 64)) & 1);
        }
        values[column]++;
        flagged[column] += any;
        if (column + 1 > columns) columns = column + 1;
    }
    printf("column  values  with a candidate\n");
    for (int c = 0; c < columns; c++) printf("%6d  %6ld  %6ld\n", c, values[c], flagged[c]);
    return 0;
}
