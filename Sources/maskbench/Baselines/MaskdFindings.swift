import Foundation
import MaskEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// maskd's own findings on a CSV file, from the engine in process: `StreamMasker` with the same
/// defaults as `maskd pipe` (default policy, a fixed key, every core), its findings report parsed
/// back into spans as it arrives. The masked output is dropped. Memory: the spans (24 bytes per
/// finding) and the engine's bounded buffers; the file is read in blocks, not loaded.
enum MaskdFindings {
    /// Every finding of a scored type in the CSV (with a header row) at `path`.
    static func spans(csvPath path: String) throws -> [ScoredSpan] {
        var options = StreamMasker.Options()
        options.format = .csv
        options.csvHeader = true
        // The key changes tokens, never findings: the one every mode masks with.
        let masker = StreamMasker(policy: .default, key: BenchKey.tokenKey(), options: options)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LoadedFile.ReadError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let collector = SpanCollector()
        try masker.run(source: { buffer in
            while true {
                // Sound: read writes at most `count` bytes into the buffer it is given.
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n >= 0 { return n }
                if errno != EINTR { throw LoadedFile.ReadError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
            }
        }, sink: { _ in }, report: { try collector.add($0) })
        return collector.spans
    }
}

/// Parses the findings report's JSON Lines into spans as the engine's consumer thread writes them
/// (each write holds whole lines: the writer formats a chunk's findings before it hands them over).
private final class SpanCollector: @unchecked Sendable {
    // @unchecked: every access to `collected` holds `lock`.
    private let lock = NSLock()
    private var collected: [ScoredSpan] = []

    func add(_ lines: UnsafeRawBufferPointer) throws {
        let parsed = try SpanLines.parse(lines.assumingMemoryBound(to: UInt8.self))
        lock.lock()
        collected.append(contentsOf: parsed)
        lock.unlock()
    }

    var spans: [ScoredSpan] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}
