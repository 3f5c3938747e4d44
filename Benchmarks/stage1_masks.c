// Stage 1's masks of a file, written out block by block, for comparing two builds of the kernel byte for
// byte (what RESULTS.md's "masks byte-identical" of the thirty-seventh session rests on): mk_classify over
// the file in 16 KiB windows with the catalogue's prefixes, as the CSV path classifies a chunk.
//
//   python3 Benchmarks/catalogue_prefixes.py > /tmp/catalogue_prefixes.c
//   cc -O2 -I Sources/CMaskKernels/include -I Sources/CMaskKernels Benchmarks/stage1_masks.c \
//      /tmp/catalogue_prefixes.c Sources/CMaskKernels/*.c -o /tmp/stage1_masks_head      (one command line)
//   (the same from `git worktree add /tmp/base 71f0d88`, into /tmp/stage1_masks_base)
//   /tmp/stage1_masks_base FILE /tmp/base.bin [S0 S1 S2 S3]; /tmp/stage1_masks_head FILE /tmp/head.bin [S0 S1 S2 S3]
//   cmp /tmp/base.bin /tmp/head.bin
//   MASKD_STAGE1=avx2 or MASKD_STAGE1=scalar before each: the other paths.
// S0...S3 are the four structural bytes (default: , " LF CR; 0 0 0 0 as a column batch's copies).
#include <stdio.h>
#include <stdlib.h>
#include "mask_kernels.h"
#include "bench_file.h"

extern const mk_token_prefixes catalogue_prefixes;   // Benchmarks/catalogue_prefixes.py

int main(int argc, char **argv) {
    if (argc != 3 && argc != 7) { fprintf(stderr, "usage: stage1_masks FILE OUT [S0 S1 S2 S3]\n"); return 64; }
    size_t n;
    uint8_t *bytes = bench_read_file(argv[1], &n);
    uint8_t structural[4] = {',', '"', '\n', '\r'};
    if (argc == 7) for (int i = 0; i < 4; i++) structural[i] = (uint8_t)strtol(argv[3 + i], NULL, 0);
    const size_t window = 16384;
    mk_block_masks *masks = malloc(sizeof *masks * (window / 64 + 1));
    FILE *out = fopen(argv[2], "wb");
    if (!out) { perror(argv[2]); return 73; }
    for (size_t start = 0; start < n; start += window) {
        const size_t length = n - start < window ? n - start : window;
        mk_classify(bytes, n, start, length, structural, masks, &catalogue_prefixes);
        fwrite(masks, sizeof *masks, (length + 63) / 64, out);
    }
    return fclose(out) == 0 ? 0 : 74;
}
