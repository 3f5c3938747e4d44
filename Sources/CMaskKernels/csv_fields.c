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
#include "bit_list_internal.h"

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

/// What a block's masks say of its fields, each at its terminator's bit (`read_fields` emits them): the
/// terminators outside quotes, those that end a record, the CRs of CR LFs, the fields quoted, where a
/// quote other than a field's first opens (a doubled pair's second) and where a field's value starts with
/// a backslash (both carried to their terminators when the fields are emitted), the first bytes that make
/// the record malformed, and the LFs (counted as lines).
typedef struct {
    uint64_t terms, record_terms, crlf, quoted_at, doubled_marks, backslash_marks, bad, lf;
} block_fields;

/// What one block hands the next: all ones when its last byte is inside quotes, and whether that byte
/// ends a field, is a closing quote, the CR of a CR LF, or a quote that opens a field.
typedef struct {
    uint64_t inside, starts_field, after_close, after_crlf, after_open;
} block_carry;

// One block's fields from its masks. A field is quoted when a closing quote ends it (one that is not its
// last byte makes the record malformed, a quote inside a field that does not start with one too); doubled
// when a quote in it opens, other than its first (every doubled pair's second quote does); its value
// starts with a backslash when one lies at its start or after its opening quote. `next0` and `next1` are
// the two bytes after the block (-1 past the buffer's end).
__attribute__((always_inline))
static inline block_fields block_fields_of(const csv_masks *m, uint64_t valid, int next0, int next1, uint8_t delimiter,
                                           int last_block, block_carry *c, uint64_t (*prefix_xor)(uint64_t)) {
    block_fields b;
    b.lf = m->lf & valid;
    // Most blocks of most tables hold no quote, CR or backslash, and do not start inside quotes or after
    // a CR LF's CR: their fields end at every delimiter and LF, nothing in them can be malformed, and no
    // field starts with a quote or a backslash in them.
    if ((m->quote | m->cr | m->backslash | c->inside | c->after_crlf) == 0) {
        b.terms = (m->delimiter | m->lf) & valid;
        b.record_terms = m->lf;
        b.crlf = b.doubled_marks = b.backslash_marks = b.bad = 0;
        b.quoted_at = c->after_close & b.terms;
        c->starts_field = ((m->delimiter | m->lf) >> 63) & 1;
        c->after_close = c->after_open = 0;
        return b;
    }
    const uint64_t inside = prefix_xor(m->quote) ^ c->inside;
    const uint64_t open = m->quote & inside, close = m->quote & ~inside;
    // CRs are rare in most files (and then one a record): the LF-only reading skips these.
    uint64_t lone_cr = 0, lf_of_crlf = 0, crlf = 0;
    if ((m->cr | c->after_crlf) != 0) {
        const uint64_t lf_next = (m->lf >> 1) | ((uint64_t)(next0 == '\n') << 63);
        crlf = m->cr & ~inside & lf_next;
        lone_cr = m->cr & ~inside & ~lf_next;
        lf_of_crlf = m->lf & ((crlf << 1) | c->after_crlf);
    }
    const uint64_t lf_term = m->lf & ~inside & ~lf_of_crlf, delim_out = m->delimiter & ~inside;
    b.terms = (delim_out | lf_term | crlf) & valid;
    b.record_terms = lf_term | crlf;
    b.crlf = crlf;
    // Where a field may start: after a terminator (the LF of a CR LF, not its CR), or the block's start.
    const uint64_t field_starts = ((delim_out | lf_term | lf_of_crlf) << 1) | c->starts_field;
    const uint64_t bad_open = open & ~(field_starts | (close << 1) | c->after_close);
    // What may follow a closing quote; past the buffer's end is allowed. The byte after the block
    // matters only after a closing quote at its end (one block in 64 that hold quotes).
    uint64_t follow_ok = (m->delimiter | m->lf | m->quote | crlf) >> 1;
    if (close >> 63) {
        const int next0_ok = next0 < 0 || next0 == delimiter || next0 == '\n' || next0 == '"'
                             || (next0 == '\r' && next1 == '\n');
        follow_ok |= (uint64_t)next0_ok << 63;
    }
    if (last_block) follow_ok |= ~valid >> 1;  // the last byte is followed by the buffer's end
    b.bad = (bad_open | (close & ~follow_ok) | lone_cr) & valid;
    const uint64_t opens_field = open & field_starts;
    b.quoted_at = ((close << 1) | c->after_close) & b.terms;
    b.doubled_marks = open & ~field_starts;
    // A delimiter that is a backslash ends an empty field; it starts none.
    b.backslash_marks = m->backslash ? m->backslash & (field_starts | (opens_field << 1) | c->after_open) & ~b.terms : 0;
    c->inside = (uint64_t)((int64_t)inside >> 63);
    c->starts_field = ((delim_out | (m->lf & ~inside)) >> 63) & 1;
    c->after_close = (close >> 63) & 1;
    c->after_crlf = (crlf >> 63) & 1;
    c->after_open = opens_field >> 63;
    return b;
}

/// The reader's output and what it carries from block to block while emitting fields.
typedef struct {
    mk_csv_fields_result result;
    size_t field_start;            // the field being read; the open record's fields are fields[result.fields ..< written]
    size_t written;
    size_t lfs;                    // LFs before the block, from the reader's start
    uint64_t doubled_carry;        // 1 when the field open before the block has a doubled quote
    uint64_t backslash_carry;      // 1 when the field open before the block starts with a backslash
} reader_state;

enum { EMIT_GO_ON, EMIT_RETURN, EMIT_STOP_IF_EMPTY, EMIT_STOP };

/// A record ends at `end` (where the next field starts) after `fields` fields and `lines` lines:
/// noted in the result; whether the read stops there (a limit reached, or the buffer's end).
__attribute__((always_inline))
static inline int record_ended(reader_state *st, size_t end, size_t fields, size_t lines, size_t position, size_t length,
                               size_t max_records, size_t max_bytes, size_t *record_ends) {
    record_ends[st->result.records++] = end;
    st->result.fields = fields;
    st->result.position = end;
    st->result.lines = lines;
    return st->result.records >= max_records || end - position >= max_bytes || end >= length;
}

// Writes the fields and records that end in the block at `base`, up to the first malformed byte, and
// says whether the read goes on.
__attribute__((always_inline))
static inline int emit_block(reader_state *st, const block_fields *b, size_t base, size_t position, size_t length,
                             size_t max_records, size_t max_bytes, mk_csv_field *fields, size_t field_capacity,
                             size_t *record_ends) {
    const uint64_t doubled_at = marks_reaching_terms(b->doubled_marks, b->terms, &st->doubled_carry);
    const uint64_t backslash_at = marks_reaching_terms(b->backslash_marks, b->terms, &st->backslash_carry);
    const uint64_t usable = b->bad ? mk_bits_below((unsigned)__builtin_ctzll(b->bad)) : ~(uint64_t)0;
    uint64_t t = b->terms & usable;
    // The fields that fit: all of them but at a buffer of fields almost full.
    const int fits = st->written + (size_t)__builtin_popcountll(t) <= field_capacity;
    if (!fits) t = mk_lowest_bits(t, field_capacity - st->written);
    // The fields, in a loop of their own: no branch but the loop's, each field's flags from the block's
    // masks (mispredicted field flags were most of its time when they were branches, and reading a
    // field's first bytes for them a third of what was left).
    const size_t block_first = st->written;
    size_t written = st->written, field_start = st->field_start;
    if ((b->quoted_at | doubled_at | backslash_at | b->crlf) == 0) {
        // No field ending in the block is quoted or starts with a backslash, and none ends in a CR LF:
        // each gets its row end alone.
        for (uint64_t f = t; f; f &= f - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(f);
            mk_put_field(&fields[written++], field_start, base + i, (uint32_t)((b->record_terms >> i) & 1) * MK_CSV_LAST);
            field_start = base + i + 1;
        }
    } else {
        for (uint64_t f = t; f; f &= f - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(f);
            const size_t at = base + i;
            const uint32_t flags = (uint32_t)((b->quoted_at >> i) & 1) * MK_CSV_QUOTED
                                   | (uint32_t)((doubled_at >> i) & 1) * MK_CSV_DOUBLED
                                   | (uint32_t)((backslash_at >> i) & 1) * MK_CSV_BACKSLASH
                                   | (uint32_t)((b->record_terms >> i) & 1) * MK_CSV_LAST;
            mk_put_field(&fields[written++], field_start, at, flags);
            // After a CR LF the next field starts past the LF.
            field_start = at + 1 + ((b->crlf >> i) & 1);
        }
    }
    st->written = written;
    st->field_start = field_start;
    // Then the records that end in the block, in order: fields written past the one that stops the read
    // lie beyond `result.fields`, where the caller does not look.
    for (uint64_t r = t & b->record_terms; r; r &= r - 1) {
        const unsigned i = (unsigned)__builtin_ctzll(r);
        const size_t end = base + i + 1 + ((b->crlf >> i) & 1);
        if (record_ended(st, end, block_first + (size_t)__builtin_popcountll(t & mk_bits_below(i + 1)),
                         st->lfs + (size_t)__builtin_popcountll(b->lf & mk_bits_below(i)) + 1, position, length, max_records,
                         max_bytes, record_ends))
            return EMIT_RETURN;
    }
    if (!fits) return EMIT_STOP_IF_EMPTY;
    if (b->bad) return EMIT_STOP;
    st->lfs += (size_t)__builtin_popcountll(b->lf);
    return EMIT_GO_ON;
}

/// Reads blocks from `base` in groups of eight while a whole block follows the group (the vector paths:
/// `read_groups_vbmi2`, `read_groups_avx512`, `read_groups_avx2`), and returns where the block-by-block
/// loop goes on, or an EMIT_ code's negation when the read ends inside.
typedef long (*group_reader)(const uint8_t *bytes, size_t length, size_t base, uint8_t delimiter, block_carry *c,
                             reader_state *st, size_t position, size_t max_records, size_t max_bytes,
                             mk_csv_field *fields, size_t field_capacity, size_t *record_ends);

// The reader, inlined three times with its block masks and its prefix XOR known: into an AVX-512BW and
// an AVX2 function (whose CPUs also have POPCNT and PCLMULQDQ) and into the portable one.
__attribute__((always_inline))
static inline mk_csv_fields_result read_fields(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                               size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                               size_t field_capacity, size_t *record_ends,
                                               void (*block_masks)(const uint8_t *, uint8_t, csv_masks *),
                                               uint64_t (*prefix_xor)(uint64_t), group_reader groups) {
    reader_state st = {{position, 0, 0, 0, 0}, position, 0, 0, 0, 0};
    block_carry c = {0, 1, 0, 0, 0};
    size_t base = position;
    if (groups) {
        const long next = groups(bytes, length, base, delimiter, &c, &st, position, max_records, max_bytes, fields,
                                 field_capacity, record_ends);
        if (next < 0) {
            if (-next == EMIT_RETURN) return st.result;
            if (-next == EMIT_STOP_IF_EMPTY) goto stop_irregular_if_empty;
            goto stop_irregular;
        }
        base = (size_t)next;
    }
    uint8_t padded[64 + 2];
    for (; base < length; base += 64) {
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
        const block_fields b = block_fields_of(&m, valid, next0, next1, delimiter, avail < 64, &c, prefix_xor);
        switch (emit_block(&st, &b, base, position, length, max_records, max_bytes, fields, field_capacity, record_ends)) {
        case EMIT_RETURN: return st.result;
        case EMIT_STOP_IF_EMPTY: goto stop_irregular_if_empty;
        case EMIT_STOP: goto stop_irregular;
        default: break;
        }
        if (avail <= 64) {
            // The buffer ends inside quotes (past its end, the padding holds none): the open record is
            // unterminated.
            if (c.inside) goto stop_irregular;
            // The buffer ends the last record, which has no line ending: its last field ends here too.
            if (st.field_start > length) return st.result;
            if (st.written == field_capacity) goto stop_irregular_if_empty;
            const size_t field_start = st.field_start;
            const int quoted = field_start < length && bytes[field_start] == '"';
            const int backslash = field_start + (size_t)quoted < length && bytes[field_start + (size_t)quoted] == '\\';
            mk_csv_field *const field = &fields[st.written++];
            field->start = field_start;
            field->end = length;
            field->flags = (quoted ? MK_CSV_QUOTED : 0) | (quoted && st.doubled_carry ? MK_CSV_DOUBLED : 0)
                           | (backslash ? MK_CSV_BACKSLASH : 0) | MK_CSV_LAST;
            st.result.fields = st.written;
            record_ends[st.result.records++] = length;
            st.result.position = length;
            st.result.lines = st.lfs;
            return st.result;
        }
    }
    return st.result;
stop_irregular_if_empty:
    // Out of room for fields: the records read so far are returned; a record too wide for the buffer
    // is left to the record loop.
    if (st.result.records > 0) return st.result;
stop_irregular:
    st.result.irregular = 1;
    return st.result;
}

#if defined(__x86_64__)
// MARK: - Eight blocks at a time

// The vector paths read eight blocks at a time. Block by block, the fields' loop (as many turns as the
// block has fields, two or three on most tables) missed its exit about once a block, and that was most
// of the reader's time: here the eight blocks' terminators are listed first (each block's compressed from
// its mask by one VBMI2 instruction, or without VBMI2 written eight at a time by TZCNT), and one loop over
// the list writes the group's fields and records. `block_fields_of` runs for the eight at once, one 64-bit
// lane a block (vector extensions, compiled to AVX-512 or to pairs of AVX2 registers), as classify.c's
// `derive_lanes` does for stage 1: what a block takes from the one before it
// (inside quotes, a field's start, a closing quote, a CR LF's CR, an opening quote) comes from the lane
// before, the quotes' parity by a prefix XOR across the lanes; what it takes from the bytes after it,
// from the lane after (the ninth block's masks for the last). A group with a malformed byte, or that could
// fill the buffer of fields, is emitted block by block, as the other paths do.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
typedef uint64_t csv_lanes __attribute__((vector_size(64)));

// Always inlined into the group readers, which name the instruction sets.
#define CSV_LANES_TARGET __attribute__((always_inline))

// Each lane's previous lane, `first` into lane 0.
CSV_LANES_TARGET static inline csv_lanes lane_before(csv_lanes x, uint64_t first) {
    const csv_lanes f = {0, 0, 0, 0, 0, 0, 0, first};
    return __builtin_shufflevector(f, x, 7, 8, 9, 10, 11, 12, 13, 14);
}
// Each lane's next lane, `last` into lane 7.
CSV_LANES_TARGET static inline csv_lanes lane_after(csv_lanes x, uint64_t last) {
    const csv_lanes l = {last, 0, 0, 0, 0, 0, 0, 0};
    return __builtin_shufflevector(x, l, 1, 2, 3, 4, 5, 6, 7, 8);
}

// The masks of a group's nine blocks from `p`: the quotes', delimiters', LFs' and CRs' of all nine (of
// the last eight only when `first_known`: the first block's are the last group's ninth's), the
// backslashes' of the first eight.
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline void group_masks_avx512(const uint8_t *p, uint8_t delimiter, int first_known, uint64_t q[9], uint64_t d[9],
                                      uint64_t lf[9], uint64_t cr[9], uint64_t bs[8]) {
    const __m512i quote_byte = _mm512_set1_epi8('"'), delimiter_byte = _mm512_set1_epi8((char)delimiter),
                  lf_byte = _mm512_set1_epi8('\n'), cr_byte = _mm512_set1_epi8('\r'),
                  backslash_byte = _mm512_set1_epi8('\\');
    for (int j = 0; j < 9; j++) {
        const __m512i v = _mm512_loadu_si512((const void *)(p + 64 * (size_t)j));
        if (j < 8) bs[j] = _mm512_cmpeq_epi8_mask(v, backslash_byte);
        if (j == 0 && first_known) continue;
        q[j] = _mm512_cmpeq_epi8_mask(v, quote_byte);
        d[j] = _mm512_cmpeq_epi8_mask(v, delimiter_byte);
        lf[j] = _mm512_cmpeq_epi8_mask(v, lf_byte);
        cr[j] = _mm512_cmpeq_epi8_mask(v, cr_byte);
    }
}

// The same with AVX2 (each mask from two compares, two movemasks, a shift and an OR).
__attribute__((target("avx2"), always_inline))
static inline void group_masks_avx2(const uint8_t *p, uint8_t delimiter, int first_known, uint64_t q[9], uint64_t d[9],
                                    uint64_t lf[9], uint64_t cr[9], uint64_t bs[8]) {
    for (int j = 0; j < 9; j++) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(p + 64 * (size_t)j));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(p + 64 * (size_t)j + 32));
        if (j < 8) bs[j] = mk_eq64_avx2(a, b, '\\');
        if (j == 0 && first_known) continue;
        q[j] = mk_eq64_avx2(a, b, '"');
        d[j] = mk_eq64_avx2(a, b, delimiter);
        lf[j] = mk_eq64_avx2(a, b, '\n');
        cr[j] = mk_eq64_avx2(a, b, '\r');
    }
}

typedef void (*group_masks_function)(const uint8_t *p, uint8_t delimiter, int first_known, uint64_t q[9], uint64_t d[9],
                                     uint64_t lf[9], uint64_t cr[9], uint64_t bs[8]);
/// Adds a block's terminators to a group's list: `mk_bit_list_add` (VBMI2) or `mk_bit_list_add_bmi`.
typedef void (*group_lister)(mk_bit_list *list, uint64_t bits, unsigned block);

// The group reader, inlined into one function per instruction set with its masks and lister known
// (`read_groups_vbmi2`, `read_groups_avx512`, `read_groups_avx2`).
__attribute__((always_inline))
static inline long read_groups(const uint8_t *bytes, size_t length, size_t base, uint8_t delimiter, block_carry *c,
                               reader_state *st, size_t position, size_t max_records, size_t max_bytes,
                               mk_csv_field *fields, size_t field_capacity, size_t *record_ends,
                               group_masks_function group_masks, group_lister list) {
    uint64_t q[9], d[9], lf[9], cr[9], bs[8];
    mk_bit_list terminators;   // a group's
    // Nine whole blocks from `base`: the group and the one after it, whose masks (but the backslashes')
    // are the next group's first block's.
    int first_known = 0;
    while (base + 9 * 64 <= length) {
        group_masks(bytes + base, delimiter, first_known, q, d, lf, cr, bs);
        csv_lanes Q, D, LF, CR, BS;
        memcpy(&Q, q, 64);
        memcpy(&D, d, 64);
        memcpy(&LF, lf, 64);
        memcpy(&CR, cr, 64);
        memcpy(&BS, bs, 64);
        // Inside quotes: each lane's prefix XOR, then the parity of the lanes before it and the carry.
        csv_lanes local = Q;
        MK_PREFIX_XOR_IN_PLACE(local);
        csv_lanes parity = lane_before(local >> 63, c->inside & 1);
        parity ^= __builtin_shufflevector((csv_lanes){0}, parity, 7, 8, 9, 10, 11, 12, 13, 14);
        parity ^= __builtin_shufflevector((csv_lanes){0}, parity, 6, 7, 8, 9, 10, 11, 12, 13);
        parity ^= __builtin_shufflevector((csv_lanes){0}, parity, 4, 5, 6, 7, 8, 9, 10, 11);
        const csv_lanes inside = local ^ ((csv_lanes){0} - parity);
        const csv_lanes open = Q & inside, close = Q & ~inside;
        const csv_lanes lf_after = lane_after(LF, lf[8]);
        const csv_lanes lf_next = (LF >> 1) | (lf_after << 63);
        const csv_lanes crlf = CR & ~inside & lf_next;
        const csv_lanes lone_cr = CR & ~inside & ~lf_next;
        const csv_lanes lf_of_crlf = LF & ((crlf << 1) | (lane_before(crlf, c->after_crlf << 63) >> 63));
        const csv_lanes lf_term = LF & ~inside & ~lf_of_crlf, delim_out = D & ~inside;
        const csv_lanes terms = delim_out | lf_term | crlf;
        const csv_lanes ends_field = delim_out | (LF & ~inside);
        const csv_lanes field_starts = ((delim_out | lf_term | lf_of_crlf) << 1)
                                       | (lane_before(ends_field, c->starts_field << 63) >> 63);
        const csv_lanes after_close = lane_before(close, c->after_close << 63) >> 63;
        const csv_lanes bad_open = open & ~(field_starts | (close << 1) | after_close);
        // A closing quote last in a block is followed by the next block's first byte: a delimiter, an LF,
        // a quote, or a CR before an LF.
        const csv_lanes starts_ok = D | LF | Q | (CR & (LF >> 1));
        const uint64_t starts_ok8 = d[8] | lf[8] | q[8] | (cr[8] & (lf[8] >> 1));
        const csv_lanes follow_ok = ((D | LF | Q | crlf) >> 1) | (lane_after(starts_ok, starts_ok8) << 63);
        const csv_lanes opens_field = open & field_starts;
        const csv_lanes bad = bad_open | (close & ~follow_ok) | lone_cr;
        const csv_lanes quoted_at = ((close << 1) | after_close) & terms;
        const csv_lanes doubled_marks = open & ~field_starts;
        const csv_lanes backslash_marks = BS & (field_starts | (opens_field << 1) | (lane_before(opens_field, c->after_open << 63) >> 63))
                                    & ~terms;
        const csv_lanes record_terms = lf_term | crlf;
        // Each vector stored once, read a lane at a time: with lanes read from the vectors in the loop,
        // the compiler stored every vector again for every lane.
        uint64_t t[8], rt[8], cl[8], qa[8], dm[8], bm[8], bd[8];
        memcpy(t, &terms, 64);
        memcpy(rt, &record_terms, 64);
        memcpy(cl, &crlf, 64);
        memcpy(qa, &quoted_at, 64);
        memcpy(dm, &doubled_marks, 64);
        memcpy(bm, &backslash_marks, 64);
        memcpy(bd, &bad, 64);
        c->inside = (uint64_t)((int64_t)inside[7] >> 63);
        c->starts_field = ends_field[7] >> 63;
        c->after_close = close[7] >> 63;
        c->after_crlf = crlf[7] >> 63;
        c->after_open = opens_field[7] >> 63;
        if ((bd[0] | bd[1] | bd[2] | bd[3] | bd[4] | bd[5] | bd[6] | bd[7]) != 0 || st->written + 8 * 64 > field_capacity) {
            // A malformed byte, or a buffer of fields almost full: block by block, as the other paths.
            for (int j = 0; j < 8; j++) {
                const block_fields b = {t[j], rt[j], cl[j], qa[j], dm[j], bm[j], bd[j], lf[j]};
                const int go = emit_block(st, &b, base + 64 * (size_t)j, position, length, max_records, max_bytes, fields,
                                          field_capacity, record_ends);
                if (go != EMIT_GO_ON) return -(long)go;
            }
        } else {
            // The group's terminators in one list (each block's compressed from its mask in one
            // instruction), then its fields and records in one loop: a loop a block, with as many turns
            // as the block has fields, missed its exit about once a block, and that was most of the
            // reader's time on ordinary tables.
            uint64_t doubled_at[8], backslash_at[8];
            size_t lines_before[8], lines = st->lfs;
            // Whether a field of the group may have a flag but its record end: its quoted ends, doubled
            // quotes and backslashes (or those of the field open before it), CR LFs.
            const csv_lanes marked = quoted_at | doubled_marks | backslash_marks | crlf;
            uint64_t flagged = st->doubled_carry | st->backslash_carry;
            for (int j = 0; j < 8; j++) flagged |= marked[j];
            terminators.count = 0;
            for (int j = 0; j < 8; j++) {
                doubled_at[j] = marks_reaching_terms(dm[j], t[j], &st->doubled_carry);
                backslash_at[j] = marks_reaching_terms(bm[j], t[j], &st->backslash_carry);
                lines_before[j] = lines;
                lines += (size_t)__builtin_popcountll(lf[j]);
                list(&terminators, t[j], (unsigned)j);
            }
            size_t written = st->written, field_start = st->field_start;
            // A group with no quoted field, no backslash at a value's start and no CR LF (tables of numbers,
            // ids, timestamps): each field's flags are its record end alone, and the next starts after it.
            if (flagged == 0) for (size_t k = 0; k < terminators.count; k++) {
                const unsigned j = terminators.block[k], i = terminators.at[k];
                const size_t at = base + 64 * j + i;
                const uint64_t last = (rt[j] >> i) & 1;
                mk_put_field(&fields[written++], field_start, at, (uint32_t)last * MK_CSV_LAST);
                field_start = at + 1;
                if (last && record_ended(st, field_start, written, lines_before[j] + (size_t)__builtin_popcountll(lf[j] & mk_bits_below(i)) + 1,
                                         position, length, max_records, max_bytes, record_ends))
                    return -(long)EMIT_RETURN;
            } else for (size_t k = 0; k < terminators.count; k++) {
                const unsigned j = terminators.block[k], i = terminators.at[k];
                const size_t at = base + 64 * j + i;
                const uint64_t last = (rt[j] >> i) & 1;
                mk_put_field(&fields[written++], field_start, at,
                             (uint32_t)((qa[j] >> i) & 1) * MK_CSV_QUOTED | (uint32_t)((doubled_at[j] >> i) & 1) * MK_CSV_DOUBLED
                             | (uint32_t)((backslash_at[j] >> i) & 1) * MK_CSV_BACKSLASH | (uint32_t)last * MK_CSV_LAST);
                // After a CR LF the next field starts past the LF.
                field_start = at + 1 + ((cl[j] >> i) & 1);
                if (last && record_ended(st, field_start, written, lines_before[j] + (size_t)__builtin_popcountll(lf[j] & mk_bits_below(i)) + 1,
                                         position, length, max_records, max_bytes, record_ends))
                    return -(long)EMIT_RETURN;
            }
            st->written = written;
            st->field_start = field_start;
            st->lfs = lines;
        }
        base += 8 * 64;
        q[0] = q[8];
        d[0] = d[8];
        lf[0] = lf[8];
        cr[0] = cr[8];
        first_known = 1;
    }
    return (long)base;
}

#define GROUP_READER_PARAMETERS const uint8_t *bytes, size_t length, size_t base, uint8_t delimiter, block_carry *c, \
    reader_state *st, size_t position, size_t max_records, size_t max_bytes, mk_csv_field *fields, size_t field_capacity, \
    size_t *record_ends
#define GROUP_READER_ARGUMENTS bytes, length, base, delimiter, c, st, position, max_records, max_bytes, fields, field_capacity, \
    record_ends

// The wide path's groups on a CPU with VBMI2 (each block's terminators listed by one compress).
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi,pclmul")))
static long read_groups_vbmi2(GROUP_READER_PARAMETERS) {
    return read_groups(GROUP_READER_ARGUMENTS, group_masks_avx512, mk_bit_lister_vbmi2);
}

// The wide path's groups on a CPU with AVX-512BW but no VBMI2 (Skylake-SP, Cascade Lake): listed by TZCNT.
__attribute__((target("avx512f,avx512bw,popcnt,bmi,pclmul")))
static long read_groups_avx512(GROUP_READER_PARAMETERS) {
    return read_groups(GROUP_READER_ARGUMENTS, group_masks_avx512, mk_bit_lister_avx512);
}

// The AVX2 path's groups: the eight lanes in pairs of 256-bit registers, listed by TZCNT.
__attribute__((target("avx2,popcnt,bmi,pclmul")))
static long read_groups_avx2(GROUP_READER_PARAMETERS) {
    return read_groups(GROUP_READER_ARGUMENTS, group_masks_avx2, mk_bit_lister_avx2);
}
#undef GROUP_READER_PARAMETERS
#undef GROUP_READER_ARGUMENTS
#pragma clang diagnostic pop

__attribute__((target("avx512f,avx512bw,popcnt,bmi,pclmul")))
static mk_csv_fields_result read_fields_avx512(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                               size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                               size_t field_capacity, size_t *record_ends) {
    return read_fields(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends,
                       masks_avx512, mk_prefix_xor_clmul, mk_cpu_has_vbmi2() ? read_groups_vbmi2 : read_groups_avx512);
}

__attribute__((target("avx2,popcnt,bmi,pclmul")))
static mk_csv_fields_result read_fields_avx2(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                             size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                             size_t field_capacity, size_t *record_ends) {
    return read_fields(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends,
                       masks_avx2, mk_prefix_xor_clmul, read_groups_avx2);
}
#endif

static mk_csv_fields_result read_fields_portable(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                                 size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                                 size_t field_capacity, size_t *record_ends) {
    return read_fields(bytes, length, position, delimiter, max_records, max_bytes, fields, field_capacity, record_ends,
                       masks_scalar, prefix_xor_shifts, NULL);
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
