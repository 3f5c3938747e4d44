// Whether a cell of a type that cannot hold PII (a UUID, a timestamp, an address) is made only of the
// bytes such values print with, so that a column batch may skip classifying it: a text anchor is a
// stage-1 trigger other than ':', the triggers are '@' '_' '=' ':' '>' and the pairs "--", "\",",
// "',", " \"", "(\"", and none of those can form from these bytes without "--", nor with the byte after
// the cell when its last byte is no '-', ' ' or '(' (the first bytes of a pair). A '$' after a letter
// or digit is a text anchor (a password hash's): it is allowed only with no letter or digit before it
// in the cell (money prints `$1,234.56`, `-$5.00`), so the byte before it is none, or it is the cell's
// first byte, which StageOneIndex.hasTextAnchor does not count (every hash shape has a '$' after a
// letter or digit inside it, which is refused). AVX2: one nibble-table membership test per
// 32 bytes (these cells are 10 to 40 bytes, so most take one); the scalar twin reads a table per byte.
#include "mask_kernels.h"

// Per byte: bit 0 set when the byte is not in ` $(),+-./0-9:A-Z[]a-z`, bit 1 set for '-', bit 2 for '$',
// bit 3 for a letter or digit.
static const uint8_t PLAIN[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 1, 1, 1, 4, 1, 1, 1, 0, 0, 1, 0, 0, 2, 0, 0,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 0, 1, 1, 1, 1, 1,
    1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 0, 1, 0, 1, 1,
    1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

// Whether the cell's last byte may start a trigger pair with the byte after it: '-' ("--"), ' ' (" \"")
// or '(' ("(\"").
static inline int pairs_with_next(const uint8_t *bytes, size_t length) {
    if (length == 0) return 0;
    uint8_t last = bytes[length - 1];
    return last == '-' || last == ' ' || last == '(';
}

int mk_plain_typed_text_scalar(const uint8_t *bytes, size_t length) {
    uint8_t refused = 0, dash_before = 0, alnum_before = 0;
    for (size_t i = 0; i < length; i++) {
        uint8_t c = PLAIN[bytes[i]];
        uint8_t dash = (c >> 1) & 1, dollar = (c >> 2) & 1;
        refused |= (c & 1) | (dash & dash_before) | (dollar & alnum_before);
        dash_before = dash;
        alnum_before |= (c >> 3) & 1;
    }
    return !refused && !pairs_with_next(bytes, length);
}

#if defined(__x86_64__)
#include <immintrin.h>

// Membership by nibble tables: byte b is allowed when PLAIN_ROW[b >> 4] & PLAIN_LO[b & 15] != 0 (rows
// 8 to 15, the bytes from 0x80, are in no row). Generated from PLAIN above; the tests compare the two.
static const uint8_t PLAIN_ROW[16] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t PLAIN_LO[16] = {0xac, 0xf8, 0xf8, 0xf8, 0xfc, 0xf8, 0xf8, 0xf8, 0xfc, 0xfc, 0xf8, 0x74, 0x54, 0x74, 0x54, 0x54};

// `bytes` must be readable up to `length` rounded up to 32 (the bytes past `length` are ignored).
__attribute__((target("avx2")))
static int plain_avx2(const uint8_t *bytes, size_t length) {
    const __m256i lo_table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)PLAIN_LO));
    const __m256i row_table = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)PLAIN_ROW));
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i zero_char = _mm256_set1_epi8('0'), nine = _mm256_set1_epi8(9);
    const __m256i a_char = _mm256_set1_epi8('a'), z_offset = _mm256_set1_epi8(25), case_bit = _mm256_set1_epi8(0x20);
    uint32_t dash_before = 0, alnum_seen = 0;
    for (size_t offset = 0; offset < length; offset += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(bytes + offset));
        __m256i hit = _mm256_and_si256(_mm256_shuffle_epi8(lo_table, _mm256_and_si256(v, nibble)),
                                       _mm256_shuffle_epi8(row_table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
        uint32_t refused = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hit, _mm256_setzero_si256()));
        uint32_t dash = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')));
        uint32_t dollar = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('$')));
        const __m256i d = _mm256_sub_epi8(v, zero_char);
        const __m256i l = _mm256_sub_epi8(_mm256_or_si256(v, case_bit), a_char);
        uint32_t alnum = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
            _mm256_cmpeq_epi8(_mm256_max_epu8(d, nine), nine), _mm256_cmpeq_epi8(_mm256_max_epu8(l, z_offset), z_offset)));
        size_t rest = length - offset;
        uint32_t valid = rest >= 32 ? ~(uint32_t)0 : ((uint32_t)1 << rest) - 1;
        dash &= valid;
        dollar &= valid;
        alnum &= valid;
        // Where a '$' has a letter or digit before it in the cell: from the lowest alnum bit on (-x of
        // a lowest bit x sets it and every bit above; zero when there is none).
        uint32_t after_alnum = alnum_seen ? ~(uint32_t)0 : -(alnum & -alnum);
        if ((refused & valid) | (dash & ((dash << 1) | dash_before)) | (dollar & after_alnum)) return 0;
        dash_before = dash >> 31;
        alnum_seen |= alnum != 0;
        if (rest <= 32) break;
    }
    return !pairs_with_next(bytes, length);
}
#endif

int mk_plain_typed_text(const uint8_t *bytes, size_t length, size_t readable) {
    if (length == 0) return 1;
#if defined(__x86_64__)
    // Follows stage 1's path (a vector kernel, so AVX2, unless the CPU lacks it or MASKD_STAGE1=scalar
    // forces the twins).
    if (readable >= ((length + 31) & ~(size_t)31) && mk_classify_uses_vectors()) return plain_avx2(bytes, length);
#endif
    (void)readable;
    return mk_plain_typed_text_scalar(bytes, length);
}
