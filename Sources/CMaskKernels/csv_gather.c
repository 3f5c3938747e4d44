// Gathers the values of a batch of text records (CSV records, COPY rows) into the batch's decoded bytes,
// where stage 1 classifies them in one pass and stage 2 scans and rewrites them (TextRecordBatch): the
// fields that mk_csv_fields or mk_copy_fields found become the batch's fields with no Swift step per field.
// Done field by field in Swift, building each field and appending it cost about 120 instructions a field,
// a sixth of the time on PII-free CSV (Benchmarks/RESULTS.md); here a field costs a few stores, and each
// run of fields one memcpy.
#include "mask_kernels.h"
#include "csv_kernel_internal.h"
#include "bit_list_internal.h"

#include <string.h>

// Copies the eight bytes at `from` to `to` and returns the index of the first quote among them, or 8.
// The quote loops below go eight bytes at a time while a word holds no quote (a JSON value in CSV has a
// quote every few bytes), and finding each with a memchr call cost more than copying the bytes around it.
static inline size_t copy_word_to_quote(const uint8_t *from, uint8_t *to) {
    uint64_t word;
    memcpy(&word, from, 8);
    memcpy(to, &word, 8);
    // The classic zero-byte test on word ^ quotes: its lowest flag is the first quote exactly (flags
    // above a true zero byte may be false, the lowest never is). Little-endian: byte j is bits 8j...
    const uint64_t x = word ^ 0x2222222222222222ull;
    const uint64_t flags = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
    return flags == 0 ? 8 : (size_t)__builtin_ctzll(flags) >> 3;
}

// The SWAR unquote below from byte `i` (written so far: `k`) on, up to `stop` (or past it by the one byte a
// quote's pair takes): returns where it stopped in `*at` and the bytes written.
static inline size_t unquote_words(const uint8_t *value, size_t length, uint8_t *out, size_t *at, size_t k,
                                   size_t stop) {
    size_t i = *at;
    while (i + 8 <= length && i < stop) {
        // Sound: k <= i, so the 8 bytes stored at out + k end at or before out + length.
        const size_t q = copy_word_to_quote(value + i, out + k);
        if (q == 8) {
            k += 8;
            i += 8;
        } else {
            k += q + 1;   // the bytes before the quote and one quote
            i += q + 2;   // and its pair
        }
    }
    while (i < length && i < stop) {
        uint8_t b = value[i];
        out[k++] = b;
        i += b == '"' ? 2 : 1;
    }
    *at = i;
    return k;
}

#if defined(__x86_64__)
#include <immintrin.h>
// 64 bytes a step where the quotes come in separate pairs (a JSON value's `""key""`): the second quote of
// each pair is left out by one compress (AVX-512 VBMI2) and a masked store. A window holding a run of
// three quotes or more, or a quote in its last byte (a run that may go on), is done by the SWAR loop,
// which reads exactly as the scalar rule does (a quote is written and the byte after it skipped), so the
// two give the same bytes on any input, pairs or not.
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))
static size_t unquote_vbmi2(const uint8_t *value, size_t length, uint8_t *out) {
    const __m512i quote = _mm512_set1_epi8('"');
    size_t i = 0, k = 0;
    while (i < length) {
        const size_t n = length - i < 64 ? length - i : 64;
        const __mmask64 valid = n == 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
        const __m512i v = _mm512_maskz_loadu_epi8(valid, value + i);
        const uint64_t q = _mm512_mask_cmpeq_epi8_mask(valid, v, quote);
        // Runs of quotes: their first bytes (the byte before the window is no pending pair: the loop only
        // starts a window where the scalar rule would read a fresh byte).
        const uint64_t first = q & ~(q << 1);
        const uint64_t second = (first << 1) & valid;
        if (q != (first | second) || (n == 64 && (q >> 63))) {
            k = unquote_words(value, length, out, &i, k, i + 64);
            continue;
        }
        const __mmask64 keep = valid & ~second;
        const size_t m = (size_t)__builtin_popcountll(keep);
        // Sound: m <= n bytes are stored at out + k, and k + m <= i + n <= length (k <= i), the room the
        // caller gives.
        _mm512_mask_storeu_epi8(out + k, m == 64 ? ~(__mmask64)0 : (((__mmask64)1 << m) - 1),
                                _mm512_maskz_compress_epi8(keep, v));
        k += m;
        i += n;
    }
    return k;
}

#endif

size_t mk_csv_unquote(const uint8_t *value, size_t length, uint8_t *out) {
#if defined(__x86_64__)
    // The CSV kernels' path: the wide one (forced, or the CPU's) compresses with VBMI2 where the CPU has it.
    const mk_path forced = mk_path_forced_here(MK_KERNEL_CSV_SPLIT);
    if ((forced == MK_PATH_WIDE || (forced == MK_PATH_NONE && mk_csv_has_wide())) && mk_cpu_has_vbmi2())
        return unquote_vbmi2(value, length, out);
#endif
    size_t at = 0;
    return unquote_words(value, length, out, &at, 0, length);
}

#if defined(__x86_64__)
// mk_csv_quote 32 bytes a step (AVX-512 VL, VBMI and VBMI2, BMI2): each byte is laid out twice (vpermb), the
// second copy kept only after a quote (its slot bit deposited by pdep), and the kept bytes compressed
// together: a value with a quote every few bytes (a JSON cell) costs no branch per quote.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,bmi2,popcnt")))
static size_t quote_vbmi(const uint8_t *value, size_t length, uint8_t *out) {
    const __m512i twice = _mm512_set_epi8(31, 31, 30, 30, 29, 29, 28, 28, 27, 27, 26, 26, 25, 25, 24, 24, 23, 23, 22,
                                          22, 21, 21, 20, 20, 19, 19, 18, 18, 17, 17, 16, 16, 15, 15, 14, 14, 13, 13,
                                          12, 12, 11, 11, 10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1,
                                          1, 0, 0);
    const __m256i quote = _mm256_set1_epi8('"');
    size_t i = 0, k = 0;
    out[k++] = '"';
    while (i < length) {
        const size_t n = length - i < 32 ? length - i : 32;
        const __mmask32 valid = n == 32 ? ~(__mmask32)0 : (((__mmask32)1 << n) - 1);
        const __m256i v = _mm256_maskz_loadu_epi8(valid, value + i);
        const uint64_t q = _mm256_mask_cmpeq_epi8_mask(valid, v, quote);
        // Slot 2t holds byte t, slot 2t + 1 its copy: kept for the first n bytes, the copy for quotes only.
        const uint64_t firsts = _pdep_u64((uint64_t)valid, 0x5555555555555555ull);
        const uint64_t keep = firsts | _pdep_u64(q, 0xAAAAAAAAAAAAAAAAull);
        const __m512i doubled = _mm512_permutexvar_epi8(twice, _mm512_castsi256_si512(v));
        const size_t m = (size_t)__builtin_popcountll(keep);
        // Sound: m <= 2n bytes go to out + k, and k + m <= 1 + 2 (i + n): inside the 2 length + 10 bytes
        // the caller gives.
        _mm512_mask_storeu_epi8(out + k, m == 64 ? ~(__mmask64)0 : (((__mmask64)1 << m) - 1),
                                _mm512_maskz_compress_epi8(keep, doubled));
        k += m;
        i += n;
    }
    out[k++] = '"';
    return k;
}

static int has_vbmi(void) {
    return mk_cpu_has_vbmi2() && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi")
           && __builtin_cpu_supports("bmi2");
}
#endif

size_t mk_csv_quote(const uint8_t *value, size_t length, uint8_t *out) {
#if defined(__x86_64__)
    const mk_path forced = mk_path_forced_here(MK_KERNEL_CSV_SPLIT);
    if ((forced == MK_PATH_WIDE || (forced == MK_PATH_NONE && mk_csv_has_wide())) && has_vbmi())
        return quote_vbmi(value, length, out);
#endif
    // mk_csv_unquote's inverse: each quote is written twice.
    size_t i = 0, k = 0;
    out[k++] = '"';
    while (i + 8 <= length) {
        // Sound: k <= 2i + 1, so the 8 bytes stored at out + k end before out + 2 * length + 10.
        const size_t q = copy_word_to_quote(value + i, out + k);
        if (q == 8) {
            k += 8;
            i += 8;
        } else {
            k += q + 1;   // the bytes before the quote and the quote
            out[k++] = '"';
            i += q + 1;
        }
    }
    while (i < length) {
        uint8_t b = value[i++];
        out[k++] = b;
        if (b == '"') out[k++] = '"';
    }
    out[k++] = '"';
    return k;
}

static inline int copy_hex_value(uint8_t b) {
    if (b >= '0' && b <= '9') return b - '0';
    if (b >= 'a' && b <= 'f') return b - 'a' + 10;
    if (b >= 'A' && b <= 'F') return b - 'A' + 10;
    return -1;
}

size_t mk_copy_unescape(const uint8_t *value, size_t length, uint8_t *out) {
    size_t i = 0, k = 0;
    while (i < length) {
        // The bytes up to the next backslash in one copy: escapes are few even in an escaped value.
        const uint8_t *backslash = memchr(value + i, '\\', length - i);
        const size_t run = (backslash ? (size_t)(backslash - value) : length) - i;
        // Sound: k <= i, and each step below writes one byte for at least one read, so k stays <= length.
        memmove(out + k, value + i, run);
        k += run;
        i += run;
        if (i >= length) break;
        if (i + 1 >= length) { out[k++] = '\\'; break; }   // a lone backslash last: itself
        const uint8_t c = value[i + 1];
        i += 2;
        switch (c) {
        case 'b': out[k++] = 8; break;
        case 'f': out[k++] = 12; break;
        case 'n': out[k++] = 10; break;
        case 'r': out[k++] = 13; break;
        case 't': out[k++] = 9; break;
        case 'v': out[k++] = 11; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            // One to three octal digits; PostgreSQL keeps the low eight bits of a larger value.
            unsigned v = (unsigned)(c - '0');
            for (int digits = 0; digits < 2 && i < length && value[i] >= '0' && value[i] <= '7'; digits++)
                v = v * 8 + (unsigned)(value[i++] - '0');
            out[k++] = (uint8_t)v;
            break;
        }
        case 'x': {
            // One or two hex digits; `\\x` without one is an `x`.
            int v = 0, digits = 0, h;
            while (digits < 2 && i < length && (h = copy_hex_value(value[i])) >= 0) { v = v * 16 + h; i++; digits++; }
            out[k++] = digits == 0 ? (uint8_t)'x' : (uint8_t)v;
            break;
        }
        default: out[k++] = c;
        }
    }
    return k;
}

// What takes a field out of a run: doubled quotes (CSV) or escapes (COPY) to decode, or a CSV value
// starting with a backslash, tested for bytea's hex text (rare: the run loop tests one flag word).
enum { DECODES = MK_CSV_DOUBLED | MK_COPY_ESCAPED | MK_CSV_BACKSLASH };

// A field copied with its run, which lies `shift` bytes from the chunk in the decoded bytes: its value
// there, or, for a COPY NULL (`\N`, copied with the run so as not to end it), not read at all.
static inline void gather_in_run(mk_csv_field f, int64_t shift, mk_text_field *o) {
    const int64_t quoted = f.flags & MK_CSV_QUOTED;
    const int64_t decoded = (f.flags & MK_COPY_NULL) == 0;
    o->raw_start = (int64_t)f.start;
    o->raw_end = (int64_t)f.end;
    o->value_start = (int64_t)f.start + quoted + decoded * shift;
    o->value_end = (int64_t)f.end - quoted + decoded * shift;
    o->findings_start = o->findings_end = 0;
    o->flags = (uint32_t)quoted * MK_FIELD_QUOTED | (decoded ? MK_FIELD_DECODED : MK_FIELD_SKIPPED);
}

int mk_is_bytea_hex(const uint8_t *value, size_t length) {
    if (length < 4 || length % 2 != 0 || value[0] != '\\' || value[1] != 'x') return 0;
    for (size_t i = 2; i < length; i++)
        if (copy_hex_value(value[i]) < 0) return 0;
    return 1;
}

mk_text_gather_result mk_text_gather(const uint8_t *chunk, const mk_csv_field *fields, size_t count, uint8_t *decoded,
                                     size_t decoded_count, size_t decoded_capacity, size_t copied_at_most,
                                     mk_text_field *out, size_t *record_field_ends, size_t record_capacity) {
    mk_text_gather_result r = {0, decoded_count, 0, 0, 0, 0};
    size_t k = decoded_count;
    // The open run of copied fields: its bytes chunk[run_start ..< run_end] go to decoded[run_base ...].
    int run_open = 0;
    size_t run_start = 0, run_base = 0, run_end = 0;
    // A run may reach `reach` bytes of decoded bytes (a zero byte after it must fit too).
    const size_t room = decoded_capacity > 0 ? decoded_capacity - 1 : 0;
    const size_t reach = copied_at_most < room ? copied_at_most : room;
    size_t i = 0;
    while (i < count) {
        // Most fields: no doubled quotes, copied with the run they extend (a few stores each).
        if (run_open) {
            const int64_t shift = (int64_t)run_base - (int64_t)run_start;
            for (; i < count; i++) {
                const mk_csv_field f = fields[i];
                if ((f.flags & DECODES) || run_base + (f.end - run_start) > reach) break;
                gather_in_run(f, shift, &out[i]);
                run_end = f.end;
                if (f.flags & MK_CSV_LAST) {
                    record_field_ends[r.records++] = i + 1;
                    // The record ends fill their buffer: stop after this field (the caller goes on from the next).
                    if (r.records == record_capacity) { i++; goto done; }
                }
            }
            if (i == count) break;
        }
        // The field the run cannot take: it ends the run, and then it starts one, or is unquoted, or
        // stays in the chunk.
        if (run_open) {
            memcpy(decoded + run_base, chunk + run_start, run_end - run_start);
            decoded[run_base + (run_end - run_start)] = 0;
            k = run_base + (run_end - run_start) + 1;
            run_open = 0;
        }
        const mk_csv_field f = fields[i];
        const size_t quoted = (f.flags & MK_CSV_QUOTED) ? 1 : 0;
        const size_t value_start = f.start + quoted, value_end = f.end - quoted;
        mk_text_field *o = &out[i];
        o->raw_start = (int64_t)f.start;
        o->raw_end = (int64_t)f.end;
        o->findings_start = o->findings_end = 0;
        o->flags = quoted ? MK_FIELD_QUOTED : 0;
        if (f.flags & DECODES) {
            size_t length = value_end - value_start;
            if (k + length + 1 > decoded_capacity) { r.needed = length + 1; break; }
            // Neither decoding writes more bytes than it reads; a CSV value with a backslash is copied.
            size_t n;
            if (f.flags & MK_CSV_DOUBLED) {
                n = mk_csv_unquote(chunk + value_start, length, decoded + k);
            } else if (f.flags & MK_COPY_ESCAPED) {
                n = mk_copy_unescape(chunk + value_start, length, decoded + k);
            } else {
                memcpy(decoded + k, chunk + value_start, length);
                n = length;
            }
            decoded[k + n] = 0;
            o->value_start = (int64_t)k;
            o->value_end = (int64_t)(k + n);
            if ((f.flags & (MK_COPY_ESCAPED | MK_CSV_BACKSLASH)) && mk_is_bytea_hex(decoded + k, n)) {
                o->flags |= MK_FIELD_HEX | MK_FIELD_SKIPPED;
                r.hex_fields++;
            } else {
                o->flags |= MK_FIELD_DECODED;
            }
            k += n + 1;
        } else if ((f.flags & MK_COPY_NULL) && k + (f.end - f.start) > copied_at_most) {
            // A NULL where a run could not start: not read, wherever it lies.
            o->value_start = (int64_t)f.start;
            o->value_end = (int64_t)f.end;
            o->flags = MK_FIELD_SKIPPED;
        } else if (k + (f.end - f.start) > copied_at_most) {
            // Too much copied for one batch (one huge record): the value is scanned where it lies.
            o->value_start = (int64_t)value_start;
            o->value_end = (int64_t)value_end;
            r.raw_fields++;
        } else if (k + (f.end - f.start) + 1 > decoded_capacity) {
            r.needed = f.end - f.start + 1;
            break;
        } else {
            run_open = 1;
            run_start = f.start;
            run_base = k;
            run_end = f.end;
            gather_in_run(f, (int64_t)k - (int64_t)f.start, o);
        }
        i++;
        if (f.flags & MK_CSV_LAST) {
            record_field_ends[r.records++] = i;
            if (r.records == record_capacity) break;
        }
    }
done:
    if (run_open) {
        memcpy(decoded + run_base, chunk + run_start, run_end - run_start);
        decoded[run_base + (run_end - run_start)] = 0;
        k = run_base + (run_end - run_start) + 1;
    }
    r.fields = i;
    r.decoded_count = k;
    return r;
}
