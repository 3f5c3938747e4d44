// The plain ASCII run of an email's local part that ends at its '@' (EmailDetector.localStart): one
// vector pass over the 32 bytes before the separator instead of a loop per byte, whose exit went either
// way on every address (the loop and its escape test were 8 % of the time on a table of emails).
// AVX2 where stage 1 runs vectors; the scalar twin reads the same definition byte by byte, and the
// tests compare the two.
#include "mask_kernels.h"

#include <string.h>

// `ASCII.isEmailLocal` without '%', which starts an escape: [A-Za-z0-9._+'!#$&*^~-].
static int is_local(uint8_t b) {
    if ((uint8_t)((b | 0x20) - 'a') < 26 || (uint8_t)(b - '0') < 10) return 1;
    switch (b) {
    case '.': case '_': case '+': case '\'': case '!': case '#': case '$': case '&': case '*': case '^': case '~':
    case '-':
        return 1;
    default:
        return 0;
    }
}

static int is_alpha(uint8_t b) { return (uint8_t)((b | 0x20) - 'a') < 26; }
static int is_alnum(uint8_t b) { return is_alpha(b) || (uint8_t)(b - '0') < 10; }
// A byte an escape or a UTF-8 character needs: then EncodedCharacter may read a character other than
// the byte itself, and the caller's own loop reads the local part.
static int may_escape(uint8_t b) { return b >= 0x80 || b == '%' || b == '\\' || b == ';'; }

// The window and where the run may reach: a byte is read as itself when the bytes up to six before it
// are no escape's (`EncodedCharacter.isPlainASCII`), so a window that does not start at `lower` lets
// the run reach six bytes into it.
static size_t window_start(size_t lower, size_t end) {
    return end - lower > MK_EMAIL_LOCAL_WINDOW ? end - MK_EMAIL_LOCAL_WINDOW : lower;
}

static size_t run_floor(size_t lower, size_t window) { return window == lower ? lower : window + 6; }

mk_email_local_run mk_email_local_run_scalar(const uint8_t *bytes, size_t lower, size_t end) {
    mk_email_local_run r = {end, -1, 0, 0};
    const size_t window = window_start(lower, end);
    for (size_t i = window; i < end; i++) {
        if (may_escape(bytes[i])) return r;
    }
    r.handled = 1;
    const size_t floor = run_floor(lower, window);
    size_t start = end;
    while (start > floor && is_local(bytes[start - 1])) {
        const uint8_t b = bytes[start - 1];
        if (is_alnum(b) && r.nearest_word < 0) r.nearest_word = (ptrdiff_t)(start - 1);
        r.letters |= is_alpha(b);
        start--;
    }
    r.start = start;
    return r;
}

#if defined(__x86_64__)
#include <immintrin.h>

// Membership of `is_local` by nibble tables: byte b is in the set when LOCAL_ROW[b >> 4] & LOCAL_LO[b & 15]
// is not zero (no row from 0x80 on). Generated from the definition; the tests compare the paths.
static const uint8_t LOCAL_ROW[16] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t LOCAL_LO[16] = {0xa8, 0xfc, 0xf8, 0xfc, 0xfc, 0xf8, 0xfc, 0xfc,
                                     0xf8, 0xf8, 0xf4, 0x54, 0x50, 0x54, 0xf4, 0x70};

// Bytes x with x <= limit, unsigned, as a mask.
__attribute__((target("avx2"), always_inline))
static inline __m256i at_most(__m256i x, uint8_t limit) {
    return _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8((char)limit)), x);
}

__attribute__((target("avx2")))
static mk_email_local_run local_run_avx2(const uint8_t *bytes, size_t lower, size_t end) {
    mk_email_local_run r = {end, -1, 0, 0};
    // Bit j of each mask is the byte at `first + j`; the 32 bytes end at `end`.
    uint8_t padded[MK_EMAIL_LOCAL_WINDOW];
    const uint8_t *p;
    ptrdiff_t first = (ptrdiff_t)end - MK_EMAIL_LOCAL_WINDOW;
    if (first >= 0) {
        p = bytes + first;
    } else {
        // Fewer than 32 bytes before `end` in the buffer: zeros (in no class) before them.
        memset(padded, 0, sizeof padded);
        memcpy(padded + (MK_EMAIL_LOCAL_WINDOW - end), bytes, end);
        p = padded;
    }
    const __m256i v = _mm256_loadu_si256((const __m256i *)p);
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i lo_table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)LOCAL_LO));
    const __m256i row_table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)LOCAL_ROW));
    const __m256i rows = _mm256_and_si256(_mm256_shuffle_epi8(lo_table, _mm256_and_si256(v, nibble)),
                                          _mm256_shuffle_epi8(row_table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
    const uint32_t local = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(rows, _mm256_setzero_si256()));
    const __m256i alpha_v = at_most(_mm256_sub_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a')), 25);
    const __m256i digit_v = at_most(_mm256_sub_epi8(v, _mm256_set1_epi8('0')), 9);
    const uint32_t alpha = (uint32_t)_mm256_movemask_epi8(alpha_v);
    const uint32_t alnum = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(alpha_v, digit_v));
    const __m256i escape_v = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('%')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
        _mm256_cmpeq_epi8(v, _mm256_set1_epi8(';')));
    const uint32_t escape = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(escape_v, v));   // v: the high bit
    // Bits from byte `at` on (at - first in 0...32).
#define FROM(at) ((size_t)((ptrdiff_t)(at) - first) >= 32 ? 0u : ~(uint32_t)0 << ((ptrdiff_t)(at) - first))
    const size_t window = window_start(lower, end);
    if (escape & FROM(window)) return r;
    r.handled = 1;
    const size_t floor = run_floor(lower, window);
    // The run: the local bytes from the top bit down, not below `floor`.
    const uint32_t reach = local & FROM(floor);
    const unsigned k = ~reach == 0 ? 32 : (unsigned)__builtin_clz(~reach);   // 32: every byte is in the run
    if (k == 0) return r;
    const uint32_t run = k >= 32 ? ~(uint32_t)0 : ~(~(uint32_t)0 >> k);
#undef FROM
    r.start = end - k;
    const uint32_t words = alnum & run;
    if (words) r.nearest_word = first + (ptrdiff_t)(31 - __builtin_clz(words));
    r.letters = (alpha & run) != 0;
    return r;
}
#endif

mk_email_local_run mk_email_local_run_of(const uint8_t *bytes, size_t lower, size_t end) {
#if defined(__x86_64__)
    // Follows stage 1's path (a vector kernel, so AVX2, unless the CPU lacks it or MASKD_STAGE1=scalar
    // forces the twins).
    if (mk_classify_uses_vectors()) return local_run_avx2(bytes, lower, end);
#endif
    return mk_email_local_run_scalar(bytes, lower, end);
}
