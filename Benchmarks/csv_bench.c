// The CSV kernels alone, on a file: `mk_csv_last_record_end` (the reader thread's chunk split) and
// `mk_csv_fields` (the worker's one-pass field reader, called as TextFieldSplitter calls it: batches of
// at most 256 records or 64 KiB), in ns per byte; the best of five passes each.
//
//   cc -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/csv_bench.c
//      Sources/CMaskKernels/*.c -o /tmp/csv_bench            (one command line)
//   /tmp/csv_bench FILE.csv
//
// The split as it was before a2c9034 (built without POPCNT), for comparison:
//   mkdir -p /tmp/k0 && git show 0369359:Sources/CMaskKernels/csv_split.c > /tmp/k0/csv_split.c
//   then the same cc command with /tmp/k0/csv_split.c in place of Sources/CMaskKernels/csv_split.c
#include <stdio.h>
#include <stdlib.h>
#include "mask_kernels.h"
#include "bench_file.h"

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: csv_bench FILE.csv\n"); return 2; }
    // WITHHOLD_VBMI=1: the AVX-512BW paths as a CPU without VBMI2 runs them (Skylake-SP, Cascade Lake).
    if (getenv("WITHHOLD_VBMI")) mk_withhold_vbmi(1);
    size_t n;
    uint8_t *bytes = bench_read_file(argv[1], &n);
    enum { capacity = 256 * 64 };
    mk_csv_field *fields = malloc(sizeof *fields * capacity);
    size_t ends[256];
    double best_split = 1e9, best_fields = 1e9;
    size_t records = 0, field_count = 0, irregular = 0;
    for (int pass = 0; pass < 5; pass++) {
        double t0 = bench_now();
        mk_csv_split split = mk_csv_last_record_end(bytes, n, '"');
        double t1 = bench_now();
        records = split.records;
        field_count = 0;
        irregular = 0;
        size_t position = 0;
        while (position < n) {
            mk_csv_fields_result r = mk_csv_fields(bytes, n, position, ',', 256, 64 * 1024, fields, capacity, ends);
            field_count += r.fields;
            if (r.irregular) { irregular++; break; }  // the record loop would read it; stop here
            position = r.position;
        }
        double t2 = bench_now();
        if (t1 - t0 < best_split) best_split = t1 - t0;
        if (t2 - t1 < best_fields) best_fields = t2 - t1;
    }
    printf("%s: %zu bytes, %zu records, %zu fields%s\n", argv[1], n, records, field_count,
           irregular ? " (stopped at a record the field reader leaves to the record loop)" : "");
    printf("mk_csv_last_record_end  %.3f ns/byte\n", best_split * 1e9 / (double)n);
    printf("mk_csv_fields           %.3f ns/byte\n", best_fields * 1e9 / (double)n);
    return 0;
}
