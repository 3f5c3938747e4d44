#ifndef MASK_KERNELS_H
#define MASK_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "mask_hmac.h"
#include "mask_ff1.h"
#include "mask_digit_tokens.h"
#include "mask_letters.h"
#include "mask_kernel_path.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Bit masks for one 64-byte block of input: bit i describes byte (block * 64 + i).
typedef struct {
    /// Anchor candidates stage 2 validates: '@' between a local-part byte and a byte that is no space;
    /// '_' after a letter or digit (and with `prefixes`, after a word that starts a catalogue prefix); '=' ':' '>' and the pairs "\",", "',", " \"", "(\"" (at their first
    /// byte) right after a credential keyword's key; '=' ':' of two-byte operators; ':' before "//",
    /// between a digit and 'A', or after "-u"; the first '-' of "-----"; '$' after a letter or digit
    /// (password hashes). See classify.c.
    uint64_t anchor;
    /// Every '@' '_' '=' ':' '>', every pair "--", "\",", "',", " \"", "(\"", and the '$' anchors: the triggers,
    /// for gates that decide whether a copy of the bytes (an unquoted CSV value) is worth scanning.
    uint64_t trigger;
    /// ASCII digits '0'...'9'.
    uint64_t digit;
    /// Digit candidates: starts of digit runs that may begin a card or an SSN (9+ digits, or joined by a
    /// space or '-' to more digits, or 3 or 4 digits before '.' and a digit), and the first digit of an
    /// encoded '@' (`%40`, `\u0040`, `&#64;`, `&#x40;`); not a run right after a letter. A run is judged
    /// on the whole buffer: a cell that starts with a digit after a letter or digit must look at its
    /// first byte itself.
    uint64_t digitstart;
    /// Bytes equal to one of the four structural bytes the caller chose (CSV: delimiter, quote, LF, CR);
    /// none when the caller chose four zeros.
    uint64_t structural;
    /// Bytes from which 16 or more token bytes `[A-Za-z0-9_.~-]` follow (the byte included); bytes past
    /// the classified range but inside the buffer count, so runs that straddle a window end are seen.
    uint64_t longrun;
    /// Word starts of long runs (letters and digits whose preceding byte in the buffer, even before the
    /// range, is neither, and where a long run starts) where a token rule may begin: with `prefixes`, a
    /// catalogue prefix, `eyJ`, a first byte 'M' 'N' 'O', or a suffixed token's separator at its offset
    /// (see classify.c); without, every one.
    uint64_t tokenstart;
    /// Starts of long runs (`longrun` bytes whose preceding byte in the buffer is no token byte) at a byte
    /// that is no letter or digit (`_`, `.`, `~`, `-`), where (given the catalogue's prefixes) a token can
    /// start (a prefix, or an Azure AD client secret's `Q~` shape): where a value that starts there gets a
    /// candidate of its own (`CellEdges`) that may find something, which the column batches' walk looks for
    /// without reading the bytes.
    uint64_t otherstart;
} mk_block_masks;

/// The token catalogue's prefixes as stage 1 reads them (TokenCatalogue.Index builds it): a bit per
/// two-byte start (first byte | second byte << 8) that some prefix begins with (`pairs`); the `words`,
/// each a prefix's first (up to) 8 bytes, little-endian, with the mask of the bytes it has and the
/// catalogue's index of its rule (the Swift matcher reads the same tables; stage 1 needs no rule), sorted
/// by their first two bytes, then in catalogue order; and for each two-byte start, the run of words that
/// begin with it, in a hash table of MK_PREFIX_PAIR_SLOTS slots (`pair_keys`, `pair_groups`): the pair at
/// `mk_prefix_pair_slot(pair)` or the next slots after it (linear probing; key 0, which no pair is, marks
/// an empty slot). A word start that passes `pairs` compares only its own pair's words, not every word of
/// its first byte ('s' starts 35 prefixes; a word like "session" compared them all).
typedef struct { uint16_t start, count; } mk_prefix_group;
typedef struct { uint64_t word, mask; uint16_t rule; } mk_prefix_word;
///
/// `triples` (NULL for none) is a bit per hash of a three-byte start (`mk_prefix_triple_bit`) that some
/// prefix begins with, every third byte for a two-byte prefix: a start that passes `pairs` is looked up
/// in it before its pair's probe and words. A third of a PII-free table's `_` words pass the pair
/// ("dark_mode", "beta_", "audit_log": 'da' of "dapi", 'be' of "bedrock-", 'au' of "authress") and
/// none is a token; the probe and the words' loop, whose exits the branch predictor misses, were most
/// of what each cost.
typedef struct {
    const uint64_t *pairs;           // 65536 bits
    const mk_prefix_word *words;
    const uint16_t *pair_keys;       // MK_PREFIX_PAIR_SLOTS entries
    const mk_prefix_group *pair_groups;   // MK_PREFIX_PAIR_SLOTS entries
    const uint64_t *triples;         // MK_PREFIX_TRIPLE_BITS bits, or NULL
} mk_token_prefixes;

enum { MK_PREFIX_PAIR_SLOTS = 512, MK_PREFIX_TRIPLE_BITS = 32768 };

/// The bit of `triples` for a start's first three bytes (`head`'s low 24 bits: first byte | second << 8 |
/// third << 16): a multiplicative hash to 15 bits, so that a few hundred starts set about 2 % of them.
static inline unsigned mk_prefix_triple_bit(uint64_t head) {
    return (unsigned)(((uint32_t)(head & 0xFFFFFF) * 0x9E3779B1u) >> 17);
}

/// The first slot of `pair` (first byte | second byte << 8) in the pair table.
static inline unsigned mk_prefix_pair_slot(unsigned pair) {
    return ((pair * 0x9E3779B1u) >> 23) & (MK_PREFIX_PAIR_SLOTS - 1);
}

/// The run of `words` that begin with `pair` into `*group`, and 1; or 0 when the table has no such pair
/// (the probe stops at an empty slot, or after every slot: a full or inconsistent table never hangs).
/// Stage 1 (`prefix_starts_at`) and stage 2 (`TokenCatalogue.match`) both look pairs up here.
static inline int mk_prefix_pair_group(const mk_token_prefixes *prefixes, unsigned pair, mk_prefix_group *group) {
    unsigned slot = mk_prefix_pair_slot(pair);
    for (unsigned probes = 0; probes < MK_PREFIX_PAIR_SLOTS; probes++) {
        const uint16_t key = prefixes->pair_keys[slot];
        if (key == pair) { *group = prefixes->pair_groups[slot]; return 1; }
        if (key == 0) return 0;
        slot = (slot + 1) & (MK_PREFIX_PAIR_SLOTS - 1);
    }
    return 0;
}

/// Classifies `buffer[start ..< start + length]` (`start` a multiple of 64, `start + length <= total`)
/// into `(length + 63) / 64` blocks written to `out`. Bytes after the range, up to `total`, and up to
/// 256 bytes before it are read, so that conditions that straddle the range's ends are still seen. Bits
/// past `length` in the last block are zero. Uses AVX-512BW, else AVX2, when the CPU has it (unless the
/// environment variable MASKD_STAGE1 is `scalar`, or `avx2` which stops at AVX2, or the calling thread
/// forced MK_KERNEL_CLASSIFY's path with mk_path_force), else the scalar twin; all give identical masks.
/// mk_path_last says which ran.
/// `prefixes` (may be NULL) lets an '_' anchor through only where a catalogue prefix starts at the word
/// before it, when that word starts within 16 bytes; NULL lets every '_' after a letter or digit through.
/// `structural`: the four bytes the `structural` mask marks; four zeros ask for none (the copies of values
/// that the column batches classify, most of the bytes classified, have no use for it: their compares
/// are skipped).
void mk_classify(const uint8_t *buffer, size_t total, size_t start, size_t length,
                 const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes);

/// The scalar twin of `mk_classify`, exposed so tests can compare the two on every input.
void mk_classify_scalar(const uint8_t *buffer, size_t total, size_t start, size_t length,
                        const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes);

/// Whether `mk_classify` runs a vector kernel (AVX2 or AVX-512BW) on the calling thread (forced there, or
/// the CPU has one and MASKD_STAGE1 is not `scalar`): the CPU has AVX2 then.
int mk_classify_uses_vectors(void);

/// The path `mk_classify` takes on the calling thread (MK_PATH_WIDE, MK_PATH_ACCELERATED or
/// MK_PATH_PORTABLE), for reports that name the kernel their figures come from.
mk_path mk_classify_path(void);

#ifdef __cplusplus
}
#endif

#endif

#ifndef MASK_KERNELS_CSV_H
#define MASK_KERNELS_CSV_H
#ifdef __cplusplus
extern "C" {
#endif

/// Where the last complete CSV record in a buffer ends, found without parsing fields: a record ends at
/// a '\n' outside quotes, and "inside quotes" is the running parity of quote bytes (a doubled quote
/// toggles twice). The buffer must start outside quotes, at a record boundary.
typedef struct {
    /// Offset just past the last record-ending '\n', or 0 when the buffer holds no complete record.
    size_t end;
    /// '\n' bytes in [0, end), quoted or not: lines for error messages.
    size_t lines;
    /// Records that end in [0, end).
    size_t records;
} mk_csv_split;

/// Finds the split with AVX-512BW or AVX2 (with PCLMULQDQ) when the CPU has it, else (or on the path the
/// calling thread forced for MK_KERNEL_CSV_SPLIT) with the scalar twin; mk_path_last says which ran.
mk_csv_split mk_csv_last_record_end(const uint8_t *bytes, size_t length, uint8_t quote);

/// Whether `bytes[0 ..< length]` holds only letters, digits and ` $(),+-./:[]`, no "--", and no '-', ' '
/// or '(' last (which would start a trigger pair with a '-' or a quote after the cell):
/// then it holds no stage-1 text anchor (a trigger other than ':'), whatever bytes surround it. For cells
/// of types that cannot hold PII (UUIDs, timestamps, addresses), which are scanned only when they do.
/// `readable` bytes from `bytes` on may be read (at least `length`); with 32 rounded up, AVX2 runs, as
/// it does for `mk_classify`, else the scalar twin. Both give the same answer.
int mk_plain_typed_text(const uint8_t *bytes, size_t length, size_t readable);

/// The scalar twin of `mk_plain_typed_text`, exposed so tests can compare the two.
int mk_plain_typed_text_scalar(const uint8_t *bytes, size_t length);

/// The bytes before an email's separator that mk_email_local_run_of reads at most.
#define MK_EMAIL_LOCAL_WINDOW 32

/// What mk_email_local_run_of found before an email's separator.
typedef struct {
    /// Where the run of plain local-part bytes that ends at the separator starts.
    size_t start;
    /// The letter or digit of the run nearest the separator, or -1.
    ptrdiff_t nearest_word;
    /// 1 when the run holds a letter.
    int letters;
    /// 0 when the window holds a byte that may start or end an escape or a UTF-8 character ('%', '\\',
    /// ';', one past ASCII): then nothing was read, and `start` is `end`.
    int handled;
} mk_email_local_run;

/// Reading back from `end` (an email separator's first byte) over the bytes `[A-Za-z0-9._+'!#$&*^~-]`,
/// within the window of the MK_EMAIL_LOCAL_WINDOW bytes before `end` that are at or past `lower`: the
/// run's start, its nearest letter or digit and whether it holds a letter, as EmailDetector.localStart's
/// byte loop reads them. When the window does not start at `lower`, the run stops six bytes into it (a
/// byte is read as itself only when the six before it are known to start no escape); the caller reads
/// on from `start`. `bytes[0 ..< end]` must be readable. AVX2 when stage 1 runs vectors, else the
/// scalar twin; both give the same result.
mk_email_local_run mk_email_local_run_of(const uint8_t *bytes, size_t lower, size_t end);

/// The scalar twin of `mk_email_local_run_of`, exposed so tests can compare the two.
mk_email_local_run mk_email_local_run_scalar(const uint8_t *bytes, size_t lower, size_t end);

/// The bytes after an email's separator that mk_email_domain_run_of reads at most.
#define MK_EMAIL_DOMAIN_WINDOW 64

/// What mk_email_domain_run_of found after an email's separator.
typedef struct {
    /// Where the run of `[A-Za-z0-9.-]` that starts at `start` ends (at most the window's end).
    size_t end;
    /// Bit i: the byte at `start + i` is a dot, or a letter; only for bytes of the run.
    uint64_t dots;
    uint64_t letters;
    /// 1 when the run ended inside the window (at a byte that is no domain byte, or at `limit`); 0 when
    /// it fills the window and may go on past it.
    int complete;
} mk_email_domain_run;

/// The run of plain ASCII domain bytes (`[A-Za-z0-9.-]`) from `start` (the byte after an email's
/// separator), read no further than `limit` nor MK_EMAIL_DOMAIN_WINDOW bytes, with its dots and letters
/// as masks: EmailDetector.domainEnd walks the labels from them. `bytes[start ..< readable]` must be
/// readable, `start < readable`, `start <= limit <= readable`. AVX2 when stage 1 runs vectors, else the
/// scalar twin; both give the same result.
mk_email_domain_run mk_email_domain_run_of(const uint8_t *bytes, size_t readable, size_t start, size_t limit);

/// The scalar twin of `mk_email_domain_run_of`, exposed so tests can compare the two.
mk_email_domain_run mk_email_domain_run_scalar(const uint8_t *bytes, size_t start, size_t limit);

/// Where the plain CSV records from `offset` end, within `limit` bytes, and how many they are
/// (`*records`): records that end at an LF, or at `length` (the buffer's last), whose quoted fields open
/// at a field's start, close before a delimiter, an LF, a CR LF or the buffer's end, and hold no doubled
/// quote, with no backslash anywhere; `offset` when the first record is not such a one, or is not whole
/// within the limit. `*lines`: the LFs they hold, quoted ones too. `*irregular`: the run ends at a record
/// that is not plain (rather than at the limit).
size_t mk_plain_csv_records(const uint8_t *bytes, size_t length, size_t offset, size_t limit, uint8_t delimiter,
                            size_t *records, size_t *lines, int *irregular);

/// Where the plain COPY text rows from `offset` end, within `limit` bytes, and how many they are
/// (`*records`): rows that end at an LF, or at `length` (the buffer's last), with no backslash but a
/// NULL's (a whole field `\N`), and `fields` fields each (any number when 0); `offset` when the first row
/// is not such a one, or is not whole within the limit (a row holds no LF but its end: its lines are
/// its rows). `*irregular`: the run ends at a row that is not plain (rather than at the limit).
size_t mk_plain_copy_records(const uint8_t *bytes, size_t length, size_t offset, size_t limit, size_t fields,
                             size_t *records, int *irregular);

/// How many of `bytes[0 ..< length]` are `byte`.
size_t mk_count_byte(const uint8_t *bytes, size_t length, uint8_t byte);

#ifdef __cplusplus
}
#endif
#endif

#ifndef MASK_KERNELS_CSV_FIELDS_H
#define MASK_KERNELS_CSV_FIELDS_H
#ifdef __cplusplus
extern "C" {
#endif

enum {
    /// The field starts with a quote: its value is [start + 1, end - 1).
    MK_CSV_QUOTED = 1,
    /// A quoted field with doubled quotes inside: its value must be unquoted before it is read.
    MK_CSV_DOUBLED = 2,
    /// The record's last field.
    MK_CSV_LAST = 4,
    /// A COPY text field with a backslash escape: its value must be unescaped before it is read.
    MK_COPY_ESCAPED = 8,
    /// A COPY text field that is exactly `\N`: NULL, neither decoded nor read.
    MK_COPY_NULL = 16,
    /// A CSV field whose value (after its opening quote, if quoted) starts with a backslash: perhaps
    /// bytea's hex text, as PostgreSQL's COPY CSV writes it (`\x…`), which mk_text_gather tests for.
    MK_CSV_BACKSLASH = 32,
};

/// One field found by mk_csv_fields or mk_copy_fields: its raw bytes [start, end), quotes or escapes
/// included, without the terminator after it.
typedef struct {
    size_t start;
    size_t end;
    uint32_t flags;
} mk_csv_field;

/// What mk_csv_fields read.
typedef struct {
    /// Offset just past the last whole record read (its line ending included), or the start position.
    size_t position;
    /// Records read; record k ends at record_ends[k].
    size_t records;
    /// Fields of those records, in order, in fields[0 ..< fields].
    size_t fields;
    /// '\n' bytes in [start position, position), quoted or not: lines for error messages.
    size_t lines;
    /// 1 when it stopped before a record it does not read (a malformed one, a lone CR outside quotes, an
    /// unterminated quote, or one record wider than the field buffer): the caller reads that record its
    /// own way. 0 when it stopped at the buffer's end or at a limit.
    int irregular;
} mk_csv_fields_result;

/// Reads whole RFC 4180 records from `bytes[position ..< length]` (`position` at a record's start):
/// fields end at `delimiter`, LF or CR LF outside quotes; a record ends at LF or CR LF, or at the buffer's
/// end. Fields are flagged MK_CSV_QUOTED, MK_CSV_DOUBLED, MK_CSV_LAST and MK_CSV_BACKSLASH. Stops after `max_records` records, or after the record that brings the bytes read to
/// `max_bytes` or more, or when the next record's fields would not fit in `field_capacity`. Accepts
/// exactly what CSVChunkMasker's record loop accepts without an error, except that a lone CR outside
/// quotes (data to that loop) stops it. AVX-512BW or AVX2 (with PCLMULQDQ) when the CPU has it, else (or on
/// the path the calling thread forced for MK_KERNEL_CSV_SPLIT) scalar masks; all give the same result.
mk_csv_fields_result mk_csv_fields(const uint8_t *bytes, size_t length, size_t position, uint8_t delimiter,
                                   size_t max_records, size_t max_bytes, mk_csv_field *fields,
                                   size_t field_capacity, size_t *record_ends);

/// Reads whole rows of a COPY block in PostgreSQL's text format from `bytes[position ..< length]`
/// (`position` at a row's start), as mk_csv_fields reads CSV records: fields end at a tab, rows at an LF,
/// each unless a backslash escapes it (a backslash escapes the byte after it, whatever it is), and an
/// unescaped CR before a row's LF is its line ending (CR LF), not the last field's; the buffer's end ends
/// the last row. Fields with an escape are flagged MK_COPY_ESCAPED, and a field that is
/// exactly `\N` MK_COPY_NULL; `lines` is the rows read (a row is one line, the last one too when the
/// buffer ends it, as the row loop counts them). Stops as mk_csv_fields does at its limits, and
/// with `irregular` before a row the COPY row loop (CopyTextChunkMasker) refuses: an escaped LF, a
/// backslash that is the buffer's last byte, or, when `expected_fields` is not 0, a row with another field
/// count. AVX-512BW or AVX2 on the CSV kernels' path (MK_KERNEL_CSV_SPLIT), else scalar masks; all give
/// the same result.
mk_csv_fields_result mk_copy_fields(const uint8_t *bytes, size_t length, size_t position, size_t expected_fields,
                                    size_t max_records, size_t max_bytes, mk_csv_field *fields, size_t field_capacity,
                                    size_t *record_ends);

/// Where the rows of a COPY block end in `bytes` (which starts at a row).
typedef struct {
    /// The start of the `\.` line, when there is one; else the end of the last whole row (just past the
    /// last LF), or 0.
    size_t rows_end;
    /// The `\.` line's length (its line ending included, `\.\r\n` too), or 0 when the bytes hold none.
    size_t terminator;
    /// LFs before `rows_end`: the rows that end there.
    size_t lines;
} mk_copy_data_end_result;

/// The first line of `bytes[0 ..< length]` that is `\.` alone (followed by LF, CR LF, or, when
/// `input_ends` says nothing follows the bytes, their end, after an optional CR: else the line may go on), and the rows before it; PgDumpSplitter's walk over a block's rows. A row of
/// data is never `\.` alone: a backslash in data is escaped. AVX-512BW or AVX2 on the CSV kernels'
/// path, else scalar masks; all give the same result.
mk_copy_data_end_result mk_copy_data_end(const uint8_t *bytes, size_t length, int input_ends);

/// Decodes the COPY text value `value[0 ..< length]` as PostgreSQL does (`\b \f \n \r \t \v`, one to
/// three octal digits, `\x` and one or two hex digits, and `\c` for any other c; a lone backslash last
/// stays) into `out` (room for `length` bytes: no escape decodes to more bytes than it has); returns the
/// bytes written.
size_t mk_copy_unescape(const uint8_t *value, size_t length, uint8_t *out);

/// One field of a batch of text records (CSV records, COPY rows: TextRecordBatch), laid out for C so that
/// mk_text_gather writes a batch's fields where the batch keeps them.
typedef struct {
    /// Its raw bytes in the chunk, quotes or escapes included, without the terminator after it.
    int64_t raw_start, raw_end;
    /// Where its value is scanned: in the batch's decoded bytes with MK_FIELD_DECODED, else in the chunk.
    int64_t value_start, value_end;
    /// Its findings, findings[findings_start ..< findings_end] of the batch.
    int32_t findings_start, findings_end;
    uint32_t flags;
} mk_text_field;

enum {
    /// A CSV field that was quoted, and is written quoted again.
    MK_FIELD_QUOTED = 1,
    /// The value is in the batch's decoded bytes (decoded, or copied there to be classified in one piece).
    MK_FIELD_DECODED = 2,
    /// Not scanned at all (a COPY NULL).
    MK_FIELD_SKIPPED = 4,
    /// A COPY value that is bytea's hex text once unescaped (mk_is_bytea_hex), in the batch's decoded bytes
    /// at [value_start, value_end): marked MK_FIELD_SKIPPED too, so that the batch's walk over its text
    /// values passes it, and scanned after the walk as the bytes it encodes.
    MK_FIELD_HEX = 8,
};

/// Whether `value[0 ..< length]` is bytea's hex text: `\x` then an even, non-zero number of hex digits.
int mk_is_bytea_hex(const uint8_t *value, size_t length);

/// What mk_text_gather did.
typedef struct {
    /// Fields taken from the input (all of them unless it ran out of room).
    size_t fields;
    /// Decoded bytes after them.
    size_t decoded_count;
    /// Fields among them left in the chunk, to be scanned there.
    size_t raw_fields;
    /// Fields among them marked MK_FIELD_HEX.
    size_t hex_fields;
    /// Records whose last field was taken; record k's fields end before field record_field_ends[k].
    size_t records;
    /// When it stopped before the end: the decoded bytes the next field needs (then make room and call
    /// again from that field).
    size_t needed;
} mk_text_gather_result;

/// Writes the fields `fields[0 ..< count]` (from mk_csv_fields or mk_copy_fields, over `chunk`) as text
/// fields to `out`, their values gathered into `decoded` after its first `decoded_count` bytes: a value
/// with doubled quotes unquoted, one with COPY escapes unescaped (and marked MK_FIELD_HEX when it is then
/// bytea's hex text, whose `\` a COPY row escapes), a CSV value starting with a backslash copied on its
/// own and marked MK_FIELD_HEX when it is bytea's hex text, a COPY NULL marked MK_FIELD_SKIPPED
/// (copied with a run when one is open), the others copied in runs with the bytes between them (delimiters, line endings) as
/// they lie, one copy per run; a zero byte after each run and each unquoted value. A value without
/// doubled quotes that would take the copies past `copied_at_most` decoded bytes stays in the chunk.
/// Stops before a field whose bytes would not fit in `decoded_capacity` (`needed` says how many it needs),
/// and after the field that ends the `record_capacity`th record (at least 1: the size of
/// `record_field_ends`); the caller calls again from the next field.
mk_text_gather_result mk_text_gather(const uint8_t *chunk, const mk_csv_field *fields, size_t count, uint8_t *decoded,
                                     size_t decoded_count, size_t decoded_capacity, size_t copied_at_most,
                                     mk_text_field *out, size_t *record_field_ends, size_t record_capacity);

/// Writes the quoted CSV value `value[0 ..< length]` (between its quotes; its quotes come in doubled pairs)
/// with each `""` made one `"` to `out` (room for `length` bytes); returns the bytes written. On any bytes,
/// each quote is written and the byte after it skipped. 64 bytes a step with AVX-512 VBMI2 on the CSV
/// kernels' wide path, eight elsewhere; the same bytes either way.
size_t mk_csv_unquote(const uint8_t *value, size_t length, uint8_t *out);

/// Writes `value[0 ..< length]` as a quoted CSV value to `out`: a quote, the value with each `"` doubled,
/// a quote (32 bytes a step with AVX-512 VL, VBMI and VBMI2 on the CSV kernels' wide path). `out` must have room for 2 * length + 10 bytes (it stores eight bytes at a time, past what it
/// keeps); returns the bytes written.
size_t mk_csv_quote(const uint8_t *value, size_t length, uint8_t *out);

/// Asks for the cache line at `address` ahead of a read whose address depends on the bytes before it
/// (a DataRow's cell lengths), which the hardware prefetcher does not run ahead of. Any address is valid:
/// a prefetch never faults.
static inline void mk_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#ifdef __cplusplus
}
#endif
#endif
