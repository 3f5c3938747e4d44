/// Large objects are read in chunks (`lo_read` over FunctionCall, 8 KiB at a time in libpq's
/// `lo_export`), so a value can be split across two FunctionCallResponses and neither half matches on
/// its own. Each result is masked with same-length redaction (the client asked for that many bytes),
/// and the cut between two results is watched:
///
/// - the tail of a result that could be the start of a value (a run of address characters holding an
///   `@`, or four or more digits) is redacted, since the rest arrives only after this part was sent;
/// - the head of the next result is scanned together with the previous tail, and the part of a value
///   that straddles the cut is redacted.
///
/// What stays possible: a local part cut before its `@` (`lucille.fer|reira3@…`) sends its first
/// fragment, which alone names no address.
struct FunctionResultStitcher {
    /// The previous result's trailing run of value characters, as it was before masking.
    private var tail: [UInt8] = []
    static let maxTail = 320

    mutating func reset() { tail.removeAll(keepingCapacity: true) }

    /// Appends the masked `value` (same length) to `out`; returns whether anything changed. Findings
    /// are reported as row `row`, column 0.
    mutating func mask(_ value: UnsafeBufferPointer<UInt8>, row: Int, session: MaskSession, into out: inout [UInt8],
                       result: inout MaskedChunk) -> Bool {
        let start = out.count
        out.append(contentsOf: value)
        var changed = false
        var findings: [Finding] = []
        session.decodedIndex.reset(value)
        session.scan(value, lower: 0, upper: value.count, index: session.decodedIndex, context: ColumnContext(),
                             into: &findings)
        for f in findings {
            result.record(f, row: row, column: 0)
            redact(&out, start + f.start, start + f.end)
            changed = true
        }
        if !tail.isEmpty && !value.isEmpty {
            let joined = tail + value.prefix(Self.maxTail)
            var across: [Finding] = []
            joined.withUnsafeBufferPointer { j in
                session.decodedIndex.reset(j)
                session.scan(j, lower: 0, upper: j.count, index: session.decodedIndex, context: ColumnContext(), into: &across)
            }
            for f in across where f.start < tail.count && f.end > tail.count {
                result.record(Finding(start: 0, end: f.end - tail.count, type: f.type, kind: f.kind), row: row, column: 0)
                redact(&out, start, start + f.end - tail.count)
                changed = true
            }
        }
        var runStart = value.count
        while runStart > 0 && runStart > value.count - Self.maxTail && Self.isValueByte(value[runStart - 1]) { runStart -= 1 }
        let run = value[runStart...]
        if run.contains(UInt8(ascii: "@")) || run.reduce(0, { $0 + (ASCII.isDigit($1) ? 1 : 0) }) >= 4 {
            redact(&out, start + runStart, start + value.count)
            changed = true
        }
        tail = Array(run)
        return changed
    }

    private func redact(_ out: inout [UInt8], _ from: Int, _ to: Int) {
        for i in from..<to where out[i] != UInt8(ascii: "*") { out[i] = UInt8(ascii: "*") }
    }

    /// Bytes that can continue an address, a card or an SSN across a cut.
    private static func isValueByte(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "%") || b == UInt8(ascii: "+")
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "@") || b == UInt8(ascii: " ")
    }
}
