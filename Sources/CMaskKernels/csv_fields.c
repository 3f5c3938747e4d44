// Splits CSV records into fields in one pass over the bytes, so that the record loop (CSVChunkMasker)
// no longer walks every delimiter and every doubled quote in Swift: that walk was a fifth of the time
// on PII-free CSV (Benchmarks/RESULTS.md). Per 64-byte block, four byte masks (quote, delimiter, LF,
// CR) and the "inside quotes" parity (a prefix XOR, carried from block to block, as mk_csv_last_record_end
// and simdjson do) give the field terminators outside quotes; the quotes are checked in the same masks,
// so the kernel accepts exactly the records the Swift record loop accepts and stops before any other:
//   - a quote that opens (parity 0 -> 1) must start a field, or directly follow a closing quote (the
//     second quote of a doubled pair, which closes and reopens);
//   - a quote that closes must be followed by a delimiter, LF, CR LF, another quote (a doubled pair) or
//     the end of the buffer;
//   - a CR outside quotes must be followed by LF (a lone CR is data to the record loop: it parses such a
//     record itself), and the buffer must not end inside quotes.
// A record that breaks one of these is left to the record loop, which reports the error where it is.
#include "mask_kernels.h"
#include "csv_kernel_internal.h"

#include <string.h>


typedef struct { uint64_t quote, delimiter, lf, cr, backslash; } csv_masks;

static void masks_scalar(const uint8_t *p, uint8_t delimiter, csv_masks *m) {
    memset(m, 0, sizeof *m);
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (p[i] == '"') m->quote |= bit;
        if (p[i] == delimiter) m->delimiter |= bit;
        if (p[i] == '\n') m->lf |= bit;
        if (p[i] == '\r') m->cr |= bit;
        if (p[i] == '\\') m->backslash |= bit;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2")))
static inline void masks_avx2(const uint8_t *p, uint8_t delimiter, csv_masks *m) {
    const __m256i a = _mm256_loadu_si256((const __m256i *)p);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
    m->quote = mk_eq64_avx2(a, b, '"');
    m->delimiter = mk_eq64_avx2(a, b, delimiter);
    m->lf = mk_eq64_avx2(a, b, '\n');
    m->cr = mk_eq64_avx2(a, b, '\r');
    m->backslash = mk_eq64_avx2(a, b, '\\');
}

// One compare a class into a mask register: the AVX2 form needs two compares, two movemasks and a
// shift and OR to make each 64-bit mask.
__attribute__((target("avx512f,avx512bw")))
static inline void masks_avx512(const uint8_t *p, uint8_t delimiter, csv_masks *m) {
    const __m512i v = _mm512_loadu_si512((const void *)p);
    m->quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
    m->delimiter = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)delimiter));
    m->lf = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
    m->cr = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r'));
    m->backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
}
#endif

static inline uint64_t prefix_xor_shifts(uint64_t x) { return mk_prefix_xor(x); }

/// At each terminator, whether a mark lies in the field it ends: a mark's carry runs up through the bytes
/// that are no terminator (all ones in ~terms) and stops on the first terminator, which it sets. `*carry`
/// goes in at bit 0 (a mark in the field open before the block) and comes out set when a mark's carry
/// runs off the block's top (one in the field still open after it). `marks` must not hold a terminator.
static inline uint64_t marks_reaching_terms(uint64_t marks, uint64_t terms, uint64_t *carry) {
    const unsigned __int128 sum = (unsigned __int128)~terms + marks + *carry;
    *carry = (uint64_t)(sum >> 64);
    return (uint64_t)sum & terms;
}

// The reader, inlined three times with its block masks and its prefix XOR known: into an AVX-512BW and
// an AVX2 function (whose CPUs also have POPCNT and PCLMULQDQ) and into the portable one.
__attribute__((always_inline))
static inline mk_csv_fields_result read_fields(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                               size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                               size_t field_capacity, size_t *record_ends,
                                               void (*block_masks)(const uint8_t *, uint8_t, csv_masks *),
                                               uint64_t (*prefix_xor)(uint64_t)) {
    mk_csv_fields_result result = {position, 0, 0, 0, 0};
    // State carried from block to block.
    uint64_t inside_carry = 0;   // all ones when the byte before the block is inside quotes
    uint64_t starts_field = 1;   // 1 when the block's first byte starts a field (follows a terminator)
    uint64_t after_close = 0;    // 1 when the byte before the block is a closing quote
    uint64_t after_crlf = 0;     // 1 when the byte before the block is the CR of a CR LF
    uint64_t after_open = 0;     // 1 when the byte before the block is a quote that opens a field
    uint64_t doubled_carry = 0;  // 1 when the field open before the block has a doubled quote
    uint64_t backslash_carry = 0;// 1 when the field open before the block starts with a backslash
    size_t lfs = 0;              // LFs before the block, from `position`
    // The field being read; the open record's fields are fields[result.fields ..< written].
    size_t field_start = position;
    size_t written = 0;
    uint8_t padded[64 + 2];
    for (size_t base = position; base < length; base += 64) {
        size_t avail = length - base;
        const uint8_t *p = bytes + base;
        if (avail < 64) {
            memset(padded, 0, sizeof padded);
            memcpy(padded, p, avail);
            p = padded;
        }
        csv_masks m;
        block_masks(p, delimiter, &m);
        const uint64_t valid = mk_bits_below(avail >= 64 ? 64 : (unsigned)avail);
        // The bytes after the block, for conditions that read one or two bytes ahead.
        const int next0 = avail > 64 ? bytes[base + 64] : -1;
        const int next1 = avail > 65 ? bytes[base + 65] : -1;
        // Most blocks of most tables hold no quote, CR or backslash, and do not start inside quotes or
        // after a CR LF's CR: their fields end at every delimiter and LF, nothing in them can be
        // malformed, and no field starts with a quote or a backslash in them.
        uint64_t inside, close, crlf, lf_term, delim_out, terms, bad;
        // The fields' flags, each at its terminator's bit. A field is quoted when a closing quote ends
        // it (one that is not its last byte makes the record malformed, a quote inside a field that
        // does not start with one too); doubled when a quote in it opens, other than its first (every
        // doubled pair's second quote does); its value starts with a backslash when one lies at its
        // start or after its opening quote.
        uint64_t quoted_at, doubled_at, backslash_at;
        int ends_inside;
        const int plain = (m.quote | m.cr | m.backslash | inside_carry | after_crlf) == 0;
        if (plain) {
            inside = close = crlf = bad = 0;
            ends_inside = 0;
            lf_term = m.lf;
            delim_out = m.delimiter;
            terms = (delim_out | lf_term) & valid;
            quoted_at = after_close & terms;
            doubled_at = marks_reaching_terms(0, terms, &doubled_carry);
            backslash_at = marks_reaching_terms(0, terms, &backslash_carry);
            after_open = 0;
        } else {
            inside = prefix_xor(m.quote) ^ inside_carry;
            const uint64_t open = m.quote & inside;
            close = m.quote & ~inside;
            // CRs are rare in most files (and then one a record): the LF-only reading skips these.
            uint64_t lone_cr = 0, lf_of_crlf = 0;
            crlf = 0;
            if ((m.cr | after_crlf) != 0) {
                const uint64_t lf_next = (m.lf >> 1) | ((uint64_t)(next0 == '\n') << 63);
                crlf = m.cr & ~inside & lf_next;
                lone_cr = m.cr & ~inside & ~lf_next;
                lf_of_crlf = m.lf & ((crlf << 1) | after_crlf);
            }
            lf_term = m.lf & ~inside & ~lf_of_crlf;
            delim_out = m.delimiter & ~inside;
            terms = (delim_out | lf_term | crlf) & valid;
            // Where a field may start: after a terminator (the LF of a CR LF, not its CR), or the block's start.
            const uint64_t field_starts = ((delim_out | lf_term | lf_of_crlf) << 1) | starts_field;
            const uint64_t bad_open = open & ~(field_starts | (close << 1) | after_close);
            // What may follow a closing quote; past the buffer's end is allowed. The byte after the
            // block matters only after a closing quote at its end (one block in 64 that hold quotes).
            uint64_t follow_ok = (m.delimiter | m.lf | m.quote | crlf) >> 1;
            if (close >> 63) {
                const int next0_ok = next0 < 0 || next0 == delimiter || next0 == '\n' || next0 == '"'
                                     || (next0 == '\r' && next1 == '\n');
                follow_ok |= (uint64_t)next0_ok << 63;
            }
            if (avail < 64) follow_ok |= ~valid >> 1;  // the last byte is followed by the buffer's end
            const uint64_t bad_close = close & ~follow_ok;
            bad = (bad_open | bad_close | lone_cr) & valid;
            // The buffer ends inside quotes: the open record is unterminated.
            ends_inside = avail <= 64 && ((inside & valid) >> (avail - 1) & 1);
            const uint64_t opens_field = open & field_starts;
            quoted_at = ((close << 1) | after_close) & terms;
            doubled_at = marks_reaching_terms(open & ~field_starts, terms, &doubled_carry);
            // A delimiter that is a backslash ends an empty field; it starts none.
            if ((m.backslash | backslash_carry) != 0) {
                const uint64_t first_backslash = m.backslash & (field_starts | (opens_field << 1) | after_open) & ~terms;
                backslash_at = marks_reaching_terms(first_backslash, terms, &backslash_carry);
            } else {
                backslash_at = 0;
            }
            after_open = opens_field >> 63;
        }
        const uint64_t usable = bad ? mk_bits_below((unsigned)__builtin_ctzll(bad)) : ~(uint64_t)0;
        uint64_t t = terms & usable;
        const uint64_t record_terms = lf_term | crlf;
        // The fields that fit: all of them but at a buffer of fields almost full.
        const int fits = written + (size_t)__builtin_popcountll(t) <= field_capacity;
        if (!fits) t = mk_lowest_bits(t, field_capacity - written);
        // The fields, in a loop of their own: no branch but the loop's, each field's flags from the
        // block's masks (mispredicted field flags were most of its time when they were branches, and
        // reading a field's first bytes for them a third of what was left).
        const size_t block_first = written;
        if ((quoted_at | doubled_at | backslash_at | crlf) == 0) {
            // No field ending in the block is quoted or starts with a backslash, and none ends in a CR
            // LF: each gets its row end alone.
            for (uint64_t f = t; f; f &= f - 1) {
                const unsigned i = (unsigned)__builtin_ctzll(f);
                mk_put_field(&fields[written++], field_start, base + i, (uint32_t)((record_terms >> i) & 1) * MK_CSV_LAST);
                field_start = base + i + 1;
            }
        } else {
            for (uint64_t f = t; f; f &= f - 1) {
                const unsigned i = (unsigned)__builtin_ctzll(f);
                const size_t at = base + i;
                const uint32_t flags = (uint32_t)((quoted_at >> i) & 1) * MK_CSV_QUOTED
                                       | (uint32_t)((doubled_at >> i) & 1) * MK_CSV_DOUBLED
                                       | (uint32_t)((backslash_at >> i) & 1) * MK_CSV_BACKSLASH
                                       | (uint32_t)((record_terms >> i) & 1) * MK_CSV_LAST;
                mk_put_field(&fields[written++], field_start, at, flags);
                // After a CR LF the next field starts past the LF.
                field_start = at + 1 + ((crlf >> i) & 1);
            }
        }
        // Then the records that end in the block, in order: fields written past the one that stops the
        // read lie beyond `result.fields`, where the caller does not look.
        for (uint64_t r = t & record_terms; r; r &= r - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(r);
            const size_t end = base + i + 1 + ((crlf >> i) & 1);
            record_ends[result.records++] = end;
            result.fields = block_first + (size_t)__builtin_popcountll(t & mk_bits_below(i + 1));
            result.position = end;
            result.lines = lfs + (size_t)__builtin_popcountll(m.lf & (((uint64_t)1 << i) - 1)) + 1;
            if (result.records >= max_records || end - position >= max_bytes || end >= length) return result;
        }
        if (!fits) goto stop_irregular_if_empty;
        if (bad) goto stop_irregular;
        lfs += (size_t)__builtin_popcountll(m.lf & valid);
        inside_carry = (uint64_t)((int64_t)inside >> 63);
        // The block's last byte ends a field: a delimiter or an LF outside quotes (an LF there that ends a
        // CR LF is one of these too).
        starts_field = ((delim_out | m.lf & ~inside) >> 63) & 1;
        after_close = (close >> 63) & 1;
        after_crlf = (crlf >> 63) & 1;
        if (avail <= 64) {
            if (ends_inside) goto stop_irregular;
            // The buffer ends the last record, which has no line ending: its last field ends here too.
            if (field_start > length) return result;
            if (written == field_capacity) goto stop_irregular_if_empty;
            const int quoted = field_start < length && bytes[field_start] == '"';
            const int backslash = field_start + (size_t)quoted < length && bytes[field_start + (size_t)quoted] == '\\';
            mk_csv_field *const field = &fields[written++];
            field->start = field_start;
            field->end = length;
            field->flags = (quoted ? MK_CSV_QUOTED : 0) | (quoted && doubled_carry ? MK_CSV_DOUBLED : 0)
                           | (backslash ? MK_CSV_BACKSLASH : 0) | MK_CSV_LAST;
            result.fields = written;
            record_ends[result.records++] = length;
            result.position = length;
            result.lines = lfs;
            return result;
        }
    }
    return result;
stop_irregular_if_empty:
    // Out of room for fields: the records read so far are returned; a record too wide for the buffer
    // is left to the record loop.
    if (result.records > 0) return result;
stop_irregular:
    result.irregular = 1;
    return result;
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,popcnt,bmi,pclmul")))
static mk_csv_fields_result read_fields_avx512(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                               size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                               size_t field_capacity, size_t *record_ends) {
    return read_fields(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends,
                       masks_avx512, mk_prefix_xor_clmul);
}

__attribute__((target("avx2,popcnt,bmi,pclmul")))
static mk_csv_fields_result read_fields_avx2(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                             size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                             size_t field_capacity, size_t *record_ends) {
    return read_fields(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends,
                       masks_avx2, mk_prefix_xor_clmul);
}
#endif

static mk_csv_fields_result read_fields_portable(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                                 size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                                 size_t field_capacity, size_t *record_ends) {
    return read_fields(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends,
                       masks_scalar, prefix_xor_shifts);
}

mk_csv_fields_result mk_csv_fields(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                   size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                   size_t field_capacity, size_t *record_ends) {
    mk_path path = mk_csv_path();
    if (position >= length || max_records == 0 || field_capacity == 0 || delimiter == '"' || delimiter == '\n'
        || delimiter == '\r') {
        mk_csv_fields_result none = {position, 0, 0, 0, position < length};
        return none;
    }
#if defined(__x86_64__)
    if (path == MK_PATH_WIDE)
        return read_fields_avx512(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends);
    if (path == MK_PATH_ACCELERATED)
        return read_fields_avx2(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends);
#endif
    return read_fields_portable(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends);
}
