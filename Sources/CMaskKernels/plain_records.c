// Runs of plain text records: CSV records whose fields are their values' bytes (no doubled quote inside
// a quoted field, no backslash, which may start bytea's hex text), COPY rows without escapes (a NULL's
// `\N` aside), each well formed as the record loop reads it, so that a run of them without a stage-1
// candidate can be passed on without reading its fields (TextRecordBatch.keepPlainRecords). CSV quotes
// and line ends are found by glibc's memchr and memrchr and counted in byte lanes, each 32 or 64 bytes
// a step (such runs are tables of values without PII, with a quoted field or two a record); COPY rows,
// whose NULLs come every few bytes in a dump's tables of nullable columns, from 64-byte block masks.
#define _GNU_SOURCE
#include "mask_kernels.h"
#include "csv_kernel_internal.h"

#include <string.h>

size_t mk_count_byte(const uint8_t *bytes, size_t length, uint8_t byte) {
    // A byte's count of at most 255 bytes at a time, which the compiler keeps in byte lanes (0.03 ns a
    // byte here; a count in a size_t, in 64-bit lanes, took ten times as long).
    size_t count = 0, i = 0;
    while (i < length) {
        const size_t n = length - i > 255 ? 255 : length - i;
        uint8_t block = 0;
        for (size_t k = 0; k < n; k++) block += bytes[i + k] == byte;
        count += block;
        i += n;
    }
    return count;
}

size_t mk_plain_csv_records(const uint8_t *bytes, size_t length, size_t offset, size_t limit, uint8_t delimiter,
                            size_t *records, size_t *lines, int *irregular) {
    *records = 0;
    *lines = 0;
    *irregular = 0;
    if (offset >= length) return offset;
    size_t end = length - offset > limit ? offset + limit : length;
    const uint8_t *backslash = memchr(bytes + offset, '\\', end - offset);
    if (backslash) {
        end = (size_t)(backslash - bytes);
        *irregular = 1;
    }
    // `good`: where the last whole plain record read so far ends; `seen`: records up to there, `seen_lines`
    // the LFs up to there (those inside quoted fields too: `quoted_lfs`).
    size_t good = offset, seen = 0, counted = 0, quoted_lfs = 0, seen_lines = 0, i = offset;
    for (;;) {
        // The bytes outside quotes up to the next quote: each LF there ends a record.
        const uint8_t *quote = memchr(bytes + i, '"', end - i);
        const size_t stop = quote ? (size_t)(quote - bytes) : end;
        const size_t lfs = mk_count_byte(bytes + i, stop - i, '\n');
        if (lfs > 0) {
            good = (size_t)((const uint8_t *)memrchr(bytes + i, '\n', stop - i) - bytes) + 1;
            counted += lfs;
            seen = counted;
            seen_lines = counted + quoted_lfs;
        }
        if (!quote) break;
        // A quote opens a field: at a record's start or after a delimiter.
        const size_t open = stop;
        if (open > offset && bytes[open - 1] != delimiter && bytes[open - 1] != '\n')
            return *irregular = 1, *records = seen, *lines = seen_lines, good;
        // It closes before a delimiter, an LF, a CR LF or the buffer's end, and is not doubled.
        const uint8_t *close = memchr(bytes + open + 1, '"', end - open - 1);
        if (!close) {
            // Past the limit or a backslash (already irregular), or never closed (a malformed record).
            if (end == length) *irregular = 1;
            return *records = seen, *lines = seen_lines, good;
        }
        const size_t after = (size_t)(close - bytes) + 1;
        quoted_lfs += mk_count_byte(bytes + open + 1, after - open - 2, '\n');
        if (after < length) {
            const uint8_t b = bytes[after];
            const int crlf = b == '\r' && after + 1 < length && bytes[after + 1] == '\n';
            if (b != delimiter && b != '\n' && !crlf) return *irregular = 1, *records = seen, *lines = seen_lines, good;
        }
        i = after;
    }
    // The buffer's last record needs no LF.
    if (end == length && good < length) {
        *records = counted + 1;
        *lines = counted + quoted_lfs;
        return length;
    }
    *records = seen;
    *lines = seen_lines;
    return good;
}

// A COPY block's masks: backslashes, 'N's, tabs and LFs of 64 bytes (zeros past `n`).
typedef struct { uint64_t backslash, n, tab, lf; } copy_plain_masks;

static void copy_plain_masks_scalar(const uint8_t *p, size_t n, copy_plain_masks *m) {
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < n; i++) {
        const uint64_t bit = (uint64_t)1 << i;
        if (p[i] == '\\') m->backslash |= bit;
        if (p[i] == 'N') m->n |= bit;
        if (p[i] == '\t') m->tab |= bit;
        if (p[i] == '\n') m->lf |= bit;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void copy_plain_masks_avx2(const uint8_t *p, size_t n, copy_plain_masks *m) {
    if (n < 64) {
        copy_plain_masks_scalar(p, n, m);
        return;
    }
    const __m256i a = _mm256_loadu_si256((const __m256i *)p), b = _mm256_loadu_si256((const __m256i *)(p + 32));
    m->backslash = mk_eq64_avx2(a, b, '\\');
    m->n = mk_eq64_avx2(a, b, 'N');
    m->tab = mk_eq64_avx2(a, b, '\t');
    m->lf = mk_eq64_avx2(a, b, '\n');
}

__attribute__((target("avx512f,avx512bw")))
static void copy_plain_masks_avx512(const uint8_t *p, size_t n, copy_plain_masks *m) {
    // A masked load reads only the bytes asked for.
    const __m512i v = _mm512_maskz_loadu_epi8(n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1), p);
    m->backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
    m->n = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('N'));
    m->tab = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\t'));
    m->lf = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
}
#endif

// The rows are read 64 bytes a step from their masks: NULLs, tabs and LFs of a block at once, and a turn
// a row for its field count (an earlier form found each `\N` by memchr, which on a dump's tables of
// nullable columns was a call every few bytes).
static size_t plain_copy_records(const uint8_t *bytes, size_t length, size_t offset, size_t limit, size_t fields,
                                 size_t *records, int *irregular,
                                 void (*block_masks)(const uint8_t *, size_t, copy_plain_masks *)) {
    *records = 0;
    *irregular = 0;
    if (offset >= length) return offset;
    const size_t end = length - offset > limit ? offset + limit : length;
    // `good`: where the last whole plain row read so far ends; `tabs`: the open row's tabs so far;
    // `after_separator`: the byte before the block is a tab or an LF (or the run's start).
    size_t good = offset, rows = 0, tabs = 0;
    uint64_t after_separator = 1;
    for (size_t base = offset; base < end; base += 64) {
        const size_t n = end - base < 64 ? end - base : 64;
        copy_plain_masks m;
        block_masks(bytes + base, n, &m);
        const uint64_t separators = m.tab | m.lf;
        // A backslash is a NULL's when it starts a field and `N` and a separator (or the buffer's end)
        // follow: the two bytes after the block's `n` are read from the buffer (-1 past its end).
        const int c0 = base + n < length ? bytes[base + n] : -1, c1 = base + n + 1 < length ? bytes[base + n + 1] : -1;
        const uint64_t n_next = (m.n >> 1) | ((uint64_t)(c0 == 'N') << (n - 1));
        uint64_t separator_after = (separators >> 2) | ((uint64_t)(c1 == '\t' || c1 == '\n' || c1 < 0) << (n - 1));
        if (n >= 2) separator_after |= (uint64_t)(c0 == '\t' || c0 == '\n' || c0 < 0) << (n - 2);
        const uint64_t starts_field = (separators << 1) | after_separator;
        const uint64_t bad = m.backslash & ~(starts_field & n_next & separator_after);
        // Rows end at LFs before the first bad backslash; a row's tabs must be the COPY line's less one.
        const uint64_t before_bad = bad ? ((bad & (0 - bad)) - 1) : ~(uint64_t)0;
        uint64_t from = 0;   // the block's first bit of the open row
        for (uint64_t lfs = m.lf & before_bad; lfs; lfs &= lfs - 1) {
            const unsigned i = (unsigned)__builtin_ctzll(lfs);
            tabs += (size_t)__builtin_popcountll(m.tab & ((((uint64_t)1 << i) - 1) & ~(((uint64_t)1 << from) - 1)));
            if (fields > 0 && tabs != fields - 1) return *irregular = 1, *records = rows, good;
            rows++;
            good = base + i + 1;
            tabs = 0;
            from = i + 1;
        }
        if (bad) return *irregular = 1, *records = rows, good;
        tabs += (size_t)__builtin_popcountll(m.tab & ~(from >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << from) - 1)));
        after_separator = (separators >> 63) & 1;
    }
    // The buffer's last row needs no LF.
    if (end == length && good < length) {
        if (fields > 0 && tabs != fields - 1) return *irregular = 1, *records = rows, good;
        *records = rows + 1;
        return length;
    }
    *records = rows;
    return good;
}

size_t mk_plain_copy_records(const uint8_t *bytes, size_t length, size_t offset, size_t limit, size_t fields,
                             size_t *records, int *irregular) {
#if defined(__x86_64__)
    const mk_path path = mk_csv_path();
    if (path == MK_PATH_WIDE)
        return plain_copy_records(bytes, length, offset, limit, fields, records, irregular, copy_plain_masks_avx512);
    if (path == MK_PATH_ACCELERATED)
        return plain_copy_records(bytes, length, offset, limit, fields, records, irregular, copy_plain_masks_avx2);
#endif
    return plain_copy_records(bytes, length, offset, limit, fields, records, irregular, copy_plain_masks_scalar);
}
