// The per-thread path state that the kernels read and write once per call (kernel_path.c owns it).
// Private to CMaskKernels: Swift reaches it through mask_kernel_path.h only.
#ifndef MASK_KERNEL_PATH_INTERNAL_H
#define MASK_KERNEL_PATH_INTERNAL_H

#include <stdint.h>
#include "mask_kernel_path.h"

/// Per kernel: the path the thread forced (MK_PATH_NONE: the kernel chooses) and the path it last ran.
/// Thread-local, so that forcing is invisible to other threads, and one byte each: a kernel call reads
/// one and writes one, which costs no more than the CPU-feature check it sits beside.
extern _Thread_local uint8_t mk_thread_forced_path[MK_KERNEL_COUNT];
extern _Thread_local uint8_t mk_thread_last_path[MK_KERNEL_COUNT];
/// Whether the thread runs the kernels as on a CPU without VBMI and VBMI2 (mk_withhold_vbmi).
extern _Thread_local uint8_t mk_thread_withholds_vbmi;

static inline mk_path mk_path_forced_here(mk_kernel kernel) { return (mk_path)mk_thread_forced_path[kernel]; }
static inline void mk_path_record(mk_kernel kernel, mk_path path) {
    // The kernels whose wide path has a variant without VBMI2 say which of the two ran.
    if (path == MK_PATH_WIDE && mk_thread_withholds_vbmi
        && (kernel == MK_KERNEL_CLASSIFY || kernel == MK_KERNEL_CSV_SPLIT))
        path = MK_PATH_WIDE_BASE;
    mk_thread_last_path[kernel] = (uint8_t)path;
}

/// Whether the CPU has VAES on 512-bit registers with AES-NI and the AVX-512 parts (F, BW, DQ, VL, IFMA) FF1's
/// vector rounds use: the AES kernel's wide path (mk_aes_uses_vaes, and mk_path_available).
static inline int mk_cpu_has_vaes(void) {
#if defined(__x86_64__)
    return mk_cpu_cap() >= MK_CPU_ANY && __builtin_cpu_supports("aes") && __builtin_cpu_supports("vaes")
           && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
           && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512ifma");
#else
    return 0;
#endif
}

/// Whether stage 1 may take its wide path (AVX-512 F and BW) or its accelerated one (AVX2) here, within
/// MASKD_CPU's cap: the checks `mk_classify` makes, which mk_path_available answers with (classify.c).
int mk_classify_has_wide(void);
int mk_classify_has_accelerated(void);

/// Whether the CPU has the AVX-512 parts (F, BW, VBMI, VBMI2) of the letters kernel's wide path.
int mk_letters_has_wide(void);

#endif
