import CMaskKernels

/// Which implementation of an ``AcceleratedKernel`` runs.
package enum KernelPath: Sendable, CaseIterable, CustomStringConvertible {
    /// The portable twin: scalar loops, table AES, the FIPS 180-4 compression.
    case portable
    /// The CPU's vector or crypto instructions: AVX2, AES-NI, SHA-NI.
    case accelerated
    /// The wide path of stage 1 and of the CSV and COPY readers as a CPU with AVX-512BW but without VBMI
    /// and VBMI2 runs it (Skylake-SP, Cascade Lake): on a CPU that has them, a test forcing this path runs
    /// the variants such a CPU takes (`mk_withhold_vbmi`). Listed only where it differs from `wide`.
    case wideWithoutVBMI
    /// Wider vectors where a kernel has them: AVX-512BW for stage 1, the CSV kernels and batches of
    /// MACs, VAES on 512-bit registers for FF1's batches.
    case wide

    fileprivate var raw: mk_path {
        switch self {
        case .portable: MK_PATH_PORTABLE
        case .accelerated: MK_PATH_ACCELERATED
        case .wideWithoutVBMI: MK_PATH_WIDE_BASE
        case .wide: MK_PATH_WIDE
        }
    }

    fileprivate init?(_ raw: mk_path) {
        switch raw {
        case MK_PATH_PORTABLE: self = .portable
        case MK_PATH_ACCELERATED: self = .accelerated
        case MK_PATH_WIDE_BASE: self = .wideWithoutVBMI
        case MK_PATH_WIDE: self = .wide
        default: return nil
        }
    }

    package var description: String {
        switch self {
        case .portable: "portable"
        case .accelerated: "accelerated"
        case .wideWithoutVBMI: "wide without VBMI"
        case .wide: "wide"
        }
    }
}

/// The C kernels that have an accelerated implementation beside a portable twin of the same meaning,
/// and the clear-box hooks that let a test or a differential fuzz target run each one in-process and
/// ask which one ran, so that a CPU without AVX2 or AES-NI cannot pass a comparison of the portable
/// code with itself. Package-only: the engine never forces a path (`MASKD_STAGE1=scalar` stays the
/// operator's switch for stage 1).
///
/// Forcing is per thread: a forced path applies to the kernel calls of the calling thread only, so
/// concurrent tests cannot change each other's path, and a pipeline's worker threads keep the kernel's
/// own choice.
package enum AcceleratedKernel: Sendable, CaseIterable, CustomStringConvertible {
    /// Stage 1's byte classification (`mk_classify`): AVX2, and AVX-512BW where the CPU has it (`.wide`).
    case stageOneClassify
    /// The CSV record splitter and field reader (`mk_csv_last_record_end`, `mk_csv_fields`): AVX2 with
    /// PCLMULQDQ, and AVX-512BW where the CPU has it (`.wide`).
    case csvSplit
    /// AES-128 under FF1: AES-NI, and VAES with AVX-512 where the CPU has it (`.wide`: batches of cards
    /// and SSNs sixteen at a time; everything else on such a key runs, and records, AES-NI). The path
    /// is fixed when a key is expanded, so force it around the creation of the `FF1Cipher` or
    /// `mk_aes128_key`, not around its use.
    case aes
    /// SHA-256 under the tokenizer's HMAC: SHA-NI, and sixteen messages' compressions in AVX-512 lanes
    /// where the CPU has AVX-512BW (`.wide`: `mk_hmac_sha256_many` only; calls of one or two messages on
    /// a thread that forced it run, and record, SHA-NI).
    case sha256
    /// The byte loops around a length-keeping token's FF1 (`mk_letters_numerals`, `mk_letters_write`):
    /// AVX-512 VBMI and VBMI2 where the CPU has them (`.wide`), byte loops otherwise; no `.accelerated`.
    case letters

    private var raw: mk_kernel {
        switch self {
        case .stageOneClassify: MK_KERNEL_CLASSIFY
        case .csvSplit: MK_KERNEL_CSV_SPLIT
        case .aes: MK_KERNEL_AES
        case .sha256: MK_KERNEL_SHA256
        case .letters: MK_KERNEL_LETTERS
        }
    }

    /// The CPU feature the accelerated path needs, for skip messages.
    package var cpuFeature: String {
        switch self {
        case .stageOneClassify, .csvSplit: "AVX2"
        case .aes: "AES-NI"
        case .sha256: "SHA-NI"
        case .letters: "AVX-512 VBMI2"
        }
    }

    /// The CPU feature the wide path needs, for skip messages.
    package var wideCPUFeature: String {
        switch self {
        case .aes: "VAES with AVX-512"
        case .letters: "AVX-512 VBMI2"
        case .stageOneClassify, .csvSplit, .sha256: "AVX-512BW"
        }
    }

    package var description: String {
        switch self {
        case .stageOneClassify: "stage-1 classify"
        case .csvSplit: "CSV split"
        case .aes: "AES"
        case .sha256: "SHA-256"
        case .letters: "letters"
        }
    }

    /// Whether this CPU can run `path` (the portable one always).
    package func isAvailable(_ path: KernelPath) -> Bool { mk_path_available(raw, path.raw) == 1 }

    /// The paths this CPU can run: the portable one first.
    package var availablePaths: [KernelPath] { KernelPath.allCases.filter(isAvailable) }

    /// The vector paths this CPU can run (`availablePaths` but the portable one): each is compared
    /// with the portable twin.
    package var vectorPaths: [KernelPath] { availablePaths.filter { $0 != .portable } }

    /// The path the kernel takes when nothing forces one: the widest this CPU has.
    package var fastestPath: KernelPath { availablePaths.last ?? .portable }

    /// The path of the calling thread's last call of this kernel, or nil when none ran since the thread
    /// started or since the last ``withPath(_:_:)`` began.
    package var lastPath: KernelPath? { KernelPath(mk_path_last(raw)) }

    /// Forgets the calling thread's last path, so that ``lastPath`` read later says whether the kernel
    /// ran at all in between.
    package func resetLastPath() { mk_path_reset_last(raw) }

    /// Runs `body` with `path` forced on the calling thread, then gives back the previous choice. The
    /// last path is forgotten first, so ``lastPath`` read after `body` says what `body` ran, if anything.
    /// Returns nil, without running `body`, when this CPU cannot run `path`.
    package func withPath<Result>(_ path: KernelPath, _ body: () throws -> Result) rethrows -> Result? {
        guard isAvailable(path) else { return nil }
        let previous = mk_path_forced(raw)
        // The variant without VBMI is the wide path on a thread that withholds VBMI and VBMI2.
        guard mk_path_force(raw, path == .wideWithoutVBMI ? MK_PATH_WIDE : path.raw) == 0 else { return nil }
        let withheld = mk_withhold_vbmi(path == .wideWithoutVBMI ? 1 : 0)
        // The previous choice was accepted once, so giving it back cannot fail.
        defer {
            _ = mk_path_force(raw, previous)
            _ = mk_withhold_vbmi(withheld)
        }
        mk_path_reset_last(raw)
        return try body()
    }
}
