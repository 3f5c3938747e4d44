#ifndef MASK_DIGIT_TOKENS_H
#define MASK_DIGIT_TOKENS_H

#include <stddef.h>
#include <stdint.h>
#include "mask_ff1.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    /// Numeral slots a value is read into: more than the longest FF1 length, so that a value with too
    /// many digits is seen to have too many (and left to the caller) rather than cut.
    MK_DIGIT_STRIDE = 32,
    /// The kinds of a request.
    MK_DIGIT_CARD = 1,
    MK_DIGIT_SSN = 2,
};

/// One card or SSN value of a batch, given to mk_digit_tokens.
typedef struct {
    /// The value's bytes: bytes[start ..< start + length].
    uint32_t start, length;
    /// MK_DIGIT_CARD or MK_DIGIT_SSN.
    uint8_t kind;
    /// Scratch of the kernel.
    uint8_t digits, key;
    uint32_t slot;
} mk_digit_token_request;

/// Whether the 18 numerals at `payload` are below 922337203685477580, the payload of the largest bigint:
/// then a 19-digit number with that payload fits a bigint (and its negative, a bigint too), whatever its
/// check digit.
int mk_payload_fits_int8(const uint8_t *payload);

/// The side of `count` numerals (a card's payload or an SSN's digits) that a token keeps: bit 0, whether
/// they start with 0; bit 1 (when `bigint` and count is 18: a 19-digit card's payload), whether they are
/// past mk_payload_fits_int8. A number printed by a number type or written in JSON never starts with 0
/// (`{"id": 0123}` is no JSON: 10 % of plain FF1 tokens made a JSON document invalid), and a 19-digit card
/// that a `bigint` holds must get a token a `bigint` holds (FF1 alone puts 7.8 % of them out of range,
/// and a restore of the masked dump fails).
int mk_digit_side(const uint8_t *numerals, unsigned count, int bigint);

/// Enciphers the `count` numerals at `enciphered` (FF1 under `plan`, the instance of `count` numerals,
/// applied once already) again until they are on `side` (mk_digit_side). Cycle walking: FF1 restricted
/// to each side is still a permutation, so tokens stay distinct. About 1.11 FF1 calls for a value that
/// does not start with 0. (A value that does keeps its 0, and FF1 of one numeral fewer enciphers the
/// rest: mk_digit_tokens, DigitCipher.encryptKeepingSide.)
void mk_digit_walk(const mk_ff1_plan *plan, uint8_t *enciphered, unsigned count, int side, int bigint);

/// The card and SSN tokens of a batch of values, written to `tokens` at the values' own offsets
/// (tokens[start ..< start + length]; a token has its value's length), every byte that is no digit kept.
/// A card's digits but its last go through FF1 under `card_plans`, and its last digit becomes one that
/// fails Luhn; an SSN's digits all go through FF1 under `ssn_plans`. Plan i of each is the instance of
/// first_count + i numerals, i < plan_count. Values of one kind and length run their FF1 rounds side by
/// side (mk_ff1_encrypt_prepared_batch): this does in one call what the Swift tokenizer did per value,
/// reading digits, grouping by length, finishing the token, which cost more than the cipher itself.
///
/// A value whose digit count no plan takes (or over 20 digits) gets no token. The requests that got one
/// are moved to the front of `requests`, in their order: their count is returned. `numerals` holds
/// 2 * count * MK_DIGIT_STRIDE bytes of scratch. Returns the same tokens as one mk_ff1_encrypt_prepared per
/// value would, each walked to its value's side (mk_digit_walk); -1 when an argument is out of range
/// (nothing written).
long mk_digit_tokens(const mk_ff1_plan *card_plans, const mk_ff1_plan *ssn_plans, unsigned first_count,
                     unsigned plan_count, const uint8_t *bytes, size_t byte_count, uint8_t *tokens,
                     mk_digit_token_request *requests, size_t count, uint8_t *numerals);

#ifdef __cplusplus
}
#endif
#endif
