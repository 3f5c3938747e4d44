#ifndef MASK_FF1_H
#define MASK_FF1_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An expanded AES-128 key (11 round keys), and which AES code it runs on.
typedef struct {
    uint8_t round_keys[176];
    /// 1 when this CPU has AES-NI: decided once by mk_aes128_init, so that FF1 picks its round loop
    /// once per call instead of asking the CPU before every block. A thread that forced
    /// MK_KERNEL_AES's path (mk_path_force) gets that path in the keys it expands; setting the field
    /// to 1 by hand on a CPU without AES-NI is undefined. Every entry point below records the path it
    /// ran for mk_path_last.
    uint32_t uses_aesni;
    /// 1 when this CPU also has VAES on 512-bit registers (with AVX-512F, BW, DQ and VL): batches of
    /// cards and SSNs then run 16 FF1s side by side in vector registers (`small_encrypt_vaes`, ff1.c),
    /// and record MK_PATH_WIDE; everything else on such a key runs and records AES-NI. Decided with
    /// uses_aesni (a thread that forced MK_PATH_ACCELERATED or MK_PATH_PORTABLE gets 0).
    uint32_t uses_vaes;
} mk_aes128_key;

void mk_aes128_init(mk_aes128_key *key, const uint8_t raw[16]);

/// Encrypts one 16-byte block in place (AES-NI when key->uses_aesni, else the portable twin).
void mk_aes128_encrypt(const mk_aes128_key *key, uint8_t block[16]);

/// The portable AES-128 block encryption, exposed so tests can compare it with the AES-NI one.
void mk_aes128_encrypt_portable(const mk_aes128_key *key, uint8_t block[16]);

/// FF1 (NIST SP 800-38G) with AES-128: encrypts the `count` numerals (each below `radix`) in place,
/// under the tweak. `radix` must be 2...255, `count` 2...mk_ff1_max_count(radix), the tweak at most
/// 64 bytes. Returns 0 on success, -1 (numerals untouched) when an argument is out of range.
int mk_ff1_encrypt(const mk_aes128_key *key, const uint8_t *tweak, size_t tweak_length, unsigned radix,
                   uint8_t *numerals, size_t count);

/// One FF1 instance (a key, a tweak, a radix and a length) prepared once: P and the tweak's blocks
/// already through the CBC-MAC, radix^u and radix^v with their Barrett reciprocals. Only for the
/// instances whose halves stay below 2^48 (radix 10: up to 28 digits; radix 62: up to 16), which run
/// in 64-bit arithmetic. Holds a copy of the key, so it outlives the key it was made from.
typedef struct {
    mk_aes128_key key;
    /// prefix_mac ^ Q's last block with [i] and NUM(B) zero, as two little-endian words.
    uint64_t base_low, base_high;
    /// radix^u (even rounds) and radix^v (odd rounds), and floor((2^64 - 1) / each).
    uint64_t modulus[2], reciprocal[2];
    /// The radix, and floor((2^64 - 1) / radix).
    uint64_t radix, radix_reciprocal;
    /// 8b: the bit where the round number sits above NUM(B) in the block's last word.
    uint32_t b_bits;
    /// 1 when d = 12 (NUM(S) has 4 more bytes), 0 when d = 8.
    uint32_t wide;
    /// The numeral count n.
    uint32_t count;
} mk_ff1_plan;

/// Prepares the FF1 instance of `key` (copied), the tweak, `radix` and `count` numerals. Returns 0, or
/// -1 (plan unusable) when an argument is out of range or radix^ceil(count/2) >= 2^48: such lengths
/// go through mk_ff1_encrypt.
int mk_ff1_prepare(mk_ff1_plan *plan, const mk_aes128_key *key, const uint8_t *tweak, size_t tweak_length,
                   unsigned radix, size_t count);

/// mk_ff1_encrypt with a prepared instance: the plan's count numerals at `numerals`, in place. The same
/// result as mk_ff1_encrypt with the plan's key, tweak and radix. Returns -1 (numerals untouched) when
/// a numeral is at or above the radix.
int mk_ff1_encrypt_prepared(const mk_ff1_plan *plan, uint8_t *numerals);

/// mk_ff1_encrypt_prepared on `values` numeral strings, the first at `numerals` and each next one
/// `stride` bytes further (stride >= the plan's count). The result equals `values` separate calls; it
/// is faster because, with AES-NI, the AES blocks of up to 8 strings are interleaved: one FF1's ten
/// rounds are sequential, several FF1s are not. Returns -1 (every string untouched) when a numeral is
/// at or above the radix or the stride is too short.
int mk_ff1_encrypt_prepared_batch(const mk_ff1_plan *plan, uint8_t *numerals, size_t stride, size_t values);

/// A prepared FF1 instance for the lengths mk_ff1_prepare refuses (radix^ceil(count/2) >= 2^48, up to
/// mk_ff1_max_count): long secrets. Its rounds keep their blocks in registers and reduce NUM(S) without
/// a 128-bit division; preparing it once saves the CBC-MAC of P and the tweak on every call.
typedef struct {
    mk_aes128_key key;
    /// prefix_mac ^ Q's last block with [i] and NUM(B) zero, as two little-endian words.
    uint64_t base_low, base_high;
    /// 8b: the bit where the round number sits above NUM(B) in Q's last block, read big-endian.
    uint32_t b_bits;
    /// d / 4: the 32-bit words of S (3, 4 or 5).
    uint32_t words;
    /// The radix and the numeral count n.
    uint32_t radix, count;
    /// Per modulus (radix^u for even rounds, radix^v for odd ones), as 64-bit halves: m; 2^(32j) mod m
    /// for j = 0...4; those as doubles; 1 / m.
    uint64_t modulus_low[2], modulus_high[2];
    uint64_t power_low[2][5], power_high[2][5];
    double power_double[2][5];
    double inverse[2];
} mk_ff1_wide_plan;

/// Prepares the wide instance of `key` (copied), the tweak, `radix` and `count` numerals. Returns 0, or
/// -1 when an argument is out of range or the length is one mk_ff1_prepare takes.
int mk_ff1_prepare_wide(mk_ff1_wide_plan *plan, const mk_aes128_key *key, const uint8_t *tweak,
                        size_t tweak_length, unsigned radix, size_t count);

/// mk_ff1_encrypt with a wide plan: its count numerals at `numerals`, in place; the same result. Returns
/// -1 (numerals untouched) when a numeral is at or above the radix.
int mk_ff1_encrypt_wide(const mk_ff1_wide_plan *plan, uint8_t *numerals);

/// mk_ff1_encrypt_wide on `values` numeral strings, the first at `numerals` and each next one `stride`
/// bytes further (stride >= the plan's count): the same result as `values` separate calls, faster with
/// AES-NI, where the blocks of up to eight strings are interleaved (a wide round is one or two AES
/// blocks that wait on each other, then a reduction), and fastest with VAES and AVX-512 IFMA (the AES
/// kernel's wide path), where eight or sixteen strings go through the rounds in vector lanes, their
/// arithmetic in 52-bit limbs (three or four left over take the AES-NI interleaving, one runs alone).
/// Returns -1 (every string untouched) when a numeral is at or above the radix or the stride is too short.
int mk_ff1_encrypt_wide_batch(const mk_ff1_wide_plan *plan, uint8_t *numerals, size_t stride, size_t values);

/// NUM(S) mod the plan's modulus (`which` 0: radix^u, 1: radix^v), S given as the plan's `words`
/// big-endian 32-bit words (w[0] first), computed as the wide rounds compute it: the product sum and its
/// corrected quotient estimate. Written to out[0] (low 64 bits) and out[1] (high). For tests, which
/// reach the estimate's rare corrections with values chosen next to multiples of the modulus.
void mk_ff1_wide_reduce(const mk_ff1_wide_plan *plan, int which, const uint32_t *words, uint64_t out[2]);

/// The vector rounds' step for eight lanes (the wide batch's path on a CPU with VAES and AVX-512 IFMA):
/// (A + NUM(S)) mod the plan's modulus `which`, each lane's S its `words` big-endian 32-bit words at
/// words[5k...] (w[0] first) and its A below the modulus at a[2k] (low 64 bits) and a[2k + 1] (high);
/// written to out[2k] and out[2k + 1]. Returns -1 on a CPU without them. For tests, which reach the
/// estimate's corrections with values chosen next to multiples of the modulus.
int mk_ff1_wide_round_lanes(const mk_ff1_wide_plan *plan, int which, const uint32_t *words, const uint64_t *a,
                            uint64_t *out);

/// The inverse of mk_ff1_encrypt under the same key, tweak and radix.
int mk_ff1_decrypt(const mk_aes128_key *key, const uint8_t *tweak, size_t tweak_length, unsigned radix,
                   uint8_t *numerals, size_t count);

/// The longest numeral string FF1 takes here for `radix`: each half stays below 2^120, so that all its
/// arithmetic fits 128 bits (radix 10: 72; radix 36: 46; radix 62: 40). 0 for an unsupported radix.
size_t mk_ff1_max_count(unsigned radix);

/// Whether this CPU has AES-NI (keys expanded by a thread that forced no path use it then).
int mk_aes_uses_aesni(void);

/// Whether this CPU has VAES on 512-bit registers and the AVX-512 parts the vector FF1 rounds use.
int mk_aes_uses_vaes(void);

#ifdef __cplusplus
}
#endif
#endif
