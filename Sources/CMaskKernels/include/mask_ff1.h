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

/// FF1 (NIST SP 800-38G) over radix 10 with AES-128: encrypts the `count` digit values (0...9) in
/// `digits` in place, with the given tweak. `count` must be 2...36; the tweak at most 16 bytes.
/// Returns 0 on success, -1 when the arguments are out of range.
int mk_ff1_encrypt_decimal(const mk_aes128_key *key, const uint8_t *tweak, size_t tweak_length,
                           uint8_t *digits, size_t count);

/// Whether AES-NI is used on this CPU.
int mk_aes_uses_aesni(void);

#ifdef __cplusplus
}
#endif
#endif
