// Path forcing and reporting for the kernels with an accelerated twin: tests run each path in-process
// and assert which one ran, so a CPU without AVX2 or AES-NI cannot pass a comparison of the portable
// code with itself.
#include "kernel_path_internal.h"
#include "mask_kernels.h"
#include "csv_kernel_internal.h"
#include "bit_list_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

_Thread_local uint8_t mk_thread_forced_path[MK_KERNEL_COUNT];
_Thread_local uint8_t mk_thread_last_path[MK_KERNEL_COUNT];
_Thread_local uint8_t mk_thread_withholds_vbmi;

static int valid_kernel(mk_kernel kernel) { return (unsigned)kernel < MK_KERNEL_COUNT; }

// MASKD_CPU, read once (-1 until then): every kernel's CPU check asks it.
static int cpu_cap = -1;

mk_cpu_level mk_cpu_cap(void) {
    int cap = __atomic_load_n(&cpu_cap, __ATOMIC_RELAXED);
    if (cap < 0) {
        const char *value = getenv("MASKD_CPU");
        cap = value == NULL ? MK_CPU_ANY
            : strcasecmp(value, "portable") == 0 ? MK_CPU_PORTABLE
            : strcasecmp(value, "avx2") == 0 ? MK_CPU_AVX2
            : strcasecmp(value, "avx512bw") == 0 ? MK_CPU_AVX512BW : MK_CPU_ANY;
        __atomic_store_n(&cpu_cap, cap, __ATOMIC_RELAXED);
    }
    return (mk_cpu_level)cap;
}

int mk_path_available(mk_kernel kernel, mk_path path) {
    if (!valid_kernel(kernel)) return 0;
    if (path == MK_PATH_PORTABLE) return 1;
    if (path == MK_PATH_WIDE_BASE) {
        // A variant of the wide path apart from it only where the CPU has what the wide path adds.
        return (kernel == MK_KERNEL_CLASSIFY || kernel == MK_KERNEL_CSV_SPLIT) && mk_path_available(kernel, MK_PATH_WIDE)
               && mk_cpu_reports_vbmi2();
    }
#if defined(__x86_64__)
    if (path == MK_PATH_WIDE) {
        // compiler-rt's and libgcc's AVX-512 bits already require the OS to save the zmm state (XCR0).
        if (kernel == MK_KERNEL_CSV_SPLIT) return mk_csv_has_wide();
        if (kernel == MK_KERNEL_AES) return mk_cpu_has_vaes();
        if (kernel == MK_KERNEL_LETTERS) return mk_letters_has_wide();
        if (kernel == MK_KERNEL_SHA256) return mk_hmac_sha256_uses_lanes();
        return kernel == MK_KERNEL_CLASSIFY && mk_classify_has_wide();
    }
#endif
    if (path != MK_PATH_ACCELERATED) return 0;
#if defined(__x86_64__)
    // The same checks the kernels make (libgcc fills the CPU model in a constructor: a global read).
    switch (kernel) {
    case MK_KERNEL_CLASSIFY: return mk_classify_has_accelerated();
    case MK_KERNEL_CSV_SPLIT: return mk_csv_has_accelerated();
    case MK_KERNEL_AES: return mk_aes_uses_aesni();
    case MK_KERNEL_SHA256: return mk_sha256_uses_shani();
    case MK_KERNEL_LETTERS: return 0;   // byte loops or AVX-512: no AVX2 twin
    }
#endif
    return 0;
}

int mk_path_force(mk_kernel kernel, mk_path path) {
    if (!valid_kernel(kernel) || path == MK_PATH_WIDE_BASE) return -1;
    if (path != MK_PATH_NONE && !mk_path_available(kernel, path)) return -1;
    mk_thread_forced_path[kernel] = (uint8_t)path;
    return 0;
}

mk_path mk_path_forced(mk_kernel kernel) {
    return valid_kernel(kernel) ? (mk_path)mk_thread_forced_path[kernel] : MK_PATH_NONE;
}

mk_path mk_path_last(mk_kernel kernel) {
    return valid_kernel(kernel) ? (mk_path)mk_thread_last_path[kernel] : MK_PATH_NONE;
}

void mk_path_reset_last(mk_kernel kernel) {
    if (valid_kernel(kernel)) mk_thread_last_path[kernel] = MK_PATH_NONE;
}

int mk_withhold_vbmi(int withhold) {
    const int previous = mk_thread_withholds_vbmi;
    mk_thread_withholds_vbmi = withhold != 0;
    return previous;
}

int mk_cpu_has_vbmi2(void) { return !mk_thread_withholds_vbmi && mk_cpu_reports_vbmi2(); }

// Found once (-1 until then): the kernels that list bits ask it per call.
static int vbmi2_cpu = -1;

int mk_cpu_reports_vbmi2(void) {
    int cached = __atomic_load_n(&vbmi2_cpu, __ATOMIC_RELAXED);
    if (cached < 0) {
#if defined(__x86_64__)
        cached = mk_cpu_cap() >= MK_CPU_ANY && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                 && __builtin_cpu_supports("avx512vbmi2");
#else
        cached = 0;
#endif
        __atomic_store_n(&vbmi2_cpu, cached, __ATOMIC_RELAXED);
    }
    return cached;
}
