// Stage 1 of the scan: one pass over the input that turns every 64-byte block into bit masks, so the
// scalar detectors of stage 2 run only where a mask bit is set. Swift has no movemask instruction
// (see shared/PERF-NOTES.md: building masks lane by lane is 40x slower), so this kernel is C.
//
// Pseudo-code for one block, AVX2 and scalar alike:
//   anchor     = (b == '@') | (b == '_') | (b == '=') | (b == ':')
//              | (b == '-' & next == '-') | (b == 'y' & next == 'J') | (b == 'x' & next == 'o')
//              | (b == 'I' & (next == 'A' | next == 'z'))
//   digit      = '0' <= b <= '9'
//   structural = b in {s0, s1, s2, s3}
#include "mask_kernels.h"

#include <string.h>

static inline int is_pair(uint8_t b, uint8_t n) {
    return (b == '-' && n == '-') || (b == 'y' && n == 'J') || (b == 'x' && n == 'o') ||
           (b == 'I' && (n == 'A' || n == 'z'));
}

void mk_classify_scalar(const uint8_t *bytes, size_t length, uint8_t next_byte,
                        const uint8_t structural[4], mk_block_masks *out) {
    size_t blocks = (length + 63) / 64;
    for (size_t block = 0; block < blocks; block++) {
        uint64_t anchor = 0, digit = 0, structure = 0;
        size_t base = block * 64;
        size_t end = base + 64 < length ? base + 64 : length;
        for (size_t i = base; i < end; i++) {
            uint8_t b = bytes[i];
            uint8_t n = i + 1 < length ? bytes[i + 1] : next_byte;
            uint64_t bit = (uint64_t)1 << (i - base);
            if (b == '@' || b == '_' || b == '=' || b == ':' || is_pair(b, n)) anchor |= bit;
            if (b >= '0' && b <= '9') digit |= bit;
            if (b == structural[0] || b == structural[1] || b == structural[2] || b == structural[3])
                structure |= bit;
        }
        out[block].anchor = anchor;
        out[block].digit = digit;
        out[block].structural = structure;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static inline uint32_t eq_mask(__m256i v, char c) {
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)));
}

// Classifies 32 bytes at `p`; `p[32]` must be readable (it is the "next" byte of the last lane).
__attribute__((target("avx2")))
static inline void classify32(const uint8_t *p, const uint8_t s[4],
                              uint32_t *anchor, uint32_t *digit, uint32_t *structure) {
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    __m256i n = _mm256_loadu_si256((const __m256i *)(p + 1));
    uint32_t a = eq_mask(v, '@') | eq_mask(v, '_') | eq_mask(v, '=') | eq_mask(v, ':');
    uint32_t pairs = (eq_mask(v, '-') & eq_mask(n, '-')) | (eq_mask(v, 'y') & eq_mask(n, 'J')) |
                     (eq_mask(v, 'x') & eq_mask(n, 'o')) |
                     (eq_mask(v, 'I') & (eq_mask(n, 'A') | eq_mask(n, 'z')));
    *anchor = a | pairs;
    // Digits: b - '0' as unsigned is below 10; compare via max(b - '0', 9) == 9 on unsigned lanes.
    __m256i shifted = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
    __m256i small = _mm256_cmpeq_epi8(_mm256_max_epu8(shifted, _mm256_set1_epi8(9)), _mm256_set1_epi8(9));
    *digit = (uint32_t)_mm256_movemask_epi8(small);
    *structure = eq_mask(v, (char)s[0]) | eq_mask(v, (char)s[1]) | eq_mask(v, (char)s[2]) |
                 eq_mask(v, (char)s[3]);
}

__attribute__((target("avx2")))
static void classify_avx2(const uint8_t *bytes, size_t length, uint8_t next_byte,
                          const uint8_t structural[4], mk_block_masks *out) {
    size_t block = 0;
    // Full blocks whose 65th byte is inside the input are read in place.
    for (; (block + 1) * 64 < length; block++) {
        const uint8_t *p = bytes + block * 64;
        uint32_t a0, d0, s0, a1, d1, s1;
        classify32(p, structural, &a0, &d0, &s0);
        classify32(p + 32, structural, &a1, &d1, &s1);
        out[block].anchor = (uint64_t)a0 | ((uint64_t)a1 << 32);
        out[block].digit = (uint64_t)d0 | ((uint64_t)d1 << 32);
        out[block].structural = (uint64_t)s0 | ((uint64_t)s1 << 32);
    }
    size_t base = block * 64;
    if (base >= length) return;
    // The last block is copied into a padded buffer so that nothing reads past the input; bytes past
    // the end are then cleared from the masks. The padding byte after the data is `next_byte`.
    uint8_t padded[128];
    memset(padded, 0, sizeof padded);
    size_t rest = length - base;
    memcpy(padded, bytes + base, rest);
    padded[rest] = next_byte;
    uint32_t a0, d0, s0, a1, d1, s1;
    classify32(padded, structural, &a0, &d0, &s0);
    classify32(padded + 32, structural, &a1, &d1, &s1);
    uint64_t keep = rest == 64 ? ~(uint64_t)0 : (((uint64_t)1 << rest) - 1);
    out[block].anchor = ((uint64_t)a0 | ((uint64_t)a1 << 32)) & keep;
    out[block].digit = ((uint64_t)d0 | ((uint64_t)d1 << 32)) & keep;
    out[block].structural = ((uint64_t)s0 | ((uint64_t)s1 << 32)) & keep;
}

// libgcc initialises the CPU model in a constructor, so this is a read of a global: safe from any thread.
static int has_avx2(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }
#endif

int mk_classify_uses_avx2(void) {
#if defined(__x86_64__)
    return has_avx2();
#else
    return 0;
#endif
}

void mk_classify(const uint8_t *bytes, size_t length, uint8_t next_byte,
                 const uint8_t structural[4], mk_block_masks *out) {
#if defined(__x86_64__)
    if (has_avx2()) {
        classify_avx2(bytes, length, next_byte, structural, out);
        return;
    }
#endif
    mk_classify_scalar(bytes, length, next_byte, structural, out);
}
