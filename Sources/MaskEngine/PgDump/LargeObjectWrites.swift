#if canImport(Glibc)
import Glibc
#endif

/// The data of a plain dump's large objects, masked as the bytes they are.
///
/// Why: pg_dump writes each large object's content as script text, 16 KiB at a time, in lines of the
/// form `SELECT pg_catalog.lowrite(0, '\x<hex>');` between `lo_open` and `lo_close`. Scanned as text,
/// hex digits hold no finding, so an email or card inside a large object (a text attachment, an
/// exported document) left the dump as it came in. Here the hex of each run of consecutive `lowrite`
/// lines is decoded into one buffer (a value split across two 16 KiB lines is found whole), scanned,
/// rewritten keeping every span's length (a large object is bytes of any format: offsets inside it must
/// not move, as in `maskd proxy`'s `lo_read` results), and encoded back in place, each line keeping its
/// length. The caller then leaves those lines out of its text scan.
enum LargeObjectWrites {
    static let linePrefix = Array("SELECT pg_catalog.lowrite(0, '\\x".utf8)
    static let lineSuffix = Array("');".utf8)

    /// The hex digits of every `lowrite` line in `text`, grouped into runs of consecutive lines (one
    /// large object's writes, or several objects' written one after another: scanned together, which
    /// finds no less).
    static func runs(in text: UnsafeBufferPointer<UInt8>) -> [[Range<Int>]] {
        var runs: [[Range<Int>]] = []
        var current: [Range<Int>] = []
        var lineStart = 0
        guard let base = text.baseAddress else { return [] }
        while lineStart < text.count {
            // Sound: `lineStart < text.count`, and memchr reads the `text.count - lineStart` bytes after it.
            let newline = memchr(base + lineStart, 0x0A, text.count - lineStart)
            let lineEnd = newline.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? text.count
            var contentEnd = lineEnd
            if contentEnd > lineStart && text[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            if let digits = hexDigits(text, lineStart, contentEnd) {
                current.append(digits)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
            lineStart = lineEnd + 1
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// The range of the hex digits when `text[start..<end]` is one `lowrite` line with an even count of
    /// them, else nil.
    static func hexDigits(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int>? {
        let lower = start + linePrefix.count, upper = end - lineSuffix.count
        guard upper >= lower, (upper - lower) % 2 == 0,
              linePrefix.elementsEqual(text[start..<lower]), lineSuffix.elementsEqual(text[upper..<end]) else { return nil }
        for b in text[lower..<upper] where !ASCII.isHexDigit(b) { return nil }
        return lower..<upper
    }

    /// Masks the large objects' data in `text` in place (hex for hex, each line its length) and returns
    /// the findings made (offsets into the decoded bytes: the caller counts them); `hexRanges` receives
    /// every line's digits, in order, which the caller's text scan must leave alone.
    static func mask(_ text: inout [UInt8], session: MaskSession, hexRanges: inout [Range<Int>]) -> [Finding] {
        let runs = text.withUnsafeBufferPointer { Self.runs(in: $0) }
        var made: [Finding] = []
        for run in runs {
            hexRanges.append(contentsOf: run)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(run.reduce(0) { $0 + $1.count / 2 })
            for digits in run {
                var i = digits.lowerBound
                while i < digits.upperBound {
                    // Sound to unwrap: `hexDigits` let only hex digits into the run.
                    bytes.append(ByteaHex.hexValue(text[i])! << 4 | ByteaHex.hexValue(text[i + 1])!)
                    i += 2
                }
            }
            var findings: [Finding] = []
            var masked: [UInt8] = []
            bytes.withUnsafeBufferPointer { b in
                let index = StageOneIndex()
                index.reset(b)
                session.scan(b, lower: 0, upper: b.count, index: index, context: ColumnContext(), into: &findings)
                if findings.isEmpty { return }
                masked.reserveCapacity(b.count)
                _ = session.rewriter.rewrite(b, findings: findings[...], as: .text, binaryLayout: true,
                                             actions: session.textActions, into: &masked)
            }
            if findings.isEmpty { continue }
            // Same length by `binaryLayout`: should a rewrite ever differ, nothing of the run is kept.
            if masked.count != bytes.count { masked = [UInt8](repeating: UInt8(ascii: "*"), count: bytes.count) }
            made.append(contentsOf: findings)
            var k = 0
            for digits in run {
                var i = digits.lowerBound
                while i < digits.upperBound {
                    text[i] = ByteaHex.hexDigit(masked[k] >> 4)
                    text[i + 1] = ByteaHex.hexDigit(masked[k] & 15)
                    (i, k) = (i + 2, k + 1)
                }
            }
        }
        return made
    }
}
