import CMaskKernels
import Foundation
import Testing
@testable import MaskEngine

extension Trait where Self == ConditionTrait {
    /// Runs the test only where this CPU can run `path` of `kernel`; elsewhere the test is reported as
    /// skipped with the missing CPU feature named, so that no run passes a comparison it never made.
    static func requires(_ kernel: AcceleratedKernel, _ path: KernelPath = .accelerated) -> Self {
        .enabled(if: kernel.isAvailable(path),
                 Comment(rawValue: "this CPU has no \(path == .wide ? kernel.wideCPUFeature : kernel.cpuFeature): the \(path) \(kernel) kernel is not tested here"))
    }
}

extension AcceleratedKernel {
    /// Runs `body` with `path` forced and expects the kernel to have run exactly that path inside it: a
    /// comparison of two paths that silently ran the same code fails here. Nil (and a recorded issue)
    /// when this CPU cannot run `path`: callers ask only for paths `isAvailable` admits.
    func expectRuns<Result>(_ path: KernelPath, _ what: @autoclosure () -> String = "",
                            sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Result) rethrows -> Result? {
        guard let result = try withPath(path, body) else {
            Issue.record("this CPU cannot run the \(path) \(self) kernel", sourceLocation: sourceLocation)
            return nil
        }
        #expect(lastPath == path, "the \(self) kernel ran \(lastPath.map(String.init(describing:)) ?? "nothing"), not \(path) \(what())",
                sourceLocation: sourceLocation)
        return result
    }
}

/// The clear-box hooks that let the SIMD and crypto tests force each kernel path and ask which one ran.
@Suite struct KernelPathTests {
    /// The default choice takes the fastest path the CPU has (stage 1: AVX-512BW, then AVX2, unless the
    /// operator set MASKD_STAGE1=scalar or =avx2): what the engine runs in production, asserted.
    @Test(arguments: AcceleratedKernel.allCases)
    func unforcedKernelsTakeTheFastestPathTheCPUHas(_ kernel: AcceleratedKernel) {
        let expected = kernel == .stageOneClassify ? Self.stageOnePathByEnvironment : kernel.fastestPath
        mk_path_reset_last(Self.raw(kernel))
        Self.runOnce(kernel)
        #expect(kernel.lastPath == expected)
    }

    /// Each path the CPU has is the path that runs while it is forced, and forcing ends with the call.
    @Test(arguments: AcceleratedKernel.allCases)
    func forcedPathsRunAndEnd(_ kernel: AcceleratedKernel) {
        #expect(kernel.isAvailable(.portable), "the portable twin runs everywhere")
        for path in kernel.availablePaths {
            _ = kernel.expectRuns(path) { Self.runOnce(kernel) }
        }
        let lastOnEntry = kernel.withPath(.portable) { kernel.lastPath }
        #expect(lastOnEntry == .some(nil), "the last path is forgotten on entry")
        #expect(mk_path_forced(Self.raw(kernel)) == MK_PATH_NONE, "after the forcing ends the kernel chooses again")
    }

    /// A path the CPU lacks is refused, and the body does not run.
    @Test(arguments: AcceleratedKernel.allCases)
    func unavailablePathsAreRefused(_ kernel: AcceleratedKernel) {
        guard !kernel.isAvailable(.accelerated) else { return }
        var ran = false
        #expect(kernel.withPath(.accelerated) { ran = true } == nil)
        #expect(!ran)
    }

    /// Forcing is per thread: a thread that forced nothing keeps the kernel's own choice meanwhile.
    @Test(.requires(.stageOneClassify))
    func forcingIsInvisibleToOtherThreads() {
        let kernel = AcceleratedKernel.stageOneClassify
        let expected = Self.stageOnePathByEnvironment
        let seen = LockedBox<KernelPath?>(nil)
        _ = kernel.expectRuns(.portable) {
            let done = DispatchSemaphore(value: 0)
            Thread {
                Self.runOnce(kernel)
                seen.value = kernel.lastPath
                done.signal()
            }.start()
            done.wait()
            Self.runOnce(kernel)
        }
        #expect(seen.value == expected)
    }

    /// The presence of each accelerated path, as a test of its own: skipped (with the feature named)
    /// on a CPU without it, so a run's summary shows which comparisons were made.
    @Test(.requires(.stageOneClassify)) func cpuRunsAVX2StageOne() { _ = AcceleratedKernel.stageOneClassify.expectRuns(.accelerated) { Self.runOnce(.stageOneClassify) } }
    @Test(.requires(.stageOneClassify, .wide)) func cpuRunsAVX512StageOne() { _ = AcceleratedKernel.stageOneClassify.expectRuns(.wide) { Self.runOnce(.stageOneClassify) } }

    /// Stage 1's unforced path: the widest the CPU has, capped by MASKD_STAGE1 (`scalar`, `avx2`).
    static var stageOnePathByEnvironment: KernelPath {
        let kernel = AcceleratedKernel.stageOneClassify
        switch ProcessInfo.processInfo.environment["MASKD_STAGE1"] {
        case "scalar": return .portable
        case "avx2": return kernel.isAvailable(.accelerated) ? .accelerated : .portable
        default: return kernel.fastestPath
        }
    }
    @Test(.requires(.csvSplit)) func cpuRunsAVX2CSVSplit() { _ = AcceleratedKernel.csvSplit.expectRuns(.accelerated) { Self.runOnce(.csvSplit) } }
    @Test(.requires(.csvSplit, .wide)) func cpuRunsAVX512CSVSplit() { _ = AcceleratedKernel.csvSplit.expectRuns(.wide) { Self.runOnce(.csvSplit) } }
    @Test(.requires(.aes)) func cpuRunsAESNI() { _ = AcceleratedKernel.aes.expectRuns(.accelerated) { Self.runOnce(.aes) } }
    @Test(.requires(.aes, .wide)) func cpuRunsVAES() { _ = AcceleratedKernel.aes.expectRuns(.wide) { Self.runOnce(.aes) } }
    @Test(.requires(.sha256)) func cpuRunsSHANI() { _ = AcceleratedKernel.sha256.expectRuns(.accelerated) { Self.runOnce(.sha256) } }
    @Test(.requires(.letters, .wide)) func cpuRunsVBMILetters() { _ = AcceleratedKernel.letters.expectRuns(.wide) { Self.runOnce(.letters) } }
    @Test(.requires(.sha256, .wide)) func cpuRunsSixteenSHA256Lanes() { _ = AcceleratedKernel.sha256.expectRuns(.wide) { Self.runOnce(.sha256) } }

    static func raw(_ kernel: AcceleratedKernel) -> mk_kernel {
        switch kernel {
        case .stageOneClassify: MK_KERNEL_CLASSIFY
        case .csvSplit: MK_KERNEL_CSV_SPLIT
        case .aes: MK_KERNEL_AES
        case .sha256: MK_KERNEL_SHA256
        case .letters: MK_KERNEL_LETTERS
        }
    }

    /// One call of the kernel through its production entry point (for AES: a key expanded here, then
    /// FF1 on a 16-digit string, the tokenizer's hot call).
    static func runOnce(_ kernel: AcceleratedKernel) {
        let bytes = Array("a,b,\"c\nd\"\npassword=x ann@example.com 4111 1111 1111 1111\n".utf8)
        switch kernel {
        case .stageOneClassify:
            var masks = [mk_block_masks](repeating: mk_block_masks(), count: 2)
            mk_classify(bytes, bytes.count, 0, bytes.count, [44, 34, 10, 13], &masks, StageOneIndex.tokenPrefixes)
        case .csvSplit:
            _ = mk_csv_last_record_end(bytes, bytes.count, UInt8(ascii: "\""))
        case .aes:
            // A batch of two 16-digit strings: the one call that runs VAES on a key that has it (a single
            // string keeps AES-NI there).
            var key = mk_aes128_key()
            mk_aes128_init(&key, [UInt8](repeating: 7, count: 16))
            var plan = mk_ff1_plan()
            var digits = [UInt8](repeating: 3, count: 32)
            _ = mk_ff1_prepare(&plan, &key, [2], 1, 10, 16)
            _ = mk_ff1_encrypt_prepared_batch(&plan, &digits, 16, 2)
        case .sha256:
            // Sixteen short messages in one call: the one that runs AVX-512 lanes on a CPU that has them
            // (one or two messages keep SHA-NI there).
            var key = mk_hmac_sha256_key()
            mk_hmac_sha256_init(&key, bytes, 32)
            var out = [UInt8](repeating: 0, count: 32 * 16)
            bytes.withUnsafeBufferPointer { b in
                let messages = (0..<16).map { Optional(b.baseAddress! + $0) }
                mk_hmac_sha256_many(&key, 1, messages, [Int](repeating: 20, count: 16), 16, &out)
            }
        case .letters:
            let classes = LettersKernelTests.classes
            var numerals = [UInt8](repeating: 0, count: bytes.count)
            _ = mk_letters_numerals(bytes, bytes.count, classes, &numerals, numerals.count)
        }
    }
}

/// A value shared with another thread under a lock (the test waits for the thread before reading).
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
