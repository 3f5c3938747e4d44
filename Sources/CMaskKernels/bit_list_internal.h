// Lists of the set bits of many blocks' masks, for the loops of the kernels that act on each set bit: a
// loop a block whose turns are its bits (a block's fields, its '_' anchors, its token starts) misses its
// exit about once a block, which was most of those kernels' time on ordinary tables; one loop over the
// list of eight blocks' bits misses once. Each block's bits are listed by one VBMI2 compress of the bytes
// 0...63 (Benchmarks/RESULTS.md), or on a CPU without VBMI2 eight at a time by TZCNT (`mk_bit_list_add_bmi`).
// Private to CMaskKernels.
#ifndef MASK_BIT_LIST_INTERNAL_H
#define MASK_BIT_LIST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/// The set bits of up to eight blocks: bit `at[k]` of block `block[k]`, in order, `count` of them. Room
/// for the 64 bytes each addition stores past the count.
typedef struct {
    uint8_t at[8 * 64 + 64], block[8 * 64 + 64];
    size_t count;
} mk_bit_list;

/// Whether the CPU has AVX-512 VBMI2 (with F and BW), which `mk_bit_list_add` uses (found once), and the
/// calling thread does not withhold it (mk_withhold_vbmi).
int mk_cpu_has_vbmi2(void);

#if defined(__x86_64__)
#include <immintrin.h>
/// Adds the set bits of block `block` (of eight at most) to `list`.
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"), always_inline))
static inline void mk_bit_list_add(mk_bit_list *list, uint64_t bits, unsigned block) {
    const __m512i offsets = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
                                            43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
                                            23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    // Sound: at most 8 blocks of 64 bits are added, and the arrays have 64 bytes of room past 512.
    _mm512_storeu_si512((void *)(list->at + list->count), _mm512_maskz_compress_epi8(bits, offsets));
    _mm512_storeu_si512((void *)(list->block + list->count), _mm512_set1_epi8((char)block));
    list->count += (size_t)__builtin_popcountll(bits);
}

/// `mk_bit_list_add` for the CPUs without VBMI2 (AVX2, and AVX-512BW before Ice Lake): the bits' positions
/// written eight at a time by TZCNT and BLSR whatever the count (simdjson's `flatten_bits`; TZCNT of no bit
/// is 64, a slot past the count that the next addition overwrites), so a block with at most eight bits,
/// nearly every one, takes no branch on its count.
__attribute__((target("bmi,popcnt"), always_inline))
static inline void mk_bit_list_add_bmi(mk_bit_list *list, uint64_t bits, unsigned block) {
    const size_t count = (size_t)__builtin_popcountll(bits);
    const uint64_t blocks = 0x0101010101010101ull * (uint8_t)block;
    uint8_t *at = list->at + list->count, *in = list->block + list->count;
    size_t i = 0;
    do {
        // Sound: at most 8 blocks of 64 bits are added, so before a block the list holds at most 448,
        // and its writes (its count rounded up to 8, and 8 for none) end by 512, inside the 576.
        for (int k = 0; k < 8; k++) {
            at[i + (size_t)k] = (uint8_t)_tzcnt_u64(bits);
            bits = _blsr_u64(bits);
        }
        memcpy(in + i, &blocks, 8);
        i += 8;
    } while (i < count);
    list->count += count;
}

// The listers for the kernels that take one through a pointer (inlined once per instruction set with its
// lister known): not inlined themselves into a caller without their instruction sets, so one wrapper each,
// for every caller with at least them.
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))
static inline void mk_bit_lister_vbmi2(mk_bit_list *list, uint64_t bits, unsigned block) { mk_bit_list_add(list, bits, block); }
__attribute__((target("avx512f,avx512bw,bmi,popcnt")))
static inline void mk_bit_lister_avx512(mk_bit_list *list, uint64_t bits, unsigned block) { mk_bit_list_add_bmi(list, bits, block); }
__attribute__((target("avx2,bmi,popcnt")))
static inline void mk_bit_lister_avx2(mk_bit_list *list, uint64_t bits, unsigned block) { mk_bit_list_add_bmi(list, bits, block); }
#endif

#endif
