// The stage-1 kernel alone on a file: mk_classify over it in windows (16 KiB by default, as the engine's
// CSV path classifies a chunk), the best of seven passes, in ns per byte. What the package-benchmark
// suite's StageOne.Classify.* measure on 1 MB of one corpus, on any file and window size.
//
//   cc -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/stage1_speed.c \
//      Sources/CMaskKernels/*.c -o /tmp/stage1_speed
//   /tmp/stage1_speed FILE [WINDOW_BYTES [copies]]
//   # with the token catalogue's prefixes, as the engine classifies (the `_` and token-start filters, a
//   # quarter of the kernel's time on PII-free tables):
//   python3 Benchmarks/catalogue_prefixes.py > /tmp/catalogue_prefixes.c
//   cc -O2 -DCATALOGUE -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/stage1_speed.c \
//      /tmp/catalogue_prefixes.c Sources/CMaskKernels/*.c -o /tmp/stage1_speed_catalogue
//   MASKD_STAGE1=scalar /tmp/stage1_speed FILE     # the scalar twin
//   MASKD_STAGE1=avx2 /tmp/stage1_speed FILE       # AVX2 on a CPU with AVX-512BW (the default there)
//   WITHHOLD_VBMI=1 /tmp/stage1_speed FILE          # AVX-512BW as a CPU without VBMI2 runs it (Cascade Lake)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mask_kernels.h"

#ifdef CATALOGUE
extern const mk_token_prefixes catalogue_prefixes;   // Benchmarks/catalogue_prefixes.py
#define PREFIXES (&catalogue_prefixes)
#else
#define PREFIXES NULL   // every `_` anchor and token start kept: the catalogue is Swift's
#endif

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FILE [WINDOW_BYTES]\n", argv[0]); return 64; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 66; }
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = malloc(n ? n : 1);
    if (fread(bytes, 1, n, f) != n) { perror(argv[1]); return 66; }
    fclose(f);
    size_t window = argc > 2 ? (size_t)atol(argv[2]) : 16384;
    if (window < 64) window = 64;
    if (getenv("WITHHOLD_VBMI")) mk_withhold_vbmi(1);
    mk_block_masks *masks = malloc(sizeof(mk_block_masks) * (window / 64 + 1));
    // A third argument `copies` classifies as the column batches classify their copies of values: with no
    // structural bytes (four zeros); by default, as a CSV chunk's index does.
    const int copies = argc > 3 && strcmp(argv[3], "copies") == 0;
    const uint8_t structural[4] = {copies ? 0 : ',', copies ? 0 : '"', copies ? 0 : '\n', copies ? 0 : '\r'};
    unsigned long long check = 0;
    double best = 1e30;
    for (int pass = 0; pass < 7; pass++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (size_t start = 0; start < n; start += window) {
            size_t length = n - start < window ? n - start : window;
            mk_classify(bytes, n, start, length, structural, masks, PREFIXES);
            check += masks[0].anchor ^ masks[0].digitstart;  // keeps the calls
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double t = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (t < best) best = t;
    }
    printf("%s: %zu bytes, %zu-byte windows, %s: %.3f ns/byte (%.2f GB/s) [%llx]\n", argv[1], n, window,
           mk_path_last(MK_KERNEL_CLASSIFY) == MK_PATH_WIDE ? "AVX-512BW"
               : mk_path_last(MK_KERNEL_CLASSIFY) == MK_PATH_WIDE_BASE ? "AVX-512BW without VBMI2"
               : mk_path_last(MK_KERNEL_CLASSIFY) == MK_PATH_ACCELERATED ? "AVX2" : "scalar",
           best * 1e9 / (double)n, (double)n / best / 1e9, check);
    return 0;
}
