/// Where a chunk of a backend message stream starts: its offsets in the stream and the RowDescription in
/// force, so that chunks can be masked on any thread in any order.
public struct WireChunkStart: Sendable {
    public var byteOffset: Int
    public var messageIndex: Int
    public var rowIndex: Int
    public var rowDescription: RowDescription?

    public init(byteOffset: Int = 0, messageIndex: Int = 0, rowIndex: Int = 0, rowDescription: RowDescription? = nil) {
        self.byteOffset = byteOffset
        self.messageIndex = messageIndex
        self.rowIndex = rowIndex
        self.rowDescription = rowDescription
    }
}

/// Masks a chunk of PostgreSQL backend messages: DataRow cells are scanned and re-encoded when they
/// change, CopyData rows and the fields of ErrorResponse/NoticeResponse (which echo values, e.g.
/// `Key (email)=(…) already exists`) are masked too, and every other message passes through unchanged.
///
/// Framing is checked once per message (length at least 4, within the limit, within the input), and
/// every cell length once per cell, before any byte of that message is written: on error the output
/// ends before the failing message.
public struct WireChunkMasker {
    public static let defaultMaxMessageBytes = 1 << 30
    public var maxMessageBytes: Int

    public init(maxMessageBytes: Int = WireChunkMasker.defaultMaxMessageBytes) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Masks the messages in `chunk`. A message cut off by the chunk's end is an error: the caller splits
    /// chunks at message boundaries, so only the end of the input can cut one.
    public func mask(_ chunk: UnsafeBufferPointer<UInt8>, start: WireChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk()
        result.output.reserveCapacity(chunk.count + chunk.count / 8)
        let index = StageOneIndex()
        index.reset(chunk)
        var rowDescription = start.rowDescription
        var messageIndex = start.messageIndex
        var row = start.rowIndex
        var pos = 0
        while pos < chunk.count {
            let location = StreamLocation(byteOffset: start.byteOffset + pos, message: messageIndex)
            let header: WireFrame
            do throws(StreamError) {
                header = try WireFrame.read(chunk, at: pos, limit: maxMessageBytes, location: location)
            } catch {
                result.error = error
                return result
            }
            let payload = UnsafeBufferPointer(rebasing: chunk[header.payloadStart..<header.end])
            do throws(StreamError) {
                switch header.type {
                case UInt8(ascii: "T"):
                    var payloadLocation = location
                    payloadLocation.byteOffset += 5
                    rowDescription = try RowDescription.decode(payload, at: payloadLocation)
                    result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[pos..<header.end]))
                case UInt8(ascii: "D"):
                    try maskDataRow(chunk, frame: header, rowDescription: rowDescription, row: row,
                                    location: location, index: index, session: session, into: &result)
                    row += 1
                    result.rows += 1
                case UInt8(ascii: "d"):
                    maskCopyData(chunk, frame: header, row: row, index: index, session: session, into: &result)
                    row += 1
                    result.rows += 1
                case UInt8(ascii: "E"), UInt8(ascii: "N"):
                    try maskFieldList(chunk, frame: header, location: location, index: index, session: session, into: &result)
                default:
                    try passOther(chunk, frame: header, location: location, index: index, session: session, into: &result)
                }
            } catch {
                result.error = error
                return result
            }
            pos = header.end
            messageIndex += 1
        }
        return result
    }

    private func maskDataRow(_ chunk: UnsafeBufferPointer<UInt8>, frame: WireFrame, rowDescription: RowDescription?,
                             row: Int, location: StreamLocation, index: StageOneIndex, session: MaskSession,
                             into result: inout MaskedChunk) throws(StreamError) {
        var p = frame.payloadStart
        func error(_ kind: StreamError.Kind, column: Int? = nil) -> StreamError {
            var l = location
            l.byteOffset += p - frame.start
            l.row = row
            l.column = column
            return StreamError(kind, at: l)
        }
        guard frame.end - p >= 2 else { throw error(.malformedDataRow("no column count")) }
        let count = Int(Int16(bitPattern: UInt16(chunk[p]) << 8 | UInt16(chunk[p + 1])))
        guard count >= 0 else { throw error(.malformedDataRow("negative column count \(count)")) }
        if let rowDescription, rowDescription.fields.count != count {
            throw error(.columnCountMismatch(rowDescription: rowDescription.fields.count, dataRow: count))
        }
        p += 2
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        // First pass: check every length and scan every cell, before anything is written.
        // Borrow the session's scratch without a copy-on-write (swap, and swap back on every exit).
        var cellBounds: [CellBounds] = []
        swap(&cellBounds, &session.cellBounds)
        defer { swap(&cellBounds, &session.cellBounds) }
        cellBounds.removeAll(keepingCapacity: true)
        for column in 0..<count {
            guard frame.end - p >= 4 else { throw error(.malformedDataRow("cell \(column) has no length"), column: column) }
            let length = Int(Int32(bitPattern: UInt32(chunk[p]) << 24 | UInt32(chunk[p + 1]) << 16
                | UInt32(chunk[p + 2]) << 8 | UInt32(chunk[p + 3])))
            if length < -1 { throw error(.negativeCellLength(length), column: column) }
            p += 4
            if length == -1 {
                cellBounds.append(CellBounds(start: p, end: p, findingsEnd: findings.count, isNull: true))
                continue
            }
            guard length <= frame.end - p else {
                throw error(.cellPastEnd(length: length, available: frame.end - p), column: column)
            }
            let context = rowDescription?.contexts[column] ?? ColumnContext()
            session.scanner.scan(chunk, lower: p, upper: p + length, index: index, context: context, into: &findings)
            p += length
            cellBounds.append(CellBounds(start: p - length, end: p, findingsEnd: findings.count, isNull: false))
        }
        guard p == frame.end else { throw error(.malformedDataRow("\(frame.end - p) bytes after the last cell")) }
        if findings.isEmpty {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        // Second pass: re-encode the row with masked cells.
        let messageStart = result.output.count
        result.output.append(UInt8(ascii: "D"))
        result.output.append(contentsOf: [0, 0, 0, 0])
        result.output.append(UInt8(truncatingIfNeeded: count >> 8))
        result.output.append(UInt8(truncatingIfNeeded: count))
        var findingsStart = 0
        for column in 0..<count {
            let cell = cellBounds[column]
            let cellFindings = findings[findingsStart..<cell.findingsEnd]
            findingsStart = cell.findingsEnd
            if cell.isNull { WireFrame.appendInt32(-1, to: &result.output); continue }
            for f in cellFindings { result.record(f, row: row, column: column) }
            let field = rowDescription?.fields[column]
            let binaryLayout = field.map { $0.formatCode == 1 && !PostgresType.binaryIsText($0.typeOID) } ?? false
            session.cellOut.removeAll(keepingCapacity: true)
            let value = UnsafeBufferPointer(rebasing: chunk[cell.start..<cell.end])
            switch session.rewriter.rewrite(value, findings: cellFindings, binaryLayout: binaryLayout, into: &session.cellOut) {
            case .unchanged:
                WireFrame.appendInt32(Int32(value.count), to: &result.output)
                result.output.append(contentsOf: value)
            case .rewritten:
                WireFrame.appendInt32(Int32(session.cellOut.count), to: &result.output)
                result.output.append(contentsOf: session.cellOut)
            case .null:
                WireFrame.appendInt32(-1, to: &result.output)
            }
        }
        WireFrame.patchLength(of: messageStart, in: &result.output)
    }

    /// Every other backend message. Types with a fixed length are checked against it (a DataRow whose type
    /// byte was damaged must not pass as a ReadyForQuery); types that carry strings (CommandComplete,
    /// ParameterStatus, NotificationResponse, …) are scanned with same-length redaction, which keeps
    /// their framing; a type byte that no backend sends means lost synchronisation and is an error.
    private func passOther(_ chunk: UnsafeBufferPointer<UInt8>, frame: WireFrame, location: StreamLocation,
                           index: StageOneIndex, session: MaskSession, into result: inout MaskedChunk) throws(StreamError) {
        let length = frame.end - frame.start - 1
        let fixed: Int?
        switch frame.type {
        case UInt8(ascii: "Z"): fixed = 5
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "n"), UInt8(ascii: "I"),
             UInt8(ascii: "s"), UInt8(ascii: "c"): fixed = 4
        case UInt8(ascii: "K"): fixed = 12
        case UInt8(ascii: "C"), UInt8(ascii: "S"), UInt8(ascii: "A"), UInt8(ascii: "t"), UInt8(ascii: "H"),
             UInt8(ascii: "G"), UInt8(ascii: "W"), UInt8(ascii: "V"), UInt8(ascii: "R"), UInt8(ascii: "v"):
            fixed = nil
        default:
            throw StreamError(.malformedMessage("unknown backend message type \(StreamError.typeName(frame.type))"), at: location)
        }
        if let fixed, fixed != length {
            throw StreamError(.malformedMessage("\(StreamError.typeName(frame.type)) message of length \(length), expected \(fixed)"),
                              at: location)
        }
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        if fixed == nil {
            session.scanner.scan(chunk, lower: frame.payloadStart, upper: frame.end, index: index, context: ColumnContext(),
                                 into: &findings)
        }
        if findings.isEmpty {
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
            return
        }
        result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.payloadStart]))
        let value = UnsafeBufferPointer(rebasing: chunk[frame.payloadStart..<frame.end])
        session.cellOut.removeAll(keepingCapacity: true)
        _ = session.rewriter.rewrite(value, findings: findings[...], binaryLayout: true, into: &session.cellOut)
        result.output.append(contentsOf: session.cellOut)
    }

    /// A CopyData row (COPY OUT) is scanned as one value: tokens hold no tab, newline or backslash, so
    /// the COPY text framing inside it survives. Its findings are reported as column 0.
    private func maskCopyData(_ chunk: UnsafeBufferPointer<UInt8>, frame: WireFrame, row: Int, index: StageOneIndex,
                              session: MaskSession, into result: inout MaskedChunk) {
        session.findings.removeAll(keepingCapacity: true)
        session.scanner.scan(chunk, lower: frame.payloadStart, upper: frame.end, index: index, context: ColumnContext(),
                             into: &session.findings)
        appendRewritten(chunk, frame: frame, session: session, into: &result)
        for f in session.findings { result.record(f, row: row, column: 0) }
    }

    /// ErrorResponse and NoticeResponse: a list of (code byte, C string) ending in a zero byte. Every
    /// string is scanned; tokens never contain NUL, so the list stays well formed.
    private func maskFieldList(_ chunk: UnsafeBufferPointer<UInt8>, frame: WireFrame, location: StreamLocation,
                               index: StageOneIndex, session: MaskSession, into result: inout MaskedChunk) throws(StreamError) {
        session.findings.removeAll(keepingCapacity: true)
        var p = frame.payloadStart
        var ranges: [(Int, Int, Int)] = []
        while p < frame.end && chunk[p] != 0 {
            let start = p + 1
            guard let nul = chunk[start..<frame.end].firstIndex(of: 0) else {
                var l = location
                l.byteOffset += p - frame.start
                throw StreamError(.malformedMessage("error or notice field is not NUL-terminated"), at: l)
            }
            session.scanner.scan(chunk, lower: start, upper: nul, index: index, context: ColumnContext(), into: &session.findings)
            ranges.append((start, nul, session.findings.count))
            p = nul + 1
        }
        // The list ends with its one zero byte, which must be the message's last: bytes after it would
        // pass unscanned.
        guard p == frame.end - 1 else {
            var l = location
            l.byteOffset += p - frame.start
            throw StreamError(.malformedMessage("error or notice field list does not end at the end of its message"), at: l)
        }
        if session.findings.isEmpty {
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
            let outcome = session.rewriter.rewrite(value, findings: session.findings[findingsStart..<findingsEnd], into: &session.cellOut)
            switch outcome {
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

    /// Writes a message whose whole payload is one value (CopyData), masked.
    private func appendRewritten(_ chunk: UnsafeBufferPointer<UInt8>, frame: WireFrame, session: MaskSession,
                                 into result: inout MaskedChunk) {
        let value = UnsafeBufferPointer(rebasing: chunk[frame.payloadStart..<frame.end])
        session.cellOut.removeAll(keepingCapacity: true)
        switch session.rewriter.rewrite(value, findings: session.findings[...], into: &session.cellOut) {
        case .unchanged:
            result.output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[frame.start..<frame.end]))
        case .rewritten, .null:
            // A COPY row has no NULL of its own: a `null` action empties the row's masked spans instead.
            let messageStart = result.output.count
            result.output.append(chunk[frame.start])
            result.output.append(contentsOf: [0, 0, 0, 0])
            result.output.append(contentsOf: session.cellOut)
            WireFrame.patchLength(of: messageStart, in: &result.output)
        }
    }
}

/// One cell of the row being masked: its bytes in the chunk and where its findings end.
struct CellBounds {
    var start: Int
    var end: Int
    var findingsEnd: Int
    var isNull: Bool
}
