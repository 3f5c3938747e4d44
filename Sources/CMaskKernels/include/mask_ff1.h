#ifndef MASK_FF1_H
#define MASK_FF1_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An expanded AES-128 key (11 round keys).
typedef struct {
    uint8_t round_keys[176];
} mk_aes128_key;

void mk_aes128_init(mk_aes128_key *key, const uint8_t raw[16]);

/// Encrypts one 16-byte block in place (AES-NI when the CPU has it, else the portable twin).
void mk_aes128_encrypt(const mk_aes128_key *key, uint8_t block[16]);

/// The portable AES-128 block encryption, exposed so tests can compare it with the AES-NI one.
void mk_aes128_encrypt_portable(const mk_aes128_key *key, uint8_t block[16]);

/// FF1 (NIST SP 800-38G) with AES-128: encrypts the `count` numerals (each below `radix`) in place,
/// under the tweak. `radix` must be 2...255, `count` 2...mk_ff1_max_count(radix), the tweak at most
/// 64 bytes. Returns 0 on success, -1 (numerals untouched) when an argument is out of range.
int mk_ff1_encrypt(const mk_aes128_key *key, const uint8_t *tweak, size_t tweak_length, unsigned radix,
                   uint8_t *numerals, size_t count);

/// The inverse of mk_ff1_encrypt under the same key, tweak and radix.
int mk_ff1_decrypt(const mk_aes128_key *key, const uint8_t *tweak, size_t tweak_length, unsigned radix,
                   uint8_t *numerals, size_t count);

/// The longest numeral string FF1 takes here for `radix`: each half stays below 2^120, so that all its
/// arithmetic fits 128 bits (radix 10: 72; radix 36: 46; radix 62: 40). 0 for an unsupported radix.
size_t mk_ff1_max_count(unsigned radix);

/// Whether AES-NI is used on this CPU.
int mk_aes_uses_aesni(void);

#ifdef __cplusplus
}
#endif
#endif
