#ifndef MASK_KERNEL_PATH_H
#define MASK_KERNEL_PATH_H

#ifdef __cplusplus
extern "C" {
#endif

/// The kernels that have an accelerated implementation beside a portable twin of the same meaning.
typedef enum {
    /// mk_classify: AVX2 or scalar.
    MK_KERNEL_CLASSIFY = 0,
    /// The text formats' readers (mk_csv_last_record_end, mk_csv_fields, mk_copy_fields, and the CSV
    /// quote and unquote): AVX-512BW, AVX2 or scalar byte masks.
    MK_KERNEL_CSV_SPLIT = 1,
    /// AES-128 under FF1 (and mk_aes128_encrypt): AES-NI or the portable FIPS-197 code.
    MK_KERNEL_AES = 2,
    /// SHA-256 under the HMAC: SHA-NI or the portable compression.
    MK_KERNEL_SHA256 = 3,
    /// mk_letters_numerals and mk_letters_write, and mk_digit_tokens' reading and writing of values:
    /// AVX-512 VBMI and VBMI2 (wide only) or byte loops.
    MK_KERNEL_LETTERS = 4,
} mk_kernel;

enum { MK_KERNEL_COUNT = 5 };

/// Which implementation of a kernel runs.
typedef enum {
    /// Nothing ran yet (a last path), or the kernel's own choice (a forced path).
    MK_PATH_NONE = 0,
    /// The portable twin: scalar loops, table AES, the FIPS-180 compression.
    MK_PATH_PORTABLE = 1,
    /// The CPU's vector or crypto instructions: AVX2, AES-NI, SHA-NI.
    MK_PATH_ACCELERATED = 2,
    /// Wider vectors where a kernel has them and the CPU too: AVX-512BW for stage 1, the CSV kernels and
    /// the MACs' sixteen SHA-256 lanes (whole 64-byte blocks compared into 64-bit masks, without AVX2's two
    /// movemasks, shift and OR per class), VBMI and VBMI2 for the letters loops, VAES for FF1's batches.
    MK_PATH_WIDE = 3,
    /// What mk_path_last says of the stage-1 and CSV kernels when their wide path ran on a thread that
    /// withheld VBMI (mk_withhold_vbmi): the variant a CPU with AVX-512BW but without VBMI and VBMI2
    /// runs (Skylake-SP, Cascade Lake). Not a path to force.
    MK_PATH_WIDE_BASE = 4,
} mk_path;

/// How much of the CPU the kernels may use: a cap from the environment variable MASKD_CPU (in any case),
/// read once per process. `portable`: no vector or crypto instructions (every kernel's portable twin);
/// `avx2`: AVX2, AES-NI, SHA-NI and PCLMULQDQ, what a CPU without AVX-512 runs; `avx512bw`: AVX-512 F,
/// BW, DQ, VL without VBMI, VBMI2, VAES and IFMA, what Skylake-SP and Cascade Lake run; unset or anything else:
/// whatever the CPU has. A cap, never a promise: each kernel still takes only what the CPU has. For
/// operators who rule a kernel out, and for checking on one machine that every path gives the same bytes.
typedef enum {
    MK_CPU_PORTABLE = 0,
    MK_CPU_AVX2 = 1,
    MK_CPU_AVX512BW = 2,
    MK_CPU_ANY = 3,
} mk_cpu_level;

/// The cap MASKD_CPU sets (MK_CPU_ANY without one).
mk_cpu_level mk_cpu_cap(void);

/// Whether this CPU can run `path` of `kernel` (the portable path always).
int mk_path_available(mk_kernel kernel, mk_path path);

/// Makes the calling thread run `path` of `kernel` from now on, whatever the CPU and MASKD_STAGE1 say;
/// MK_PATH_NONE gives the choice back to the kernel. For the AES kernel the path is fixed when a key is
/// expanded (mk_aes128_init), so it applies to keys expanded afterwards. Returns 0, or -1 (nothing
/// changed) when the CPU cannot run the path. Other threads keep their own choice: a test that forces
/// a path does not change what a concurrent test runs.
int mk_path_force(mk_kernel kernel, mk_path path);

/// Makes the calling thread's kernels run as on a CPU without AVX-512 VBMI and VBMI2 (nonzero
/// `withhold`), or as this CPU allows (zero), and returns the previous setting: the wide paths of stage 1
/// and of the CSV and COPY readers then take the variants of a CPU with AVX-512BW alone (Skylake-SP,
/// Cascade Lake), and the letters kernel its byte loops, so that tests and the differential fuzz targets
/// compare those variants with the scalar twins on a newer CPU too. Other threads are unaffected.
int mk_withhold_vbmi(int withhold);

/// Whether the CPU has AVX-512 VBMI2 with F and BW, whatever the calling thread withholds: the wide
/// variants that mk_withhold_vbmi sets aside exist here only then.
int mk_cpu_reports_vbmi2(void);

/// The path the calling thread forced for `kernel`, or MK_PATH_NONE.
mk_path mk_path_forced(mk_kernel kernel);

/// The path that the calling thread's last call of `kernel` ran, or MK_PATH_NONE when none ran since
/// the thread started or since mk_path_reset_last.
mk_path mk_path_last(mk_kernel kernel);

/// Forgets the calling thread's last path of `kernel`, so that a later mk_path_last says whether the
/// kernel ran at all in between.
void mk_path_reset_last(mk_kernel kernel);

#ifdef __cplusplus
}
#endif
#endif
