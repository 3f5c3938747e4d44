// Runs of plain text records: CSV records whose fields are their values' bytes (no doubled quote inside
// a quoted field, no backslash, which may start bytea's hex text), COPY rows without escapes (a NULL's
// `\N` aside), each well formed as the record loop reads it, so that a run of them without a stage-1
// candidate can be passed on without reading its fields (TextRecordBatch.keepPlainRecords). Quotes,
// backslashes and line ends are found by glibc's memchr and memrchr and counted in byte lanes, each 32
// or 64 bytes a step: such runs are tables of values without PII, with a quoted field or two a record.
#define _GNU_SOURCE
#include "mask_kernels.h"

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
                            size_t *records, int *irregular) {
    *records = 0;
    *irregular = 0;
    if (offset >= length) return offset;
    size_t end = length - offset > limit ? offset + limit : length;
    const uint8_t *backslash = memchr(bytes + offset, '\\', end - offset);
    if (backslash) {
        end = (size_t)(backslash - bytes);
        *irregular = 1;
    }
    // `good`: where the last whole plain record read so far ends; `seen`: records up to there.
    size_t good = offset, seen = 0, counted = 0, i = offset;
    for (;;) {
        // The bytes outside quotes up to the next quote: each LF there ends a record.
        const uint8_t *quote = memchr(bytes + i, '"', end - i);
        const size_t stop = quote ? (size_t)(quote - bytes) : end;
        const size_t lfs = mk_count_byte(bytes + i, stop - i, '\n');
        if (lfs > 0) {
            good = (size_t)((const uint8_t *)memrchr(bytes + i, '\n', stop - i) - bytes) + 1;
            counted += lfs;
            seen = counted;
        }
        if (!quote) break;
        // A quote opens a field: at a record's start or after a delimiter.
        const size_t open = stop;
        if (open > offset && bytes[open - 1] != delimiter && bytes[open - 1] != '\n') return *irregular = 1, *records = seen, good;
        // It closes before a delimiter, an LF, a CR LF or the buffer's end, and is not doubled.
        const uint8_t *close = memchr(bytes + open + 1, '"', end - open - 1);
        if (!close) {
            // Past the limit or a backslash (already irregular), or never closed (a malformed record).
            if (end == length) *irregular = 1;
            return *records = seen, good;
        }
        const size_t after = (size_t)(close - bytes) + 1;
        if (after < length) {
            const uint8_t b = bytes[after];
            const int crlf = b == '\r' && after + 1 < length && bytes[after + 1] == '\n';
            if (b != delimiter && b != '\n' && !crlf) return *irregular = 1, *records = seen, good;
        }
        i = after;
    }
    // The buffer's last record needs no LF.
    if (end == length && good < length) {
        *records = counted + 1;
        return length;
    }
    *records = seen;
    return good;
}

size_t mk_plain_copy_records(const uint8_t *bytes, size_t length, size_t offset, size_t limit, size_t fields,
                             size_t *records, int *irregular) {
    *records = 0;
    *irregular = 0;
    size_t i = offset;
    const size_t end = length - offset > limit ? offset + limit : length;
    while (i < end) {
        const uint8_t *lf = memchr(bytes + i, '\n', end - i);
        // A row ends at its LF, or the buffer's last at its end; one that the limit cuts is not whole.
        if (!lf && end < length) break;
        const size_t row_end = lf ? (size_t)(lf - bytes) : length;
        // Each backslash is a NULL's: the whole field `\N`.
        for (size_t p = i; p < row_end;) {
            const uint8_t *backslash = memchr(bytes + p, '\\', row_end - p);
            if (!backslash) break;
            const size_t at = (size_t)(backslash - bytes);
            const int null = at + 1 < row_end && bytes[at + 1] == 'N' && (at == i || bytes[at - 1] == '\t')
                             && (at + 2 == row_end || bytes[at + 2] == '\t');
            if (!null) return *irregular = 1, i;
            p = at + 2;
        }
        // As many fields as the COPY line names columns (when it names them).
        if (fields > 0 && mk_count_byte(bytes + i, row_end - i, '\t') != fields - 1) return *irregular = 1, i;
        *records += 1;
        i = lf ? row_end + 1 : length;
    }
    return i;
}
