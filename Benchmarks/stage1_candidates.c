// Stage-1 candidates per MB of a file: the positions the candidate cursor hands to scalar code (anchors,
// digit candidates, long-token word starts), counted from the C kernel's masks over 16 KiB windows as
// the engine classifies them; then the anchors by byte, and the share of 64-byte blocks that hold any
// candidate (what a stage 1 that skips quiet blocks could skip). With -DBASE_KERNEL it reads the masks of the kernel before issue 13 (whose
// digit mask marks every digit; the scanner then skipped to the end of each run, so only a run's first
// digit reached scalar code, and that is what is counted).
//
//   cc -O2 -I Sources/CMaskKernels/include Benchmarks/stage1_candidates.c Sources/CMaskKernels/*.c \
//      -o /tmp/stage1_candidates && /tmp/stage1_candidates FILE...
//   # with the token catalogue's prefixes, as the engine classifies (the `_` and token-start filters):
//   python3 Benchmarks/catalogue_prefixes.py > /tmp/catalogue_prefixes.c
//   cc -O2 -DCATALOGUE -I Sources/CMaskKernels/include Benchmarks/stage1_candidates.c /tmp/catalogue_prefixes.c \
//      Sources/CMaskKernels/*.c -o /tmp/stage1_candidates_catalogue
//   # the kernel before issue 13:
//   mkdir -p /tmp/k0/include && for f in mask_kernels.h mask_hmac.h mask_ff1.h; do
//     git show d9c93f5:Sources/CMaskKernels/include/$f > /tmp/k0/include/$f; done
//   git show d9c93f5:Sources/CMaskKernels/classify.c > /tmp/k0/classify.c
//   cc -O2 -DBASE_KERNEL -I /tmp/k0/include Benchmarks/stage1_candidates.c /tmp/k0/classify.c -o /tmp/stage1_candidates_base
#include <stdio.h>
#include <stdlib.h>
#include "mask_kernels.h"

#ifdef CATALOGUE
extern const mk_token_prefixes catalogue_prefixes;   // Benchmarks/catalogue_prefixes.py
#define PREFIXES (&catalogue_prefixes)
#else
#define PREFIXES NULL
#endif

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 1; }
        fseek(f, 0, SEEK_END);
        size_t n = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        unsigned char *bytes = malloc(n ? n : 1);
        if (fread(bytes, 1, n, f) != n) { perror(argv[i]); return 1; }
        fclose(f);
        enum { window = 16384 };
        static mk_block_masks masks[window / 64];
        const uint8_t structural[4] = {',', '"', '\n', '\r'};
        unsigned long long anchors = 0, digits = 0, tokens = 0, blocks = 0, busy = 0;
        unsigned long long by_byte[256] = {0};
#ifdef BASE_KERNEL
        uint64_t carry = 0;  // whether the byte before the block was a digit
#endif
        for (size_t start = 0; start < n; start += window) {
            size_t length = n - start < window ? n - start : window;
#ifdef BASE_KERNEL
            mk_classify(bytes, n, start, length, structural, masks);
#else
            // With -DCATALOGUE, the catalogue's prefixes as the engine passes them; without, none: every
            // '_' after a letter or digit is an anchor and every long run's word start a token start.
            mk_classify(bytes, n, start, length, structural, masks, PREFIXES);
#endif
            for (size_t b = 0; b < (length + 63) / 64; b++) {
                anchors += (unsigned long long)__builtin_popcountll(masks[b].anchor);
                for (uint64_t a = masks[b].anchor; a; a &= a - 1) by_byte[bytes[start + b * 64 + (size_t)__builtin_ctzll(a)]]++;
                blocks++;
#ifdef BASE_KERNEL
                uint64_t d = masks[b].digit;
                digits += (unsigned long long)__builtin_popcountll(d & ~((d << 1) | carry));
                carry = d >> 63;
#else
                digits += (unsigned long long)__builtin_popcountll(masks[b].digitstart);
                if (masks[b].anchor | masks[b].digitstart | masks[b].tokenstart) busy++;
                tokens += (unsigned long long)__builtin_popcountll(masks[b].tokenstart);
#endif
#ifdef BASE_KERNEL
                tokens += (unsigned long long)__builtin_popcountll(masks[b].longrun & masks[b].wordstart);
#endif
            }
        }
        double mb = (double)n / 1e6;
        printf("%s: anchors %.0f/MB, digit candidates %.0f/MB, token starts %.0f/MB, total %.0f/MB\n", argv[i],
               anchors / mb, digits / mb, tokens / mb, (anchors + digits + tokens) / mb);
        for (int c = 0; c < 256; c++) {
            if (by_byte[c] == 0) continue;
            if (c > 32 && c < 127) printf("  anchor '%c' %.0f/MB\n", c, by_byte[c] / mb);
            else printf("  anchor 0x%02x %.0f/MB\n", c, by_byte[c] / mb);
        }
#ifndef BASE_KERNEL
        printf("  blocks holding a candidate: %.1f%%\n", blocks ? 100.0 * (double)busy / (double)blocks : 0.0);
#endif
        free(bytes);
    }
    return 0;
}
