// HMAC-SHA256 (FIPS 180-4, RFC 2104) for the tokenizer's hot path.
//
// Why by hand: swift-crypto's HMAC is correct but generic over DataProtocol and not inlinable; per
// hashed email it cost about 850 ns end to end here, against about 0.2 us with this kernel
// (Benchmarks/RESULTS.md says how it was measured). With the key schedule done once (the ipad/opad
// states) a short message is two compression calls, with SHA-NI when the CPU has it. The result is
// checked against swift-crypto's HMAC in the tests.
#include "mask_hmac.h"
#include "kernel_path_internal.h"

#include <string.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t IV[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void compress_portable(uint32_t state[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 | (uint32_t)block[4 * i + 2] << 8 |
               (uint32_t)block[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

#if defined(__x86_64__)
#include <immintrin.h>

// SHA-NI: two rounds per sha256rnds2, the message schedule by sha256msg1/msg2. State is kept as ABEF
// and CDGH lanes, the layout the instructions expect.
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t state[8], const uint8_t block[64]) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);  // CDAB
    __m128i state1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);  // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);  // CDGH
    const __m128i abef = state0, cdgh = state1;

    __m128i w[4];
    for (int i = 0; i < 4; i++) w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * i)), byteswap);
    for (int g = 0; g < 16; g++) {
        __m128i msg = _mm_add_epi32(w[g & 3], _mm_loadu_si128((const __m128i *)&K[4 * g]));
        state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
        state0 = _mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(msg, 0x0E));
        if (g < 12) {
            // W[4(g+4)...] from W[4g...], W[4(g+1)...], W[4(g+2)+1...] and W[4(g+3)...].
            __m128i next = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
            next = _mm_add_epi32(next, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
            w[g & 3] = _mm_sha256msg2_epu32(next, w[(g + 3) & 3]);
        }
    }
    state0 = _mm_add_epi32(state0, abef);
    state1 = _mm_add_epi32(state1, cdgh);
    tmp = _mm_shuffle_epi32(state0, 0x1B);  // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);  // DCHG
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(tmp, state1, 0xF0));  // DCBA
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(state1, tmp, 8));  // HGFE
}

// Two independent compressions, their instructions interleaved: sha256rnds2 waits on the one before
// it, so one message leaves the unit idle half the time and a second fills it (an email's MAC: 177 ns
// one at a time, 97 ns two at a time, `Benchmarks/hmac_bench.c`). Same layout and steps as
// compress_shani, twice.
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_pair_shani(uint32_t state_a[8], const uint8_t block_a[64], uint32_t state_b[8],
                                const uint8_t block_b[64]) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state_a[0]), 0xB1);
    __m128i a1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state_a[4]), 0x1B);
    __m128i a0 = _mm_alignr_epi8(tmp, a1, 8);
    a1 = _mm_blend_epi16(a1, tmp, 0xF0);
    tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state_b[0]), 0xB1);
    __m128i b1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state_b[4]), 0x1B);
    __m128i b0 = _mm_alignr_epi8(tmp, b1, 8);
    b1 = _mm_blend_epi16(b1, tmp, 0xF0);
    const __m128i a_abef = a0, a_cdgh = a1, b_abef = b0, b_cdgh = b1;

    __m128i wa[4], wb[4];
    for (int i = 0; i < 4; i++) {
        wa[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block_a + 16 * i)), byteswap);
        wb[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block_b + 16 * i)), byteswap);
    }
    for (int g = 0; g < 16; g++) {
        const __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * g]);
        const __m128i msg_a = _mm_add_epi32(wa[g & 3], k), msg_b = _mm_add_epi32(wb[g & 3], k);
        a1 = _mm_sha256rnds2_epu32(a1, a0, msg_a);
        b1 = _mm_sha256rnds2_epu32(b1, b0, msg_b);
        a0 = _mm_sha256rnds2_epu32(a0, a1, _mm_shuffle_epi32(msg_a, 0x0E));
        b0 = _mm_sha256rnds2_epu32(b0, b1, _mm_shuffle_epi32(msg_b, 0x0E));
        if (g < 12) {
            __m128i next_a = _mm_sha256msg1_epu32(wa[g & 3], wa[(g + 1) & 3]);
            __m128i next_b = _mm_sha256msg1_epu32(wb[g & 3], wb[(g + 1) & 3]);
            next_a = _mm_add_epi32(next_a, _mm_alignr_epi8(wa[(g + 3) & 3], wa[(g + 2) & 3], 4));
            next_b = _mm_add_epi32(next_b, _mm_alignr_epi8(wb[(g + 3) & 3], wb[(g + 2) & 3], 4));
            wa[g & 3] = _mm_sha256msg2_epu32(next_a, wa[(g + 3) & 3]);
            wb[g & 3] = _mm_sha256msg2_epu32(next_b, wb[(g + 3) & 3]);
        }
    }
    a0 = _mm_add_epi32(a0, a_abef);
    a1 = _mm_add_epi32(a1, a_cdgh);
    b0 = _mm_add_epi32(b0, b_abef);
    b1 = _mm_add_epi32(b1, b_cdgh);
    tmp = _mm_shuffle_epi32(a0, 0x1B);
    a1 = _mm_shuffle_epi32(a1, 0xB1);
    _mm_storeu_si128((__m128i *)&state_a[0], _mm_blend_epi16(tmp, a1, 0xF0));
    _mm_storeu_si128((__m128i *)&state_a[4], _mm_alignr_epi8(a1, tmp, 8));
    tmp = _mm_shuffle_epi32(b0, 0x1B);
    b1 = _mm_shuffle_epi32(b1, 0xB1);
    _mm_storeu_si128((__m128i *)&state_b[0], _mm_blend_epi16(tmp, b1, 0xF0));
    _mm_storeu_si128((__m128i *)&state_b[4], _mm_alignr_epi8(b1, tmp, 8));
}
#endif

int mk_sha256_uses_shani(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#else
    return 0;
#endif
}

typedef void (*compress_fn)(uint32_t state[8], const uint8_t block[64]);

// The thread's forced path (mk_path_force admits SHA-NI only on a CPU that has it), else the CPU's;
// recorded for mk_path_last.
static compress_fn best_compress(void) {
    mk_path path = mk_path_forced_here(MK_KERNEL_SHA256);
#if defined(__x86_64__)
    if (path == MK_PATH_NONE) path = mk_sha256_uses_shani() ? MK_PATH_ACCELERATED : MK_PATH_PORTABLE;
    mk_path_record(MK_KERNEL_SHA256, path);
    if (path == MK_PATH_ACCELERATED) return compress_shani;
#else
    mk_path_record(MK_KERNEL_SHA256, MK_PATH_PORTABLE);
    (void)path;
#endif
    return compress_portable;
}

/// Hashes `prefix_blocks` already absorbed into `state` (64 bytes each) plus the given bytes, with
/// padding, leaving the digest in `state`.
static void finish(compress_fn compress, uint32_t state[8], uint64_t prefix_bytes, const uint8_t *a, size_t a_len,
                   const uint8_t *b, size_t b_len) {
    uint8_t block[64];
    size_t used = 0;
    uint64_t total = prefix_bytes + a_len + b_len;
    const uint8_t *parts[2] = {a, b};
    size_t lengths[2] = {a_len, b_len};
    for (int p = 0; p < 2; p++) {
        const uint8_t *src = parts[p];
        size_t n = lengths[p];
        while (n > 0) {
            size_t take = 64 - used < n ? 64 - used : n;
            memcpy(block + used, src, take);
            used += take; src += take; n -= take;
            if (used == 64) { compress(state, block); used = 0; }
        }
    }
    block[used++] = 0x80;
    if (used > 56) {
        memset(block + used, 0, 64 - used);
        compress(state, block);
        used = 0;
    }
    memset(block + used, 0, 56 - used);
    uint64_t bits = total * 8;
    for (int i = 0; i < 8; i++) block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    compress(state, block);
}

static void store_be(const uint32_t state[8], uint8_t out[32]) {
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(state[i] >> 8);
        out[4 * i + 3] = (uint8_t)state[i];
    }
}

void mk_hmac_sha256_init(mk_hmac_sha256_key *ctx, const uint8_t *key, size_t key_length) {
    compress_fn compress = best_compress();
    uint8_t k[64];
    memset(k, 0, sizeof k);
    if (key_length > 64) {
        uint32_t s[8];
        memcpy(s, IV, sizeof s);
        finish(compress, s, 0, key, key_length, NULL, 0);
        store_be(s, k);
    } else {
        memcpy(k, key, key_length);
    }
    uint8_t pad[64];
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
    memcpy(ctx->inner, IV, sizeof IV);
    compress(ctx->inner, pad);
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
    memcpy(ctx->outer, IV, sizeof IV);
    compress(ctx->outer, pad);
}

static void hmac(compress_fn compress, const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message,
                 size_t length, uint8_t out[32]) {
    uint32_t s[8];
    memcpy(s, ctx->inner, sizeof s);
    finish(compress, s, 64, &tag, 1, message, length);
    uint8_t inner_digest[32];
    store_be(s, inner_digest);
    memcpy(s, ctx->outer, sizeof s);
    finish(compress, s, 64, inner_digest, 32, NULL, 0);
    store_be(s, out);
}

void mk_hmac_sha256(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message, size_t length,
                    uint8_t out[32]) {
    hmac(best_compress(), ctx, tag, message, length, out);
}

void mk_hmac_sha256_portable(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message, size_t length,
                             uint8_t out[32]) {
    mk_path_record(MK_KERNEL_SHA256, MK_PATH_PORTABLE);
    hmac(compress_portable, ctx, tag, message, length, out);
}

// ---- Two MACs at once --------------------------------------------------------------------------------

// Messages of up to this many bytes are padded whole on the stack for the interleaved path (an email
// key is far shorter); longer ones take two calls of `hmac`.
enum { PAIR_BLOCKS = 4, PAIR_MAX_MESSAGE = PAIR_BLOCKS * 64 - 10 };

// The inner hash's blocks after the ipad block: the tag, the message, the padding and the length of
// all (the ipad block's 64 bytes included). Returns how many.
static size_t pad_inner(uint8_t blocks[PAIR_BLOCKS * 64], uint8_t tag, const uint8_t *message, size_t length) {
    size_t used = 1 + length;
    size_t count = (used + 9 + 63) / 64;
    memset(blocks, 0, count * 64);
    blocks[0] = tag;
    if (length > 0) memcpy(blocks + 1, message, length);
    blocks[used] = 0x80;
    uint64_t bits = (uint64_t)(64 + used) * 8;
    for (int i = 0; i < 8; i++) blocks[count * 64 - 8 + i] = (uint8_t)(bits >> (56 - 8 * i));
    return count;
}

// The outer hash's one block after the opad block: the inner digest and its padding.
static void pad_outer(uint8_t block[64], const uint32_t inner[8]) {
    store_be(inner, block);
    memset(block + 32, 0, 32);
    block[32] = 0x80;
    block[62] = (uint8_t)((64 + 32) * 8 >> 8);
    block[63] = (uint8_t)((64 + 32) * 8);
}

void mk_hmac_sha256_pair(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *message_a, size_t length_a,
                         uint8_t out_a[32], const uint8_t *message_b, size_t length_b, uint8_t out_b[32]) {
    compress_fn compress = best_compress();
#if defined(__x86_64__)
    if (compress == compress_shani && length_a <= PAIR_MAX_MESSAGE && length_b <= PAIR_MAX_MESSAGE) {
        uint8_t blocks_a[PAIR_BLOCKS * 64], blocks_b[PAIR_BLOCKS * 64];
        size_t count_a = pad_inner(blocks_a, tag, message_a, length_a);
        size_t count_b = pad_inner(blocks_b, tag, message_b, length_b);
        uint32_t a[8], b[8];
        memcpy(a, ctx->inner, sizeof a);
        memcpy(b, ctx->inner, sizeof b);
        size_t i = 0;
        for (; i < count_a && i < count_b; i++) compress_pair_shani(a, blocks_a + 64 * i, b, blocks_b + 64 * i);
        for (size_t j = i; j < count_a; j++) compress_shani(a, blocks_a + 64 * j);
        for (size_t j = i; j < count_b; j++) compress_shani(b, blocks_b + 64 * j);
        pad_outer(blocks_a, a);
        pad_outer(blocks_b, b);
        memcpy(a, ctx->outer, sizeof a);
        memcpy(b, ctx->outer, sizeof b);
        compress_pair_shani(a, blocks_a, b, blocks_b);
        store_be(a, out_a);
        store_be(b, out_b);
        return;
    }
#endif
    hmac(compress, ctx, tag, message_a, length_a, out_a);
    hmac(compress, ctx, tag, message_b, length_b, out_b);
}
