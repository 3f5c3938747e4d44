// mk_copy_fields against an older build of itself on random COPY text (tabs, LFs, CR LF row ends, `\N`,
// escapes, stray backslashes, rows of other widths), on every path this CPU has (and, on one with AVX-512
// VBMI2, on the wide path as a CPU without it runs it: mk_withhold_vbmi), with random row, byte and
// field limits (buffers of fields the eight-block groups can use, and smaller): fields, flags, row ends and
// results must agree, and nothing may be written past the capacity. The base kernel is an older
// copy_fields.c with its symbols renamed, e.g. for the groups' change:
//
//   git show 20cc2d6:Sources/CMaskKernels/copy_fields.c | sed 's/\bmk_copy_fields\b/old_copy_fields/;
//     s/read_rows/old_read_rows/g; s/copy_masks/old_copy_masks/g; s/escaped_bytes/old_escaped_bytes/g;
//     s/copy_field_flags/old_copy_field_flags/g; s/block_at/old_block_at/g; s/\bmk_copy_data_end\b/old_copy_data_end/g;
//     s/data_end_/old_data_end_/g; s/mk_copy_old_data_end_result/mk_copy_data_end_result/g' > /tmp/old_copy_fields.c
//   cc -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/copy_fields_diff.c
//      /tmp/old_copy_fields.c Sources/CMaskKernels/*.c -o /tmp/copy_fields_diff      (one command line)
//   /tmp/copy_fields_diff 100000
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mask_kernels.h"
mk_csv_fields_result old_copy_fields(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                    size_t max_records, size_t max_bytes, mk_csv_field *fields, size_t field_capacity,
                                    size_t *record_ends);
static uint64_t s = 88172645463325252ull;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 100000;
    static uint8_t buf[8192];
    static mk_csv_field f1[4096], f2[4096]; size_t e1[300], e2[300];
    long diffs = 0, irregular = 0, total = 0;
    for (long r = 0; r < rounds; r++) {
        size_t n = 0;
        // Mode 4: plain rows (no backslash, no CR), whose groups take the reader's loop for fields without flags.
        int mode = rnd() % 5;
        size_t target = 600 + rnd() % 4000;
        int width = 1 + rnd() % 8;
        while (n < target) {
            for (int k = 0; k < width; k++) {
                int kind = rnd() % 10;
                if (kind == 0 && mode != 4) { buf[n++] = '\\'; buf[n++] = 'N'; }
                else {
                    int len = rnd() % 3 == 0 ? rnd() % 90 : rnd() % 8;
                    for (int j = 0; j < len; j++) {
                        int c = mode == 4 ? 3 : (int)(rnd() % (mode == 0 ? 6 : 40));
                        if (c == 0) { buf[n++] = '\\'; buf[n++] = "tn\\rN0x"[rnd() % 7]; }
                        else if (c == 1 && mode == 0) buf[n++] = '\\';
                        else if (c == 2 && mode == 0) buf[n++] = '\r';
                        else buf[n++] = "abcxyz, "[rnd() % 8];
                    }
                }
                if (k + 1 < width) buf[n++] = '\t';
            }
            if (mode != 4 && rnd() % 5 == 0) buf[n++] = '\r';
            buf[n++] = '\n';
            if (mode == 3 && rnd() % 7 == 0) width = 1 + rnd() % 8;
        }
        if (rnd() % 2) n -= 1 + rnd() % 3;
        if (mode == 1) { for (size_t i = 0; i < n; i++) if (rnd() % 200 == 0) buf[i] = "\\\t\n\r"[rnd() % 4]; }
        size_t expected = rnd() % 3 == 0 ? (size_t)width : 0;
        size_t maxrec = 1 + rnd() % 300, cap = rnd() % 2 ? 1 + rnd() % 600 : 512 + rnd() % 3000, maxb = rnd() % 2 ? 1 + rnd() % 5000 : 1 << 20;
        // Path 4: the wide path as a CPU without VBMI2 runs it (mk_withhold_vbmi).
        for (int path = 1; path <= 4; path++) {
            mk_withhold_vbmi(path == 4);
            if (path == 4 && !mk_cpu_reports_vbmi2()) continue;
            if (mk_path_force(MK_KERNEL_CSV_SPLIT, path == 4 ? MK_PATH_WIDE : path) != 0) continue;
            memset(f1, 0xAB, sizeof f1); memset(f2, 0xAB, sizeof f2);
            mk_csv_fields_result a = old_copy_fields(buf, n, 0, expected, maxrec, maxb, f1, cap, e1);
            mk_csv_fields_result b = mk_copy_fields(buf, n, 0, expected, maxrec, maxb, f2, cap, e2);
            total++; irregular += a.irregular;
            int same = memcmp(&a, &b, sizeof a) == 0 && memcmp(e1, e2, a.records * sizeof *e1) == 0;
            for (size_t i = 0; same && i < a.fields; i++)
                same = f1[i].start == f2[i].start && f1[i].end == f2[i].end && f1[i].flags == f2[i].flags;
            for (size_t i = cap; same && i < cap + 64 && i < 4096; i++) same = f2[i].start == f1[i].start;
            if (!same && diffs++ < 3) printf("round %ld path %d: fields %zu/%zu records %zu/%zu irr %d/%d lines %zu/%zu pos %zu/%zu\n", r, path, a.fields, b.fields, a.records, b.records, a.irregular, b.irregular, a.lines, b.lines, a.position, b.position);
        }
    }
    printf("%ld comparisons, %ld irregular, %ld differences\n", total, irregular, diffs);
    return diffs != 0;
}
