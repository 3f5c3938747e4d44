// What the C benches share: a monotonic clock and a whole file read into memory (copy_bench.c,
// csv_bench.c). Exits with a message when the file cannot be read.
#ifndef BENCH_FILE_H
#define BENCH_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// The bytes of `path` (malloc'd; at least one byte of room), their count in `*count`.
static uint8_t *bench_read_file(const char *path, size_t *count) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    const size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *bytes = malloc(n ? n : 1);
    if (fread(bytes, 1, n, f) != n) { perror(path); exit(1); }
    fclose(f);
    *count = n;
    return bytes;
}

#endif
