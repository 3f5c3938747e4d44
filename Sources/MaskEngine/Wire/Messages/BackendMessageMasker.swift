/// Masks the backend messages other than DataRow that can carry values: ErrorResponse and
/// NoticeResponse fields (`Key (email)=(…) already exists`), CopyData rows, NotificationResponse payloads,
/// FunctionCallResponse results (large objects read with `lo_read`), ParameterStatus values
/// (`application_name` is set by the client) and CommandComplete tags. Messages that cannot carry a
/// value pass unchanged, after their fixed length is checked.
///
/// Used by both drivers of the wire format: `WireChunkMasker` (a captured stream, `maskd pipe`) and
/// `WireSession` (a live session, `maskd serve` and `maskd proxy`).
struct BackendMessageMasker {
    let chunk: UnsafeBufferPointer<UInt8>
    let index: StageOneIndex
    let session: MaskSession

    /// Checks the length of a message of a known type that is not masked by a dedicated method, and
    /// masks the strings of the ones that carry some (with same-length redaction, which keeps their
    /// framing). A type byte that no backend sends means lost synchronisation and is an error.
    func passOther(frame: WireFrame, location: StreamLocation, into result: inout MaskedChunk) throws(StreamError) {
        guard let id = BackendMessageID(rawValue: frame.type) else {
            throw StreamError(.malformedMessage("unknown backend message type \(StreamError.typeName(frame.type))"), at: location)
        }
        let length = frame.end - frame.payloadStart
        if let fixed = id.fixedPayloadLength, fixed != length {
            throw StreamError(.malformedMessage("\(StreamError.typeName(frame.type)) message of length \(length + 4), expected \(fixed + 4)"),
                              at: location)
        }
        let scanFrom: Int
        switch id {
        case .backendKeyData:
            // 3.0: pid and a 4-byte key; 3.2: up to 256 bytes of key. Never altered: a cancel needs it.
            guard length >= 8 && length <= 4 + 256 else {
                throw StreamError(.malformedMessage("'K' message of length \(length + 4)"), at: location)
            }
            scanFrom = frame.end
        case .authentication, .negotiateProtocolVersion, .parameterDescription:
            // SASL nonces, salts and protocol option names, type OIDs: opaque, and altering them would
            // break the handshake.
            scanFrom = frame.end
        case .notificationResponse, .functionCallResponse:
            // After the sender's pid (A) or the result's length word (V).
            guard length >= 4 else {
                throw StreamError(.malformedMessage("\(StreamError.typeName(frame.type)) message of length \(length + 4)"), at: location)
            }
            scanFrom = frame.payloadStart + 4
        default:
            scanFrom = id.fixedPayloadLength == nil ? frame.payloadStart : frame.end
        }
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        if scanFrom < frame.end {
            session.scanner.scan(chunk, lower: scanFrom, upper: frame.end, index: index, context: ColumnContext(), into: &findings)
        }
        if findings.isEmpty {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<scanFrom]))
        let value = UnsafeBufferPointer(rebasing: chunk[scanFrom..<frame.end])
        session.cellOut.removeAll(keepingCapacity: true)
        _ = session.rewriter.rewrite(value, findings: findings[...], binaryLayout: true, nullSpansEmpty: true,
                                     into: &session.cellOut)
        result.output.append(contentsOf: session.cellOut)
    }

    /// ErrorResponse and NoticeResponse: a list of (code byte, C string) ending in a zero byte. Every
    /// string is scanned; tokens never contain NUL, so the list stays well formed.
    func maskFieldList(frame: WireFrame, location: StreamLocation, into result: inout MaskedChunk) throws(StreamError) {
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        var p = frame.payloadStart
        var ranges: [(Int, Int, Int)] = []
        while p < frame.end && chunk[p] != 0 {
            let start = p + 1
            guard start <= frame.end, let nul = chunk[start..<frame.end].firstIndex(of: 0) else {
                var l = location
                l.byteOffset += p - frame.start
                throw StreamError(.malformedMessage("error or notice field is not NUL-terminated"), at: l)
            }
            session.scanner.scan(chunk, lower: start, upper: nul, index: index, context: ColumnContext(), into: &findings)
            ranges.append((start, nul, findings.count))
            p = nul + 1
        }
        // The list ends with its one zero byte, which must be the message's last: bytes after it would
        // pass unscanned.
        guard p == frame.end - 1 else {
            var l = location
            l.byteOffset += p - frame.start
            throw StreamError(.malformedMessage("error or notice field list does not end at the end of its message"), at: l)
        }
        if findings.isEmpty {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        let messageStart = result.output.count
        result.output.append(chunk[frame.start])
        result.output.append(contentsOf: [0, 0, 0, 0])
        var findingsStart = 0
        for (start, end, findingsEnd) in ranges {
            result.output.append(chunk[start - 1])
            let value = UnsafeBufferPointer(rebasing: chunk[start..<end])
            session.cellOut.removeAll(keepingCapacity: true)
            switch session.rewriter.rewrite(value, findings: findings[findingsStart..<findingsEnd], into: &session.cellOut) {
            case .unchanged: result.output.append(contentsOf: value)
            case .rewritten: result.output.append(contentsOf: session.cellOut)
            case .null: break
            }
            result.output.append(0)
            findingsStart = findingsEnd
        }
        result.output.append(0)
        WireFrame.patchLength(of: messageStart, in: &result.output)
    }

    /// A CopyData row of a text or CSV COPY is scanned as one value: tokens hold no tab, newline,
    /// backslash, quote or comma, so the row's framing survives. Its findings are reported as column 0.
    /// `strict` counts a bare nine-digit number as an SSN (a live session knows no column names here).
    func maskCopyText(frame: WireFrame, row: Int, strict: Bool, into result: inout MaskedChunk) {
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        session.scanner.scan(chunk, lower: frame.payloadStart, upper: frame.end, index: index,
                             context: ColumnContext(bareSSN: strict), into: &findings)
        let value = UnsafeBufferPointer(rebasing: chunk[frame.payloadStart..<frame.end])
        // A bytea field is written as hex (`\\x…` in text, `\x…` in CSV): its bytes are scanned too.
        let hasHex = value.count > 3 && value.withMemoryRebound(to: UInt8.self) { v in
            v.indices.dropLast().contains { v[$0] == UInt8(ascii: "\\") && v[$0 + 1] == UInt8(ascii: "x") }
        }
        if findings.isEmpty && !hasHex {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        for f in findings { result.record(f, row: row, column: 0) }
        session.cellOut.removeAll(keepingCapacity: true)
        // A COPY row has no NULL of its own: a `null` action empties the masked spans instead.
        if findings.isEmpty {
            session.cellOut.append(contentsOf: value)
        } else {
            _ = session.rewriter.rewrite(value, findings: findings[...], nullSpansEmpty: true, into: &session.cellOut)
        }
        var line = session.cellOut
        let hexChanged = HexRuns.mask(&line, strict: strict, row: row, session: session, into: &result)
        if findings.isEmpty && !hexChanged {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        let messageStart = result.output.count
        result.output.append(chunk[frame.start])
        result.output.append(contentsOf: [0, 0, 0, 0])
        result.output.append(contentsOf: line)
        WireFrame.patchLength(of: messageStart, in: &result.output)
    }
}

/// Hex-encoded bytes inside a text line (`\x` then an even number of hex digits: a bytea in COPY
/// output): each run is decoded, scanned (as text when printable, else with same-length redaction),
/// and written back as hex.
enum HexRuns {
    static func mask(_ line: inout [UInt8], strict: Bool, row: Int, session: MaskSession, into result: inout MaskedChunk) -> Bool {
        var changed = false
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i + 3 < line.count {
            guard line[i] == UInt8(ascii: "\\"), line[i + 1] == UInt8(ascii: "x") else { i += 1; continue }
            var end = i + 2
            while end < line.count, isHex(line[end]) { end += 1 }
            if (end - i - 2) % 2 == 1 { end -= 1 }
            guard end - i - 2 >= 2 else { i += 2; continue }
            var bytes: [UInt8] = []
            line[i..<end].withUnsafeBufferPointer { _ = ByteaHex.decode($0, to: &bytes) }
            var findings: [Finding] = []
            bytes.withUnsafeBufferPointer { b in
                session.decodedIndex.reset(b)
                session.scanner.scan(b, lower: 0, upper: b.count, index: session.decodedIndex,
                                     context: ColumnContext(bareSSN: strict), into: &findings)
            }
            if !findings.isEmpty {
                for f in findings { result.record(f, row: row, column: 0) }
                let printable = bytes.withUnsafeBufferPointer { PrintableText.isPrintableUTF8($0) }
                var masked: [UInt8] = []
                _ = bytes.withUnsafeBufferPointer {
                    session.rewriter.rewrite($0, findings: findings[...], binaryLayout: !printable, nullSpansEmpty: true, into: &masked)
                }
                out.append(contentsOf: line[copied..<i])
                masked.withUnsafeBufferPointer { ByteaHex.encode($0, to: &out) }
                copied = end
                changed = true
            }
            i = end
        }
        if changed {
            out.append(contentsOf: line[copied...])
            line = out
        }
        return changed
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
}
