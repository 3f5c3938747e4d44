// Card and SSN tokens for a batch of values in one call (mask_digit_tokens.h). Three passes: count
// each value's digits and bucket it by kind and FF1 length, read its digits straight into its
// bucket's run of numeral slots, run each bucket's FF1 side by side, then write each token from its
// slot. The buckets are a counting sort (keys below 64) so that nothing allocates. Where the letters
// kernel has its wide path (AVX-512 VBMI2), a value of at most 64 bytes is read and written in one step
// (its digits compressed into the slot, the slot's numerals expanded back into the digits' places).
#include "mask_digit_tokens.h"
#include "kernel_path_internal.h"
#include "csv_kernel_internal.h"

#include <string.h>

enum { LONGEST = 20, KEYS = 64 };

// The key of a value with `digits` digits: the FF1 length and the kind, or -1 when no plan takes it.
static inline int key_of(const mk_digit_token_request *r, unsigned first_count, unsigned plan_count) {
    const int card = r->kind == MK_DIGIT_CARD;
    const int cipher = (int)r->digits - card;
    if (r->digits > LONGEST || cipher < (int)first_count || cipher >= (int)(first_count + plan_count)) return -1;
    return (card ? 32 : 0) + (cipher - (int)first_count);
}

// The check digit that makes `count` payload digits Luhn-valid: the payload's last digit is doubled,
// and every second one before it.
static inline uint8_t luhn_check_digit(const uint8_t *digits, size_t count) {
    static const uint8_t DOUBLED[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
    unsigned total = 0;
    size_t i = count;
    while (i >= 2) { total += DOUBLED[digits[i - 1]] + digits[i - 2]; i -= 2; }
    if (i == 1) total += DOUBLED[digits[0]];
    return (uint8_t)((10 - total % 10) % 10);
}

static const uint64_t ONES = 0x0101010101010101ull;

// Whether the 8 bytes of `x` are all ASCII digits: high nibbles 3, low nibbles below 10 (adding 6 to a
// low nibble of 10 or more carries into the high one). Cards and SSNs without separators are mostly
// such words, which then cost a few operations instead of eight byte steps.
static inline int all_digits(uint64_t x) {
    return (x & (0xF0 * ONES)) == (0x30 * ONES) && (((x & (0x0F * ONES)) + (0x06 * ONES)) & (0xF0 * ONES)) == 0;
}

// One byte of read_numerals: stored where the next digit would go; the position moves on a digit.
static inline unsigned read_byte(uint8_t b, uint8_t *slot, unsigned n) {
    const uint8_t d = (uint8_t)(b - '0');
    slot[n] = d;
    return n + (d < 10);
}

// Reads the digits of `value` as numerals into `slot` (MK_DIGIT_STRIDE bytes) and returns how many the
// value has; past LONGEST digits it stops (the value is refused, its count is enough to say so).
static inline unsigned read_numerals(const uint8_t *value, uint32_t length, uint8_t *slot) {
    unsigned n = 0;
    uint32_t j = 0;
    if (length <= MK_DIGIT_STRIDE) {
        // n <= j < length <= the slot's size: every store lands inside the slot, unchecked.
        for (; j + 8 <= length; j += 8) {
            uint64_t x;
            memcpy(&x, value + j, 8);
            if (all_digits(x)) {
                x &= 0x0F * ONES;
                memcpy(slot + n, &x, 8);
                n += 8;
            } else {
                for (uint32_t k = j; k < j + 8; k++) n = read_byte(value[k], slot, n);
            }
        }
        for (; j < length; j++) n = read_byte(value[j], slot, n);
        return n;
    }
    for (; j < length && n <= LONGEST; j++) n = read_byte(value[j], slot, n);
    return n;
}

// Writes the token of `value` from its enciphered numerals (at most LONGEST): each digit replaced by
// the next numeral, every other byte kept; whole words of digits at once, like read_numerals.
static inline void write_token(const uint8_t *value, uint32_t length, const uint8_t *slot, uint8_t *token) {
    unsigned n = 0;
    uint32_t j = 0;
    for (; j + 8 <= length; j += 8) {
        uint64_t x;
        memcpy(&x, value + j, 8);
        if (all_digits(x)) {
            // Eight digits of a value with at most LONGEST: n + 8 <= LONGEST, inside the slot.
            uint64_t y;
            memcpy(&y, slot + n, 8);
            y |= 0x30 * ONES;
            memcpy(token + j, &y, 8);
            n += 8;
            continue;
        }
        for (uint32_t k = j; k < j + 8; k++) {
            const uint8_t b = value[k];
            const int digit = (uint8_t)(b - '0') < 10;
            token[k] = digit ? (uint8_t)(slot[n] + '0') : b;
            n += digit;
        }
    }
    for (; j < length; j++) {
        const uint8_t b = value[j];
        const int digit = (uint8_t)(b - '0') < 10;
        token[j] = digit ? (uint8_t)(slot[n] + '0') : b;
        n += digit;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define DIGITS_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))

// The digits among the first `length` bytes (at most 64) of `value`, and their numerals in `*numerals`.
DIGITS_TARGET static inline __mmask64 digits_of(const uint8_t *value, uint32_t length, __m512i *numerals, __m512i *bytes) {
    *bytes = _mm512_maskz_loadu_epi8(mk_bits_below(length), value);
    *numerals = _mm512_sub_epi8(*bytes, _mm512_set1_epi8('0'));
    return _mm512_mask_cmplt_epu8_mask(mk_bits_below(length), *numerals, _mm512_set1_epi8(10));
}

// read_numerals for a value of at most 64 bytes: the count of its digits, their numerals stored in the
// slot when they are at most LONGEST (a longer count refuses the value, as read_numerals's does).
DIGITS_TARGET static unsigned read_numerals_wide(const uint8_t *value, uint32_t length, uint8_t *slot) {
    __m512i numerals, bytes;
    const __mmask64 digits = digits_of(value, length, &numerals, &bytes);
    const unsigned n = (unsigned)__builtin_popcountll(digits);
    if (n > LONGEST) return n;
    const __mmask64 first = ((__mmask64)1 << n) - 1;
    // Sound: n <= LONGEST < MK_DIGIT_STRIDE bytes are stored in the slot. A value of digits only (most
    // cards) needs no compress, whose latency is several cycles.
    _mm512_mask_storeu_epi8(slot, first, digits == first ? numerals : _mm512_maskz_compress_epi8(digits, numerals));
    return n;
}

// write_token for a value of at most 64 bytes; `check`: a card's last numeral, or -1. Given apart rather
// than stored in the slot first: a byte store read back by the vector load right after it cannot be
// forwarded, and the load waited for it (most of this function's time).
DIGITS_TARGET static void write_token_wide(const uint8_t *value, uint32_t length, const uint8_t *slot, int check,
                                           uint8_t *token) {
    __m512i numerals, bytes;
    const __mmask64 digits = digits_of(value, length, &numerals, &bytes);
    // Sound: the expand reads one numeral per digit, at most LONGEST, from the slot; a value of digits
    // only reads them in place.
    __m512i spread = (digits & (digits + 1)) == 0 ? _mm512_maskz_loadu_epi8(digits, slot)
                                                   : _mm512_maskz_expandloadu_epi8(digits, slot);
    // The last digit's place is the highest bit of `digits` (a token has at least two digits).
    if (check >= 0) spread = _mm512_mask_set1_epi8(spread, (__mmask64)1 << (63 - __builtin_clzll(digits)), (char)check);
    const __m512i out = _mm512_mask_add_epi8(bytes, digits, spread, _mm512_set1_epi8('0'));
    _mm512_mask_storeu_epi8(token, mk_bits_below(length), out);
}

// Whether this call reads and writes values in vectors: the letters kernel's wide path, unless forced off.
static int digits_use_wide(void) {
    const int wide = mk_path_forced_here(MK_KERNEL_LETTERS) != MK_PATH_PORTABLE && mk_letters_has_wide();
    mk_path_record(MK_KERNEL_LETTERS, wide ? MK_PATH_WIDE : MK_PATH_PORTABLE);
    return wide;
}
#else
static int digits_use_wide(void) {
    mk_path_record(MK_KERNEL_LETTERS, MK_PATH_PORTABLE);
    return 0;
}
#endif

// read_numerals, or its wide twin where the call has it and the value fits one vector.
static inline unsigned read_value(int wide, const uint8_t *value, uint32_t length, uint8_t *slot) {
#if defined(__x86_64__)
    if (wide && length <= 64) return read_numerals_wide(value, length, slot);
#endif
    (void)wide;
    return read_numerals(value, length, slot);
}

// write_token, or its wide twin likewise; `check`: a card's last numeral (`digits` of them in the slot),
// or -1.
static inline void write_value(int wide, const uint8_t *value, uint32_t length, uint8_t *slot, unsigned digits, int check,
                               uint8_t *token) {
#if defined(__x86_64__)
    if (wide && length <= 64) {
        write_token_wide(value, length, slot, check, token);
        return;
    }
#endif
    (void)wide;
    if (check >= 0) slot[digits - 1] = (uint8_t)check;
    write_token(value, length, slot, token);
}

// The payload (first 18 digits) of 9223372036854775807, the largest bigint: a 19-digit number whose payload
// is below it fits a bigint whatever its check digit.
static const uint8_t INT8_PAYLOAD[18] = {9, 2, 2, 3, 3, 7, 2, 0, 3, 6, 8, 5, 4, 7, 7, 5, 8, 0};

int mk_payload_fits_int8(const uint8_t *payload) {
    for (int i = 0; i < 18; i++) {
        if (payload[i] != INT8_PAYLOAD[i]) return payload[i] < INT8_PAYLOAD[i];
    }
    return 0;
}

static inline int digit_side(const uint8_t *numerals, unsigned count, int bigint) {
    return (numerals[0] == 0) | (bigint && count == 18 && !mk_payload_fits_int8(numerals)) << 1;
}

int mk_digit_side(const uint8_t *numerals, unsigned count, int bigint) { return digit_side(numerals, count, bigint); }

void mk_digit_walk(const mk_ff1_plan *plan, uint8_t *enciphered, unsigned count, int side, int bigint) {
    // Cycle walking: FF1 permutes the strings of `count` numerals, so following a string's cycle until
    // it is back on its own side permutes each side. The side holding the input is reached again: the
    // walk ends.
    while (mk_digit_side(enciphered, count, bigint) != side) mk_ff1_encrypt_prepared(plan, enciphered);
}

long mk_digit_tokens(const mk_ff1_plan *card_plans, const mk_ff1_plan *ssn_plans, unsigned first_count,
                     unsigned plan_count, const uint8_t *bytes, size_t byte_count, uint8_t *tokens,
                     mk_digit_token_request *requests, size_t count, uint8_t *numerals) {
    if (plan_count == 0 || plan_count > 32 || first_count < 2 || first_count + plan_count - 1 > LONGEST) return -1;
    for (size_t i = 0; i < count; i++) {
        const mk_digit_token_request *r = &requests[i];
        if ((r->kind != MK_DIGIT_CARD && r->kind != MK_DIGIT_SSN) || r->start > byte_count ||
            r->length > byte_count - r->start) return -1;
    }
    const int wide = digits_use_wide();
    // Pass 1: each value's numerals in its own slot of the first half of `numerals`, and its bucket.
    uint8_t *read = numerals, *run = numerals + count * MK_DIGIT_STRIDE;
    uint32_t next[KEYS];
    memset(next, 0, sizeof next);
    for (size_t i = 0; i < count; i++) {
        mk_digit_token_request *r = &requests[i];
        r->digits = (uint8_t)read_value(wide, bytes + r->start, r->length, read + i * MK_DIGIT_STRIDE);
        const int key = key_of(r, first_count, plan_count);
        r->key = key < 0 ? 0xFF : (uint8_t)key;
        if (key >= 0) next[key]++;
    }
    uint32_t run_start[KEYS + 1];
    uint32_t total = 0;
    for (int k = 0; k < KEYS; k++) { run_start[k] = total; total += next[k]; next[k] = run_start[k]; }
    run_start[KEYS] = total;
    // Pass 2: the slots gathered into runs of one bucket each, in the second half.
    for (size_t i = 0; i < count; i++) {
        mk_digit_token_request *r = &requests[i];
        if (r->key == 0xFF) continue;
        r->slot = next[r->key]++;
        memcpy(run + (size_t)r->slot * MK_DIGIT_STRIDE, read + i * MK_DIGIT_STRIDE, MK_DIGIT_STRIDE);
    }
    // Each bucket's FF1 in one interleaved call.
    for (int k = 0; k < KEYS; k++) {
        const uint32_t values = run_start[k + 1] - run_start[k];
        if (values == 0) continue;
        const mk_ff1_plan *plan = (k >= 32 ? card_plans : ssn_plans) + (k & 31);
        if (mk_ff1_encrypt_prepared_batch(plan, run + (size_t)run_start[k] * MK_DIGIT_STRIDE, MK_DIGIT_STRIDE,
                                          values) != 0) return -1;  // unreachable: numerals are below 10
    }
    // The sides (mk_digit_side): each token must be on its value's. A value that starts with 0 keeps it
    // and FF1 of one numeral fewer enciphers the rest; another whose token is on the other side is
    // enciphered again, until it is not (cycle walking). Both are done in batches, as above: one by one
    // they cost a scalar FF1 call (~200 ns) each, a quarter more per token. A slot's last two bytes,
    // past any value's numerals, say what it awaits and the side it must reach.
    enum { STATE = MK_DIGIT_STRIDE - 1, SIDE = MK_DIGIT_STRIDE - 2, DONE = 0, ZERO = 1, WALK = 2 };
    // How many of each bucket's slots await each (most none: cards and SSNs seldom start with 0, and
    // a tenth of tokens walk), so that a bucket's slots are looked through only while some await.
    uint32_t waiting[2][KEYS];
    memset(waiting, 0, sizeof waiting);
    for (size_t i = 0; i < count; i++) {
        const mk_digit_token_request *r = &requests[i];
        if (r->key == 0xFF) continue;
        uint8_t *slot = run + (size_t)r->slot * MK_DIGIT_STRIDE;
        const uint8_t *value = read + i * MK_DIGIT_STRIDE;
        const int card = r->kind == MK_DIGIT_CARD;
        const unsigned cipher = r->digits - (unsigned)card;
        if (value[0] == 0 && cipher - 1 >= first_count) {
            memcpy(slot, value, cipher);
            slot[STATE] = ZERO;
        } else {
            slot[SIDE] = (uint8_t)digit_side(value, cipher, card);
            slot[STATE] = digit_side(slot, cipher, card) == slot[SIDE] ? DONE : WALK;
        }
        if (slot[STATE] != DONE) waiting[slot[STATE] - 1][r->key]++;
    }
    // Each bucket's slots that await something are gathered into the first half (free now: the values'
    // numerals were read above), enciphered in one call, and put back; a slot's index rides along in
    // the gathered copy's last four bytes.
    for (int k = 0; k < KEYS; k++) {
        const uint32_t first = run_start[k], end = run_start[k + 1];
        if (first == end) continue;
        const int card = k >= 32;
        const unsigned index = (unsigned)(k & 31), cipher = first_count + index;
        const mk_ff1_plan *plans = card ? card_plans : ssn_plans;
        // Round 0 enciphers the slots awaiting ZERO (each DONE after it), every later one those still
        // walking, until none is.
        for (int round = 0;; round++) {
            const uint8_t awaited = round == 0 ? ZERO : WALK;
            uint32_t *left = &waiting[awaited - 1][k];
            if (*left == 0) {
                if (round == 0) continue;
                break;
            }
            const unsigned offset = awaited == ZERO ? 1 : 0, width = cipher - offset;
            uint32_t gathered = 0;
            for (uint32_t s = first; s < end && gathered < *left; s++) {
                const uint8_t *slot = run + (size_t)s * MK_DIGIT_STRIDE;
                if (slot[STATE] != awaited) continue;
                uint8_t *copy = read + (size_t)gathered++ * MK_DIGIT_STRIDE;
                memcpy(copy, slot + offset, width);
                memcpy(copy + MK_DIGIT_STRIDE - 4, &s, 4);
            }
            if (mk_ff1_encrypt_prepared_batch(plans + (index - offset), read, MK_DIGIT_STRIDE, gathered) != 0) return -1;
            uint32_t walking = 0;
            for (uint32_t j = 0; j < gathered; j++) {
                const uint8_t *copy = read + (size_t)j * MK_DIGIT_STRIDE;
                uint32_t s;
                memcpy(&s, copy + MK_DIGIT_STRIDE - 4, 4);
                uint8_t *slot = run + (size_t)s * MK_DIGIT_STRIDE;
                memcpy(slot + offset, copy, width);
                slot[STATE] = awaited == ZERO || digit_side(slot, cipher, card) == slot[SIDE] ? DONE : WALK;
                walking += slot[STATE] == WALK;
            }
            *left = walking;
        }
    }
    // Pass 3: the tokens, and the requests that got one moved to the front.
    size_t made = 0;
    for (size_t i = 0; i < count; i++) {
        const mk_digit_token_request r = requests[i];
        if (r.key == 0xFF) continue;
        uint8_t *slot = run + (size_t)r.slot * MK_DIGIT_STRIDE;
        // A card's check digit is one that fails Luhn.
        const int check = r.kind == MK_DIGIT_CARD ? (luhn_check_digit(slot, r.digits - 1u) + 1) % 10 : -1;
        write_value(wide, bytes + r.start, r.length, slot, r.digits, check, tokens + r.start);
        requests[made++] = r;
    }
    return (long)made;
}
