// The plain ASCII run of an email's domain after its '@' (EmailDetector.domainEnd): one vector pass over
// the 64 bytes after the separator gives where the run of [A-Za-z0-9.-] ends and where its dots and
// letters are, from which the detector walks the labels by their dots, instead of a loop per byte whose
// exit went either way on every address (5 % of the time on a table of emails). AVX2 where stage 1 runs
// vectors; the scalar twin reads the same definition byte by byte, and the tests compare the two.
#include "mask_kernels.h"

#include <string.h>

static int is_alpha(uint8_t b) { return (uint8_t)((b | 0x20) - 'a') < 26; }
static int is_domain(uint8_t b) { return is_alpha(b) || (uint8_t)(b - '0') < 10 || b == '-' || b == '.'; }

static size_t window_end(size_t start, size_t limit) {
    return limit - start > MK_EMAIL_DOMAIN_WINDOW ? start + MK_EMAIL_DOMAIN_WINDOW : limit;
}

mk_email_domain_run mk_email_domain_run_scalar(const uint8_t *bytes, size_t start, size_t limit) {
    mk_email_domain_run r = {start, 0, 0, 0};
    const size_t window = window_end(start, limit);
    size_t p = start;
    while (p < window && is_domain(bytes[p])) {
        const uint64_t bit = (uint64_t)1 << (p - start);
        if (bytes[p] == '.') r.dots |= bit;
        if (is_alpha(bytes[p])) r.letters |= bit;
        p++;
    }
    r.end = p;
    r.complete = p < window || window == limit;
    return r;
}

#if defined(__x86_64__)
#include <immintrin.h>

// The masks of 32 bytes: domain bytes, dots, letters.
__attribute__((target("avx2"), always_inline))
static inline void masks32(__m256i v, uint32_t *domain, uint32_t *dots, uint32_t *letters) {
    const __m256i lower = _mm256_sub_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), _mm256_set1_epi8('a'));
    const __m256i alpha = _mm256_cmpeq_epi8(_mm256_min_epu8(lower, _mm256_set1_epi8(25)), lower);
    const __m256i digit_offset = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
    const __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(digit_offset, _mm256_set1_epi8(9)), digit_offset);
    const __m256i dot = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'));
    const __m256i dash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('-'));
    *domain = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(alpha, digit), _mm256_or_si256(dot, dash)));
    *dots = (uint32_t)_mm256_movemask_epi8(dot);
    *letters = (uint32_t)_mm256_movemask_epi8(alpha);
}

__attribute__((target("avx2")))
static mk_email_domain_run domain_run_avx2(const uint8_t *bytes, size_t readable, size_t start, size_t limit) {
    mk_email_domain_run r = {start, 0, 0, 0};
    const size_t window = window_end(start, limit);
    const size_t count = window - start;   // 0...64
    uint8_t padded[MK_EMAIL_DOMAIN_WINDOW];
    const uint8_t *p = bytes + start;
    if (readable - start < MK_EMAIL_DOMAIN_WINDOW) {
        // The buffer ends within 64 bytes: zeros (in no class) after its last byte.
        memset(padded, 0, sizeof padded);
        memcpy(padded, p, readable - start);
        p = padded;
    }
    uint32_t d0, d1, t0, t1, a0, a1;
    masks32(_mm256_loadu_si256((const __m256i *)p), &d0, &t0, &a0);
    masks32(_mm256_loadu_si256((const __m256i *)(p + 32)), &d1, &t1, &a1);
    const uint64_t valid = count >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << count) - 1);
    const uint64_t domain = ((uint64_t)d1 << 32 | d0) & valid;
    // The run ends at the first byte of the window that is no domain byte.
    const unsigned n = ~domain == 0 ? 64 : (unsigned)__builtin_ctzll(~domain);
    const uint64_t run = n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
    r.end = start + n;
    r.dots = ((uint64_t)t1 << 32 | t0) & run;
    r.letters = ((uint64_t)a1 << 32 | a0) & run;
    r.complete = r.end < window || window == limit;
    return r;
}
#endif

mk_email_domain_run mk_email_domain_run_of(const uint8_t *bytes, size_t readable, size_t start, size_t limit) {
#if defined(__x86_64__)
    // Follows stage 1's path (a vector kernel, so AVX2, unless the CPU lacks it or MASKD_STAGE1=scalar
    // forces the twins).
    if (mk_classify_uses_vectors()) return domain_run_avx2(bytes, readable, start, limit);
#endif
    (void)readable;
    return mk_email_domain_run_scalar(bytes, start, limit);
}
