// `mk_copy_fields` alone (the COPY text row reader of dumps and COPY streams), called as the COPY row loop
// calls it (batches of at most 256 rows or 64 KiB), on a file of COPY rows, in ns per byte; the best of
// seven passes. What csv_bench is for `mk_csv_fields`.
//
//   python3 Benchmarks/csv-to-pgdump.py IN.csv /tmp/t.sql t
//   awk '/^COPY /{f=1;next} /^\\\.$/{f=0} f' /tmp/t.sql > /tmp/t.copy      (the block's rows alone)
//   cc -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/copy_bench.c
//      Sources/CMaskKernels/*.c -o /tmp/copy_bench                      (one command line)
//   /tmp/copy_bench /tmp/t.copy
//   MASKD_CPU=avx2 /tmp/copy_bench /tmp/t.copy      # the AVX2 path (MASKD_CPU caps every kernel)
//   WITHHOLD_VBMI=1 /tmp/copy_bench /tmp/t.copy     # AVX-512BW as a CPU without VBMI2 runs it
//
// An older reader for comparison: the same command with `git show REV:Sources/CMaskKernels/copy_fields.c`
// in place of Sources/CMaskKernels/copy_fields.c.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mask_kernels.h"
#include "bench_file.h"

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: copy_bench FILE.copy\n"); return 2; }
    size_t n;
    uint8_t *bytes = bench_read_file(argv[1], &n);
    if (getenv("WITHHOLD_VBMI")) mk_withhold_vbmi(1);
    enum { capacity = 256 * 64 };
    mk_csv_field *fields = malloc(sizeof *fields * capacity);
    size_t ends[256];
    double best = 1e9;
    size_t rows = 0, field_count = 0;
    for (int pass = 0; pass < 7; pass++) {
        const double t0 = bench_now();
        size_t position = 0;
        rows = field_count = 0;
        while (position < n) {
            const mk_csv_fields_result r = mk_copy_fields(bytes, n, position, 0, 256, 65536, fields, capacity, ends);
            if (r.records == 0) {
                // A row the reader leaves to the row loop: passed over to its LF, as the loop would read it.
                const uint8_t *lf = memchr(bytes + position, '\n', n - position);
                position = lf ? (size_t)(lf - bytes) + 1 : n;
                continue;
            }
            position = r.position;
            rows += r.records;
            field_count += r.fields;
        }
        const double t = bench_now() - t0;
        if (t < best) best = t;
    }
    printf("%s: %zu bytes, %zu rows, %zu fields\nmk_copy_fields  %.3f ns/byte\n", argv[1], n, rows, field_count,
           best * 1e9 / (double)n);
    return 0;
}
