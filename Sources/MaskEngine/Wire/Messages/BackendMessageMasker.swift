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
    /// The longest message this writes; past it, `messageTooLarge`. The length word's range, lowered
    /// only by tests so the path is proven without gigabytes.
    var maxEncodedLength = WireFrame.maxEncodableLength

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
        case .notificationResponse:
            // The sender's pid, then the channel and the payload: text with no NULL of its own.
            guard length >= 4 else {
                throw StreamError(.malformedMessage("'A' message of length \(length + 4)"), at: location)
            }
            return try maskStrings(frame: frame, from: frame.payloadStart + 4, count: 2, location: location, into: &result)
        case .parameterStatus:
            return try maskStrings(frame: frame, from: frame.payloadStart, count: 2, location: location, into: &result)
        case .commandComplete:
            return try maskStrings(frame: frame, from: frame.payloadStart, count: 1, location: location, into: &result)
        case .functionCallResponse:
            // After the result's length word.
            guard length >= 4 else {
                throw StreamError(.malformedMessage("'V' message of length \(length + 4)"), at: location)
            }
            scanFrom = frame.payloadStart + 4
        default:
            scanFrom = id.fixedPayloadLength == nil ? frame.payloadStart : frame.end
        }
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        if scanFrom < frame.end {
            session.scan(chunk, lower: scanFrom, upper: frame.end, index: index, context: ColumnContext(), into: &findings)
        }
        if findings.isEmpty {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<scanFrom]))
        let value = UnsafeBufferPointer(rebasing: chunk[scanFrom..<frame.end])
        session.cellOut.removeAll(keepingCapacity: true)
        // Bytes whose length is part of their meaning (a large object read with `lo_read`): every action,
        // `null` included, is same-length redaction.
        _ = session.rewriter.rewrite(value, findings: findings[...], as: .text, binaryLayout: true, actions: session.textActions, into: &session.cellOut)
        result.output.append(contentsOf: session.cellOut)
    }

    /// ErrorResponse and NoticeResponse: a list of (code byte, C string) ending in a zero byte. Every
    /// string is scanned; tokens never contain NUL, so the list stays well formed.
    func maskFieldList(frame: WireFrame, location: StreamLocation, into result: inout MaskedChunk) throws(StreamError) {
        var strings: [Range<Int>] = []
        var p = frame.payloadStart
        while p < frame.end && chunk[p] != 0 {
            let start = p + 1
            guard start <= frame.end, let nul = chunk[start..<frame.end].firstIndex(of: 0) else {
                var l = location
                l.byteOffset += p - frame.start
                throw StreamError(.malformedMessage("error or notice field is not NUL-terminated"), at: l)
            }
            strings.append(start..<nul)
            p = nul + 1
        }
        // The list ends with its one zero byte, which must be the message's last: bytes after it would
        // pass unscanned.
        guard p == frame.end - 1 else {
            var l = location
            l.byteOffset += p - frame.start
            throw StreamError(.malformedMessage("error or notice field list does not end at the end of its message"), at: l)
        }
        try maskText(frame: frame, strings: strings, location: location, into: &result)
    }

    /// A message of `count` C strings from `start` to its end: NotificationResponse (after the pid),
    /// ParameterStatus, CommandComplete.
    func maskStrings(frame: WireFrame, from start: Int, count: Int, location: StreamLocation,
                     into result: inout MaskedChunk) throws(StreamError) {
        var strings: [Range<Int>] = []
        var p = start
        for _ in 0..<count {
            guard p < frame.end, let nul = chunk[p..<frame.end].firstIndex(of: 0) else {
                var l = location
                l.byteOffset += p - frame.start
                throw StreamError(.malformedMessage("\(StreamError.typeName(frame.type)) string is not NUL-terminated"), at: l)
            }
            strings.append(p..<nul)
            p = nul + 1
        }
        guard p == frame.end else {
            var l = location
            l.byteOffset += p - frame.start
            throw StreamError(.malformedMessage("\(StreamError.typeName(frame.type)) message has bytes after its strings"), at: l)
        }
        try maskText(frame: frame, strings: strings, location: location, into: &result)
    }

    /// Scans each string of a message (none of which has a NULL of its own) and, when one has findings,
    /// writes the message again: the bytes between strings as they were, each string masked as text
    /// (a `null` action empties its spans), and the length patched. Tokens and emptied spans never add
    /// a NUL, so every string stays terminated where the framing says.
    private func maskText(frame: WireFrame, strings: [Range<Int>], location: StreamLocation,
                          into result: inout MaskedChunk) throws(StreamError) {
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        var ends: [Int] = []
        ends.reserveCapacity(strings.count)
        for range in strings {
            session.scan(chunk, lower: range.lowerBound, upper: range.upperBound, index: index, context: ColumnContext(),
                                 into: &findings)
            ends.append(findings.count)
        }
        if findings.isEmpty {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        let messageStart = result.output.count
        result.output.append(chunk[frame.start])
        result.output.append(contentsOf: [0, 0, 0, 0])
        var copied = frame.payloadStart
        var findingsStart = 0
        for (range, findingsEnd) in zip(strings, ends) {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[copied..<range.lowerBound]))
            let value = UnsafeBufferPointer(rebasing: chunk[range])
            session.cellOut.removeAll(keepingCapacity: true)
            switch session.rewriter.rewrite(value, findings: findings[findingsStart..<findingsEnd], as: .text, actions: session.textActions, into: &session.cellOut) {
            case .unchanged: result.output.append(contentsOf: value)
            case .rewritten, .null: result.output.append(contentsOf: session.cellOut)
            }
            copied = range.upperBound
            findingsStart = findingsEnd
        }
        result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[copied..<frame.end]))
        try WireFrame.patchLength(of: messageStart, in: &result.output, limit: maxEncodedLength, location: location)
    }

    /// A CopyData row of a text or CSV COPY is scanned as one value: tokens hold no tab, newline,
    /// backslash, quote or comma, so the row's framing survives. Its findings are reported as column 0.
    /// `strict` counts a bare nine-digit number as an SSN (a live session knows no column names here).
    /// `columns` is the CopyOutResponse's column count when it was seen: with it, a `null` action finds
    /// the row's fields (`CopyRowFields`) and makes each field that holds a finding NULL; a row whose
    /// fields cannot be found is text, and `null` empties its spans.
    func maskCopyText(frame: WireFrame, row: Int, strict: Bool, columns: Int?, layout: CopyRowFields.Layout? = nil,
                      credentials: [ColumnContext?]? = nil, location: StreamLocation, into result: inout MaskedChunk) throws(StreamError) {
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        session.scan(chunk, lower: frame.payloadStart, upper: frame.end, index: index,
                             context: ColumnContext(bareSSN: strict), into: &findings)
        let value = UnsafeBufferPointer(rebasing: chunk[frame.payloadStart..<frame.end])
        if let credentials {
            addCredentialFindings(value, at: frame.payloadStart, columns: columns, layout: layout, credentials: credentials, to: &findings)
        }
        // A bytea field is written as hex (`\\x…` in text, `\x…` in CSV): its bytes are scanned too.
        let hasHex = value.count > 3 && value.withMemoryRebound(to: UInt8.self) { v in
            v.indices.dropLast().contains { v[$0] == UInt8(ascii: "\\") && v[$0 + 1] == UInt8(ascii: "x") }
        }
        if findings.isEmpty && !hasHex {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        for f in findings { result.record(f, row: row, column: 0) }
        let masked: [UInt8]?
        if session.textActions.hasNull, let fields = CopyRowFields(value, columns: columns, layout: layout) {
            masked = maskFields(value, fields, findings, strict: strict, row: row, into: &result)
        } else {
            session.cellOut.removeAll(keepingCapacity: true)
            if findings.isEmpty {
                session.cellOut.append(contentsOf: value)
            } else {
                _ = session.rewriter.rewrite(value, findings: findings[...], as: .text, actions: session.textActions, into: &session.cellOut)
            }
            var line = session.cellOut
            let hex = HexRuns.mask(&line, holder: .text, strict: strict, row: row, session: session, into: &result)
            masked = findings.isEmpty && hex == .unchanged ? nil : line
        }
        guard let masked else {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        let messageStart = result.output.count
        result.output.append(chunk[frame.start])
        result.output.append(contentsOf: [0, 0, 0, 0])
        result.output.append(contentsOf: masked)
        var rowLocation = location
        rowLocation.row = row
        try WireFrame.patchLength(of: messageStart, in: &result.output, limit: maxEncodedLength, location: rowLocation)
    }

    /// Adds to a COPY row's `findings` (offsets into `value`, which starts at `offset` of the chunk) the
    /// secrets of its credential columns (`credentials`, by column): each such field is scanned as a
    /// credential column's value (`CellScanner.scan`: whole, or a JSON document's string values), and
    /// merged with what the row's text scan found. A NULL field (`\N`, or an empty CSV field) stays.
    private func addCredentialFindings(_ value: UnsafeBufferPointer<UInt8>, at offset: Int, columns: Int?, layout: CopyRowFields.Layout?,
                                       credentials: [ColumnContext?], to findings: inout [Finding]) {
        guard let fields = CopyRowFields(value, columns: columns, layout: layout), fields.bounds.count == credentials.count else { return }
        var found: [Finding] = []
        for (bounds, context) in zip(fields.bounds, credentials) {
            guard let context, !bounds.isEmpty else { continue }
            if fields.format == .text && bounds.count == 2 && value[bounds.lowerBound] == 92 && value[bounds.lowerBound + 1] == UInt8(ascii: "N") { continue }
            let first = found.count
            session.scan(chunk, lower: offset + bounds.lowerBound, upper: offset + bounds.upperBound, index: index, context: context, into: &found)
            for i in first..<found.count { found[i].start += bounds.lowerBound; found[i].end += bounds.lowerBound }
        }
        for f in found { FindingMerge.insert(f, into: &findings, from: 0) }
    }

    /// Whether any type's action is `null`: only then are a row's fields looked for.

    /// A row rewritten field by field: a field that holds a finding whose action is `null` (or a bytea
    /// whose bytes hold one) becomes the format's NULL; the other fields are masked as usual. A finding
    /// that runs across a separator joins the fields it touches into one group, masked or NULLed
    /// together. Nil when nothing changed.
    private func maskFields(_ value: UnsafeBufferPointer<UInt8>, _ fields: CopyRowFields, _ findings: [Finding], strict: Bool,
                            row: Int, into result: inout MaskedChunk) -> [UInt8]? {
        let bounds = fields.bounds
        var line: [UInt8] = []
        line.reserveCapacity(value.count)
        var changed = false
        var first = 0
        var findingIndex = 0
        while first < bounds.count {
            var last = first
            var end = findingIndex
            while end < findings.count && findings[end].start < bounds[last].upperBound {
                while findings[end].end > bounds[last].upperBound && last + 1 < bounds.count { last += 1 }
                end += 1
            }
            let group = bounds[first].lowerBound..<bounds[last].upperBound
            let groupFindings = findings[findingIndex..<end]
            var isNull = session.rewriter.hasNullAction(groupFindings, actions: session.textActions)
            var text: [UInt8] = []
            if !isNull {
                let slice = UnsafeBufferPointer(rebasing: value[group])
                if groupFindings.isEmpty {
                    text.append(contentsOf: slice)
                } else {
                    // Clipped to the group: a span may run into the row's line ending (a PEM block
                    // without its END line runs to the end of the value), which stays as it was.
                    let shifted = groupFindings.map {
                        Finding(start: $0.start - group.lowerBound, end: min($0.end, group.upperBound) - group.lowerBound,
                                type: $0.type, kind: $0.kind)
                    }
                    _ = session.rewriter.rewrite(slice, findings: shifted[...], as: .text, actions: session.textActions, into: &text)
                    changed = true
                }
                switch HexRuns.mask(&text, holder: .cell, strict: strict, row: row, session: session, into: &result) {
                case .null: isNull = true
                case .rewritten: changed = true
                case .unchanged: break
                }
            }
            if isNull {
                for k in first...last {
                    if k > first { line.append(value[bounds[k - 1].upperBound]) }
                    line.append(contentsOf: fields.nullLiteral)
                }
                changed = true
            } else {
                line.append(contentsOf: text)
            }
            if last + 1 < bounds.count { line.append(value[bounds[last].upperBound]) }
            first = last + 1
            findingIndex = end
        }
        line.append(contentsOf: UnsafeBufferPointer(rebasing: value[bounds[bounds.count - 1].upperBound...]))
        return changed ? line : nil
    }
}

/// Hex-encoded bytes inside a text line (`\x` then an even number of hex digits: a bytea in COPY
/// output): each run is decoded, scanned (as text when printable, else with same-length redaction),
/// and written back as hex.
enum HexRuns {
    /// `holder` is what the line is: a `.cell` (one field of a row) becomes NULL when a run holds a
    /// `null` finding (the line is then left as it was); in `.text` the run's spans are emptied.
    static func mask(_ line: inout [UInt8], holder: ValueHolder, strict: Bool, row: Int, session: MaskSession,
                     into result: inout MaskedChunk) -> CellOutcome {
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
                session.scan(b, lower: 0, upper: b.count, index: session.decodedIndex,
                                     context: ColumnContext(bareSSN: strict), into: &findings)
            }
            if !findings.isEmpty {
                for f in findings { result.record(f, row: row, column: 0) }
                if holder == .cell && session.rewriter.hasNullAction(findings[...], actions: session.textActions) { return .null }
                let printable = bytes.withUnsafeBufferPointer { PrintableText.isPrintableUTF8($0) }
                var masked: [UInt8] = []
                _ = bytes.withUnsafeBufferPointer {
                    session.rewriter.rewrite($0, findings: findings[...], as: .text, binaryLayout: !printable, actions: session.textActions, into: &masked)
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
        return changed ? .rewritten : .unchanged
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
}
