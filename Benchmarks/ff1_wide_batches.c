// ns per token of `mk_ff1_encrypt_wide_batch` by batch size: radix-62 strings of DIGITS numerals (a
// secret's letters and digits, 17 to 40) in batches of VALUES, best of five passes of ~400,000 tokens,
// CPU time of the process. The figure behind the wide batch's split of its strings (vector groups of
// eight or sixteen, an AES-NI group for three or four left over, one alone): Benchmarks/RESULTS.md.
//
//   clang -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/ff1_wide_batches.c \
//      Sources/CMaskKernels/*.c -o /tmp/ff1_wide_batches
//   for v in 1 2 3 4 5 8 9 16 17 20; do /tmp/ff1_wide_batches 40 $v; done
//
// The printed checksum depends only on the key, the inputs and the batch size: equal across builds.
#include "mask_ff1.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    enum { MAX_VALUES = 64, STRIDE = 48 };
    const int n = argc > 1 ? atoi(argv[1]) : 40, values = argc > 2 ? atoi(argv[2]) : 16;
    if (n < 17 || n > 40 || values < 1 || values > MAX_VALUES) {
        fprintf(stderr, "usage: ff1_wide_batches DIGITS(17...40) VALUES(1...64)\n");
        return 64;
    }
    mk_aes128_key key;
    uint8_t raw[16];
    for (int i = 0; i < 16; i++) raw[i] = (uint8_t)(i * 7 + 1);
    mk_aes128_init(&key, raw);
    const uint8_t tweak[2] = {0x41, 0x41};
    mk_ff1_wide_plan wide;
    if (mk_ff1_prepare_wide(&wide, &key, tweak, 2, 62, (size_t)n) != 0) return 1;
    static uint8_t strings[MAX_VALUES][STRIDE];
    for (int j = 0; j < MAX_VALUES; j++)
        for (int i = 0; i < n; i++) strings[j][i] = (uint8_t)((i * 13 + j * 7) % 62);
    double best = 1e9;
    unsigned long checksum = 0;
    for (int pass = 0; pass < 5; pass++) {
        const long batches = 400000 / values;
        const double start = cpu_seconds();
        for (long r = 0; r < batches; r++) {
            mk_ff1_encrypt_wide_batch(&wide, &strings[0][0], STRIDE, (size_t)values);
            checksum += strings[0][0];
        }
        const double ns = (cpu_seconds() - start) / (double)(batches * values) * 1e9;
        if (ns < best) best = ns;
    }
    printf("%d numerals, batches of %d: %.1f ns a token (checksum %lu)\n", n, values, best, checksum);
    return 0;
}
