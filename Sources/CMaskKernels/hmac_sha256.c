// HMAC-SHA256 (FIPS 180-4, RFC 2104) for the tokenizer's hot path.
//
// Why by hand: swift-crypto's HMAC is correct but generic over DataProtocol and not inlinable; per
// hashed email it cost about 850 ns end to end here, against about 0.2 us with this kernel
// (Benchmarks/RESULTS.md says how it was measured). With the key schedule done once (the ipad/opad
// states) a short message is two compression calls, with SHA-NI when the CPU has it. The result is
// checked against swift-crypto's HMAC in the tests.
#include "mask_hmac.h"
#include "kernel_path_internal.h"
#include "sha256_constants.h"
#include "csv_kernel_internal.h"

#include <string.h>


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
    return mk_cpu_cap() >= MK_CPU_AVX2 && __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
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
    // A thread that forced the sixteen-lane path gets SHA-NI (or the portable compression) for the calls
    // that run one or two messages.
    if (path == MK_PATH_NONE || path == MK_PATH_WIDE)
        path = mk_sha256_uses_shani() ? MK_PATH_ACCELERATED : MK_PATH_PORTABLE;
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

// ---- Sixteen short MACs at once, on AVX-512 --------------------------------------------------------
//
// An email token's MAC is two compressions (the message block after the ipad state, the inner digest's
// block after the opad state), and SHA-NI runs them latency-bound: ~114 cycles a compression two at a
// time (`mk_hmac_sha256_pair`). Here sixteen messages' compressions run in the sixteen 32-bit lanes of
// 512-bit registers, the textbook rounds with rotates and three-input logic (vpternlogd for Ch, Maj and
// the Σ XORs): about a hundred vector instructions a compression and no chain between the lanes. The
// outer block needs no transposition (its words are the inner states' lanes); the message blocks are
// padded in memory and gathered.
#if defined(__x86_64__)
#define MK_AVX512_TARGET __attribute__((target("avx512f,avx512bw")))

// Messages of up to this many bytes fit the one block after the ipad state with the tag and padding.
enum { SHORT_MESSAGE = 64 - 1 - 9, LANES16 = 16 };

MK_AVX512_TARGET static inline __m512i big_sigma0(__m512i a) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(a, 2), _mm512_ror_epi32(a, 13), _mm512_ror_epi32(a, 22), 0x96);
}
MK_AVX512_TARGET static inline __m512i big_sigma1(__m512i e) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(e, 6), _mm512_ror_epi32(e, 11), _mm512_ror_epi32(e, 25), 0x96);
}
MK_AVX512_TARGET static inline __m512i small_sigma0(__m512i w) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(w, 7), _mm512_ror_epi32(w, 18), _mm512_srli_epi32(w, 3), 0x96);
}
MK_AVX512_TARGET static inline __m512i small_sigma1(__m512i w) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(w, 17), _mm512_ror_epi32(w, 19), _mm512_srli_epi32(w, 10), 0x96);
}

// One compression of each lane's block `w` (w[t]: word t of every lane) into `state` (state[j]: word j).
MK_AVX512_TARGET static void compress16(__m512i state[8], __m512i w[16]) {
    __m512i a = state[0], b = state[1], c = state[2], d = state[3];
    __m512i e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        if (t >= 16) {
            w[t & 15] = _mm512_add_epi32(_mm512_add_epi32(w[t & 15], small_sigma0(w[(t + 1) & 15])),
                                         _mm512_add_epi32(w[(t + 9) & 15], small_sigma1(w[(t + 14) & 15])));
        }
        // Ch(e, f, g) = (e & f) ^ (~e & g): 0xCA; Maj(a, b, c): 0xE8.
        const __m512i t1 = _mm512_add_epi32(_mm512_add_epi32(h, big_sigma1(e)),
                                            _mm512_add_epi32(_mm512_ternarylogic_epi32(e, f, g, 0xCA),
                                                             _mm512_add_epi32(w[t & 15], _mm512_set1_epi32((int)K[t]))));
        const __m512i t2 = _mm512_add_epi32(big_sigma0(a), _mm512_ternarylogic_epi32(a, b, c, 0xE8));
        h = g; g = f; f = e;
        e = _mm512_add_epi32(d, t1);
        d = c; c = b; b = a;
        a = _mm512_add_epi32(t1, t2);
    }
    state[0] = _mm512_add_epi32(state[0], a); state[1] = _mm512_add_epi32(state[1], b);
    state[2] = _mm512_add_epi32(state[2], c); state[3] = _mm512_add_epi32(state[3], d);
    state[4] = _mm512_add_epi32(state[4], e); state[5] = _mm512_add_epi32(state[5], f);
    state[6] = _mm512_add_epi32(state[6], g); state[7] = _mm512_add_epi32(state[7], h);
}

// The 16x16 matrix of 32-bit words in rows r[0...15] transposed in place (r[t] then holds word t of
// every row): pairs of words, then of doublewords, interleaved within 128-bit lanes, then the lanes
// moved in two steps.
MK_AVX512_TARGET static inline void transpose16(__m512i r[16]) {
    __m512i t[16], u[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    // u[4g + m], lane j: word 4j + m of rows 4g ... 4g + 3.
    for (int g = 0; g < 4; g++) {
        u[4 * g] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
        u[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
        u[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
        u[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
    }
    for (int m = 0; m < 4; m++) {
        // Lanes 0 and 2 of rows 0-3 and 4-7 (v), 1 and 3 (v1); likewise rows 8-11 and 12-15 (x, x1).
        const __m512i v = _mm512_shuffle_i32x4(u[m], u[4 + m], 0x88), v1 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0xDD);
        const __m512i x = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0x88), x1 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0xDD);
        r[m] = _mm512_shuffle_i32x4(v, x, 0x88);
        r[8 + m] = _mm512_shuffle_i32x4(v, x, 0xDD);
        r[4 + m] = _mm512_shuffle_i32x4(v1, x1, 0x88);
        r[12 + m] = _mm512_shuffle_i32x4(v1, x1, 0xDD);
    }
}

// The MACs of 16 messages of at most SHORT_MESSAGE bytes each, into out[k] (32 bytes each). Each lane's
// one inner block (tag, message, 0x80, zeros, the bit length of the ipad block and all, as pad_inner
// lays it out) is built in a register and the sixteen transposed into the compression's word vectors,
// and the digests transposed back: gathering the words from blocks padded in memory, and storing the
// digests a byte at a time, were a fifth of the call.
MK_AVX512_TARGET static void hmac16(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *const *messages,
                                    const size_t *lengths, uint8_t *const *out) {
    const __m512i byteswap = _mm512_broadcast_i32x4(_mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
    __m512i w[16], state[8];
    for (int k = 0; k < LANES16; k++) {
        const size_t length = lengths[k], used = 1 + length;
        // Sound: the load reads the message's `length` bytes only (length <= SHORT_MESSAGE < 63).
        const __m512i message = _mm512_maskz_loadu_epi8(mk_bits_below((unsigned)length), messages[k]);
        // Moved up one byte, past the tag: each 64-bit lane shifted, and the top byte of the lane below
        // carried in (`alignr` moves the lanes up one, a zero into the first).
        const __m512i below = _mm512_alignr_epi64(message, _mm512_setzero_si512(), 7);
        __m512i block = _mm512_or_si512(_mm512_slli_epi64(message, 8), _mm512_srli_epi64(below, 56));
        block = _mm512_mask_set1_epi8(block, 1, (char)tag);
        block = _mm512_mask_set1_epi8(block, (__mmask64)1 << used, (char)0x80);
        block = _mm512_mask_set1_epi64(block, 0x80, (long long)__builtin_bswap64((uint64_t)(64 + used) * 8));
        w[k] = _mm512_shuffle_epi8(block, byteswap);
    }
    transpose16(w);
    for (int j = 0; j < 8; j++) state[j] = _mm512_set1_epi32((int)ctx->inner[j]);
    compress16(state, w);
    // The outer block: the inner digest (big-endian words: the states' lanes as they are), 0x80, zeros,
    // and the bit length of the opad block and the digest.
    for (int j = 0; j < 8; j++) w[j] = state[j];
    w[8] = _mm512_set1_epi32((int)0x80000000u);
    for (int t = 9; t < 15; t++) w[t] = _mm512_setzero_si512();
    w[15] = _mm512_set1_epi32((64 + 32) * 8);
    for (int j = 0; j < 8; j++) state[j] = _mm512_set1_epi32((int)ctx->outer[j]);
    compress16(state, w);
    __m512i digests[16];
    for (int j = 0; j < 8; j++) digests[j] = _mm512_shuffle_epi8(state[j], byteswap);
    for (int j = 8; j < 16; j++) digests[j] = _mm512_setzero_si512();
    transpose16(digests);
    // Sound: each out[k] holds 32 bytes, the digest's eight words.
    for (int k = 0; k < LANES16; k++) _mm256_storeu_si256((__m256i *)out[k], _mm512_castsi512_si256(digests[k]));
}
#endif

int mk_hmac_sha256_uses_lanes(void) {
#if defined(__x86_64__)
    return mk_cpu_cap() >= MK_CPU_AVX512BW && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

void mk_hmac_sha256_many(const mk_hmac_sha256_key *ctx, uint8_t tag, const uint8_t *const *messages,
                         const size_t *lengths, size_t count, uint8_t *out) {
    mk_path path = mk_path_forced_here(MK_KERNEL_SHA256);
    if (path == MK_PATH_NONE) path = mk_hmac_sha256_uses_lanes() ? MK_PATH_WIDE : MK_PATH_NONE;
    size_t k = 0;
#if defined(__x86_64__)
    if (path == MK_PATH_WIDE) {
        // Groups of sixteen short messages, taken in order; the long ones and the last few go in pairs.
        const uint8_t *group[LANES16];
        size_t group_lengths[LANES16];
        uint8_t *group_out[LANES16];
        size_t filled = 0, ran = 0;
        size_t rest[LANES16 * 2];
        size_t rest_count = 0;
        for (k = 0; k < count; k++) {
            if (lengths[k] <= SHORT_MESSAGE) {
                group[filled] = messages[k];
                group_lengths[filled] = lengths[k];
                group_out[filled] = out + 32 * k;
                if (++filled == LANES16) {
                    hmac16(ctx, tag, group, group_lengths, group_out);
                    filled = 0;
                    ran = 1;
                }
            } else {
                if (rest_count == sizeof rest / sizeof rest[0]) {
                    // Flush the long ones in pairs (the short ones wait in `group`).
                    for (size_t r = 0; r + 1 < rest_count; r += 2)
                        mk_hmac_sha256_pair(ctx, tag, messages[rest[r]], lengths[rest[r]], out + 32 * rest[r],
                                            messages[rest[r + 1]], lengths[rest[r + 1]], out + 32 * rest[r + 1]);
                    rest_count = 0;
                }
                rest[rest_count++] = k;
            }
        }
        // The short ones left: a group of their own when they are enough to pay for sixteen lanes, their
        // last lanes repeating the first message (their results dropped).
        if (filled >= LANES16 / 2) {
            uint8_t spare[LANES16 - 1][32];
            for (size_t f = filled; f < LANES16; f++) {
                group[f] = group[0];
                group_lengths[f] = group_lengths[0];
                group_out[f] = spare[f - filled];
            }
            hmac16(ctx, tag, group, group_lengths, group_out);
            ran = 1;
            filled = 0;
        }
        for (size_t f = 0; f + 1 < filled; f += 2)
            mk_hmac_sha256_pair(ctx, tag, group[f], group_lengths[f], group_out[f], group[f + 1], group_lengths[f + 1],
                                group_out[f + 1]);
        if (filled % 2) mk_hmac_sha256(ctx, tag, group[filled - 1], group_lengths[filled - 1], group_out[filled - 1]);
        for (size_t r = 0; r + 1 < rest_count; r += 2)
            mk_hmac_sha256_pair(ctx, tag, messages[rest[r]], lengths[rest[r]], out + 32 * rest[r],
                                messages[rest[r + 1]], lengths[rest[r + 1]], out + 32 * rest[r + 1]);
        if (rest_count % 2)
            mk_hmac_sha256(ctx, tag, messages[rest[rest_count - 1]], lengths[rest[rest_count - 1]],
                           out + 32 * rest[rest_count - 1]);
        // Recorded last: the pairs above recorded the path they ran.
        if (ran) mk_path_record(MK_KERNEL_SHA256, MK_PATH_WIDE);
        return;
    }
#endif
    for (; k + 1 < count; k += 2)
        mk_hmac_sha256_pair(ctx, tag, messages[k], lengths[k], out + 32 * k, messages[k + 1], lengths[k + 1],
                            out + 32 * (k + 1));
    if (k < count) mk_hmac_sha256(ctx, tag, messages[k], lengths[k], out + 32 * k);
}
