/// Reads spans from JSON Lines in the shape that Corpora/generate.py's `NAME.labels.jsonl` and
/// maskd's findings report share: one flat object per line with integer `row`, `column`, `start`,
/// `end` and a string `type` (other keys, such as `kind` or `table`, are ignored). Pure: bytes in,
/// spans out.
///
/// Not a general JSON parser: it relies on the writers' shape (no nesting, no escapes in the values
/// read, no spaces required), which both writers are documented to keep.
enum SpanLines {
    /// Why a line could not be read: its 1-based number and the key that was missing or malformed.
    struct MalformedLine: Error, CustomStringConvertible {
        var line: Int
        var key: String
        var description: String { "line \(line): no valid \"\(key)\"" }
    }

    /// Every span of a scored type in `text`; lines of other types are skipped, blank lines ignored.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) throws -> [ScoredSpan] {
        var spans: [ScoredSpan] = []
        var lineStart = 0
        var lineNumber = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            guard let typeName = stringValue(of: "type", in: line) else { throw MalformedLine(line: lineNumber, key: "type") }
            guard let type = ScoredType(name: typeName) else { continue }
            var numbers: [Int] = []
            for key in ["row", "column", "start", "end"] {
                guard let n = integerValue(of: key, in: line) else { throw MalformedLine(line: lineNumber, key: key) }
                numbers.append(n)
            }
            spans.append(ScoredSpan(row: numbers[0], column: numbers[1], start: numbers[2], end: numbers[3], type: type))
        }
        return spans
    }

    /// The bytes just after `"key":` in `line`, or nil.
    private static func valueStart(of key: String, in line: UnsafeBufferPointer<UInt8>) -> Int? {
        let needle = Array("\"\(key)\":".utf8)
        guard line.count >= needle.count else { return nil }
        for i in 0...(line.count - needle.count) where line[i] == needle[0] {
            if UnsafeBufferPointer(rebasing: line[i..<(i + needle.count)]).elementsEqual(needle) {
                var p = i + needle.count
                while p < line.count && line[p] == UInt8(ascii: " ") { p += 1 }
                return p
            }
        }
        return nil
    }

    private static func integerValue(of key: String, in line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard var p = valueStart(of: key, in: line) else { return nil }
        var value = 0
        let first = p
        while p < line.count, line[p] >= UInt8(ascii: "0"), line[p] <= UInt8(ascii: "9") {
            value = value * 10 + Int(line[p] - UInt8(ascii: "0"))
            p += 1
        }
        return p > first ? value : nil
    }

    private static func stringValue(of key: String, in line: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
        guard let p = valueStart(of: key, in: line), p < line.count, line[p] == UInt8(ascii: "\"") else { return nil }
        var end = p + 1
        while end < line.count && line[end] != UInt8(ascii: "\"") { end += 1 }
        return end < line.count ? line[(p + 1)..<end] : nil
    }
}
