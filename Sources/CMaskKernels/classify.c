// Stage 1 of the scan: one pass over the input that turns every 64-byte block into bit masks, so the
// scalar detectors of stage 2 run only where a mask bit is set. Swift has no movemask instruction
// (see shared/PERF-NOTES.md: building masks lane by lane is 40x slower), so this kernel is C.
//
// Pseudo-code for one block, AVX2 and scalar alike:
//   anchor     = (b == '@') | (b == '_') | (b == '=') | (b == ':') | (b == '>')
//              | (b == '-' & next == '-') | ((b == '"' | b == '\'') & next == ',')
//              | ((b == ' ' | b == '(') & next == '"')
//   digit      = '0' <= b <= '9'
//   structural = b in {s0, s1, s2, s3}
//   longrun    = b and the 15 bytes after it are all token bytes [A-Za-z0-9_.~-]
//   wordstart  = b is a letter or digit and the byte before it is not
// `longrun` is computed from a token-byte mask of this block and the next one (bytes past the range
// are read when the buffer has them), so a token that straddles a window or block end is still seen.
// Stage 2 turns it into "a run of 16+ token bytes starts here", the trigger of prefix-token rules
// (ghp_, glpat-, sk-ant-, AKIA, eyJ…): one candidate per long word, none per byte of it.
#include "mask_kernels.h"

#include <string.h>

static inline int is_pair(uint8_t b, uint8_t n) {
    return (b == '-' && n == '-') || ((b == '"' || b == '\'') && n == ',') || ((b == ' ' || b == '(') && n == '"');
}

static inline int is_token_byte(uint8_t b) {
    uint8_t folded = b | 0x20;
    return (b >= '0' && b <= '9') || (folded >= 'a' && folded <= 'z') || b == '_' || b == '.' || b == '-' ||
           b == '~';
}

static inline int is_alnum(uint8_t b) {
    uint8_t folded = b | 0x20;
    return (b >= '0' && b <= '9') || (folded >= 'a' && folded <= 'z');
}

// Token bytes among the (at most 64) bytes at `p`; bytes past `n` count as non-token.
static uint64_t token_bytes(const uint8_t *p, size_t n) {
    uint64_t mask = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (is_token_byte(p[i])) mask |= (uint64_t)1 << i;
    return mask;
}

static uint64_t alnum_bytes(const uint8_t *p, size_t n) {
    uint64_t mask = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (is_alnum(p[i])) mask |= (uint64_t)1 << i;
    return mask;
}

// Bit i: token bytes i...i+15 all set, reading `next` as the block after `tokens`.
static inline uint64_t long_runs(uint64_t tokens, uint64_t next) {
    unsigned __int128 t = (unsigned __int128)tokens | ((unsigned __int128)next << 64);
    t &= t >> 1;
    t &= t >> 2;
    t &= t >> 4;
    t &= t >> 8;
    return (uint64_t)t;
}

// On entry `out[b].longrun` holds block b's token-byte mask and `out[b].wordstart` its letter-or-digit
// mask (bytes past the range included when the buffer has them); this turns them into the long-run
// and word-start masks, then clears bits past `length`.
static void finish_long_runs(const uint8_t *buffer, size_t total, size_t start, size_t length,
                             mk_block_masks *out) {
    size_t blocks = (length + 63) / 64;
    size_t after = start + blocks * 64;
    uint64_t lookahead = after < total ? token_bytes(buffer + after, total - after) : 0;
    uint64_t carry = start > 0 && is_alnum(buffer[start - 1]) ? 1 : 0;
    for (size_t b = 0; b < blocks; b++) {
        uint64_t next = b + 1 < blocks ? out[b + 1].longrun : lookahead;
        out[b].longrun = long_runs(out[b].longrun, next);
        uint64_t alnum = out[b].wordstart;
        out[b].wordstart = alnum & ~((alnum << 1) | carry);
        carry = alnum >> 63;
    }
    size_t rest = length - (blocks - 1) * 64;
    if (blocks > 0 && rest < 64) {
        out[blocks - 1].longrun &= ((uint64_t)1 << rest) - 1;
        out[blocks - 1].wordstart &= ((uint64_t)1 << rest) - 1;
    }
}

void mk_classify_scalar(const uint8_t *buffer, size_t total, size_t start, size_t length,
                        const uint8_t structural[4], mk_block_masks *out) {
    const uint8_t *bytes = buffer + start;
    size_t available = total - start;
    uint8_t next_byte = length < available ? bytes[length] : 0;
    size_t blocks = (length + 63) / 64;
    for (size_t block = 0; block < blocks; block++) {
        uint64_t anchor = 0, digit = 0, structure = 0;
        size_t base = block * 64;
        size_t end = base + 64 < length ? base + 64 : length;
        for (size_t i = base; i < end; i++) {
            uint8_t b = bytes[i];
            uint8_t n = i + 1 < length ? bytes[i + 1] : next_byte;
            uint64_t bit = (uint64_t)1 << (i - base);
            if (b == '@' || b == '_' || b == '=' || b == ':' || b == '>' || is_pair(b, n)) anchor |= bit;
            if (b >= '0' && b <= '9') digit |= bit;
            if (b == structural[0] || b == structural[1] || b == structural[2] || b == structural[3])
                structure |= bit;
        }
        out[block].anchor = anchor;
        out[block].digit = digit;
        out[block].structural = structure;
        out[block].longrun = token_bytes(bytes + base, available - base);
        out[block].wordstart = alnum_bytes(bytes + base, available - base);
    }
    finish_long_runs(buffer, total, start, length, out);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static inline uint32_t eq_mask(__m256i v, char c) {
    return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)));
}

// Classifies 32 bytes at `p`; `p[32]` must be readable (it is the "next" byte of the last lane).
__attribute__((target("avx2")))
static inline void classify32(const uint8_t *p, const uint8_t s[4], uint32_t *anchor, uint32_t *digit,
                              uint32_t *structure, uint32_t *tokens, uint32_t *alnum) {
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    __m256i n = _mm256_loadu_si256((const __m256i *)(p + 1));
    uint32_t underscore = eq_mask(v, '_'), dash = eq_mask(v, '-');
    uint32_t a = eq_mask(v, '@') | underscore | eq_mask(v, '=') | eq_mask(v, ':') | eq_mask(v, '>');
    uint32_t pairs = (dash & eq_mask(n, '-')) | ((eq_mask(v, '"') | eq_mask(v, '\'')) & eq_mask(n, ',')) |
                     ((eq_mask(v, ' ') | eq_mask(v, '(')) & eq_mask(n, '"'));
    *anchor = a | pairs;
    // Digits: b - '0' as unsigned is below 10; compare via max(b - '0', 9) == 9 on unsigned lanes.
    __m256i shifted = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
    __m256i small = _mm256_cmpeq_epi8(_mm256_max_epu8(shifted, _mm256_set1_epi8(9)), _mm256_set1_epi8(9));
    uint32_t digits = (uint32_t)_mm256_movemask_epi8(small);
    *digit = digits;
    // Letters: (b | 0x20) - 'a' below 26, the same unsigned-max trick.
    __m256i folded = _mm256_sub_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a'));
    __m256i letter = _mm256_cmpeq_epi8(_mm256_max_epu8(folded, _mm256_set1_epi8(25)), _mm256_set1_epi8(25));
    *alnum = (uint32_t)_mm256_movemask_epi8(letter) | digits;
    *tokens = *alnum | underscore | dash | eq_mask(v, '.') | eq_mask(v, '~');
    *structure = eq_mask(v, (char)s[0]) | eq_mask(v, (char)s[1]) | eq_mask(v, (char)s[2]) |
                 eq_mask(v, (char)s[3]);
}

__attribute__((target("avx2")))
static void classify_avx2(const uint8_t *buffer, size_t total, size_t start, size_t length,
                          const uint8_t structural[4], mk_block_masks *out) {
    const uint8_t *bytes = buffer + start;
    size_t available = total - start;
    size_t block = 0;
    // Full blocks whose 65th byte is inside the buffer are read in place.
    for (; (block + 1) * 64 <= length && (block + 1) * 64 < available; block++) {
        const uint8_t *p = bytes + block * 64;
        uint32_t a0, d0, s0, t0, w0, a1, d1, s1, t1, w1;
        classify32(p, structural, &a0, &d0, &s0, &t0, &w0);
        classify32(p + 32, structural, &a1, &d1, &s1, &t1, &w1);
        out[block].anchor = (uint64_t)a0 | ((uint64_t)a1 << 32);
        out[block].digit = (uint64_t)d0 | ((uint64_t)d1 << 32);
        out[block].structural = (uint64_t)s0 | ((uint64_t)s1 << 32);
        out[block].longrun = (uint64_t)t0 | ((uint64_t)t1 << 32);
        out[block].wordstart = (uint64_t)w0 | ((uint64_t)w1 << 32);
    }
    size_t base = block * 64;
    if (base < length) {
        // The last block is copied into a padded buffer so that nothing reads past the buffer; the byte
        // after the range is kept when there is one (pairs and token runs straddle the range's end),
        // and bits past the range are then cleared from the masks.
        uint8_t padded[128];
        memset(padded, 0, sizeof padded);
        size_t copy = available - base < 65 ? available - base : 65;
        memcpy(padded, bytes + base, copy);
        size_t rest = length - base;
        // A pair's second byte past the range is seen, its first byte is not: clear what follows.
        if (rest < 64) memset(padded + rest + 1, 0, sizeof padded - rest - 1);
        uint32_t a0, d0, s0, t0, w0, a1, d1, s1, t1, w1;
        classify32(padded, structural, &a0, &d0, &s0, &t0, &w0);
        classify32(padded + 32, structural, &a1, &d1, &s1, &t1, &w1);
        uint64_t keep = rest >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << rest) - 1);
        out[block].anchor = ((uint64_t)a0 | ((uint64_t)a1 << 32)) & keep;
        out[block].digit = ((uint64_t)d0 | ((uint64_t)d1 << 32)) & keep;
        out[block].structural = ((uint64_t)s0 | ((uint64_t)s1 << 32)) & keep;
        // Token bytes past the range stay: a run's length counts them.
        out[block].longrun = token_bytes(bytes + base, available - base);
        out[block].wordstart = alnum_bytes(bytes + base, available - base);
    }
    finish_long_runs(buffer, total, start, length, out);
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

void mk_classify(const uint8_t *buffer, size_t total, size_t start, size_t length,
                 const uint8_t structural[4], mk_block_masks *out) {
#if defined(__x86_64__)
    if (has_avx2()) {
        classify_avx2(buffer, total, start, length, structural, out);
        return;
    }
#endif
    mk_classify_scalar(buffer, total, start, length, structural, out);
}
