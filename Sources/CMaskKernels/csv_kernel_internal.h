// What the CSV kernels (csv_split.c, csv_fields.c) share: the "inside quotes" parity of a 64-byte
// block, and the choice of path. Private to CMaskKernels.
#ifndef MASK_CSV_KERNEL_INTERNAL_H
#define MASK_CSV_KERNEL_INTERNAL_H

#include <stdint.h>
#include "kernel_path_internal.h"

/// Bit i is the parity of the quote bits at or below i: 1 inside a quoted run (the opening quote
/// included, the closing one not). A doubled quote toggles twice, so it stays inside. Carry a block's
/// last bit into the next by XOR with all ones.
static inline uint64_t mk_prefix_xor(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

/// The path of one call of a CSV kernel, recorded: the thread's forced one, else AVX2 when the CPU has it.
static inline mk_path mk_csv_path(void) {
    mk_path path = mk_path_forced_here(MK_KERNEL_CSV_SPLIT);
#if defined(__x86_64__)
    if (path == MK_PATH_NONE) path = __builtin_cpu_supports("avx2") ? MK_PATH_ACCELERATED : MK_PATH_PORTABLE;
#else
    path = MK_PATH_PORTABLE;
#endif
    mk_path_record(MK_KERNEL_CSV_SPLIT, path);
    return path;
}

#endif
