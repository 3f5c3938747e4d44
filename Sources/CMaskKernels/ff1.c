// FF1 format-preserving encryption (NIST SP 800-38G, section 5.1) over decimal digits, with AES-128.
//
// Why by hand: the tokenizer permutes card and SSN digits; FF1 is the standard for that (FF3-1 is
// withdrawn in the Rev. 1 draft), no library on these machines offers it, and swift-crypto exposes no
// AES block call that keeps its key schedule. Each FF1 round is one AES block here: P (which depends
// only on the lengths and the tweak length) is encrypted once per call, then R = AES(AES(P) ^ Q).
// Checked against NIST's FF1 samples and the FIPS-197 AES vector in the tests.
#include "mask_ff1.h"

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
}

void mk_aes128_encrypt_portable(const mk_aes128_key *key, uint8_t s[16]) {
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

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("aes,sse2")))
static void encrypt_aesni(const mk_aes128_key *key, uint8_t block[16]) {
    const __m128i *rk = (const __m128i *)key->round_keys;
    __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)block), _mm_loadu_si128(rk));
    for (int i = 1; i < 10; i++) x = _mm_aesenc_si128(x, _mm_loadu_si128(rk + i));
    x = _mm_aesenclast_si128(x, _mm_loadu_si128(rk + 10));
    _mm_storeu_si128((__m128i *)block, x);
}
#endif

int mk_aes_uses_aesni(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("aes");
#else
    return 0;
#endif
}

void mk_aes128_encrypt(const mk_aes128_key *key, uint8_t block[16]) {
#if defined(__x86_64__)
    if (mk_aes_uses_aesni()) { encrypt_aesni(key, block); return; }
#endif
    mk_aes128_encrypt_portable(key, block);
}

// ---- FF1, radix 10 --------------------------------------------------------------------------------

typedef unsigned __int128 u128;

static u128 pow10_u128(size_t n) {
    u128 r = 1;
    while (n--) r *= 10;
    return r;
}

int mk_ff1_encrypt_decimal(const mk_aes128_key *key, const uint8_t *tweak, size_t t, uint8_t *digits, size_t n) {
    if (n < 2 || n > 36 || t > 16) return -1;
    size_t u = n / 2, v = n - u;
    // b = ceil(ceil(v * log2(10)) / 8): the bytes of NUM(B); d = 4 * ceil(b / 4) + 4.
    u128 limit_v = pow10_u128(v) - 1;
    size_t bits = 0;
    while (bits < 128 && (limit_v >> bits) != 0) bits++;
    size_t b = (bits + 7) / 8;
    size_t d = 4 * ((b + 3) / 4) + 4;
    if (t + b + 1 > 16 || d > 16) return -1;  // one block per round is all this version needs

    uint8_t p[16] = {1, 2, 1, 0, 0, 10, 10, (uint8_t)(u % 256), 0, 0, 0, 0, 0, 0, 0, 0};
    p[8] = (uint8_t)(n >> 24); p[9] = (uint8_t)(n >> 16); p[10] = (uint8_t)(n >> 8); p[11] = (uint8_t)n;
    p[12] = (uint8_t)(t >> 24); p[13] = (uint8_t)(t >> 16); p[14] = (uint8_t)(t >> 8); p[15] = (uint8_t)t;
    mk_aes128_encrypt(key, p);  // CIPH(P): the first CBC-MAC block, the same in every round

    u128 a = 0, bnum = 0;
    for (size_t i = 0; i < u; i++) a = a * 10 + digits[i];
    for (size_t i = u; i < n; i++) bnum = bnum * 10 + digits[i];
    u128 mod_u = pow10_u128(u), mod_v = pow10_u128(v);

    for (int round = 0; round < 10; round++) {
        // Q = T || 0^((-t-b-1) mod 16) || [i] || NUM(B) in b bytes: exactly one block here.
        uint8_t q[16];
        memset(q, 0, sizeof q);
        if (t) memcpy(q, tweak, t);
        q[15 - b] = (uint8_t)round;
        u128 x = bnum;
        for (size_t k = 0; k < b; k++) { q[15 - k] = (uint8_t)x; x >>= 8; }
        for (int k = 0; k < 16; k++) q[k] ^= p[k];
        mk_aes128_encrypt(key, q);  // R
        u128 y = 0;
        for (size_t k = 0; k < d; k++) y = (y << 8) | q[k];
        u128 m = (round % 2 == 0) ? mod_u : mod_v;
        u128 c = (a % m + y % m) % m;
        a = bnum;
        bnum = c;
    }
    for (size_t i = n; i > u; i--) { digits[i - 1] = (uint8_t)(bnum % 10); bnum /= 10; }
    for (size_t i = u; i > 0; i--) { digits[i - 1] = (uint8_t)(a % 10); a /= 10; }
    return 0;
}
