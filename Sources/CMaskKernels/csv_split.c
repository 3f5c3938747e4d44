// Finds record boundaries of a CSV buffer so that chunks can be masked in parallel, at memory speed:
// per 64-byte block, the quote mask is turned into an "inside quotes" mask by a prefix XOR (each bit is
// the parity of the quotes at or before it), carried from block to block, as in simdjson's stage 1.
#include "mask_kernels.h"
#include "csv_kernel_internal.h"

#include <string.h>


static inline void masks_scalar(const uint8_t *p, size_t n, uint8_t quote, uint64_t *q, uint64_t *nl) {
    uint64_t qm = 0, nm = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == quote) qm |= (uint64_t)1 << i;
        if (p[i] == '\n') nm |= (uint64_t)1 << i;
    }
    *q = qm;
    *nl = nm;
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx512f,avx512bw")))
static inline void masks_avx512(const uint8_t *p, uint8_t quote, uint64_t *q, uint64_t *nl) {
    const __m512i v = _mm512_loadu_si512((const void *)p);
    *q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)quote));
    *nl = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
}

__attribute__((target("avx2")))
static inline void masks_avx2(const uint8_t *p, uint8_t quote, uint64_t *q, uint64_t *nl) {
    __m256i a = _mm256_loadu_si256((const __m256i *)p);
    __m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
    __m256i vq = _mm256_set1_epi8((char)quote), vn = _mm256_set1_epi8('\n');
    *q = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, vq)) |
         ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, vq)) << 32);
    *nl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, vn)) |
          ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, vn)) << 32);
}
#endif

// The split, inlined three times with its block masks and prefix XOR known: into an AVX-512BW and an AVX2
// function (whose CPUs also have POPCNT, which the line and record counts use three times a block: the
// generic build's software popcount was most of this loop, and PCLMULQDQ) and into the portable one.
__attribute__((always_inline))
static inline mk_csv_split last_record_end(const uint8_t *bytes, size_t length, uint8_t quote,
                                           void (*full_block_masks)(const uint8_t *, uint8_t, uint64_t *, uint64_t *),
                                           uint64_t (*prefix_xor)(uint64_t)) {
    mk_csv_split result = {0, 0, 0};
    uint64_t inside_carry = 0;  // all ones when the previous block ended inside quotes
    size_t lines = 0, records = 0;
    // The last block with a record end, its masks, and the counts before it: the result is made from
    // them once, after the loop, which then has no branch on the data.
    size_t last_base = 0, lines_before = 0, records_before = 0;
    uint64_t last_ends = 0, last_nl = 0;
    for (size_t base = 0; base < length; base += 64) {
        size_t n = length - base < 64 ? length - base : 64;
        uint64_t q, nl;
        if (n == 64) full_block_masks(bytes + base, quote, &q, &nl);
        else masks_scalar(bytes + base, n, quote, &q, &nl);
        // The carry is the parity of the block's quotes, not the prefix XOR's top bit: the next block
        // then does not wait for this one's carry-less multiply.
        uint64_t inside = prefix_xor(q) ^ inside_carry;
        inside_carry ^= (uint64_t)0 - (uint64_t)(__builtin_popcountll(q) & 1);
        uint64_t ends = nl & ~inside;
        const int has = ends != 0;
        last_base = has ? base : last_base;
        last_ends = has ? ends : last_ends;
        last_nl = has ? nl : last_nl;
        lines_before = has ? lines : lines_before;
        records_before = has ? records : records_before;
        lines += (size_t)__builtin_popcountll(nl);
        records += (size_t)__builtin_popcountll(ends);
    }
    if (last_ends) {
        int last = 63 - __builtin_clzll(last_ends);
        uint64_t upto = last == 63 ? ~(uint64_t)0 : (((uint64_t)1 << (last + 1)) - 1);
        result.end = last_base + (size_t)last + 1;
        result.lines = lines_before + (size_t)__builtin_popcountll(last_nl & upto);
        result.records = records_before + (size_t)__builtin_popcountll(last_ends);
    }
    return result;
}

static void full_masks_scalar(const uint8_t *p, uint8_t quote, uint64_t *q, uint64_t *nl) {
    masks_scalar(p, 64, quote, q, nl);
}

static inline uint64_t prefix_xor_shifts(uint64_t x) { return mk_prefix_xor(x); }

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,popcnt,pclmul")))
static mk_csv_split last_record_end_avx512(const uint8_t *bytes, size_t length, uint8_t quote) {
    return last_record_end(bytes, length, quote, masks_avx512, mk_prefix_xor_clmul);
}

__attribute__((target("avx2,popcnt,pclmul")))
static mk_csv_split last_record_end_avx2(const uint8_t *bytes, size_t length, uint8_t quote) {
    return last_record_end(bytes, length, quote, masks_avx2, mk_prefix_xor_clmul);
}
#endif

mk_csv_split mk_csv_last_record_end(const uint8_t *bytes, size_t length, uint8_t quote) {
    // Decided once per call.
    mk_path path = mk_csv_path();
#if defined(__x86_64__)
    if (path == MK_PATH_WIDE) return last_record_end_avx512(bytes, length, quote);
    if (path == MK_PATH_ACCELERATED) return last_record_end_avx2(bytes, length, quote);
#endif
    (void)path;  // unread where there is no AVX2 code
    return last_record_end(bytes, length, quote, full_masks_scalar, prefix_xor_shifts);
}
