#ifndef MASK_LETTERS_H
#define MASK_LETTERS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The byte loops around a length-keeping token's FF1 or keystream (LengthKeepingTokenizer): reading a
/// value's letters and digits as numerals, writing the token with the enciphered numerals in their
/// places, and drawing numerals from keystream bytes.
/// `classes` is the tokenizer's table of 256 class codes: a code below 64 is a letter or digit's numeral;
/// the bytes of 0x80 and above must have codes of 64 or more. Both run 64 bytes a step with AVX-512 VBMI
/// and VBMI2 (a table lookup, a compress or an expand) where the CPU has them (MK_KERNEL_LETTERS's wide
/// path), else a byte loop; both give the same bytes.

/// Writes the numerals (`classes[b]`) of the letters and digits of `value[0 ..< length]`, in order, to
/// `out`, and returns how many there are; or returns -1, having written at most `limit` of them, when
/// the value has a byte of 0x80 or above or more than `limit` letters and digits. `out` has room for
/// `limit` numerals.
long mk_letters_numerals(const uint8_t *value, size_t length, const uint8_t *classes, uint8_t *out, size_t limit);

/// Writes the token of `value[0 ..< length]` to `out` (`length` bytes): each letter or digit (a byte
/// below 0x80 whose class is below 64) becomes `symbols[numerals[k]]`, k counting the letters and
/// digits from 0; every other byte is copied. `symbols` holds 64 bytes; every numeral read is below 64.
void mk_letters_write(const uint8_t *value, size_t length, const uint8_t *classes, const uint8_t *symbols,
                      const uint8_t *numerals, uint8_t *out);

/// Takes numerals below `radix` (2...256) from the keystream bytes `bytes[0 ..< available]`, in order:
/// a byte below 256 - 256 % radix gives the numeral byte % radix, any other is skipped (rejection keeps
/// the numerals uniform). Stops after `want` numerals, just past the byte that gave the last; writes
/// them to `out` (room for `want`), returns how many, and sets `*consumed` to the bytes read.
size_t mk_letters_from_keystream(const uint8_t *bytes, size_t available, unsigned radix, uint8_t *out, size_t want,
                                 size_t *consumed);

#ifdef __cplusplus
}
#endif

#endif
