// Two builds of mk_csv_fields against each other on random buffers (well-formed records with quoted,
// doubled, backslash-led, CR LF and multi-line fields, and random byte soup), on every path this CPU
// has (and, on one with AVX-512 VBMI2, on the wide path as a CPU without it runs it: mk_withhold_vbmi),
// with random record, byte and field limits: fields, flags, record ends and results must agree.
// The base kernel is an older csv_fields.c with its symbols renamed, e.g. for acea126's change:
//
//   git show add7b38:Sources/CMaskKernels/csv_fields.c | sed 's/\bmk_csv_fields\b/old_csv_fields/;
//     s/read_fields/old_read_fields/g; s/masks_scalar/old_masks_scalar/g; s/masks_avx2/old_masks_avx2/g;
//     s/masks_avx512/old_masks_avx512/g; s/prefix_xor_shifts/old_prefix_xor_shifts/g;
//     s/csv_masks/old_csv_masks/g' > /tmp/old_csv_fields.c
//   cc -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/csv_fields_diff.c
//      /tmp/old_csv_fields.c Sources/CMaskKernels/*.c -o /tmp/csv_fields_diff      (one command line)
//   /tmp/csv_fields_diff 200000
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mask_kernels.h"
mk_csv_fields_result old_csv_fields(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                   size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                   size_t field_capacity, size_t *record_ends);
static uint64_t s = 88172645463325252ull;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 100000;
    const char *pieces[] = {",", ",", "\"", "\"\"", "\n", "\r\n", "\r", "a", "bc", "\\", "\\x41", "\"\\", ";", "xyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyz", "\"q\"", "\"a\"\"b\"", "\"\"\"\""};
    int np = sizeof pieces / sizeof *pieces;
    uint8_t buf[4096];
    static mk_csv_field f1[4096], f2[4096]; size_t e1[300], e2[300];
    long diffs = 0, irregular = 0, total = 0;
    for (long r = 0; r < rounds; r++) {
        size_t n = 0;
        int count = rnd() % 200;
        int wellformed = rnd() % 2;
        if (wellformed) {
            while (n < 3000) {
                int fields = 1 + rnd() % 8;
                for (int k = 0; k < fields; k++) {
                    int kind = rnd() % 4;
                    int len = rnd() % 3 == 0 ? rnd() % 90 : rnd() % 6;
                    if (kind == 0 || kind == 3) {
                        if (rnd() % 4 == 0) buf[n++] = '\\';
                        for (int j = 0; j < len; j++) buf[n++] = "abc\\x"[rnd() % 5];
                    } else {
                        buf[n++] = '"';
                        if (rnd() % 4 == 0) buf[n++] = '\\';
                        for (int j = 0; j < len; j++) {
                            int c = rnd() % 12;
                            if (c == 0) { buf[n++] = '"'; buf[n++] = '"'; }
                            else if (c == 1) buf[n++] = '\n';
                            else if (c == 2) { buf[n++] = '\r'; buf[n++] = '\n'; }
                            else if (c == 3) buf[n++] = ',';
                            else if (c == 4) buf[n++] = '\\';
                            else buf[n++] = 'y';
                        }
                        buf[n++] = '"';
                    }
                    if (k + 1 < fields) buf[n++] = ',';
                }
                if (rnd() % 3 == 0) buf[n++] = '\r';
                buf[n++] = '\n';
            }
            if (rnd() % 2) n -= 1 + rnd() % 3;
            if (rnd() % 8 == 0) buf[rnd() % n] = "\"\r,"[rnd() % 3];
            count = 0;
        }
        if (r % 7 == 3) {
            // Fields of a byte or none: 64 in a block, so that a group of blocks fills a field buffer.
            n = 0;
            while (n < 3000) buf[n++] = rnd() % 80 == 0 ? '\n' : rnd() % 32 == 0 ? 'a' : ',';
            count = 0;
        }
        if (r % 7 == 5) {
            // A plain table (no quote, backslash or CR, an odd CR LF or backslash now and then): its
            // groups take the reader's loop for fields without flags.
            n = 0;
            while (n < 3000) {
                int fields = 1 + rnd() % 12;
                for (int k = 0; k < fields; k++) {
                    int len = rnd() % 4 == 0 ? rnd() % 40 : rnd() % 8;
                    for (int j = 0; j < len; j++) buf[n++] = "0123456789ab.-"[rnd() % 14];
                    if (k + 1 < fields) buf[n++] = ',';
                }
                if (rnd() % 200 == 0) buf[n++] = '\r';
                if (rnd() % 200 == 0) buf[n++] = '\\';
                buf[n++] = '\n';
            }
            if (rnd() % 2) n -= 1 + rnd() % 3;
            count = 0;
        }
        for (int k = 0; k < count && n < 3900; k++) {
            int pi = wellformed ? (int[]){0,1,4,5,7,8,10,13,14,15,16}[rnd() % 11] : (int)(rnd() % np);
            size_t l = strlen(pieces[pi]);
            memcpy(buf + n, pieces[pi], l); n += l;
        }
        uint8_t delim = wellformed ? ',' : (r % 5 == 0) ? ';' : (r % 97 == 0) ? '\\' : (r % 89 == 0) ? 0 : ',';
        size_t maxrec = 1 + rnd() % 300, cap = 1 + rnd() % 600, maxb = 1 + rnd() % 5000;
        size_t pos = 0; if (r % 3 == 0) maxb = 1u << 20, maxrec = 256, cap = 600;
        if (r % 3 == 1) cap = 512 + rnd() % 3000;  // room for the eight-block groups' list path, now and then
        // Path 4: the wide path as a CPU without VBMI2 runs it (mk_withhold_vbmi).
        for (int path = 1; path <= 4; path++) {
            mk_withhold_vbmi(path == 4);
            if (path == 4 && !mk_cpu_reports_vbmi2()) continue;
            if (mk_path_force(MK_KERNEL_CSV_SPLIT, path == 4 ? MK_PATH_WIDE : path) != 0) continue;
            memset(f1, 0xAB, sizeof f1); memset(f2, 0xAB, sizeof f2);
            mk_csv_fields_result a = old_csv_fields(buf, n, pos, delim, maxrec, maxb, f1, cap, e1);
            mk_csv_fields_result b = mk_csv_fields(buf, n, pos, delim, maxrec, maxb, f2, cap, e2);
            total++;
            irregular += a.irregular;
            int same = memcmp(&a, &b, sizeof a) == 0 && memcmp(e1, e2, a.records * sizeof *e1) == 0;
            // Nothing written past the capacity given.
            for (size_t i = cap; same && i < cap + 64 && i < 4096; i++) same = f2[i].start == f1[i].start && f2[i].flags == f1[i].flags;
            for (size_t i = 0; same && i < a.fields; i++)
                same = f1[i].start == f2[i].start && f1[i].end == f2[i].end && f1[i].flags == f2[i].flags;
            if (!same) {
                if (diffs++ < 3) {
                    printf("round %ld path %d differs: fields %zu/%zu records %zu/%zu irr %d/%d\n", r, path, a.fields, b.fields, a.records, b.records, a.irregular, b.irregular);
                    fwrite(buf, 1, n > 300 ? 300 : n, stdout); printf("\n");
                    for (size_t i = 0; i < a.fields && i < b.fields; i++)
                        if (f1[i].start != f2[i].start || f1[i].end != f2[i].end || f1[i].flags != f2[i].flags) {
                            printf(" field %zu: [%zu,%zu) %u vs [%zu,%zu) %u\n", i, f1[i].start, f1[i].end, f1[i].flags, f2[i].start, f2[i].end, f2[i].flags); break; }
                }
            }
        }
    }
    printf("%ld comparisons, %ld irregular, %ld differences\n", total, irregular, diffs);
    return diffs != 0;
}
