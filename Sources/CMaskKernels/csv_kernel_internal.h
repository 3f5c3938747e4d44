// What the CSV kernels (csv_split.c, csv_fields.c) share: the "inside quotes" parity of a 64-byte
// block, and the choice of path. Private to CMaskKernels.
#ifndef MASK_CSV_KERNEL_INTERNAL_H
#define MASK_CSV_KERNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "kernel_path_internal.h"
#include "mask_kernels.h"

/// `mk_prefix_xor`'s steps on `x` in place, for a 64-bit word or a vector of them (the CSV reader's
/// eight lanes).
#define MK_PREFIX_XOR_IN_PLACE(x) \
    do { (x) ^= (x) << 1; (x) ^= (x) << 2; (x) ^= (x) << 4; (x) ^= (x) << 8; (x) ^= (x) << 16; (x) ^= (x) << 32; } while (0)

/// Bit i is the parity of the quote bits at or below i: 1 inside a quoted run (the opening quote
/// included, the closing one not). A doubled quote toggles twice, so it stays inside. Carry a block's
/// last bit into the next by XOR with all ones.
static inline uint64_t mk_prefix_xor(uint64_t x) {
    MK_PREFIX_XOR_IN_PLACE(x);
    return x;
}

#if defined(__x86_64__)
#include <immintrin.h>
/// mk_prefix_xor in one carry-less multiplication by all ones (bit i of the product is the XOR of the
/// bits at or below i): three instructions instead of twelve, per 64-byte block of both CSV kernels.
__attribute__((target("pclmul"), always_inline))
static inline uint64_t mk_prefix_xor_clmul(uint64_t x) {
    const __m128i product = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)x), _mm_set1_epi8((char)0xFF), 0);
    return (uint64_t)_mm_cvtsi128_si64(product);
}

/// Whether the CPU has AVX-512BW (and PCLMULQDQ) for the CSV kernels' wide path; libgcc's and
/// compiler-rt's AVX-512 bits already require the OS to save the zmm state.
static inline int mk_csv_has_wide(void) {
    return mk_cpu_cap() >= MK_CPU_AVX512BW && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("pclmul");
}

/// Whether the CPU has AVX2 (and PCLMULQDQ, which every AVX2 CPU has) for the accelerated path.
static inline int mk_csv_has_accelerated(void) {
    return mk_cpu_cap() >= MK_CPU_AVX2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul");
}
#endif

/// Bits below `i` (i in 0...64).
static inline uint64_t mk_bits_below(unsigned i) { return i >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << i) - 1); }

/// The lowest `count` set bits of `x` (all of them when it has fewer): the fields of a block that fit a
/// field buffer almost full.
static inline uint64_t mk_lowest_bits(uint64_t x, size_t count) {
    uint64_t kept = 0;
    for (size_t k = 0; k < count && x; k++) {
        kept |= x & (0 - x);
        x &= x - 1;
    }
    return kept;
}

/// Writes one field a reader found (mk_csv_fields, mk_copy_fields).
static inline void mk_put_field(mk_csv_field *field, size_t start, size_t end, uint32_t flags) {
    field->start = start;
    field->end = end;
    field->flags = flags;
}

#if defined(__x86_64__)
/// The bytes of a 64-byte block (two AVX2 halves) equal to `c`, as a 64-bit mask.
__attribute__((target("avx2"), always_inline))
static inline uint64_t mk_eq64_avx2(__m256i a, __m256i b, uint8_t c) {
    const __m256i k = _mm256_set1_epi8((char)c);
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, k))
           | ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, k)) << 32);
}
#endif

/// The path of one call of a CSV kernel, recorded: the thread's forced one, else the widest the CPU has
/// (AVX-512BW, then AVX2).
static inline mk_path mk_csv_path(void) {
    mk_path path = mk_path_forced_here(MK_KERNEL_CSV_SPLIT);
#if defined(__x86_64__)
    if (path == MK_PATH_NONE)
        path = mk_csv_has_wide() ? MK_PATH_WIDE : mk_csv_has_accelerated() ? MK_PATH_ACCELERATED : MK_PATH_PORTABLE;
#else
    path = MK_PATH_PORTABLE;
#endif
    mk_path_record(MK_KERNEL_CSV_SPLIT, path);
    return path;
}

#endif
