import Foundation
import MaskEngine

/// Runs `StreamMasker` as `maskd pipe` does, but on the calling thread (runs must be deterministic, and a
/// worker and consumer thread per input took most of a run's time), reading the
/// input in the pieces `cuts` gives and keeping every byte the sink received, also when the run fails.
enum EngineRun {
    /// A fixed key: tokens need not differ between runs, only never equal the original.
    static let key = try! TokenKey(string: "5a1d0c3e9b7f4a2e8c6d1b0f3e5a7c9d2b4f6e8a0c1e3d5b7f9a2c4e6d8b0a1f")

    /// The bytes the sink received and whether the run ended in an error.
    struct Outcome {
        var output: [UInt8]
        var report: [UInt8]
        var failed: Bool
    }

    static func pipe(_ input: [UInt8], options: StreamMasker.Options, cuts: CutSizes, policy: MaskPolicy = .default,
                     withReport: Bool = false) -> Outcome {
        var options = options
        options.onCallingThread = true
        let collected = Collector()
        let report = Collector()
        var pieces = cuts.piecesIterator(over: input)
        let masker = StreamMasker(policy: policy, key: key, options: options)
        let reportSink: StreamMasker.Sink? = withReport ? { @Sendable bytes in report.append(bytes) } : nil
        var failed = false
        do {
            try masker.run(source: { buffer in pieces.read(into: buffer) },
                           sink: { bytes in collected.append(bytes) },
                           report: reportSink)
        } catch {
            failed = true
        }
        return Outcome(output: collected.bytes, report: report.bytes, failed: failed)
    }
}

extension EngineRun {
    /// The `maskd pipe` targets of one layout (cut seed, chunk size, report flag, then the body): an
    /// input is judged only when its body holds no needle of its own; `splice` puts the canaries in, and
    /// both the output and the report go through the oracle, named `stage` pipe and `stage` report.
    static func pipeTarget(_ data: UnsafeRawBufferPointer, format: InputFormat, stage: String,
                           configure: (inout StreamMasker.Options) -> Void,
                           splice: ([UInt8]) -> [UInt8]) -> FuzzVerdict {
        var input = FuzzInput(data)
        let cuts = CutSizes(seed: input.byte())
        let chunkShift = input.byte() % 8
        let withReport = input.flag()
        let body = input.rest()
        // A dump's COPY blocks are COPY text: their escapes decode to bytes the engine may write out.
        let free = format == .pgdump ? LeakOracle.isFree(copyText: body) : LeakOracle.isFree(body)
        guard free else { return .clean }
        var options = StreamMasker.Options()
        options.format = format
        options.chunkBytes = 64 << chunkShift
        configure(&options)
        let outcome = pipe(splice(body), options: options, cuts: cuts, withReport: withReport)
        return LeakOracle.check(outcome.output, stage: "\(stage) pipe").or(LeakOracle.check(outcome.report, stage: "\(stage) report"))
    }
}

/// The sink's bytes, appended from the pipeline's consumer thread and read after `run` returns.
final class Collector: @unchecked Sendable {
    // @unchecked: every access takes `lock`.
    private let lock = NSLock()
    private var storage: [UInt8] = []

    func append(_ bytes: UnsafeRawBufferPointer) {
        lock.lock()
        storage.append(contentsOf: bytes)
        lock.unlock()
    }

    var bytes: [UInt8] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// A source that hands out `input` in the cut sizes, as a pipe's reads would.
struct PieceReader {
    let input: [UInt8]
    var cuts: CutSizes
    var position = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, input.count - position, cuts.next())
        guard n > 0 else { return 0 }
        input.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<(position + n)])) }
        position += n
        return n
    }
}

extension CutSizes {
    func piecesIterator(over input: [UInt8]) -> PieceReader { PieceReader(input: input, cuts: self) }
}
