// FF1 format-preserving encryption (NIST SP 800-38G, section 5.1) with AES-128, over any radix up to
// 255: decimal digits for cards and SSNs, 62 letters and digits (and 28 punctuation marks) for secrets.
//
// Why by hand: the tokenizer permutes card and SSN digits and secret characters; FF1 is the standard
// for that (FF3-1 is withdrawn in the Rev. 1 draft), no library on these machines offers it, and
// swift-crypto exposes no AES block call that keeps its key schedule. P (which depends only on the
// lengths, the radix and the tweak length) and every block of Q but the last (the tweak and padding)
// go through the CBC-MAC once per call; each round then costs one AES block, plus one when d > 16.
// Where radix^ceil(n/2) < 2^48 (every card and SSN, secrets of up to 16 letters and digits) the
// rounds run in 64-bit integers with a Barrett reduction instead of 128-bit division, and a batch of
// strings runs its rounds side by side so that their AES blocks overlap in the pipeline.
// Checked against NIST's FF1 samples 1-3 (the AES-128 ones, radix 10 and 36), the FIPS-197 AES vector,
// and Tests/Vectors/ff1_reference.py (an unbounded-integer FF1 that passes all nine NIST samples) for
// radix 10, 28, 36 and 62 at every length class.
#include "mask_ff1.h"
#include "kernel_path_internal.h"

#include <string.h>

// ---- AES-128, portable (FIPS-197) ------------------------------------------------------------------

static const uint8_t SBOX[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static inline uint8_t xtime(uint8_t x) { return (uint8_t)((x << 1) ^ ((x >> 7) * 0x1b)); }

void mk_aes128_init(mk_aes128_key *key, const uint8_t raw[16]) {
    // The FIPS-197 key expansion; the AES-NI path uses the same round keys (the standard layout).
    uint8_t *w = key->round_keys;
    memcpy(w, raw, 16);
    uint8_t rcon = 1;
    for (int i = 16; i < 176; i += 4) {
        uint8_t t[4] = {w[i - 4], w[i - 3], w[i - 2], w[i - 1]};
        if (i % 16 == 0) {
            uint8_t first = t[0];
            t[0] = SBOX[t[1]] ^ rcon;
            t[1] = SBOX[t[2]];
            t[2] = SBOX[t[3]];
            t[3] = SBOX[first];
            rcon = xtime(rcon);
        }
        for (int k = 0; k < 4; k++) w[i + k] = w[i - 16 + k] ^ t[k];
    }
    // The thread's forced path (mk_path_force admits AES-NI only on a CPU that has it), else the CPU's.
    mk_path forced = mk_path_forced_here(MK_KERNEL_AES);
    key->uses_aesni = forced != MK_PATH_NONE ? forced == MK_PATH_ACCELERATED || forced == MK_PATH_WIDE
                                             : (uint32_t)mk_aes_uses_aesni();
    key->uses_vaes = forced != MK_PATH_NONE ? forced == MK_PATH_WIDE : (uint32_t)mk_aes_uses_vaes();
}

static inline mk_path key_path(const mk_aes128_key *key) {
    return key->uses_aesni ? MK_PATH_ACCELERATED : MK_PATH_PORTABLE;
}

static void aes_encrypt_portable(const mk_aes128_key *key, uint8_t s[16]) {
    const uint8_t *rk = key->round_keys;
    for (int i = 0; i < 16; i++) s[i] ^= rk[i];
    for (int round = 1; round <= 10; round++) {
        uint8_t t[16];
        // SubBytes and ShiftRows (state is column-major: byte r + 4c).
        for (int c = 0; c < 4; c++)
            for (int r = 0; r < 4; r++) t[r + 4 * c] = SBOX[s[r + 4 * ((c + r) % 4)]];
        if (round < 10) {
            // MixColumns.
            for (int c = 0; c < 4; c++) {
                uint8_t *col = t + 4 * c;
                uint8_t a0 = col[0], a1 = col[1], a2 = col[2], a3 = col[3];
                uint8_t all = a0 ^ a1 ^ a2 ^ a3;
                col[0] = a0 ^ all ^ xtime(a0 ^ a1);
                col[1] = a1 ^ all ^ xtime(a1 ^ a2);
                col[2] = a2 ^ all ^ xtime(a2 ^ a3);
                col[3] = a3 ^ all ^ xtime(a3 ^ a0);
            }
        }
        for (int i = 0; i < 16; i++) s[i] = t[i] ^ rk[16 * round + i];
    }
}

void mk_aes128_encrypt_portable(const mk_aes128_key *key, uint8_t block[16]) {
    mk_path_record(MK_KERNEL_AES, MK_PATH_PORTABLE);
    aes_encrypt_portable(key, block);
}

#if defined(__x86_64__)
#include <immintrin.h>
// Functions that may hold AES-NI code. Compiling the portable twin under the same attribute is
// harmless: the compiler never emits AES instructions unless the source asks for them.
#define MK_AES_TARGET __attribute__((target("aes,sse2")))
#else
#define MK_AES_TARGET
#endif
#define MK_ALWAYS_INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__)
// Encrypts `lanes` independent blocks, round by round across the blocks, so that each aesenc waits
// on its own block's previous round only: the latency of one block hides behind the others.
MK_AES_TARGET MK_ALWAYS_INLINE void aesni_lanes(const mk_aes128_key *key, __m128i *x, size_t lanes) {
    const __m128i *rk = (const __m128i *)key->round_keys;
    const __m128i first = _mm_loadu_si128(rk);
    for (size_t k = 0; k < lanes; k++) x[k] = _mm_xor_si128(x[k], first);
    for (int i = 1; i < 10; i++) {
        const __m128i round_key = _mm_loadu_si128(rk + i);
        for (size_t k = 0; k < lanes; k++) x[k] = _mm_aesenc_si128(x[k], round_key);
    }
    const __m128i last = _mm_loadu_si128(rk + 10);
    for (size_t k = 0; k < lanes; k++) x[k] = _mm_aesenclast_si128(x[k], last);
}

MK_AES_TARGET static void encrypt_aesni(const mk_aes128_key *key, uint8_t block[16]) {
    __m128i x = _mm_loadu_si128((const __m128i *)block);
    aesni_lanes(key, &x, 1);
    _mm_storeu_si128((__m128i *)block, x);
}
#endif

int mk_aes_uses_aesni(void) {
#if defined(__x86_64__)
    return mk_cpu_cap() >= MK_CPU_AVX2 && __builtin_cpu_supports("aes") ? 1 : 0;
#else
    return 0;
#endif
}

int mk_aes_uses_vaes(void) { return mk_cpu_has_vaes(); }

// One block on the key's path, without recording it: the FF1 entry points record their path once.
static void aes_encrypt(const mk_aes128_key *key, uint8_t block[16]) {
#if defined(__x86_64__)
    if (key->uses_aesni) { encrypt_aesni(key, block); return; }
#endif
    aes_encrypt_portable(key, block);
}

void mk_aes128_encrypt(const mk_aes128_key *key, uint8_t block[16]) {
    mk_path_record(MK_KERNEL_AES, key_path(key));
    aes_encrypt(key, block);
}

// ---- FF1, any radix up to 255 --------------------------------------------------------------------
//
//   P = [1][2][1][radix]^3 [10][u mod 256] [n]^4 [t]^4          (one block, the same in every round)
//   for round i in 0..9:
//       Q = T || 0^((-t-b-1) mod 16) || [i] || NUM(B) in b bytes
//       R = CBC-MAC(P || Q);  S = R || CIPH(R ^ [1]) || ...      (d bytes; P and Q's first blocks once)
//       c = (NUM(A) + NUM(S)) mod radix^m;  A, B = B, STR(c)
//
// Two implementations of the rounds, chosen per call by the size of radix^v (v = ceil(n/2)):
//
// * Small (radix^v < 2^48, so b <= 6 and d is 8 or 12): A, B, C and radix^m all fit 48 bits. NUM(S)
//   is the first 8 bytes of R (below 2^64) reduced mod radix^m, then, when d = 12, two more 16-bit
//   Horner steps (y < radix^m < 2^48, so y * 2^16 + 65535 < 2^64). Every reduction is Barrett's with
//   a reciprocal computed once per call; C = A + y < 2^49. No 128-bit division anywhere; the only
//   128-bit value is the 64x64 product inside the reduction. Radix 10 stays small up to n = 28.
// * Large (the rest: long secrets): 128-bit arithmetic, the halves kept below 2^120
//   (mk_ff1_max_count); NUM(B) has at most 15 bytes, and NUM(S) (12, 16 or 20 bytes) is reduced
//   modulo radix^m in one step from prepared powers 2^(32j) mod m, its quotient estimated with doubles
//   (`wide_reduce`, below): radix^m is at least radix^(v-1) >= 2^48 / 255 > 2^32 here.

typedef unsigned __int128 u128;

static const u128 HALF_LIMIT = (u128)1 << 120;
static const uint64_t SMALL_LIMIT = (uint64_t)1 << 48;

// radix^m, or 0 when it would reach 2^120.
static u128 power_below_limit(unsigned radix, size_t m) {
    const u128 cap = HALF_LIMIT / radix;  // r < cap  ⇔  r * radix < 2^120 (up to rounding, on the safe side)
    u128 r = 1;
    while (m--) {
        if (r >= cap) return 0;
        r *= radix;
    }
    return r;
}

size_t mk_ff1_max_count(unsigned radix) {
    if (radix < 2 || radix > 255) return 0;
    size_t v = 0;
    while (power_below_limit(radix, v + 1) != 0) v++;
    return 2 * v;  // u = floor(n/2) <= v = ceil(n/2): the larger half decides
}

// ---- Barrett reduction by a modulus below 2^48 ----------------------------------------------------
//
// mu = floor((2^64 - 1) / m). For x < 2^64, q = floor(x * mu / 2^64) satisfies
// x/m - 3 < q <= x/m (mu > 2^64/m - 2, and x/2^64 < 1), so r = x - q*m lies in [0, 3m): two
// conditional subtractions make it exact. 3m < 2^50 cannot overflow.

typedef struct {
    uint64_t m, mu;
} modulus;

MK_ALWAYS_INLINE uint64_t reduce(uint64_t x, modulus md) {
    uint64_t q = (uint64_t)(((u128)x * md.mu) >> 64);
    uint64_t r = x - q * md.m;
    if (r >= md.m) r -= md.m;
    if (r >= md.m) r -= md.m;
    return r;
}

// ---- Setup: the parts of the cipher fixed for one key, tweak, radix and length ---------------------

// The CBC-MAC state after P and every block of Q but the last, which is all that changes between
// rounds ([i] and NUM(B) fit its 16 bytes, b <= 15).
typedef struct {
    const mk_aes128_key *key;
    uint8_t prefix_mac[16];  // CIPH(...CIPH(CIPH(P) ^ Q_1)... ^ Q_{k-1})
    uint8_t last[16];        // Q's last block: the tail of T and padding, then [i] || NUM(B)
    size_t q_length;
    size_t b, d;
    unsigned radix;
    u128 mod_u, mod_v;
} ff1_state;

static int ff1_setup(ff1_state *st, const mk_aes128_key *key, const uint8_t *tweak, size_t t, unsigned radix,
                     size_t n) {
    if (radix < 2 || radix > 255 || n < 2 || t > 64) return -1;
    size_t u = n / 2, v = n - u;
    st->key = key;
    st->radix = radix;
    st->mod_u = power_below_limit(radix, u);
    st->mod_v = power_below_limit(radix, v);
    if (st->mod_v == 0) return -1;  // longer than mk_ff1_max_count(radix)
    // b = ceil(ceil(v * log2(radix)) / 8) = the bytes of radix^v - 1; d = 4 * ceil(b / 4) + 4.
    u128 top = st->mod_v - 1;
    uint64_t high = (uint64_t)(top >> 64), low = (uint64_t)top;
    size_t bits = high ? 128 - (size_t)__builtin_clzll(high) : (low ? 64 - (size_t)__builtin_clzll(low) : 0);
    st->b = (bits + 7) / 8;
    st->d = 4 * ((st->b + 3) / 4) + 4;
    size_t pad = (16 - (t + st->b + 1) % 16) % 16;
    st->q_length = t + pad + 1 + st->b;
    uint8_t q[96];  // T || 0^pad || [i] || NUM(B), with [i] and NUM(B) left zero here
    memset(q, 0, st->q_length);
    if (t) memcpy(q, tweak, t);

    uint8_t *p = st->prefix_mac;
    p[0] = 1; p[1] = 2; p[2] = 1;
    p[3] = 0; p[4] = 0; p[5] = (uint8_t)radix;
    p[6] = 10; p[7] = (uint8_t)(u % 256);
    p[8] = (uint8_t)(n >> 24); p[9] = (uint8_t)(n >> 16); p[10] = (uint8_t)(n >> 8); p[11] = (uint8_t)n;
    p[12] = (uint8_t)(t >> 24); p[13] = (uint8_t)(t >> 16); p[14] = (uint8_t)(t >> 8); p[15] = (uint8_t)t;
    aes_encrypt(key, p);
    for (size_t off = 0; off + 16 < st->q_length; off += 16) {
        for (int k = 0; k < 16; k++) p[k] ^= q[off + k];
        aes_encrypt(key, p);
    }
    memcpy(st->last, q + st->q_length - 16, 16);
    return 0;
}

static int ff1_check_numerals(const uint8_t *x, size_t n, unsigned radix) {
    size_t i = 0;
    if (radix <= 128) {
        // Eight numerals at a time: a byte below 128 gets its top bit from + (128 - radix) exactly when
        // it is >= radix, with no carry out of the byte; a byte >= 128 has its top bit already.
        const uint64_t add = 0x0101010101010101ULL * (128 - radix);
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, x + i, 8);
            if (((w + add) | w) & 0x8080808080808080ULL) return -1;
        }
    }
    for (; i < n; i++) if (x[i] >= radix) return -1;
    return 0;
}

// ---- Small domain: 64-bit rounds -------------------------------------------------------------------
//
// A round's first CBC-MAC input is the plan's base with ([i] << 8b | NUM(B)) big-endian XORed into
// its last 8 bytes (b + 1 <= 7 of them).

static modulus plan_modulus(const mk_ff1_plan *p, int round) {
    modulus md = {p->modulus[round & 1], p->reciprocal[round & 1]};
    return md;
}

// The first CBC-MAC input of every round with [i] and NUM(B) left zero (as ff1_setup leaves them in
// `last`), as two little-endian words: each round XORs its own in. Both plans start from it.
static void round_base(const ff1_state *st, uint64_t *low, uint64_t *high) {
    uint8_t base[16];
    for (int k = 0; k < 16; k++) base[k] = st->prefix_mac[k] ^ st->last[k];
    memcpy(low, base, 8);
    memcpy(high, base + 8, 8);
}

static int plan_from(const ff1_state *st, const mk_aes128_key *key, size_t n, mk_ff1_plan *p) {
    if (st->mod_v >= SMALL_LIMIT) return -1;
    p->key = *key;
    round_base(st, &p->base_low, &p->base_high);
    p->b_bits = (uint32_t)(8 * st->b);
    p->wide = st->d == 12;
    p->modulus[0] = (uint64_t)st->mod_u;
    p->modulus[1] = (uint64_t)st->mod_v;
    p->reciprocal[0] = UINT64_MAX / p->modulus[0];
    p->reciprocal[1] = UINT64_MAX / p->modulus[1];
    p->radix = st->radix;
    p->radix_reciprocal = UINT64_MAX / st->radix;
    p->count = (uint32_t)n;
    return 0;
}

// NUM(S) mod m from R's first 8 bytes and (d = 12) the next 4, both as loaded little-endian.
MK_ALWAYS_INLINE uint64_t small_y(const mk_ff1_plan *p, uint64_t r_low, uint32_t r_next, modulus md) {
    uint64_t y = reduce(__builtin_bswap64(r_low), md);
    if (p->wide) {
        uint32_t more = __builtin_bswap32(r_next);
        y = reduce((y << 16) | (more >> 16), md);
        y = reduce((y << 16) | (more & 0xFFFF), md);
    }
    return y;
}

// The round values y of `lanes` strings at once (x[k] = NUM of the half that feeds the round).
// `aesni` is a constant in every caller, so each caller gets one loop with no dispatch inside.
MK_AES_TARGET MK_ALWAYS_INLINE void small_round_values(const mk_ff1_plan *p, int round, const uint64_t *x,
                                                       uint64_t *y, size_t lanes, int aesni) {
    const modulus md = plan_modulus(p, round);
    const uint64_t tag = (uint64_t)round << p->b_bits;
#if defined(__x86_64__)
    if (aesni) {
        __m128i blocks[8];
        for (size_t k = 0; k < lanes; k++)
            blocks[k] = _mm_set_epi64x((long long)(p->base_high ^ __builtin_bswap64(tag | x[k])),
                                       (long long)p->base_low);
        aesni_lanes(&p->key, blocks, lanes);
        for (size_t k = 0; k < lanes; k++) {
            uint64_t low = (uint64_t)_mm_cvtsi128_si64(blocks[k]);
            uint32_t next = (uint32_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(blocks[k], blocks[k]));
            y[k] = small_y(p, low, next, md);
        }
        return;
    }
#endif
    (void)aesni;
    for (size_t k = 0; k < lanes; k++) {
        uint8_t block[16];
        uint64_t high = p->base_high ^ __builtin_bswap64(tag | x[k]);
        memcpy(block, &p->base_low, 8);
        memcpy(block + 8, &high, 8);
        aes_encrypt_portable(&p->key, block);
        uint64_t low;
        uint32_t next;
        memcpy(&low, block, 8);
        memcpy(&next, block + 8, 4);
        y[k] = small_y(p, low, next, md);
    }
}

MK_ALWAYS_INLINE uint64_t num64(const uint8_t *x, size_t count, uint64_t radix) {
    uint64_t r = 0;
    for (size_t i = 0; i < count; i++) r = r * radix + x[i];
    return r;
}

MK_ALWAYS_INLINE void str64(uint64_t value, uint8_t *x, size_t count, modulus radix) {
    if (radix.m == 10) {
        // Cards and SSNs: the compiler turns a division by the constant into a multiply and a shift.
        for (size_t i = count; i > 0; i--) {
            uint64_t q = value / 10;
            x[i - 1] = (uint8_t)(value - q * 10);
            value = q;
        }
        return;
    }
    for (size_t i = count; i > 0; i--) {
        uint64_t q = (uint64_t)(((u128)value * radix.mu) >> 64);
        uint64_t r = value - q * radix.m;
        while (r >= radix.m) { r -= radix.m; q++; }  // at most twice (see reduce)
        x[i - 1] = (uint8_t)r;
        value = q;
    }
}

// The halves A and B of `lanes` strings `stride` bytes apart, as numbers; lanes past `count` repeat the
// last string (their results are dropped).
MK_ALWAYS_INLINE void read_halves(const mk_ff1_plan *p, const uint8_t *numerals, size_t stride, size_t count,
                                  size_t lanes, uint64_t *a, uint64_t *b) {
    const size_t u = p->count / 2, v = p->count - u;
    for (size_t k = 0; k < lanes; k++) {
        const uint8_t *x = numerals + stride * (k < count ? k : count - 1);
        a[k] = num64(x, u, p->radix);
        b[k] = num64(x + u, v, p->radix);
    }
}

// The first `count` strings written back from their halves.
MK_ALWAYS_INLINE void write_halves(const mk_ff1_plan *p, uint8_t *numerals, size_t stride, size_t count,
                                   const uint64_t *a, const uint64_t *b) {
    const size_t u = p->count / 2, v = p->count - u;
    const modulus radix = {p->radix, p->radix_reciprocal};
    for (size_t k = 0; k < count; k++) {
        str64(a[k], numerals + stride * k, u, radix);
        str64(b[k], numerals + stride * k + u, v, radix);
    }
}

// Up to this many strings run their rounds side by side: enough independent AES blocks to cover the
// aesenc latency on both AES units, few enough for the blocks to stay in registers.
enum { LANES = 8 };

// Encrypts `count` strings (1 <= count <= lanes) `stride` bytes apart, their rounds side by side.
MK_AES_TARGET MK_ALWAYS_INLINE void small_encrypt_group(const mk_ff1_plan *p, uint8_t *numerals, size_t stride,
                                                        size_t count, size_t lanes, int aesni) {
    uint64_t a[LANES], b[LANES];
    read_halves(p, numerals, stride, count, lanes, a, b);
    for (int round = 0; round < 10; round++) {
        uint64_t y[LANES];
        small_round_values(p, round, b, y, lanes, aesni);
        const uint64_t m = p->modulus[round & 1];
        for (size_t k = 0; k < lanes; k++) {
            // A < m (an input half or an earlier C under the same modulus) and y < m: one subtraction.
            uint64_t c = a[k] + y[k];
            if (c >= m) c -= m;
            a[k] = b[k];
            b[k] = c;
        }
    }
    write_halves(p, numerals, stride, count, a, b);
}

MK_AES_TARGET static void small_encrypt_aesni(const mk_ff1_plan *p, uint8_t *numerals, size_t stride,
                                              size_t values) {
#if defined(__x86_64__)
    if (values == 1) { small_encrypt_group(p, numerals, 0, 1, 1, 1); return; }
    for (size_t first = 0; first < values; first += LANES) {
        size_t count = values - first < LANES ? values - first : LANES;
        small_encrypt_group(p, numerals + stride * first, stride, count, LANES, 1);
    }
#else
    (void)p; (void)numerals; (void)stride; (void)values;
#endif
}

MK_AES_TARGET static void small_encrypt_portable(const mk_ff1_plan *p, uint8_t *numerals, size_t stride,
                                                 size_t values) {
    for (size_t k = 0; k < values; k++) small_encrypt_group(p, numerals + stride * k, 0, 1, 1, 0);
}

// ---- Small domain on VAES: sixteen FF1s in vector registers -----------------------------------------
//
// The scalar rounds above spend most of their instructions around the cipher, not in it (callgrind of
// Benchmarks/ff1_bench.c, 16 digits in batches: ~730 instructions a token, 45 per string and round, a
// third of them moves of eight strings' values that do not fit the registers). Here each 64-bit value
// of 16 strings is a lane of two 512-bit registers, each AES instruction enciphers four blocks, and the
// reductions run on all lanes at once: per round, for 16 strings, about 60 instructions.
//
// NUM(S) mod m (m < 2^48) without a 64x64 -> 128 multiply, which AVX-512 lacks: the quotient is
// estimated in doubles, q = trunc(double(x) * double(1/m)), whose relative error is below 3.01 * 2^-53,
// so for x < 2^64 it is within 3.01 * 2^11 / m of x/m: below 0.76 when m >= 2^13. Then q is floor(x/m)
// or one off either way, r = x - q*m (exact modulo 2^64, and its true value lies in [-m, 2m)) needs at
// most one addition or one subtraction of m. Plans with a smaller modulus (fewer than four digits a
// half) keep the scalar rounds.
#if defined(__x86_64__)
#define MK_VAES_TARGET __attribute__((target("aes,vaes,avx512f,avx512bw,avx512dq,avx512vl")))

enum { VAES_LANES = 16 };
static const uint64_t VAES_MIN_MODULUS = (uint64_t)1 << 13;

static int vaes_takes(const mk_ff1_plan *p) {
    return p->modulus[0] >= VAES_MIN_MODULUS && p->modulus[1] >= VAES_MIN_MODULUS;
}

// The bytes of each 64-bit lane reversed (NUM of big-endian bytes).
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i swap_lanes(__m512i x) {
    const __m512i order = _mm512_broadcast_i32x4(_mm_set_epi8(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    return _mm512_shuffle_epi8(x, order);
}

// x mod m per lane, for x < 2^64 and 2^13 <= m < 2^48 (the bound above).
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i reduce_lanes(__m512i x, __m512i m, __m512d inverse) {
    const __m512i q = _mm512_cvttpd_epu64(_mm512_mul_pd(_mm512_cvtepu64_pd(x), inverse));
    __m512i r = _mm512_sub_epi64(x, _mm512_mullo_epi64(q, m));
    r = _mm512_mask_add_epi64(r, _mm512_cmplt_epi64_mask(r, _mm512_setzero_si512()), r, m);
    return _mm512_mask_sub_epi64(r, _mm512_cmpge_epu64_mask(r, m), r, m);
}

// Four blocks [base_low, high_j] from four lanes of `high` (`first` 0: lanes 0-3, 1: lanes 4-7).
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i blocks_of(__m512i base_low, __m512i high, int first) {
    const __m512i pick = first ? _mm512_set_epi64(15, 0, 14, 0, 13, 0, 12, 0) : _mm512_set_epi64(11, 0, 10, 0, 9, 0, 8, 0);
    return _mm512_permutex2var_epi64(base_low, pick, high);
}

MK_VAES_TARGET MK_ALWAYS_INLINE void encipher2(__m512i *x, const __m512i *keys) {
    for (int k = 0; k < 2; k++) x[k] = _mm512_xor_si512(x[k], keys[0]);
    for (int i = 1; i < 10; i++)
        for (int k = 0; k < 2; k++) x[k] = _mm512_aesenc_epi128(x[k], keys[i]);
    for (int k = 0; k < 2; k++) x[k] = _mm512_aesenclast_epi128(x[k], keys[10]);
}

MK_VAES_TARGET MK_ALWAYS_INLINE void encipher4(__m512i *x, const __m512i *keys) {
    for (int k = 0; k < 4; k++) x[k] = _mm512_xor_si512(x[k], keys[0]);
    for (int i = 1; i < 10; i++)
        for (int k = 0; k < 4; k++) x[k] = _mm512_aesenc_epi128(x[k], keys[i]);
    for (int k = 0; k < 4; k++) x[k] = _mm512_aesenclast_epi128(x[k], keys[10]);
}

// The round values y of 16 strings (x: NUM of the half that feeds the round, lanes 0-7 and 8-15).
MK_VAES_TARGET MK_ALWAYS_INLINE void vaes_round_values(const mk_ff1_plan *p, int round, const __m512i *keys,
                                                       const __m512i *x, __m512i *y) {
    const __m512i m = _mm512_set1_epi64((long long)p->modulus[round & 1]);
    const __m512d inverse = _mm512_set1_pd(1.0 / (double)p->modulus[round & 1]);
    const __m512i tag = _mm512_set1_epi64((long long)((uint64_t)round << p->b_bits));
    const __m512i base_low = _mm512_set1_epi64((long long)p->base_low);
    const __m512i base_high = _mm512_set1_epi64((long long)p->base_high);
    __m512i blocks[4];
    for (int h = 0; h < 2; h++) {
        const __m512i high = _mm512_xor_si512(swap_lanes(_mm512_or_si512(x[h], tag)), base_high);
        blocks[2 * h] = blocks_of(base_low, high, 0);
        blocks[2 * h + 1] = blocks_of(base_low, high, 1);
    }
    encipher4(blocks, keys);
    const __m512i even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
    for (int h = 0; h < 2; h++) {
        // R's first 8 bytes, big-endian.
        const __m512i first = _mm512_permutex2var_epi64(blocks[2 * h], even, blocks[2 * h + 1]);
        __m512i v = reduce_lanes(swap_lanes(first), m, inverse);
        if (p->wide) {
            // R's bytes 8-11 as a big-endian 32-bit number, in two 16-bit Horner steps (small_y).
            const __m512i more = _mm512_srli_epi64(swap_lanes(_mm512_permutex2var_epi64(blocks[2 * h], odd, blocks[2 * h + 1])), 32);
            const __m512i low16 = _mm512_set1_epi64(0xFFFF);
            v = reduce_lanes(_mm512_or_si512(_mm512_slli_epi64(v, 16), _mm512_srli_epi64(more, 16)), m, inverse);
            v = reduce_lanes(_mm512_or_si512(_mm512_slli_epi64(v, 16), _mm512_and_si512(more, low16)), m, inverse);
        }
        y[h] = v;
    }
}

// Decimal strings (cards' and SSNs') to and from numbers in vectors, sixteen at a time: the scalar loops
// (read_halves, write_halves) took a third of a batch's time, a multiply and a dependent add per
// numeral. A half (at most 16 numerals here: radix^half < 2^48) sits right-aligned in a 16-byte lane,
// zeros before it, so that its number is a fixed sum of products: numeral pairs, fours and eights by
// multiply-adds, then the lane's two eights joined in 64 bits; back, the number is split the other way,
// eights, fours, pairs, numerals, by multiplies with reciprocals exact over each step's range.

// Byte j of each 128-bit lane: j - shift (negative, so zeroed by a byte shuffle, where j < shift).
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i lane_shift_index(int shift) {
    const __m128i iota = _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    return _mm512_broadcast_i32x4(_mm_sub_epi8(iota, _mm_set1_epi8((char)shift)));
}

// The numbers of four right-aligned decimal halves (one per 128-bit lane), in 64-bit words 0, 2, 4, 6.
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i decimal_numbers(__m512i x) {
    const __m512i pairs = _mm512_maddubs_epi16(x, _mm512_set1_epi16(0x010A));               // 10a + b
    const __m512i fours = _mm512_madd_epi16(pairs, _mm512_set1_epi32(0x00010064));          // 100a + b
    const __m512i eights = _mm512_madd_epi16(_mm512_packus_epi32(fours, fours), _mm512_set1_epi32(0x00012710));
    return _mm512_add_epi64(_mm512_mul_epu32(eights, _mm512_set1_epi64(100000000)), _mm512_srli_epi64(eights, 32));
}

// NUM of the first `n` numerals (n <= 16) of strings k0...k0+7 (`count` of them real, the rest repeating
// the last) at `offset` in each, as eight 64-bit lanes.
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i read_decimal8(const uint8_t *numerals, size_t stride, size_t count, size_t k0,
                                                      size_t offset, unsigned n) {
    const __mmask16 first = (__mmask16)((1u << n) - 1);
    __m128i half[8];
    for (size_t j = 0; j < 8; j++) {
        const size_t k = k0 + j < count ? k0 + j : count - 1;
        // Sound: the load reads the half's n numerals only (masked), inside string k.
        half[j] = _mm_maskz_loadu_epi8(first, numerals + stride * k + offset);
    }
    const __m512i align = lane_shift_index(16 - (int)n);
    __m512i four[2];
    for (int h = 0; h < 2; h++) {
        __m512i x = _mm512_castsi128_si512(half[4 * h]);
        x = _mm512_inserti32x4(x, half[4 * h + 1], 1);
        x = _mm512_inserti32x4(x, half[4 * h + 2], 2);
        x = _mm512_inserti32x4(x, half[4 * h + 3], 3);
        four[h] = decimal_numbers(_mm512_shuffle_epi8(x, align));
    }
    return _mm512_permutex2var_epi64(four[0], _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), four[1]);
}

// x / d and x % d per 64-bit lane, for x < 2^60 and d < 2^31 (a double's quotient is then off by at most
// one, and corrected).
MK_VAES_TARGET MK_ALWAYS_INLINE __m512i divide_lanes(__m512i x, uint64_t d, __m512i *rest) {
    const __m512i m = _mm512_set1_epi64((long long)d);
    __m512i q = _mm512_cvttpd_epu64(_mm512_mul_pd(_mm512_cvtepu64_pd(x), _mm512_set1_pd(1.0 / (double)d)));
    __m512i r = _mm512_sub_epi64(x, _mm512_mullo_epi64(q, m));
    const __mmask8 under = _mm512_cmplt_epi64_mask(r, _mm512_setzero_si512());
    r = _mm512_mask_add_epi64(r, under, r, m);
    q = _mm512_mask_sub_epi64(q, under, q, _mm512_set1_epi64(1));
    const __mmask8 over = _mm512_cmpge_epu64_mask(r, m);
    *rest = _mm512_mask_sub_epi64(r, over, r, m);
    return _mm512_mask_add_epi64(q, over, q, _mm512_set1_epi64(1));
}

// Writes the numbers of eight 64-bit lanes (each below 10^16) as their last `n` decimal numerals at
// `offset` in strings k0...k0+7 (only the first `count` of them).
MK_VAES_TARGET MK_ALWAYS_INLINE void write_decimal8(__m512i x, uint8_t *numerals, size_t stride, size_t count, size_t k0,
                                                    size_t offset, unsigned n) {
    // Eights: [x / 10^8, x % 10^8] as 32-bit halves, the more significant first.
    __m512i low8;
    const __m512i high8 = divide_lanes(x, 100000000, &low8);
    const __m512i eights = _mm512_or_si512(high8, _mm512_slli_epi64(low8, 32));
    // Fours: each eight e as [e / 10^4, e % 10^4] in 16 bits (e * 3518437209 >> 45 is e / 10^4 for e < 2^32).
    const __m512i q4 = _mm512_srli_epi64(_mm512_mul_epu32(eights, _mm512_set1_epi64(3518437209u)), 45);
    const __m512i q4_high = _mm512_srli_epi64(_mm512_mul_epu32(_mm512_srli_epi64(eights, 32), _mm512_set1_epi64(3518437209u)), 45);
    const __m512i quotients = _mm512_or_si512(q4, _mm512_slli_epi64(q4_high, 32));
    const __m512i rests = _mm512_sub_epi32(eights, _mm512_mullo_epi32(quotients, _mm512_set1_epi32(10000)));
    const __m512i fours = _mm512_or_si512(quotients, _mm512_slli_epi32(rests, 16));
    // Pairs: each four f as [f / 100, f % 100] in bytes ((f * 5243) >> 19 is f / 100 for f < 10^4).
    const __m512i q2 = _mm512_srli_epi16(_mm512_mulhi_epu16(fours, _mm512_set1_epi16(5243)), 3);
    const __m512i pairs = _mm512_or_si512(q2, _mm512_slli_epi16(_mm512_sub_epi16(fours, _mm512_mullo_epi16(q2, _mm512_set1_epi16(100))), 8));
    const __m512i align = lane_shift_index((int)n - 16);
    __m128i half[8];
    for (int h = 0; h < 2; h++) {
        // Numerals: each pair p widened to 16 bits as [p / 10, p % 10] ((p * 6554) >> 16 is p / 10 for p < 100),
        // sixteen per string half, moved to the lane's start.
        const __m512i wide = _mm512_cvtepu8_epi16(h == 0 ? _mm512_castsi512_si256(pairs) : _mm512_extracti64x4_epi64(pairs, 1));
        const __m512i q1 = _mm512_mulhi_epu16(wide, _mm512_set1_epi16(6554));
        const __m512i digits = _mm512_or_si512(q1, _mm512_slli_epi16(_mm512_sub_epi16(wide, _mm512_mullo_epi16(q1, _mm512_set1_epi16(10))), 8));
        const __m512i placed = _mm512_shuffle_epi8(digits, align);
        half[4 * h] = _mm512_castsi512_si128(placed);
        half[4 * h + 1] = _mm512_extracti32x4_epi32(placed, 1);
        half[4 * h + 2] = _mm512_extracti32x4_epi32(placed, 2);
        half[4 * h + 3] = _mm512_extracti32x4_epi32(placed, 3);
    }
    const __mmask16 first = (__mmask16)((1u << n) - 1);
    for (size_t j = 0; j < 8 && k0 + j < count; j++) {
        // Sound: the store writes the half's n numerals only (masked), inside string k0 + j.
        _mm_mask_storeu_epi8(numerals + stride * (k0 + j) + offset, first, half[j]);
    }
}

// Encrypts `count` strings (1 <= count <= 16) `stride` bytes apart; lanes past `count` repeat the last.
MK_VAES_TARGET static void small_encrypt_vaes_group(const mk_ff1_plan *p, uint8_t *numerals, size_t stride,
                                                    size_t count) {
    uint64_t a_values[VAES_LANES], b_values[VAES_LANES];
    const unsigned u = (unsigned)(p->count / 2), v = (unsigned)(p->count - u);
    // radix^v < 2^48 here, so a decimal half has at most 14 numerals: one 16-byte lane.
    const int decimal = p->radix == 10;
    __m512i a[2], b[2];
    if (decimal) {
        for (int h = 0; h < 2; h++) {
            a[h] = read_decimal8(numerals, stride, count, 8 * (size_t)h, 0, u);
            b[h] = read_decimal8(numerals, stride, count, 8 * (size_t)h, u, v);
        }
    } else {
        read_halves(p, numerals, stride, count, VAES_LANES, a_values, b_values);
        for (int h = 0; h < 2; h++) {
            a[h] = _mm512_loadu_si512(a_values + 8 * h);
            b[h] = _mm512_loadu_si512(b_values + 8 * h);
        }
    }
    __m512i keys[11];
    for (int i = 0; i < 11; i++) keys[i] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)p->key.round_keys + i));
    for (int round = 0; round < 10; round++) {
        __m512i y[2];
        vaes_round_values(p, round, keys, b, y);
        const __m512i m = _mm512_set1_epi64((long long)p->modulus[round & 1]);
        for (int h = 0; h < 2; h++) {
            // A < m and y < m: one subtraction.
            __m512i c = _mm512_add_epi64(a[h], y[h]);
            c = _mm512_mask_sub_epi64(c, _mm512_cmpge_epu64_mask(c, m), c, m);
            a[h] = b[h];
            b[h] = c;
        }
    }
    if (decimal) {
        for (int h = 0; h < 2; h++) {
            write_decimal8(a[h], numerals, stride, count, 8 * (size_t)h, 0, u);
            write_decimal8(b[h], numerals, stride, count, 8 * (size_t)h, u, v);
        }
        return;
    }
    _mm512_storeu_si512(a_values, a[0]);
    _mm512_storeu_si512(a_values + 8, a[1]);
    _mm512_storeu_si512(b_values, b[0]);
    _mm512_storeu_si512(b_values + 8, b[1]);
    write_halves(p, numerals, stride, count, a_values, b_values);
}

MK_VAES_TARGET static void small_encrypt_vaes(const mk_ff1_plan *p, uint8_t *numerals, size_t stride, size_t values) {
    for (size_t first = 0; first < values; first += VAES_LANES) {
        size_t count = values - first < VAES_LANES ? values - first : VAES_LANES;
        small_encrypt_vaes_group(p, numerals + stride * first, stride, count);
    }
}
#endif

// The hot entry of cards and SSNs: the path is recorded in the branch that runs it, a store of a
// constant (one instruction), not on entry. One string keeps the scalar rounds on a VAES key: a group's
// fixed cost is sixteen strings' work.
static void small_encrypt(const mk_ff1_plan *p, uint8_t *numerals, size_t stride, size_t values) {
#if defined(__x86_64__)
    if (p->key.uses_vaes && values > 1 && vaes_takes(p)) {
        mk_path_record(MK_KERNEL_AES, MK_PATH_WIDE);
        small_encrypt_vaes(p, numerals, stride, values);
        return;
    }
#endif
    if (p->key.uses_aesni) {
        mk_path_record(MK_KERNEL_AES, MK_PATH_ACCELERATED);
        small_encrypt_aesni(p, numerals, stride, values);
    } else {
        mk_path_record(MK_KERNEL_AES, MK_PATH_PORTABLE);
        small_encrypt_portable(p, numerals, stride, values);
    }
}

MK_AES_TARGET MK_ALWAYS_INLINE void small_decrypt(const mk_ff1_plan *p, uint8_t *numerals, int aesni) {
    const size_t u = p->count / 2, v = p->count - u;
    const modulus radix = {p->radix, p->radix_reciprocal};
    uint64_t a = num64(numerals, u, radix.m), b = num64(numerals + u, v, radix.m);
    for (int round = 9; round >= 0; round--) {
        uint64_t y;
        small_round_values(p, round, &a, &y, 1, aesni);
        const uint64_t m = p->modulus[round & 1];
        uint64_t c = b >= y ? b - y : b + m - y;
        b = a;
        a = c;
    }
    str64(a, numerals, u, radix);
    str64(b, numerals + u, v, radix);
}

MK_AES_TARGET static void small_decrypt_aesni(const mk_ff1_plan *p, uint8_t *numerals) {
    small_decrypt(p, numerals, 1);
}

MK_AES_TARGET static void small_decrypt_portable(const mk_ff1_plan *p, uint8_t *numerals) {
    small_decrypt(p, numerals, 0);
}

// ---- Large domain: 128-bit rounds ------------------------------------------------------------------
//
// NUM(S) mod m without a 128-bit division (a library call, and a long one, that a byte-at-a-time
// reduction would make five times a round), for 2^32 < m < 2^120 (m >= radix^(v-1) >= 2^48 / 255).
//
// NUM(S) is k big-endian 32-bit words w_0...w_{k-1} (k = d/4: 3, 4 or 5), so it is congruent to
// T = sum of w_i * e_{k-1-i}, where e_j = 2^(32j) mod m is prepared once. Every term is below
// 2^32 * m, so q = floor(T / m) is below 5 * 2^32; its estimate from doubles (T and 1/m each carry a
// relative error of at most about 2^-50) is off from T/m by less than 2^-13, so truncating it gives
// q - 1, q or q + 1. The remainder for that estimate lies in [-m, 2m), well inside the signed 128-bit
// range: computed modulo 2^128 (the products wrap), it is exact, and one addition or subtraction of m
// corrects it. The terms are independent, so a round waits on one reduction, not on k in a chain.

enum { MAX_WORDS = 5 };

MK_ALWAYS_INLINE u128 wide_value(uint64_t low, uint64_t high) { return (u128)low | ((u128)high << 64); }

MK_ALWAYS_INLINE double u128_to_double(u128 x) {
    return (double)(uint64_t)(x >> 64) * 18446744073709551616.0 + (double)(uint64_t)x;
}

// NUM(S) mod the plan's modulus `which` (0: radix^u, 1: radix^v), S given as its k words; `k` is a
// constant in each caller (`wide_reduce`), so the loop unrolls and the powers are read at fixed offsets.
MK_ALWAYS_INLINE u128 wide_reduce_words(const mk_ff1_wide_plan *p, int which, const uint32_t *w, const size_t k) {
    u128 t = 0;
    double estimate = 0;
    for (size_t i = 0; i < k; i++) {
        const size_t j = k - 1 - i;
        t += (u128)w[i] * wide_value(p->power_low[which][j], p->power_high[which][j]);
        estimate += (double)w[i] * p->power_double[which][j];
    }
    const u128 m = wide_value(p->modulus_low[which], p->modulus_high[which]);
    const int64_t q = (int64_t)(estimate * p->inverse[which]);  // below 5 * 2^32 + 1
    u128 r = t - (u128)(uint64_t)q * m;
    if ((__int128)r < 0) r += m;
    else if (r >= m) r -= m;
    return r;
}

// `wide_reduce_words` for the plan's word count (3, 4 or 5), each unrolled: the rolled loop's counter,
// indexing and branch were a third of its instructions, ten times a string (Benchmarks/RESULTS.md).
MK_ALWAYS_INLINE u128 wide_reduce(const mk_ff1_wide_plan *p, int which, const uint32_t *w) {
    switch (p->words) {
    case 5: return wide_reduce_words(p, which, w, 5);
    case 4: return wide_reduce_words(p, which, w, 4);
    default: return wide_reduce_words(p, which, w, 3);
    }
}

// The first k words of S = R || CIPH(R ^ [1]_16) for round `round` with Feistel input x.
MK_AES_TARGET MK_ALWAYS_INLINE void wide_s_words(const mk_ff1_wide_plan *p, int round, u128 x, uint32_t *w,
                                                 int aesni) {
    // Q's last block, big-endian: [i] then NUM(B) in its last b bytes (b <= 15, x < 2^(8b)).
    const u128 tail = ((u128)(uint32_t)round << p->b_bits) | x;
    const uint64_t low = p->base_low ^ __builtin_bswap64((uint64_t)(tail >> 64));
    const uint64_t high = p->base_high ^ __builtin_bswap64((uint64_t)tail);
    uint64_t r0, r1;
    uint32_t extra = 0;
#if defined(__x86_64__)
    if (aesni) {
        __m128i r = _mm_set_epi64x((long long)high, (long long)low);
        aesni_lanes(&p->key, &r, 1);
        r0 = (uint64_t)_mm_cvtsi128_si64(r);
        r1 = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(r, r));
        if (p->words == MAX_WORDS) {
            __m128i s2 = _mm_xor_si128(r, _mm_set_epi64x((long long)((uint64_t)1 << 56), 0));
            aesni_lanes(&p->key, &s2, 1);
            extra = (uint32_t)_mm_cvtsi128_si32(s2);
        }
    } else
#endif
    {
        (void)aesni;
        uint8_t block[16];
        memcpy(block, &low, 8);
        memcpy(block + 8, &high, 8);
        aes_encrypt_portable(&p->key, block);
        memcpy(&r0, block, 8);
        memcpy(&r1, block + 8, 8);
        if (p->words == MAX_WORDS) {
            block[15] ^= 1;
            aes_encrypt_portable(&p->key, block);
            memcpy(&extra, block, 4);
        }
    }
    r0 = __builtin_bswap64(r0);
    r1 = __builtin_bswap64(r1);
    w[0] = (uint32_t)(r0 >> 32);
    w[1] = (uint32_t)r0;
    w[2] = (uint32_t)(r1 >> 32);
    w[3] = (uint32_t)r1;
    w[4] = __builtin_bswap32(extra);
}

// How `ff1_num_in` reads numerals in a radix: pieces of `piece` numerals in 64 bits (radix^piece <
// 2^64), eight at a time by `radix_2`, `radix_4` and `radix_8` (the radix squared, to the fourth and to
// the eighth: below 2^64 for every radix up to 255). Made once per batch: its loop of dependent
// multiplies, run for every half, was a fifth of a vector batch's time.
typedef struct { size_t piece; uint64_t radix, radix_2, radix_4, radix_8; } num_plan;

static num_plan num_plan_of(unsigned radix) {
    num_plan n = {0, radix, (uint64_t)radix * radix, 0, 0};
    n.radix_4 = n.radix_2 * n.radix_2;
    n.radix_8 = n.radix_4 * n.radix_4;
    uint64_t power = 1;
    while (power <= UINT64_MAX / radix) { power *= radix; n.piece++; }
    return n;
}

// NUM of the eight numerals at x (each below the radix), the first most significant: pairs, then
// fours, then the eight combined inside one 64-bit word (each 16-bit lane stays below radix^2 <= 2^16,
// each 32-bit one below radix^4 < 2^32), three multiplies instead of eight.
static inline uint64_t num8(const uint8_t *x, const num_plan *n) {
    uint64_t w;
    memcpy(&w, x, 8);  // little-endian: numeral j in bits 8j
    w = (w & 0x00FF00FF00FF00FFull) * n->radix + ((w >> 8) & 0x00FF00FF00FF00FFull);
    w = (w & 0x0000FFFF0000FFFFull) * n->radix_2 + ((w >> 16) & 0x0000FFFF0000FFFFull);
    return (w & 0xFFFFFFFFull) * n->radix_4 + (w >> 32);
}

// NUM of `count` numerals: in 64 bits over pieces of `n->piece` numerals (a 128-bit multiply per
// numeral was a chain of twenty for a secret's half), eight at a time where eight are left, joined in
// 128 bits once a piece; the pieces' chains are independent, so they overlap.
static inline u128 ff1_num_in(const uint8_t *x, size_t count, const num_plan *n) {
    u128 r = 0;
    size_t i = 0;
    while (i < count) {
        const size_t len = count - i < n->piece ? count - i : n->piece;
        uint64_t v = 0, scale = 1;
        size_t j = 0;
        for (; j + 8 <= len; j += 8) {
            v = v * n->radix_8 + num8(x + i + j, n);
            scale *= n->radix_8;
        }
        for (; j < len; j++) {
            v = v * n->radix + x[i + j];
            scale *= n->radix;
        }
        r = r * scale + v;
        i += len;
    }
    return r;
}


// The numeral of `*w` mod the radix, and *w divided by it, with the reciprocal mu = floor((2^64 - 1) /
// radix) instead of a division: the 64-bit divide is a long instruction, and a string's numerals are a
// chain of them (a 40-numeral secret spent most of its FF1 time there).
static inline uint8_t next_numeral(uint64_t *w, uint64_t radix, uint64_t mu) {
    uint64_t q = (uint64_t)(((u128)*w * mu) >> 64);
    uint64_t r = *w - q * radix;
    while (r >= radix) { r -= radix; q++; }  // the estimate is at most two short
    *w = q;
    return (uint8_t)r;
}

// `constant`: the radix is a compile-time constant here, and `/` and `%` by it are the compiler's exact
// multiply-and-shift; otherwise `next_numeral`'s reciprocal stands in for a divide instruction.
MK_ALWAYS_INLINE uint8_t str_numeral(uint64_t *w, const unsigned radix, uint64_t mu, const int constant) {
    if (!constant) return next_numeral(w, radix, mu);
    const uint64_t q = *w / radix;
    const uint8_t r = (uint8_t)(*w - q * radix);
    *w = q;
    return r;
}

// The `k` numerals of w (< radix^k) at x[0 ..< k]. With a constant radix, more than five split at
// radix^5 (a constant, so its division is a multiply too) into two chains of divisions that overlap
// instead of one twice as long.
MK_ALWAYS_INLINE void str64_numerals(uint64_t w, uint8_t *x, size_t k, const unsigned radix, uint64_t mu,
                                     const int constant) {
    if (constant && k > 5) {
        const uint64_t fifth = (uint64_t)radix * radix * radix * radix * radix;
        uint64_t low = w % fifth;
        w /= fifth;
        for (size_t j = 0; j < 5; j++) x[k - 1 - j] = str_numeral(&low, radix, mu, constant);
        for (size_t j = 5; j < k; j++) x[k - 1 - j] = str_numeral(&w, radix, mu, constant);
        return;
    }
    for (size_t j = 0; j < k; j++) x[k - 1 - j] = str_numeral(&w, radix, mu, constant);
}

// value / divisor and value % divisor when the quotient fits 64 bits (value's high word below the
// divisor): x86's one 128-by-64 division, where C's 128-bit division is a library call.
MK_ALWAYS_INLINE uint64_t divide_128_by_64(u128 value, uint64_t divisor, uint64_t *remainder) {
#if defined(__x86_64__)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"((uint64_t)value), "d"((uint64_t)(value >> 64)), "rm"(divisor));
    *remainder = r;
    return q;
#else
    const uint64_t q = (uint64_t)(value / divisor);
    *remainder = (uint64_t)(value - (u128)q * divisor);
    return q;
#endif
}

MK_ALWAYS_INLINE void ff1_str_radix(u128 value, uint8_t *x, size_t count, const unsigned radix, const int constant) {
    const uint64_t mu = UINT64_MAX / radix;
    // 128-bit divisions only while the value needs them; the rest in 64 bits, which is cheaper. A value
    // past 64 bits first loses its low k numerals in one division by radix^k (the largest power that
    // fits 64 bits): one division instead of two per numeral (radix 62, 20 numerals: 1 instead of 18),
    // the processor's own when the quotient fits 64 bits.
    size_t i = count;
    if (i > 0 && (value >> 64) != 0) {
        // value >= 2^64 > radix^k and value < radix^count, so k < count; with a constant radix the loop
        // folds to constants.
        uint64_t chunk = 1;
        size_t k = 0;
        while (chunk <= UINT64_MAX / radix) { chunk *= radix; k++; }
        // Never false for a value below radix^count; were it, the numeral loop below writes the low
        // `count` numerals and nothing outside `x`.
        if (k < i) {
            uint64_t low;
            if ((uint64_t)(value >> 64) < chunk) {
                value = divide_128_by_64(value, chunk, &low);
            } else {
                const u128 quotient = value / chunk;
                low = (uint64_t)(value - quotient * chunk);
                value = quotient;
            }
            i -= k;
            str64_numerals(low, x + i, k, radix, mu, constant);
        }
    }
    while (i > 0 && (value >> 64) != 0) { x[--i] = (uint8_t)(value % radix); value /= radix; }
    str64_numerals((uint64_t)value, x, i, radix, mu, constant);
}

// STR of `value` in `count` numerals. The tokenizer's two radices (letters and digits, marks) get
// copies with the radix a constant, where `next_numeral`'s multiply, correction loop and compare become
// the compiler's exact division by a constant (a 40-character secret: ~730 -> ~450 instructions).
static void ff1_str(u128 value, uint8_t *x, size_t count, unsigned radix) {
    if (radix == 62) ff1_str_radix(value, x, count, 62, 1);
    else if (radix == 28) ff1_str_radix(value, x, count, 28, 1);
    else ff1_str_radix(value, x, count, radix, 0);
}

// Both directions, `aesni` a constant in each caller.
MK_AES_TARGET MK_ALWAYS_INLINE void wide_run(const mk_ff1_wide_plan *p, uint8_t *numerals, int decrypt, int aesni) {
    const size_t n = p->count, u = n / 2, v = n - u;
    const num_plan reading = num_plan_of(p->radix);
    u128 a = ff1_num_in(numerals, u, &reading), b = ff1_num_in(numerals + u, v, &reading);
    uint32_t w[MAX_WORDS];
    if (!decrypt) {
        for (int round = 0; round < 10; round++) {
            const int which = round & 1;
            const u128 m = wide_value(p->modulus_low[which], p->modulus_high[which]);
            wide_s_words(p, round, b, w, aesni);
            // A < m holds in every round (it is a previous C under the same modulus, or an input half).
            u128 c = a + wide_reduce(p, which, w);
            if (c >= m) c -= m;
            a = b;
            b = c;
        }
    } else {
        for (int round = 9; round >= 0; round--) {
            const int which = round & 1;
            const u128 m = wide_value(p->modulus_low[which], p->modulus_high[which]);
            wide_s_words(p, round, a, w, aesni);
            const u128 y = wide_reduce(p, which, w);
            u128 c = b >= y ? b - y : b + m - y;
            b = a;
            a = c;
        }
    }
    ff1_str(a, numerals, u, p->radix);
    ff1_str(b, numerals + u, v, p->radix);
}

MK_AES_TARGET static void wide_run_aesni(const mk_ff1_wide_plan *p, uint8_t *numerals, int decrypt) {
    wide_run(p, numerals, decrypt, 1);
}

MK_AES_TARGET static void wide_run_portable(const mk_ff1_wide_plan *p, uint8_t *numerals, int decrypt) {
    wide_run(p, numerals, decrypt, 0);
}

static void wide_run_on_path(const mk_ff1_wide_plan *p, uint8_t *numerals, int decrypt) {
    mk_path_record(MK_KERNEL_AES, key_path(&p->key));
#if defined(__x86_64__)
    if (p->key.uses_aesni) { wide_run_aesni(p, numerals, decrypt); return; }
#endif
    wide_run_portable(p, numerals, decrypt);
}

// Several wide strings side by side, encryption only: a wide round waits on one or two AES blocks and
// then on its reduction, so one string leaves the AES units idle most of the time; `lanes` strings'
// blocks go through aesni_lanes together. Up to this many: eight blocks and a round key fill the
// sixteen vector registers (eight lanes: 275 ns a 40-numeral string, four: 301).
enum { WIDE_LANES = 8 };

// wide_s_words for `lanes` Feistel inputs, their AES blocks interleaved (AES-NI only).
MK_AES_TARGET MK_ALWAYS_INLINE void wide_s_words_lanes(const mk_ff1_wide_plan *p, int round, const u128 *x,
                                                       uint32_t w[][MAX_WORDS], size_t lanes) {
#if defined(__x86_64__)
    __m128i r[WIDE_LANES], s2[WIDE_LANES];
    for (size_t k = 0; k < lanes; k++) {
        const u128 tail = ((u128)(uint32_t)round << p->b_bits) | x[k];
        const uint64_t low = p->base_low ^ __builtin_bswap64((uint64_t)(tail >> 64));
        const uint64_t high = p->base_high ^ __builtin_bswap64((uint64_t)tail);
        r[k] = _mm_set_epi64x((long long)high, (long long)low);
    }
    aesni_lanes(&p->key, r, lanes);
    const int extra = p->words == MAX_WORDS;
    if (extra) {
        for (size_t k = 0; k < lanes; k++) s2[k] = _mm_xor_si128(r[k], _mm_set_epi64x((long long)((uint64_t)1 << 56), 0));
        aesni_lanes(&p->key, s2, lanes);
    }
    for (size_t k = 0; k < lanes; k++) {
        const uint64_t r0 = __builtin_bswap64((uint64_t)_mm_cvtsi128_si64(r[k]));
        const uint64_t r1 = __builtin_bswap64((uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(r[k], r[k])));
        w[k][0] = (uint32_t)(r0 >> 32);
        w[k][1] = (uint32_t)r0;
        w[k][2] = (uint32_t)(r1 >> 32);
        w[k][3] = (uint32_t)r1;
        w[k][4] = extra ? __builtin_bswap32((uint32_t)_mm_cvtsi128_si32(s2[k])) : 0;
    }
#else
    (void)p; (void)round; (void)x; (void)w; (void)lanes;
#endif
}

// Encrypts `count` strings (1 <= count <= lanes <= WIDE_LANES) `stride` bytes apart, their rounds side
// by side (AES-NI only); lanes past `count` repeat the last string and are dropped. `lanes` is a
// constant at every call: with a lane count known only at run time the blocks went through memory
// between AES rounds, a store and a load on each block's chain (four lanes: 301 against 489 ns a
// 40-numeral string, ff1_bench.c mode 4 on scratch forms no longer in the tree: Benchmarks/RESULTS.md).
MK_AES_TARGET MK_ALWAYS_INLINE void wide_encrypt_group(const mk_ff1_wide_plan *p, uint8_t *numerals, size_t stride,
                                                       size_t count, size_t lanes) {
    const size_t n = p->count, u = n / 2, v = n - u;
    u128 a[WIDE_LANES], b[WIDE_LANES];
    const num_plan reading = num_plan_of(p->radix);
    for (size_t k = 0; k < lanes; k++) {
        const uint8_t *x = numerals + stride * (k < count ? k : count - 1);
        a[k] = ff1_num_in(x, u, &reading);
        b[k] = ff1_num_in(x + u, v, &reading);
    }
    uint32_t w[WIDE_LANES][MAX_WORDS];
    for (int round = 0; round < 10; round++) {
        const int which = round & 1;
        const u128 m = wide_value(p->modulus_low[which], p->modulus_high[which]);
        wide_s_words_lanes(p, round, b, w, lanes);
        for (size_t k = 0; k < lanes; k++) {
            // A < m, as in wide_run.
            u128 c = a[k] + wide_reduce(p, which, w[k]);
            if (c >= m) c -= m;
            a[k] = b[k];
            b[k] = c;
        }
    }
    for (size_t k = 0; k < count; k++) {
        ff1_str(a[k], numerals + stride * k, u, p->radix);
        ff1_str(b[k], numerals + stride * k + u, v, p->radix);
    }
}

#if defined(__x86_64__)
// ---- Wide rounds in vector lanes: VAES and AVX-512 IFMA ---------------------------------------------
//
// The wide rounds above spend most of their time in the scalar reduction (the 64x128-bit products, the
// estimate, its correction), one string after another. Here eight strings share each 512-bit register
// (two registers: sixteen strings), every half and remainder held as three 52-bit limbs,
// x = x0 + x1 2^52 + x2 2^104 (x2 < 2^16 below 2^120), so that IFMA's 52-bit multiply-adds make the
// products. The arithmetic is wide_reduce's, T = sum of w_i e_{k-1-i} (w_i < 2^32, each e_j < m in
// limbs: w_i e_j's top limb product is below 2^48, so its high half is zero) less an estimated q m,
// except that the estimate is taken from T's limbs and biased low, so y = T - q m lies in [0, 2m)
// (`ifma_reduce`); C = A + y, below 3m, then loses m at most twice. Limbs are signed between steps and
// normalised with arithmetic shifts, so a negative value's sign is its top limb's.
#define MK_IFMA_TARGET __attribute__((target("aes,vaes,avx512f,avx512bw,avx512dq,avx512vl,avx512ifma")))

typedef struct { __m512i l0, l1, l2; } limbs512;

enum { IFMA_LANES = 8, IFMA_SETS = 2 };

// Carries out of the two low limbs into the next (each low limb left in [0, 2^52)).
MK_IFMA_TARGET MK_ALWAYS_INLINE limbs512 limbs_normalized(limbs512 x) {
    const __m512i low52 = _mm512_set1_epi64((long long)((1ull << 52) - 1));
    x.l1 = _mm512_add_epi64(x.l1, _mm512_srai_epi64(x.l0, 52));
    x.l0 = _mm512_and_si512(x.l0, low52);
    x.l2 = _mm512_add_epi64(x.l2, _mm512_srai_epi64(x.l1, 52));
    x.l1 = _mm512_and_si512(x.l1, low52);
    return x;
}

// x - m where that is not negative, else x (x normalised in [0, 2m)).
MK_IFMA_TARGET MK_ALWAYS_INLINE limbs512 limbs_less_modulus(limbs512 x, const limbs512 *m) {
    const limbs512 d = limbs_normalized((limbs512){_mm512_sub_epi64(x.l0, m->l0), _mm512_sub_epi64(x.l1, m->l1),
                                                   _mm512_sub_epi64(x.l2, m->l2)});
    const __mmask8 keep = _mm512_cmpge_epi64_mask(d.l2, _mm512_setzero_si512());
    return (limbs512){_mm512_mask_mov_epi64(x.l0, keep, d.l0), _mm512_mask_mov_epi64(x.l1, keep, d.l1),
                      _mm512_mask_mov_epi64(x.l2, keep, d.l2)};
}

// The low and high 64 bits of each lane's value, from normalised limbs.
MK_IFMA_TARGET MK_ALWAYS_INLINE __m512i limbs_low64(limbs512 x) { return _mm512_or_si512(x.l0, _mm512_slli_epi64(x.l1, 52)); }
MK_IFMA_TARGET MK_ALWAYS_INLINE __m512i limbs_high64(limbs512 x) {
    return _mm512_or_si512(_mm512_srli_epi64(x.l1, 12), _mm512_slli_epi64(x.l2, 40));
}

// Three limbs from 128-bit values (lanes' low and high 64 bits).
static void limbs_of(const uint64_t *low, const uint64_t *high, size_t lanes, uint64_t *l0, uint64_t *l1, uint64_t *l2) {
    const uint64_t low52 = (1ull << 52) - 1;
    for (size_t k = 0; k < lanes; k++) {
        l0[k] = low[k] & low52;
        l1[k] = ((low[k] >> 52) | (high[k] << 12)) & low52;
        l2[k] = high[k] >> 40;
    }
}

MK_IFMA_TARGET MK_ALWAYS_INLINE limbs512 limbs_broadcast(u128 x) {
    const uint64_t low52 = (1ull << 52) - 1;
    return (limbs512){_mm512_set1_epi64((long long)((uint64_t)x & low52)),
                      _mm512_set1_epi64((long long)((uint64_t)(x >> 52) & low52)),
                      _mm512_set1_epi64((long long)(uint64_t)(x >> 104))};
}

// What one modulus's rounds read, broadcast to every lane: m and e_j = 2^(32j) mod m for j >= 2 (e_0 = 1
// and e_1 = 2^32 are added as shifts), in limbs.
typedef struct {
    limbs512 m;
    limbs512 power[MAX_WORDS];
    __m512d inverse;
} ifma_modulus;

// S's words of eight lanes from their AES blocks (`even`: the blocks of lanes 0, 2, 4, 6; `odd`: 1, 3,
// 5, 7; `even2`, `odd2`: CIPH(R ^ [1]) when the plan has five words), each lane's R read as two
// big-endian 64-bit numbers with the lanes back in order.
MK_IFMA_TARGET MK_ALWAYS_INLINE void ifma_words(__m512i even, __m512i odd, __m512i even2, __m512i odd2, const int words,
                                            __m512i *w) {
    const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFFll);
    const __m512i r0 = swap_lanes(_mm512_unpacklo_epi64(even, odd));
    const __m512i r1 = swap_lanes(_mm512_unpackhi_epi64(even, odd));
    w[0] = _mm512_srli_epi64(r0, 32);
    w[1] = _mm512_and_si512(r0, low32);
    w[2] = _mm512_srli_epi64(r1, 32);
    w[3] = _mm512_and_si512(r1, low32);
    w[4] = words == MAX_WORDS ? _mm512_srli_epi64(swap_lanes(_mm512_unpacklo_epi64(even2, odd2)), 32) : _mm512_setzero_si512();
}

// y congruent to NUM(S) mod m and in [0, 2m), S as `words` 32-bit words a lane (w[0] first).
//
// The quotient is estimated from T's limbs (below 2^55 each, all of them added, never subtracted) in
// doubles: T and 1/m each within a few units of 2^-53, so the estimate of T/m (< 5 * 2^32) is within
// 2^-15 of it; less 2^-13 and truncated, it is q or q - 1, never q + 1, and T - q m lies in [0, 2m).
MK_IFMA_TARGET MK_ALWAYS_INLINE limbs512 ifma_reduce(const ifma_modulus *md, const __m512i *w, const int words) {
    const __m512i low52 = _mm512_set1_epi64((long long)((1ull << 52) - 1));
    // The last word times e_0 = 1, the one before times e_1 = 2^32, then the products.
    const __m512i times32 = w[words - 2];
    __m512i t0 = _mm512_add_epi64(w[words - 1], _mm512_and_si512(_mm512_slli_epi64(times32, 32), low52));
    __m512i t1 = _mm512_srli_epi64(times32, 20);
    __m512i t2 = _mm512_setzero_si512();
    for (int i = 0; i < words - 2; i++) {
        const int j = words - 1 - i;
        t0 = _mm512_madd52lo_epu64(t0, w[i], md->power[j].l0);
        t1 = _mm512_madd52hi_epu64(t1, w[i], md->power[j].l0);
        t1 = _mm512_madd52lo_epu64(t1, w[i], md->power[j].l1);
        t2 = _mm512_madd52hi_epu64(t2, w[i], md->power[j].l1);
        t2 = _mm512_madd52lo_epu64(t2, w[i], md->power[j].l2);
    }
    const __m512d t = _mm512_fmadd_pd(_mm512_cvtepu64_pd(t2), _mm512_set1_pd(0x1p104),
                                      _mm512_fmadd_pd(_mm512_cvtepu64_pd(t1), _mm512_set1_pd(0x1p52), _mm512_cvtepu64_pd(t0)));
    const __m512i q = _mm512_cvttpd_epi64(_mm512_sub_pd(_mm512_mul_pd(t, md->inverse), _mm512_set1_pd(0x1p-13)));
    // q < 5 * 2^32 + 1: q m's top limb product is below 2^51, so its high half is zero.
    const __m512i zero = _mm512_setzero_si512();
    const __m512i qm0 = _mm512_madd52lo_epu64(zero, q, md->m.l0);
    const __m512i qm1 = _mm512_madd52lo_epu64(_mm512_madd52hi_epu64(zero, q, md->m.l0), q, md->m.l1);
    const __m512i qm2 = _mm512_madd52lo_epu64(_mm512_madd52hi_epu64(zero, q, md->m.l1), q, md->m.l2);
    return limbs_normalized((limbs512){_mm512_sub_epi64(t0, qm0), _mm512_sub_epi64(t1, qm1), _mm512_sub_epi64(t2, qm2)});
}

// (A + y) mod m for A < m and y < 2m (`ifma_reduce`'s): below 3m, less m at most twice.
MK_IFMA_TARGET MK_ALWAYS_INLINE limbs512 ifma_add_mod(limbs512 a, limbs512 y, const limbs512 *m) {
    const limbs512 sum = limbs_normalized((limbs512){_mm512_add_epi64(a.l0, y.l0), _mm512_add_epi64(a.l1, y.l1),
                                                     _mm512_add_epi64(a.l2, y.l2)});
    return limbs_less_modulus(limbs_less_modulus(sum, m), m);
}

MK_IFMA_TARGET MK_ALWAYS_INLINE void ifma_modulus_of(const mk_ff1_wide_plan *p, int which, ifma_modulus *md) {
    md->m = limbs_broadcast(wide_value(p->modulus_low[which], p->modulus_high[which]));
    for (int j = 0; j < MAX_WORDS; j++)
        md->power[j] = limbs_broadcast(wide_value(p->power_low[which][j], p->power_high[which][j]));
    md->inverse = _mm512_set1_pd(p->inverse[which]);
}

// STR of a secret's two halves in radix 62 (a < 62^u, b < 62^v, u, v <= 20) at x[0 ..< u + v]: each
// half split by 62^10 with the processor's one division, then the four parts by 62^5 and the eight
// chunks (each below 62^5 < 2^30) into five numerals each in the lanes of one vector. ff1_str's numeral
// loops, forty divisions by 62 each a multiply on one port, were a fifth of a secret's token.
MK_IFMA_TARGET static void str62_halves(u128 a, u128 b, uint8_t *x, size_t u, size_t v) {
    enum { CHUNK = 916132832 };  // 62^5
    const uint64_t tenth = (uint64_t)CHUNK * CHUNK;  // 62^10
    // The quotients fit 64 bits: a < 62^20, so a / 2^64 < 62^10 (likewise b). Were a half ever past that
    // (no FF1 output is), the processor's division would trap: ff1_str's 128-bit one takes it instead.
    if ((uint64_t)(a >> 64) >= tenth || (uint64_t)(b >> 64) >= tenth) {
        ff1_str(a, x, u, 62);
        ff1_str(b, x + u, v, 62);
        return;
    }
    uint64_t a_low, b_low;
    const uint64_t a_high = divide_128_by_64(a, tenth, &a_low), b_high = divide_128_by_64(b, tenth, &b_low);
    // Lanes 0-3: the four parts, each below 62^10 < 2^60, split by 62^5.
    const __m512i parts = _mm512_set_epi64(0, 0, 0, 0, (long long)b_low, (long long)b_high, (long long)a_low, (long long)a_high);
    __m512i r;
    const __m512i q = divide_lanes(parts, CHUNK, &r);
    // The chunks in numeral order: a's high part's quotient and remainder, a's low part's, then b's.
    __m512i c = _mm512_permutex2var_epi64(q, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), r);
    // Five numerals a chunk, the last first: (c * 554189329) >> 35 is c / 62 for c < 2^30.
    __m512i bytes = _mm512_setzero_si512();
    for (int j = 4; j >= 0; j--) {
        const __m512i next = _mm512_srli_epi64(_mm512_mul_epu32(c, _mm512_set1_epi64(554189329)), 35);
        const __m512i numeral = _mm512_sub_epi64(c, _mm512_mul_epu32(next, _mm512_set1_epi64(62)));
        bytes = _mm512_or_si512(bytes, _mm512_slli_epi64(numeral, 8 * j));
        c = next;
    }
    // Each 128-bit lane's two chunks (bytes 0-4 and 8-12) side by side: ten numerals a lane, forty in all.
    const __m512i pack = _mm512_broadcast_i32x4(_mm_set_epi8(-1, -1, -1, -1, -1, -1, 12, 11, 10, 9, 8, 4, 3, 2, 1, 0));
    const __m512i packed = _mm512_shuffle_epi8(bytes, pack);
    uint8_t numerals[64];
    _mm_storeu_si128((__m128i *)numerals, _mm512_castsi512_si128(packed));
    _mm_storeu_si128((__m128i *)(numerals + 10), _mm512_extracti32x4_epi32(packed, 1));
    _mm_storeu_si128((__m128i *)(numerals + 20), _mm512_extracti32x4_epi32(packed, 2));
    _mm_storeu_si128((__m128i *)(numerals + 30), _mm512_extracti32x4_epi32(packed, 3));
    // a's twenty numerals, then b's: their last u and v.
    memcpy(x, numerals + 20 - u, u);
    memcpy(x + u, numerals + 40 - v, v);
}

// Encrypts `count` strings (1 <= count <= sets * 8) `stride` bytes apart, `sets` registers of eight
// lanes side by side; lanes past `count` repeat the last string and are dropped.
MK_IFMA_TARGET MK_ALWAYS_INLINE void ifma_encrypt_group(const mk_ff1_wide_plan *p, uint8_t *numerals, size_t stride,
                                                    size_t count, const int sets, const int words) {
    const size_t n = p->count, u = n / 2, v = n - u;
    enum { MAX_LANES = IFMA_SETS * IFMA_LANES };
    const size_t lanes = (size_t)sets * IFMA_LANES;
    uint64_t low[2][MAX_LANES], high[2][MAX_LANES], l0[2][MAX_LANES], l1[2][MAX_LANES], l2[2][MAX_LANES];
    const num_plan reading = num_plan_of(p->radix);
    for (size_t k = 0; k < lanes; k++) {
        const uint8_t *x = numerals + stride * (k < count ? k : count - 1);
        const u128 a = ff1_num_in(x, u, &reading), b = ff1_num_in(x + u, v, &reading);
        low[0][k] = (uint64_t)a;
        high[0][k] = (uint64_t)(a >> 64);
        low[1][k] = (uint64_t)b;
        high[1][k] = (uint64_t)(b >> 64);
    }
    for (int h = 0; h < 2; h++) limbs_of(low[h], high[h], lanes, l0[h], l1[h], l2[h]);
    limbs512 a[IFMA_SETS], b[IFMA_SETS];
    for (int s = 0; s < sets; s++) {
        a[s] = (limbs512){_mm512_loadu_si512(l0[0] + 8 * s), _mm512_loadu_si512(l1[0] + 8 * s), _mm512_loadu_si512(l2[0] + 8 * s)};
        b[s] = (limbs512){_mm512_loadu_si512(l0[1] + 8 * s), _mm512_loadu_si512(l1[1] + 8 * s), _mm512_loadu_si512(l2[1] + 8 * s)};
    }
    ifma_modulus md[2];
    for (int which = 0; which < 2; which++) ifma_modulus_of(p, which, &md[which]);
    __m512i keys[11];
    for (int i = 0; i < 11; i++) keys[i] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)p->key.round_keys + i));
    const __m512i base_low = _mm512_set1_epi64((long long)p->base_low);
    const __m512i base_high = _mm512_set1_epi64((long long)p->base_high);
    const __m512i one_at_15 = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)((uint64_t)1 << 56), 0));
    for (int round = 0; round < 10; round++) {
        const ifma_modulus *m = &md[round & 1];
        const u128 tag = (u128)(uint32_t)round << p->b_bits;
        const __m512i tag_low = _mm512_set1_epi64((long long)(uint64_t)tag);
        const __m512i tag_high = _mm512_set1_epi64((long long)(uint64_t)(tag >> 64));
        // Q's last block of each lane: [base_low ^ bswap(tail >> 64), base_high ^ bswap(tail)], tail the
        // round's tag over B as 128 bits; the blocks of even lanes in one register, odd in another.
        __m512i blocks[2 * IFMA_SETS], extra[2 * IFMA_SETS];
        for (int s = 0; s < sets; s++) {
            const __m512i first = _mm512_xor_si512(swap_lanes(_mm512_or_si512(limbs_high64(b[s]), tag_high)), base_low);
            const __m512i second = _mm512_xor_si512(swap_lanes(_mm512_or_si512(limbs_low64(b[s]), tag_low)), base_high);
            blocks[2 * s] = _mm512_unpacklo_epi64(first, second);
            blocks[2 * s + 1] = _mm512_unpackhi_epi64(first, second);
        }
        if (sets == 2) encipher4(blocks, keys);
        else encipher2(blocks, keys);
        if (words == MAX_WORDS) {
            for (int k = 0; k < 2 * sets; k++) extra[k] = _mm512_xor_si512(blocks[k], one_at_15);
            if (sets == 2) encipher4(extra, keys);
            else encipher2(extra, keys);
        } else {
            for (int k = 0; k < 2 * sets; k++) extra[k] = _mm512_setzero_si512();
        }
        for (int s = 0; s < sets; s++) {
            __m512i w[MAX_WORDS];
            ifma_words(blocks[2 * s], blocks[2 * s + 1], extra[2 * s], extra[2 * s + 1], words, w);
            // A < m: it is a previous C under the same modulus, or an input half.
            const limbs512 c = ifma_add_mod(a[s], ifma_reduce(m, w, words), &m->m);
            a[s] = b[s];
            b[s] = c;
        }
    }
    for (int s = 0; s < sets; s++) {
        for (int h = 0; h < 2; h++) {
            const limbs512 x = h == 0 ? a[s] : b[s];
            _mm512_storeu_si512(low[h] + 8 * s, limbs_low64(x));
            _mm512_storeu_si512(high[h] + 8 * s, limbs_high64(x));
        }
    }
    for (size_t k = 0; k < count; k++) {
        // Halves past 62^12 (most of them beyond 64 bits); shorter ones take ff1_str's 64-bit path, which
        // is quicker than two divisions and the vector (17 numerals: 65 against 70 ns a token).
        if (p->radix == 62 && u >= 13 && v <= 20) {
            str62_halves(wide_value(low[0][k], high[0][k]), wide_value(low[1][k], high[1][k]), numerals + stride * k, u, v);
            continue;
        }
        ff1_str(wide_value(low[0][k], high[0][k]), numerals + stride * k, u, p->radix);
        ff1_str(wide_value(low[1][k], high[1][k]), numerals + stride * k + u, v, p->radix);
    }
}

// One group for each word count (3, 4, 5) and register count, all constants inside.
MK_IFMA_TARGET static void ifma_encrypt_sets(const mk_ff1_wide_plan *p, uint8_t *numerals, size_t stride, size_t count,
                                             int sets) {
    if (sets == 2) {
        switch (p->words) {
        case 5: ifma_encrypt_group(p, numerals, stride, count, 2, 5); return;
        case 4: ifma_encrypt_group(p, numerals, stride, count, 2, 4); return;
        default: ifma_encrypt_group(p, numerals, stride, count, 2, 3); return;
        }
    }
    switch (p->words) {
    case 5: ifma_encrypt_group(p, numerals, stride, count, 1, 5); return;
    case 4: ifma_encrypt_group(p, numerals, stride, count, 1, 4); return;
    default: ifma_encrypt_group(p, numerals, stride, count, 1, 3); return;
    }
}

MK_IFMA_TARGET static void ifma_round_lanes(const mk_ff1_wide_plan *p, int which, const uint32_t *words, const uint64_t *a,
                                            uint64_t *out) {
    ifma_modulus md;
    ifma_modulus_of(p, which, &md);
    uint64_t lanes[MAX_WORDS][IFMA_LANES], low[IFMA_LANES], high[IFMA_LANES], l[3][IFMA_LANES];
    for (int k = 0; k < IFMA_LANES; k++) {
        for (int i = 0; i < MAX_WORDS; i++) lanes[i][k] = i < (int)p->words ? words[k * MAX_WORDS + i] : 0;
        low[k] = a[2 * k];
        high[k] = a[2 * k + 1];
    }
    limbs_of(low, high, IFMA_LANES, l[0], l[1], l[2]);
    __m512i w[MAX_WORDS];
    for (int i = 0; i < MAX_WORDS; i++) w[i] = _mm512_loadu_si512(lanes[i]);
    const limbs512 av = {_mm512_loadu_si512(l[0]), _mm512_loadu_si512(l[1]), _mm512_loadu_si512(l[2])};
    limbs512 c;
    switch (p->words) {
    case 5: c = ifma_add_mod(av, ifma_reduce(&md, w, 5), &md.m); break;
    case 4: c = ifma_add_mod(av, ifma_reduce(&md, w, 4), &md.m); break;
    default: c = ifma_add_mod(av, ifma_reduce(&md, w, 3), &md.m); break;
    }
    _mm512_storeu_si512(low, limbs_low64(c));
    _mm512_storeu_si512(high, limbs_high64(c));
    for (int k = 0; k < IFMA_LANES; k++) {
        out[2 * k] = low[k];
        out[2 * k + 1] = high[k];
    }
}
#endif

#if defined(__x86_64__)
// `values` strings, groups side by side as the CPU allows. With `vector` (VAES and IFMA), sixteen or
// eight in vector lanes while five or more are left, and two left as one group of eight; else AES-NI
// groups of eight while eight are left. Three or four left take an AES-NI group of four, and one (two,
// without vector lanes) runs alone: a group that is mostly padding costs more than its strings one after
// the other (Benchmarks/ff1_wide_batches.c, RESULTS.md).
MK_AES_TARGET static void wide_encrypt_batch(const mk_ff1_wide_plan *p, uint8_t *numerals, size_t stride, size_t values,
                                             int vector) {
    size_t first = 0;
    while (first < values) {
        const size_t left = values - first;
        uint8_t *x = numerals + stride * first;
        size_t count;
        if (vector && (left >= 5 || left == 2)) {
            const int sets = left > IFMA_LANES ? 2 : 1;
            count = left < (size_t)sets * IFMA_LANES ? left : (size_t)sets * IFMA_LANES;
            ifma_encrypt_sets(p, x, stride, count, sets);
        } else if (left >= 8) {
            count = 8;
            wide_encrypt_group(p, x, stride, count, 8);
        } else if (left >= 3) {
            count = left < 4 ? left : 4;
            wide_encrypt_group(p, x, stride, count, 4);
        } else {
            count = 1;
            wide_run(p, x, 0, 1);
        }
        first += count;
    }
}
#endif

int mk_ff1_wide_round_lanes(const mk_ff1_wide_plan *plan, int which, const uint32_t *words, const uint64_t *a,
                            uint64_t *out) {
#if defined(__x86_64__)
    if (!mk_cpu_has_vaes()) return -1;
    ifma_round_lanes(plan, which & 1, words, a, out);
    return 0;
#else
    (void)plan; (void)which; (void)words; (void)a; (void)out;
    return -1;
#endif
}

static int wide_plan_from(const ff1_state *st, const mk_aes128_key *key, size_t n, mk_ff1_wide_plan *p) {
    if (st->mod_v < SMALL_LIMIT) return -1;
    p->key = *key;
    round_base(st, &p->base_low, &p->base_high);
    p->b_bits = (uint32_t)(8 * st->b);
    p->words = (uint32_t)(st->d / 4);
    p->radix = st->radix;
    p->count = (uint32_t)n;
    const u128 moduli[2] = {st->mod_u, st->mod_v};
    for (int which = 0; which < 2; which++) {
        const u128 m = moduli[which];
        // 2^(32j) mod m: 1 and 2^32 (m > 2^32), then by division, once per plan.
        const u128 top = ~(u128)0 % m + 1;  // (2^128 - 1) mod m, plus one
        const u128 powers[MAX_WORDS] = {1, (u128)1 << 32, ((u128)1 << 64) % m, ((u128)1 << 96) % m,
                                        top == m ? 0 : top};
        p->modulus_low[which] = (uint64_t)m;
        p->modulus_high[which] = (uint64_t)(m >> 64);
        p->inverse[which] = 1.0 / u128_to_double(m);
        for (int j = 0; j < MAX_WORDS; j++) {
            p->power_low[which][j] = (uint64_t)powers[j];
            p->power_high[which][j] = (uint64_t)(powers[j] >> 64);
            p->power_double[which][j] = u128_to_double(powers[j]);
        }
    }
    return 0;
}

// ---- Entry points ----------------------------------------------------------------------------------

int mk_ff1_prepare(mk_ff1_plan *plan, const mk_aes128_key *key, const uint8_t *tweak, size_t t, unsigned radix,
                   size_t n) {
    ff1_state st;
    if (ff1_setup(&st, key, tweak, t, radix, n) != 0) return -1;
    return plan_from(&st, key, n, plan);
}

int mk_ff1_encrypt_prepared(const mk_ff1_plan *plan, uint8_t *numerals) {
    if (ff1_check_numerals(numerals, plan->count, (unsigned)plan->radix) != 0) return -1;
    small_encrypt(plan, numerals, 0, 1);
    return 0;
}

int mk_ff1_encrypt_prepared_batch(const mk_ff1_plan *plan, uint8_t *numerals, size_t stride, size_t values) {
    if (values > 1 && stride < plan->count) return -1;
    for (size_t k = 0; k < values; k++)
        if (ff1_check_numerals(numerals + stride * k, plan->count, (unsigned)plan->radix) != 0) return -1;
    if (values > 0) small_encrypt(plan, numerals, stride, values);
    return 0;
}

int mk_ff1_prepare_wide(mk_ff1_wide_plan *plan, const mk_aes128_key *key, const uint8_t *tweak, size_t t,
                        unsigned radix, size_t n) {
    ff1_state st;
    if (ff1_setup(&st, key, tweak, t, radix, n) != 0) return -1;
    return wide_plan_from(&st, key, n, plan);
}

int mk_ff1_encrypt_wide(const mk_ff1_wide_plan *plan, uint8_t *numerals) {
    if (ff1_check_numerals(numerals, plan->count, plan->radix) != 0) return -1;
    wide_run_on_path(plan, numerals, 0);
    return 0;
}

int mk_ff1_encrypt_wide_batch(const mk_ff1_wide_plan *plan, uint8_t *numerals, size_t stride, size_t values) {
    if (values > 1 && stride < plan->count) return -1;
    for (size_t k = 0; k < values; k++)
        if (ff1_check_numerals(numerals + stride * k, plan->count, plan->radix) != 0) return -1;
    if (values == 0) return 0;
#if defined(__x86_64__)
    if (plan->key.uses_aesni) {
        const int vector = plan->key.uses_vaes && values > 1;
        mk_path_record(MK_KERNEL_AES, vector ? MK_PATH_WIDE : MK_PATH_ACCELERATED);
        wide_encrypt_batch(plan, numerals, stride, values, vector);
        return 0;
    }
#endif
    for (size_t k = 0; k < values; k++) wide_run_on_path(plan, numerals + stride * k, 0);
    return 0;
}

void mk_ff1_wide_reduce(const mk_ff1_wide_plan *plan, int which, const uint32_t *words, uint64_t out[2]) {
    const u128 r = wide_reduce(plan, which & 1, words);
    out[0] = (uint64_t)r;
    out[1] = (uint64_t)(r >> 64);
}

// One call, one instance: the setup is the same as preparing, so both entry points share it. The wide
// plan (about 400 bytes) lives on the stack of the call that needs it only.
static int ff1_run(const mk_aes128_key *key, const uint8_t *tweak, size_t t, unsigned radix, uint8_t *numerals,
                   size_t n, int decrypt) {
    ff1_state st;
    if (ff1_setup(&st, key, tweak, t, radix, n) != 0 || ff1_check_numerals(numerals, n, radix) != 0) return -1;
    mk_ff1_plan plan;
    if (plan_from(&st, key, n, &plan) == 0) {
        if (!decrypt) {
            small_encrypt(&plan, numerals, 0, 1);
        } else {
            mk_path_record(MK_KERNEL_AES, key_path(key));
            if (plan.key.uses_aesni) small_decrypt_aesni(&plan, numerals);
            else small_decrypt_portable(&plan, numerals);
        }
        return 0;
    }
    mk_ff1_wide_plan wide;
    wide_plan_from(&st, key, n, &wide);  // the length is past the small domain: it cannot refuse
    wide_run_on_path(&wide, numerals, decrypt);
    return 0;
}

int mk_ff1_encrypt(const mk_aes128_key *key, const uint8_t *tweak, size_t t, unsigned radix, uint8_t *numerals,
                   size_t n) {
    return ff1_run(key, tweak, t, radix, numerals, n, 0);
}

int mk_ff1_decrypt(const mk_aes128_key *key, const uint8_t *tweak, size_t t, unsigned radix, uint8_t *numerals,
                   size_t n) {
    return ff1_run(key, tweak, t, radix, numerals, n, 1);
}
