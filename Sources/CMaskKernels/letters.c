// The byte loops around a length-keeping token's FF1 (mask_letters.h). A 40-character secret's token
// spent ~1,300 instructions in them as Swift loops (a class lookup, a compare, a store and a counter per
// byte, twice), against ~2,200 in its FF1 rounds (callgrind, Benchmarks/RESULTS.md). With AVX-512 VBMI
// a 64-byte step is a two-register table lookup (vpermi2b over the table's first 128 codes), one compare
// into a mask, and a compress (VBMI2) to gather or an expand to scatter the numerals.
#include "mask_letters.h"
#include "kernel_path_internal.h"

enum { LETTER_CODES = 64 };

static long numerals_bytes(const uint8_t *value, size_t length, const uint8_t *classes, uint8_t *out, size_t limit) {
    size_t count = 0;
    for (size_t i = 0; i < length; i++) {
        const uint8_t b = value[i];
        if (b >= 0x80) return -1;
        const uint8_t c = classes[b];
        if (c >= LETTER_CODES) continue;
        if (count == limit) return -1;
        out[count++] = c;
    }
    return (long)count;
}

static void write_bytes(const uint8_t *value, size_t length, const uint8_t *classes, const uint8_t *symbols,
                        const uint8_t *numerals, uint8_t *out) {
    size_t k = 0;
    for (size_t i = 0; i < length; i++) {
        const uint8_t b = value[i];
        const uint8_t c = classes[b];
        out[i] = (b < 0x80 && c < LETTER_CODES) ? symbols[numerals[k++]] : b;
    }
}

static size_t keystream_bytes(const uint8_t *bytes, size_t available, unsigned radix, uint8_t *out, size_t want,
                              size_t *consumed) {
    const unsigned limit = 256 - 256 % radix;
    size_t made = 0, i = 0;
    while (i < available && made < want) {
        const unsigned b = bytes[i++];
        if (b < limit) out[made++] = (uint8_t)(b % radix);
    }
    *consumed = i;
    return made;
}

#if defined(__x86_64__)
#include <immintrin.h>

#define LETTERS_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt,bmi2")))

static inline __mmask64 first_bytes(size_t n) { return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1); }

// The class codes of the ASCII bytes of `v` (a byte of 0x80 or above gets the code of its low seven bits:
// callers mask those out), from the table's first 128 codes in two registers.
LETTERS_TARGET static inline __m512i codes_of(__m512i v, __m512i low, __m512i high) {
    return _mm512_permutex2var_epi8(low, v, high);
}

LETTERS_TARGET static long numerals_vbmi(const uint8_t *value, size_t length, const uint8_t *classes, uint8_t *out,
                                         size_t limit) {
    const __m512i low = _mm512_loadu_si512((const void *)classes);
    const __m512i high = _mm512_loadu_si512((const void *)(classes + 64));
    const __m512i letter_codes = _mm512_set1_epi8(LETTER_CODES);
    size_t count = 0;
    for (size_t i = 0; i < length; i += 64) {
        const __mmask64 valid = first_bytes(length - i);
        const __m512i v = _mm512_maskz_loadu_epi8(valid, value + i);
        if (_mm512_movepi8_mask(v)) return -1;   // a byte of 0x80 or above (masked-off bytes read as 0)
        const __m512i codes = codes_of(v, low, high);
        const __mmask64 letters = _mm512_mask_cmplt_epu8_mask(valid, codes, letter_codes);
        const size_t m = (size_t)__builtin_popcountll(letters);
        if (m > limit - count) return -1;
        // Sound: m <= limit - count numerals are stored at out + count, inside the caller's `limit`.
        _mm512_mask_storeu_epi8(out + count, first_bytes(m), _mm512_maskz_compress_epi8(letters, codes));
        count += m;
    }
    return (long)count;
}

LETTERS_TARGET static void write_vbmi(const uint8_t *value, size_t length, const uint8_t *classes,
                                      const uint8_t *symbols, const uint8_t *numerals, uint8_t *out) {
    const __m512i low = _mm512_loadu_si512((const void *)classes);
    const __m512i high = _mm512_loadu_si512((const void *)(classes + 64));
    const __m512i table = _mm512_loadu_si512((const void *)symbols);
    const __m512i letter_codes = _mm512_set1_epi8(LETTER_CODES);
    size_t k = 0;
    for (size_t i = 0; i < length; i += 64) {
        const __mmask64 valid = first_bytes(length - i);
        const __m512i v = _mm512_maskz_loadu_epi8(valid, value + i);
        const __mmask64 ascii = valid & ~_mm512_movepi8_mask(v);
        const __mmask64 letters = _mm512_mask_cmplt_epu8_mask(ascii, codes_of(v, low, high), letter_codes);
        // Sound: the expand reads popcount(letters) numerals from numerals + k, the next of the caller's
        // (one per letter or digit of the value); vpermb reads the low six bits of each, below 64.
        const __m512i spread = _mm512_maskz_expandloadu_epi8(letters, numerals + k);
        const __m512i token = _mm512_mask_mov_epi8(v, letters, _mm512_permutexvar_epi8(spread, table));
        _mm512_mask_storeu_epi8(out + i, valid, token);
        k += (size_t)__builtin_popcountll(letters);
    }
}

// 64 keystream bytes a step: the accepted ones (below the rejection bound) in a mask, cut to the `want`
// lowest by a bit deposit; each byte's remainder computed in 16-bit lanes (q = (b * ceil(2^16 / radix))
// >> 16 is exact for b < 256 and radix <= 256, so b - q * radix is b % radix); the kept ones compressed.
LETTERS_TARGET static size_t keystream_vbmi(const uint8_t *bytes, size_t available, unsigned radix, uint8_t *out,
                                            size_t want, size_t *consumed) {
    const unsigned limit = 256 - 256 % radix;
    const __m512i bound = _mm512_set1_epi8((char)(uint8_t)limit);   // unused when limit is 256
    const __m512i reciprocal = _mm512_set1_epi16((short)(uint16_t)((65536 + radix - 1) / radix));
    const __m512i divisor = _mm512_set1_epi16((short)radix);
    size_t made = 0, i = 0;
    while (i < available && made < want) {
        const size_t n = available - i < 64 ? available - i : 64;
        const __mmask64 valid = first_bytes(n);
        const __m512i v = _mm512_maskz_loadu_epi8(valid, bytes + i);
        __mmask64 accept = limit == 256 ? valid : _mm512_mask_cmplt_epu8_mask(valid, v, bound);
        size_t m = (size_t)__builtin_popcountll(accept), step = n;
        const size_t room = want - made;
        if (m >= room) {
            // The step that completes the draw: the lowest `room` accepted bytes (room < 64 when m > room),
            // and it ends just after the last of them, as the byte loop stops there.
            if (m > room) accept = _pdep_u64((((uint64_t)1) << room) - 1, accept);
            m = room;
            step = 64 - (size_t)__builtin_clzll(accept);
        }
        const __m512i low = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(v));
        const __m512i high = _mm512_cvtepu8_epi16(_mm512_extracti64x4_epi64(v, 1));
        const __m512i low_rest = _mm512_sub_epi16(low, _mm512_mullo_epi16(_mm512_mulhi_epu16(low, reciprocal), divisor));
        const __m512i high_rest = _mm512_sub_epi16(high, _mm512_mullo_epi16(_mm512_mulhi_epu16(high, reciprocal), divisor));
        const __m512i numerals = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi16_epi8(low_rest)),
                                                    _mm512_cvtepi16_epi8(high_rest), 1);
        // Sound: m <= want - made numerals are stored at out + made, inside the caller's room.
        _mm512_mask_storeu_epi8(out + made, first_bytes(m), _mm512_maskz_compress_epi8(accept, numerals));
        made += m;
        i += step;
    }
    *consumed = i;
    return made;
}

static int has_vbmi2(void) {
    return !mk_thread_withholds_vbmi && mk_cpu_cap() >= MK_CPU_ANY && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
           && __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2")
           && __builtin_cpu_supports("bmi2");
}

int mk_letters_has_wide(void) { return has_vbmi2(); }

static int use_wide(void) {
    const mk_path forced = mk_path_forced_here(MK_KERNEL_LETTERS);
    if (forced == MK_PATH_PORTABLE) return 0;
    return mk_letters_has_wide();
}
#else
int mk_letters_has_wide(void) { return 0; }
static int use_wide(void) { return 0; }
#endif

long mk_letters_numerals(const uint8_t *value, size_t length, const uint8_t *classes, uint8_t *out, size_t limit) {
#if defined(__x86_64__)
    if (use_wide()) {
        mk_path_record(MK_KERNEL_LETTERS, MK_PATH_WIDE);
        return numerals_vbmi(value, length, classes, out, limit);
    }
#endif
    mk_path_record(MK_KERNEL_LETTERS, MK_PATH_PORTABLE);
    return numerals_bytes(value, length, classes, out, limit);
}

void mk_letters_write(const uint8_t *value, size_t length, const uint8_t *classes, const uint8_t *symbols,
                      const uint8_t *numerals, uint8_t *out) {
#if defined(__x86_64__)
    if (use_wide()) {
        mk_path_record(MK_KERNEL_LETTERS, MK_PATH_WIDE);
        write_vbmi(value, length, classes, symbols, numerals, out);
        return;
    }
#endif
    mk_path_record(MK_KERNEL_LETTERS, MK_PATH_PORTABLE);
    write_bytes(value, length, classes, symbols, numerals, out);
}

size_t mk_letters_from_keystream(const uint8_t *bytes, size_t available, unsigned radix, uint8_t *out, size_t want,
                                 size_t *consumed) {
#if defined(__x86_64__)
    if (use_wide()) {
        mk_path_record(MK_KERNEL_LETTERS, MK_PATH_WIDE);
        return keystream_vbmi(bytes, available, radix, out, want, consumed);
    }
#endif
    mk_path_record(MK_KERNEL_LETTERS, MK_PATH_PORTABLE);
    return keystream_bytes(bytes, available, radix, out, want, consumed);
}
