// Whether interleaving more SHA-NI compressions than two would beat the email MAC's sixteen AVX-512 lanes:
// ns per compression with N independent streams interleaved (their sha256rnds2 side by side), the
// states chained from one call to the next. Benchmarks/RESULTS.md (2026-12-06) quotes 41-59 ns a
// compression at every N from 1 to 8 on the Emerald Rapids VMs: the unit's throughput bounds it past
// two streams, so four at a time would be ~90 ns a MAC (two compressions), against 45 in the lanes.
//
//   for n in 1 2 3 4 6 8; do clang -O2 -DN=$n -I Sources/CMaskKernels Benchmarks/shani_streams.c -o /tmp/shani$n && /tmp/shani$n; done
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sha256_constants.h"   // the kernel's round constants (Sources/CMaskKernels)

#ifndef N
#define N 4
#endif

// N compressions of the blocks at `blocks` (64 bytes each) into the ABEF/CDGH states, interleaved as
// hmac_sha256.c's compress_pair_shani interleaves two.
__attribute__((target("sha,sse4.1,ssse3"), noinline))
static void compress_n(__m128i abef[N], __m128i cdgh[N], const uint8_t *blocks) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i w[N][4], s0[N], s1[N];
    for (int n = 0; n < N; n++) {
        s0[n] = abef[n];
        s1[n] = cdgh[n];
        for (int i = 0; i < 4; i++) w[n][i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 64 * n + 16 * i)), byteswap);
    }
    for (int g = 0; g < 16; g++) {
        const __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * g]);
        __m128i msg[N];
        for (int n = 0; n < N; n++) {
            msg[n] = _mm_add_epi32(w[n][g & 3], k);
            s1[n] = _mm_sha256rnds2_epu32(s1[n], s0[n], msg[n]);
        }
        for (int n = 0; n < N; n++) s0[n] = _mm_sha256rnds2_epu32(s0[n], s1[n], _mm_shuffle_epi32(msg[n], 0x0E));
        if (g < 12) {
            for (int n = 0; n < N; n++) {
                __m128i next = _mm_sha256msg1_epu32(w[n][g & 3], w[n][(g + 1) & 3]);
                next = _mm_add_epi32(next, _mm_alignr_epi8(w[n][(g + 3) & 3], w[n][(g + 2) & 3], 4));
                w[n][g & 3] = _mm_sha256msg2_epu32(next, w[n][(g + 3) & 3]);
            }
        }
    }
    for (int n = 0; n < N; n++) {
        abef[n] = _mm_add_epi32(abef[n], s0[n]);
        cdgh[n] = _mm_add_epi32(cdgh[n], s1[n]);
    }
}

int main(void) {
    uint8_t blocks[64 * N];
    for (int i = 0; i < 64 * N; i++) blocks[i] = (uint8_t)(i * 7);
    __m128i abef[N], cdgh[N];
    for (int n = 0; n < N; n++) {
        abef[n] = _mm_set1_epi32(n);
        cdgh[n] = _mm_set1_epi32(n + 1);
    }
    const long calls = 4000000 / N;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < calls; i++) compress_n(abef, cdgh, blocks);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double)(calls * N);
    uint32_t x[4];
    _mm_storeu_si128((__m128i *)x, abef[0]);
    printf("N=%d: %.1f ns per compression (state word %u)\n", N, ns, x[0]);
    return 0;
}
