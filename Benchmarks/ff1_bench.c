// ns per FF1 token for radix-10 strings (or, with RADIX, modes 0 and 3 only, radix-62 ones as secrets'
// tokens use: up to 40 numerals, the wide path past 16), straight on the C kernel (no Swift, no I/O): the figure
// Benchmarks/RESULTS.md quotes for tokens. CPU time of the process, so other load on a shared machine
// inflates it less than wall time; compare builds in one interleaved run, or count instructions:
//
//   clang -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/ff1_bench.c \
//      Sources/CMaskKernels/*.c -o /tmp/ff1_bench
//   /tmp/ff1_bench DIGITS [TOKENS] [MODE] [RADIX]     MODE 0 mk_ff1_encrypt, 1 prepared batches of 64, 2 prepared one by one,
//                                                     3 a prepared wide plan one by one (radix 62, 17...40 numerals),
//                                                     4 the same in batches of 64 (mk_ff1_encrypt_wide_batch)
//   /tmp/ff1_bench 40 200000 0 62              (a 40-character secret's letters and digits, unprepared)
//   /tmp/ff1_bench 40 200000 3 62              (the same, prepared once, as the length-keeping tokenizer does)
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null /tmp/ff1_bench 16 64000 1   (instructions / 64000)
//
// The printed checksum and digits depend only on the key and the inputs: equal across modes and builds.
#include "mask_ff1.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)atoi(argv[1]) : 16;
    long tokens = argc > 2 ? atol(argv[2]) : 1000000;
    int mode = argc > 3 ? atoi(argv[3]) : 0;
    unsigned radix = argc > 4 ? (unsigned)atoi(argv[4]) : 10;
    if (radix != 10 && (radix != 62 || (mode != 0 && mode != 3 && mode != 4))) {
        fprintf(stderr, "RADIX must be 10, or 62 with MODE 0, 3 or 4\n");
        return 64;
    }
    if (n < 6 || n > (radix == 10 ? 24u : 40u)) { fprintf(stderr, "DIGITS must be 6...24 (radix 62: 6...40)\n"); return 64; }
    mk_aes128_key key;
    uint8_t raw[16];
    for (int i = 0; i < 16; i++) raw[i] = (uint8_t)(i * 7 + 1);
    mk_aes128_init(&key, raw);
    const uint8_t tweak[1] = {2};  // the card tag
    mk_ff1_plan plan;
    if (radix == 10 && mk_ff1_prepare(&plan, &key, tweak, 1, 10, n) != 0) { fprintf(stderr, "no plan\n"); return 1; }
    mk_ff1_wide_plan wide;
    if ((mode == 3 || mode == 4) && mk_ff1_prepare_wide(&wide, &key, tweak, 1, radix, n) != 0) {
        fprintf(stderr, "no wide plan: MODES 3 and 4 take radix 62 with 17...40 numerals\n");
        return 64;
    }
    enum { BATCH = 64, STRIDE = 40 };
    static uint8_t strings[BATCH][STRIDE];
    unsigned seed = 1;
    for (int j = 0; j < BATCH; j++)
        for (size_t i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; strings[j][i] = (seed >> 16) % radix; }
    unsigned long long checksum = 0;
    double start = cpu_seconds();
    for (long done = 0; done < tokens; done += BATCH) {
        // Each token's output is the next one's input, so nothing can be skipped or hoisted.
        if (mode == 1) mk_ff1_encrypt_prepared_batch(&plan, &strings[0][0], STRIDE, BATCH);
        else if (mode == 2) for (int j = 0; j < BATCH; j++) mk_ff1_encrypt_prepared(&plan, strings[j]);
        else if (mode == 3) for (int j = 0; j < BATCH; j++) mk_ff1_encrypt_wide(&wide, strings[j]);
        else if (mode == 4) mk_ff1_encrypt_wide_batch(&wide, &strings[0][0], STRIDE, BATCH);
        else for (int j = 0; j < BATCH; j++) mk_ff1_encrypt(&key, tweak, 1, radix, strings[j], n);
        checksum += strings[0][0];
    }
    double elapsed = cpu_seconds() - start;
    printf("%zu numerals, radix %u, mode %d, AES-NI %u: %.1f ns/token (checksum %llu, digits %d%d%d)\n", n, radix, mode, key.uses_aesni,
           elapsed * 1e9 / (double)tokens, checksum, strings[3][0], strings[3][1], strings[3][2]);
    return 0;
}
