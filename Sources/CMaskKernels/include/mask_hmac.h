#ifndef MASK_HMAC_H
#define MASK_HMAC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// HMAC-SHA256 with the key already absorbed: the SHA-256 states after the ipad and opad blocks.
typedef struct {
    uint32_t inner[8];
    uint32_t outer[8];
} mk_hmac_sha256_key;

/// Absorbs `key` (any length; longer than 64 bytes is hashed first, as RFC 2104 says).
void mk_hmac_sha256_init(mk_hmac_sha256_key *ctx, const uint8_t *key, size_t key_length);

/// HMAC-SHA256(key, tag || message) into `out` (32 bytes), with SHA-NI when the CPU has it, unless the
/// calling thread forced MK_KERNEL_SHA256's path (mk_path_force); mk_path_last says which ran.
void mk_hmac_sha256(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message, size_t length,
                    uint8_t out[32]);

/// Two MACs, HMAC-SHA256(key, tag || message_a) and (key, tag || message_b), the same bytes as two
/// calls of mk_hmac_sha256: with SHA-NI the two messages' compressions run interleaved (each hides the
/// other's latency), for messages of up to 246 bytes; otherwise one after the other.
void mk_hmac_sha256_pair(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message_a, size_t length_a,
                         uint8_t out_a[32], const uint8_t *message_b, size_t length_b, uint8_t out_b[32]);

/// `count` MACs, HMAC-SHA256(key, tag || message k) into out + 32 k, the same bytes as `count` calls of
/// mk_hmac_sha256: on a CPU with AVX-512 (F, BW) messages of up to 54 bytes (an email's key) go sixteen
/// at a time through 512-bit lanes and record MK_PATH_WIDE; the rest, and every message elsewhere or
/// when the calling thread forced another path, go in pairs (mk_hmac_sha256_pair).
void mk_hmac_sha256_many(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *const *messages,
                         const size_t *lengths, size_t count, uint8_t *out);

/// Whether mk_hmac_sha256_many can run sixteen lanes on this CPU (AVX-512F and BW).
int mk_hmac_sha256_uses_lanes(void);

/// The same MAC with the portable SHA-256 compression only: the scalar twin the tests compare with.
void mk_hmac_sha256_portable(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message, size_t length,
                             uint8_t out[32]);

/// Whether the SHA extensions (SHA-NI) are used on this CPU.
int mk_sha256_uses_shani(void);

#ifdef __cplusplus
}
#endif
#endif
