import Foundation
import MaskEngine

/// maskd's own findings on a CSV file, from the engine in process: `StreamMasker` with the same
/// defaults as `maskd pipe` (default policy, a fixed key, every core), its findings report read back
/// as spans. The masked output is counted and dropped.
enum MaskdFindings {
    /// Every finding of a scored type in `file` (a CSV with a header row).
    static func spans(in file: LoadedFile) throws -> [ScoredSpan] {
        var options = StreamMasker.Options()
        options.format = .csv
        options.csvHeader = true
        // The key changes tokens, never findings; fixed so that runs are repeatable.
        let key = try TokenKey(string: String(repeating: "6d", count: 32))
        let masker = StreamMasker(policy: .default, key: key, options: options)
        let input = InMemorySource(file.bytes)
        let report = ReportCollector()
        try masker.run(source: { try input.read(into: $0) }, sink: { _ in }, report: { report.append($0) })
        return try report.withBytes { try SpanLines.parse($0) }
    }
}

/// Hands out the bytes of an in-memory buffer to `StreamMasker`'s reader, a read at a time.
private final class InMemorySource {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        guard n > 0, let base = bytes.baseAddress else { return 0 }
        // Sound: n bytes fit in `buffer` and remain in `bytes` from `position`.
        buffer.baseAddress!.copyMemory(from: base + position, byteCount: n)
        position += n
        return n
    }
}

/// Collects the findings report's JSON Lines, written from the engine's consumer thread.
private final class ReportCollector: @unchecked Sendable {
    // @unchecked: every access to `lines` holds `lock`.
    private let lock = NSLock()
    private var lines: [UInt8] = []

    func append(_ bytes: UnsafeRawBufferPointer) {
        lock.lock()
        lines.append(contentsOf: bytes)
        lock.unlock()
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try lines.withUnsafeBufferPointer(body)
    }
}
