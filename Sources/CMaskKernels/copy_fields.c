// Splits the rows of a COPY block in PostgreSQL's text format into fields in one pass over the bytes, as
// mk_csv_fields does for CSV: the COPY row loop (CopyTextChunkMasker) found each field's end with a call
// per tab and per backslash, a sixth of the time on a PII-free dump (Benchmarks/RESULTS.md). Per 64-byte
// block, four byte masks (backslash, tab, LF, CR) and the bytes a backslash escapes give the field
// terminators; the escapes are checked in the same masks, so the kernel accepts exactly the rows the row
// loop accepts and stops before any other:
//   - a backslash escapes the byte after it, whatever it is (an escaped backslash escapes nothing);
//   - a tab or LF that is not escaped ends a field, an LF a row, and an unescaped CR before that LF is
//     the row's line ending, not data; the buffer's end ends the last row;
//   - an escaped LF, or a backslash that is the buffer's last byte, is an error the row loop names; so is
//     a row whose field count is not the one expected (when one is).
#include "mask_kernels.h"
#include "csv_kernel_internal.h"
#include "bit_list_internal.h"

#include <string.h>

typedef struct { uint64_t backslash, tab, lf, cr; } copy_masks;

static void copy_masks_scalar(const uint8_t *p, copy_masks *m) {
    memset(m, 0, sizeof *m);
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (p[i] == '\\') m->backslash |= bit;
        if (p[i] == '\t') m->tab |= bit;
        if (p[i] == '\n') m->lf |= bit;
        if (p[i] == '\r') m->cr |= bit;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2")))
static inline void copy_masks_avx2(const uint8_t *p, copy_masks *m) {
    const __m256i a = _mm256_loadu_si256((const __m256i *)p);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
    m->backslash = mk_eq64_avx2(a, b, '\\');
    m->tab = mk_eq64_avx2(a, b, '\t');
    m->lf = mk_eq64_avx2(a, b, '\n');
    m->cr = mk_eq64_avx2(a, b, '\r');
}

__attribute__((target("avx512f,avx512bw")))
static inline void copy_masks_avx512(const uint8_t *p, copy_masks *m) {
    const __m512i v = _mm512_loadu_si512((const void *)p);
    m->backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
    m->tab = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\t'));
    m->lf = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
    m->cr = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r'));
}
#endif

// The bytes of a block that a backslash escapes, given its backslashes and whether its first byte is
// escaped (`carry_in`, bit 0); `*carry_out` is 1 when its last byte is a backslash that escapes the next
// block's first. Backslashes are rare in dumps (a `\N` per NULL, an escape per tab or newline in a
// value), so they are walked one at a time: each one not itself escaped escapes the byte after it.
static inline uint64_t escaped_bytes(uint64_t backslash, uint64_t carry_in, uint64_t *carry_out) {
    uint64_t escaped = carry_in;
    uint64_t todo = backslash & ~carry_in;
    *carry_out = 0;
    while (todo) {
        const unsigned i = (unsigned)__builtin_ctzll(todo);
        if (i == 63) { *carry_out = 1; break; }
        const uint64_t next = (uint64_t)1 << (i + 1);
        escaped |= next;
        // The escaped byte escapes nothing, even a backslash: go on past it.
        todo &= ~((next << 1) - 1);
    }
    return escaped;
}

// The field [start, end): its flags, read without a branch on its length (`\N` is exactly two bytes).
// Reading bytes[start] and bytes[start + (length == 2)] is sound: both lie at or before end - 1 when the
// field has bytes, and at `start` < the buffer's length otherwise (the caller's `end` is a terminator's
// position, the CR before a row's LF, or the buffer's end, and an empty field at the buffer's end is never
// read: see there).
static inline uint32_t copy_field_flags(const uint8_t *bytes, size_t start, size_t end, size_t backslashes) {
    const size_t length = end - start;
    const uint32_t two = length == 2;
    const uint32_t null = two & (bytes[start] == '\\') & (bytes[start + two] == 'N');
    // A NULL is no escaped value: it is not decoded, nor scanned.
    return null ? MK_COPY_NULL : backslashes > 0 ? MK_COPY_ESCAPED : 0;
}

// The masks of the 64-byte block at `base`, the buffer's last and short one read from a zero-padded copy
// (a zero byte is in no class), and the bits of its bytes that lie in the buffer.
__attribute__((always_inline))
static inline uint64_t block_at(const uint8_t *bytes, size_t length, size_t base,
                                void (*block_masks)(const uint8_t *, copy_masks *), copy_masks *m) {
    const size_t avail = length - base;
    if (avail >= 64) {
        block_masks(bytes + base, m);
        return ~(uint64_t)0;
    }
    uint8_t padded[64] = {0};
    memcpy(padded, bytes + base, avail);
    block_masks(padded, m);
    return mk_bits_below((unsigned)avail);
}

/// What the reader carries from block to block, and what it has read.
typedef struct {
    mk_csv_fields_result result;
    uint64_t escape_carry;          // 1 when the block's first byte is escaped
    uint64_t cr_carry;              // 1 when the block before ends with an unescaped CR
    size_t field_start;             // the field being read; the open row's fields are fields[result.fields ..< written]
    size_t written;
    int open_field_escapes;         // the field being read holds a backslash
} rows_state;

/// A row of a group ends at `end` after `written` fields: noted in the result; whether the read stops
/// there (a limit reached, the buffer's end, or a row of another width, which the row loop refuses with
/// its error: the result is then irregular).
__attribute__((always_inline))
static inline int row_ended(rows_state *st, size_t end, size_t written, size_t expected_fields, size_t position, size_t length,
                            size_t max_records, size_t max_bytes, size_t *record_ends) {
    if (expected_fields != 0 && written - st->result.fields != expected_fields) {
        st->result.irregular = 1;
        return 1;
    }
    record_ends[st->result.records++] = end;
    st->result.fields = written;
    st->result.position = end;
    st->result.lines = st->result.records;
    return st->result.records >= max_records || end - position >= max_bytes || end >= length;
}

/// Reads whole groups of eight blocks from `base` while a block follows the group (the wide path:
/// `read_groups_vbmi2`); returns where the block-by-block loop goes on, or -1 when the read ends
/// inside (`st->result` says how: `irregular` set, or not).
typedef long (*rows_group_reader)(const uint8_t *bytes, size_t length, size_t base, size_t expected_fields, rows_state *st,
                                  size_t position, size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                  size_t field_capacity, size_t *record_ends);

// The reader, inlined three times with its block masks known: AVX-512BW, AVX2 (with POPCNT) and portable.
__attribute__((always_inline))
static inline mk_csv_fields_result read_rows(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                             size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                             size_t field_capacity, size_t *record_ends,
                                             void (*block_masks)(const uint8_t *, copy_masks *), rows_group_reader groups) {
    rows_state st = {{position, 0, 0, 0, 0}, 0, 0, position, 0, 0};
    size_t base = position;
    if (groups) {
        const long next = groups(bytes, length, base, expected_fields, &st, position, max_records, max_bytes, fields,
                                 field_capacity, record_ends);
        if (next < 0) return st.result;
        base = (size_t)next;
    }
    mk_csv_fields_result result = st.result;
    uint64_t escape_carry = st.escape_carry, cr_carry = st.cr_carry;
    size_t backslashes = 1;         // before the block, from where the loop starts (counted past 1)
    // The field being read; the open row's fields are fields[result.fields ..< written].
    size_t field_start = st.field_start, field_start_backslashes = backslashes - (size_t)st.open_field_escapes;
    size_t written = st.written;
    for (; base < length; base += 64) {
        const size_t avail = length - base;
        copy_masks m;
        const uint64_t valid = block_at(bytes, length, base, block_masks, &m);
        m.backslash &= valid;
        uint64_t escaped = 0, carry_out = 0;
        if ((m.backslash | escape_carry) != 0) escaped = escaped_bytes(m.backslash, escape_carry, &carry_out);
        const uint64_t lf_term = m.lf & ~escaped;
        // The LFs of CR LF row ends (a dump whose lines were converted, which COPY FROM reads: a CR in data
        // is always escaped, so an unescaped one before an LF is the line's end, not the last value's).
        const uint64_t unescaped_cr = m.cr & ~escaped & valid;
        const uint64_t crlf = lf_term & ((unescaped_cr << 1) | cr_carry);
        const uint64_t terms = (m.tab | lf_term) & ~escaped & valid;
        // An escaped LF ends no row and is an error; so is a backslash escaping the buffer's end (a
        // padded byte, or the byte past a full last block).
        uint64_t bad = m.lf & escaped & valid;
        const int ends_escaping = avail <= 64 && (avail < 64 ? (escaped >> avail) & 1 : carry_out);
        if (ends_escaping) bad |= (uint64_t)1 << (avail - 1);
        const uint64_t usable = bad ? mk_bits_below((unsigned)__builtin_ctzll(bad)) : ~(uint64_t)0;
        uint64_t t = terms & usable;
        const int fits = written + (size_t)__builtin_popcountll(t) <= field_capacity;
        if (!fits) t = mk_lowest_bits(t, field_capacity - written);
        const size_t block_first = written;
        uint64_t f = t;
        if (m.backslash == 0 && f != 0) {
            // Most blocks hold no backslash: only a field begun before the block can be escaped or NULL,
            // and the others need no flag but the row's end (reading their bytes and counting backslashes
            // for each was most of the kernel's time on a PII-free dump).
            const unsigned i = (unsigned)__builtin_ctzll(f);
            const size_t end = base + i - ((crlf >> i) & 1);
            mk_put_field(&fields[written++], field_start, end,
                         copy_field_flags(bytes, field_start, end, backslashes - field_start_backslashes)
                         | (uint32_t)((lf_term >> i) & 1) * MK_CSV_LAST);
            field_start = base + i + 1;
            field_start_backslashes = backslashes;
            for (f &= f - 1; f; f &= f - 1) {
                const unsigned j = (unsigned)__builtin_ctzll(f);
                mk_put_field(&fields[written++], field_start, base + j - ((crlf >> j) & 1),
                             (uint32_t)((lf_term >> j) & 1) * MK_CSV_LAST);
                field_start = base + j + 1;
            }
        }
        for (; f; f &= f - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(f);
            const size_t at = base + i;
            const size_t end = at - ((crlf >> i) & 1);
            const size_t here = backslashes + (size_t)__builtin_popcountll(m.backslash & (((uint64_t)1 << i) - 1));
            mk_put_field(&fields[written++], field_start, end,
                         copy_field_flags(bytes, field_start, end, here - field_start_backslashes)
                         | (uint32_t)((lf_term >> i) & 1) * MK_CSV_LAST);
            field_start = at + 1;
            field_start_backslashes = here;
        }
        for (uint64_t r = t & lf_term; r; r &= r - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(r);
            const size_t end = base + i + 1;
            const size_t row_fields = block_first + (size_t)__builtin_popcountll(t & mk_bits_below(i + 1));
            // A row of another width is the row loop's to refuse, with its error.
            if (expected_fields != 0 && row_fields - result.fields != expected_fields) goto stop_irregular;
            record_ends[result.records++] = end;
            result.fields = row_fields;
            result.position = end;
            result.lines = result.records;
            if (result.records >= max_records || end - position >= max_bytes || end >= length) return result;
        }
        if (!fits) goto stop_irregular_if_empty;
        if (bad) goto stop_irregular;
        backslashes += (size_t)__builtin_popcountll(m.backslash);
        escape_carry = carry_out;
        cr_carry = (unescaped_cr >> 63) & 1;
        if (avail <= 64) {
            // The buffer ends the last row, which has no line ending: its last field ends here too. (A
            // row that ended at the buffer's end returned above.)
            if (written == field_capacity) goto stop_irregular_if_empty;
            // An empty last field (after a tab at the buffer's end) has no bytes to read for its flags.
            mk_put_field(&fields[written++], field_start, length,
                      (field_start < length ? copy_field_flags(bytes, field_start, length, backslashes - field_start_backslashes) : 0)
                      | MK_CSV_LAST);
            if (expected_fields != 0 && written - result.fields != expected_fields) goto stop_irregular;
            result.fields = written;
            record_ends[result.records++] = length;
            result.position = length;
            result.lines = result.records;
            return result;
        }
    }
    return result;
stop_irregular_if_empty:
    // Out of room for fields: the rows read so far are returned; a row too wide for the buffer is left to
    // the row loop.
    if (result.records > 0) return result;
stop_irregular:
    result.irregular = 1;
    return result;
}

#if defined(__x86_64__)
// The vector paths read eight blocks at a time, as mk_csv_fields' do: their terminators listed first (each
// block's compressed from its mask by one VBMI2 instruction, or by TZCNT without VBMI2), then one loop over
// the list writes the group's fields and rows. Block by block, the fields' loop missed its exit about once
// a block. A field holds a backslash when the last one at or before its end lies at or after its start (the
// last one before each block, and in the block the highest below the end); only such a field's bytes are
// read for its flags. A group with a malformed byte, or that could fill the buffer of fields, is left to
// the block-by-block loop, from its first block.

/// Adds a block's terminators to a group's list: `mk_bit_list_add` (VBMI2) or `mk_bit_list_add_bmi`.
typedef void (*rows_group_lister)(mk_bit_list *list, uint64_t bits, unsigned block);

// The group reader, inlined into one function per instruction set with its masks and lister known.
__attribute__((always_inline))
static inline long read_groups(const uint8_t *bytes, size_t length, size_t base, size_t expected_fields, rows_state *st,
                               size_t position, size_t max_records, size_t max_bytes, mk_csv_field *fields,
                               size_t field_capacity, size_t *record_ends, void (*block_masks)(const uint8_t *, copy_masks *),
                               rows_group_lister list) {
    mk_bit_list terminators;   // a group's
    uint64_t terms[8], lf_term[8], crlf[8], backslash[8];
    // The position past the last backslash before the block (0: none since the read began).
    size_t last_backslash_end = st->open_field_escapes ? st->field_start + 1 : 0;
    // A block must follow the group: the buffer's last block has its own ending rules.
    while (length - base > 8 * 64) {
        if (st->written + 8 * 64 > field_capacity) return (long)base;
        uint64_t escape_carry = st->escape_carry, cr_carry = st->cr_carry, bad = 0;
        for (int j = 0; j < 8; j++) {
            copy_masks m;
            block_masks(bytes + base + 64 * (size_t)j, &m);
            uint64_t escaped = 0, carry_out = 0;
            if ((m.backslash | escape_carry) != 0) escaped = escaped_bytes(m.backslash, escape_carry, &carry_out);
            lf_term[j] = m.lf & ~escaped;
            const uint64_t unescaped_cr = m.cr & ~escaped;
            crlf[j] = lf_term[j] & ((unescaped_cr << 1) | cr_carry);
            terms[j] = (m.tab | lf_term[j]) & ~escaped;
            backslash[j] = m.backslash;
            bad |= m.lf & escaped;
            escape_carry = carry_out;
            cr_carry = (unescaped_cr >> 63) & 1;
        }
        if (bad) return (long)base;
        size_t last_before[8];
        terminators.count = 0;
        for (int j = 0; j < 8; j++) {
            last_before[j] = last_backslash_end;
            if (backslash[j]) last_backslash_end = base + 64 * (size_t)j + 64 - (size_t)__builtin_clzll(backslash[j]);
            list(&terminators, terms[j], (unsigned)j);
        }
        size_t written = st->written, field_start = st->field_start;
        // A group with no backslash, no escape open before it and no CR LF (most of a dump's tables): each
        // field ends at its terminator, with its row end as its only flag.
        const uint64_t any_backslash = backslash[0] | backslash[1] | backslash[2] | backslash[3] | backslash[4] | backslash[5]
                                       | backslash[6] | backslash[7];
        const uint64_t any_crlf = crlf[0] | crlf[1] | crlf[2] | crlf[3] | crlf[4] | crlf[5] | crlf[6] | crlf[7];
        if ((any_backslash | any_crlf) == 0 && last_before[0] <= field_start) for (size_t k = 0; k < terminators.count; k++) {
            const unsigned j = terminators.block[k], i = terminators.at[k];
            const size_t at = base + 64 * j + i;
            const uint32_t last = (uint32_t)(lf_term[j] >> i) & 1;
            mk_put_field(&fields[written++], field_start, at, last * MK_CSV_LAST);
            field_start = at + 1;
            if (last && row_ended(st, at + 1, written, expected_fields, position, length, max_records, max_bytes, record_ends))
                return -1;
        } else for (size_t k = 0; k < terminators.count; k++) {
            const unsigned j = terminators.block[k], i = terminators.at[k];
            const size_t at = base + 64 * j + i, end = at - ((crlf[j] >> i) & 1);
            // Past the last backslash before the field's end.
            const uint64_t below = backslash[j] & (((uint64_t)1 << i) - 1);
            const size_t backslash_end = below ? base + 64 * j + 64 - (size_t)__builtin_clzll(below) : last_before[j];
            const uint32_t last = (uint32_t)(lf_term[j] >> i) & 1;
            mk_put_field(&fields[written++], field_start, end,
                         (backslash_end > field_start ? copy_field_flags(bytes, field_start, end, 1) : 0) | last * MK_CSV_LAST);
            field_start = at + 1;
            if (last && row_ended(st, at + 1, written, expected_fields, position, length, max_records, max_bytes, record_ends))
                return -1;
        }
        st->written = written;
        st->field_start = field_start;
        st->escape_carry = escape_carry;
        st->cr_carry = cr_carry;
        st->open_field_escapes = last_backslash_end > field_start;
        base += 8 * 64;
    }
    return (long)base;
}

#define GROUP_READER_PARAMETERS const uint8_t *bytes, size_t length, size_t base, size_t expected_fields, rows_state *st, \
    size_t position, size_t max_records, size_t max_bytes, mk_csv_field *fields, size_t field_capacity, size_t *record_ends
#define GROUP_READER_ARGUMENTS bytes, length, base, expected_fields, st, position, max_records, max_bytes, fields, \
    field_capacity, record_ends

// The wide path's groups on a CPU with VBMI2 (each block's terminators listed by one compress).
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi")))
static long read_groups_vbmi2(GROUP_READER_PARAMETERS) {
    return read_groups(GROUP_READER_ARGUMENTS, copy_masks_avx512, mk_bit_lister_vbmi2);
}

// The wide path's groups on a CPU with AVX-512BW but no VBMI2 (Skylake-SP, Cascade Lake): listed by TZCNT.
__attribute__((target("avx512f,avx512bw,popcnt,bmi")))
static long read_groups_avx512(GROUP_READER_PARAMETERS) {
    return read_groups(GROUP_READER_ARGUMENTS, copy_masks_avx512, mk_bit_lister_avx512);
}

// The AVX2 path's groups, listed by TZCNT.
__attribute__((target("avx2,popcnt,bmi")))
static long read_groups_avx2(GROUP_READER_PARAMETERS) {
    return read_groups(GROUP_READER_ARGUMENTS, copy_masks_avx2, mk_bit_lister_avx2);
}
#undef GROUP_READER_PARAMETERS
#undef GROUP_READER_ARGUMENTS

__attribute__((target("avx512f,avx512bw,popcnt,bmi")))
static mk_csv_fields_result read_rows_avx512(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                             size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                             size_t field_capacity, size_t *record_ends) {
    return read_rows(bytes, length, position, expected_fields, max_records, max_bytes, fields, field_capacity,
                     record_ends, copy_masks_avx512, mk_cpu_has_vbmi2() ? read_groups_vbmi2 : read_groups_avx512);
}

__attribute__((target("avx2,popcnt,bmi")))
static mk_csv_fields_result read_rows_avx2(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                           size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                           size_t field_capacity, size_t *record_ends) {
    return read_rows(bytes, length, position, expected_fields, max_records, max_bytes, fields, field_capacity,
                     record_ends, copy_masks_avx2, read_groups_avx2);
}
#endif

static mk_csv_fields_result read_rows_portable(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                               size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                               size_t field_capacity, size_t *record_ends) {
    return read_rows(bytes, length, position, expected_fields, max_records, max_bytes, fields, field_capacity,
                     record_ends, copy_masks_scalar, NULL);
}

mk_csv_fields_result mk_copy_fields(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                    size_t max_records, size_t max_bytes, mk_csv_field *fields, size_t field_capacity,
                                    size_t *record_ends) {
    mk_path path = mk_csv_path();
    if (position >= length || max_records == 0 || field_capacity == 0) {
        mk_csv_fields_result none = {position, 0, 0, 0, position < length};
        return none;
    }
#if defined(__x86_64__)
    if (path == MK_PATH_WIDE)
        return read_rows_avx512(bytes, length, position, expected_fields, max_records, max_bytes, fields, field_capacity,
                                record_ends);
    if (path == MK_PATH_ACCELERATED)
        return read_rows_avx2(bytes, length, position, expected_fields, max_records, max_bytes, fields, field_capacity,
                              record_ends);
#endif
    return read_rows_portable(bytes, length, position, expected_fields, max_records, max_bytes, fields, field_capacity,
                              record_ends);
}

// mk_copy_data_end: the dump splitter's walk over a COPY block's rows, on the reader thread: one pass of
// LF and backslash masks instead of a memchr call per row to find the `\.` line and a second per row to
// count them (together 3 % of a PII-free dump's time, all of it on the thread every worker waits for).
// A `\.` line is looked for only where a row starts with a backslash.
__attribute__((always_inline))
static inline mk_copy_data_end_result data_end(const uint8_t *bytes, size_t length, int input_ends,
                                               void (*block_masks)(const uint8_t *, copy_masks *)) {
    mk_copy_data_end_result r = {0, 0, 0};
    size_t lfs = 0;
    uint64_t line_start_carry = 1;   // the buffer's first byte starts a line
    for (size_t base = 0; base < length; base += 64) {
        copy_masks m;
        const uint64_t valid = block_at(bytes, length, base, block_masks, &m);
        const uint64_t lf = m.lf & valid;
        for (uint64_t c = m.backslash & ((lf << 1) | line_start_carry) & valid; c; c &= c - 1) {
            const size_t s = base + (size_t)__builtin_ctzll(c);
            if (s + 1 >= length || bytes[s + 1] != '.') continue;
            size_t end = s + 2;
            if (end < length && bytes[end] == '\r') end++;
            // Where the bytes end, `\.` is the terminator only if the input ends there too: read on, the
            // line may go on (`\.5` is a row, an escaped '.').
            if (end == length ? input_ends : bytes[end] == '\n') {
                r.rows_end = s;
                r.terminator = (end < length ? end + 1 : length) - s;
                r.lines = lfs + (size_t)__builtin_popcountll(lf & mk_bits_below((unsigned)(s - base)));
                return r;
            }
        }
        if (lf) r.rows_end = base + 64 - (size_t)__builtin_clzll(lf);
        lfs += (size_t)__builtin_popcountll(lf);
        line_start_carry = lf >> 63;
    }
    r.lines = lfs;
    return r;
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512bw,popcnt,bmi,lzcnt")))
static mk_copy_data_end_result data_end_avx512(const uint8_t *bytes, size_t length, int input_ends) {
    return data_end(bytes, length, input_ends, copy_masks_avx512);
}

__attribute__((target("avx2,popcnt,bmi,lzcnt")))
static mk_copy_data_end_result data_end_avx2(const uint8_t *bytes, size_t length, int input_ends) {
    return data_end(bytes, length, input_ends, copy_masks_avx2);
}
#endif

mk_copy_data_end_result mk_copy_data_end(const uint8_t *bytes, size_t length, int input_ends) {
    mk_path path = mk_csv_path();
#if defined(__x86_64__)
    if (path == MK_PATH_WIDE) return data_end_avx512(bytes, length, input_ends);
    if (path == MK_PATH_ACCELERATED) return data_end_avx2(bytes, length, input_ends);
#endif
    return data_end(bytes, length, input_ends, copy_masks_scalar);
}
