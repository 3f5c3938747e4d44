@testable import MaskEngine

/// Scans one cell value as the engine does and returns its findings.
func findings(in value: String, bareSSN: Bool = false) -> [Finding] {
    let bytes = Array(value.utf8)
    return bytes.withUnsafeBufferPointer { b in
        let index = StageOneIndex()
        index.reset(b)
        var out: [Finding] = []
        CellScanner().scan(b, lower: 0, upper: b.count, index: index, context: ColumnContext(bareSSN: bareSSN), into: &out)
        return out
    }
}

/// The substrings a scan reports, with their types: what a table test compares.
func spans(in value: String, bareSSN: Bool = false) -> [String] {
    let bytes = Array(value.utf8)
    return findings(in: value, bareSSN: bareSSN).map { f in
        let kind = f.kind == .none ? f.type.name : f.kind.name
        return "\(kind):" + String(decoding: bytes[f.start..<f.end], as: UTF8.self)
    }
}

let testKey = try! TokenKey(string: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
let otherKey = try! TokenKey(string: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210")

/// Masks a whole input in memory through the same pipeline `maskd pipe` uses.
func maskStream(_ input: [UInt8], format: InputFormat? = nil, header: Bool = true, delimiter: UInt8 = UInt8(ascii: ","),
                policy: MaskPolicy = .default, key: TokenKey = testKey, chunkBytes: Int = 1 << 20, workers: Int = 2,
                readSize: Int = 1 << 16, onCallingThread: Bool = false)
    -> (output: [UInt8], report: String, summary: StreamSummary?, error: Error?)
{
    var options = StreamMasker.Options()
    options.format = format
    options.csvHeader = header
    options.csvDelimiter = delimiter
    options.chunkBytes = chunkBytes
    options.workers = workers
    options.onCallingThread = onCallingThread
    let collector = ByteCollector()
    let reportCollector = ByteCollector()
    var offset = 0
    do {
        let summary = try StreamMasker(policy: policy, key: key, options: options).run(
            source: { buffer in
                let n = min(buffer.count, input.count - offset, readSize)
                input.withUnsafeBytes { src in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + n)])) }
                offset += n
                return n
            },
            sink: { collector.append($0) },
            report: { reportCollector.append($0) })
        return (collector.bytes, String(decoding: reportCollector.bytes, as: UTF8.self), summary, nil)
    } catch {
        return (collector.bytes, String(decoding: reportCollector.bytes, as: UTF8.self), nil, error)
    }
}

import Foundation

final class ByteCollector: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var storage: [UInt8] = []
    func append(_ bytes: UnsafeRawBufferPointer) { lock.lock(); storage.append(contentsOf: bytes); lock.unlock() }
    var bytes: [UInt8] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// How much longer than a plain debug build a wall-clock bound in a test may take: `scripts/sanitize`
/// sets MASKD_SANITIZER to its lane, and instrumented code runs about 2–3× slower under AddressSanitizer
/// and 5–15× under ThreadSanitizer. A bound that separates linear from quadratic work still does so.
let sanitizerSlowdown: Int = switch ProcessInfo.processInfo.environment["MASKD_SANITIZER"] {
case nil: 1
case "thread": 10
default: 3
}
