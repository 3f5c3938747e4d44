import Foundation

/// Where a chunk of CSV starts: offsets for errors and reports, and the header in force.
public struct CSVChunkStart: Sendable {
    public var byteOffset: Int
    /// 1-based line of the chunk's first byte.
    public var line: Int
    /// 0-based data row of the chunk's first record.
    public var rowIndex: Int
    public var header: CSVHeader

    public init(byteOffset: Int = 0, line: Int = 1, rowIndex: Int = 0, header: CSVHeader = CSVHeader(names: [])) {
        self.byteOffset = byteOffset
        self.line = line
        self.rowIndex = rowIndex
        self.header = header
    }
}

/// Masks whole RFC 4180 records (comma separator, `"` quoting with doubled quotes, fields may hold
/// line breaks; LF or CRLF record ends).
///
/// Field boundaries come from the stage-1 structural mask (`,` `"` LF CR), so unquoted fields are found
/// at SIMD speed. A record without findings is copied as it is; otherwise it is rewritten field by
/// field, a quoted field staying quoted. A field whose value contains doubled quotes is unquoted into
/// scratch before it is scanned, so report offsets are offsets into the unquoted value.
public struct CSVChunkMasker {
    /// The field separator: `,` by default (RFC 4180); tab or `;` for other exports.
    public let delimiter: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
    }

    /// Masks the whole records in `chunk`.
    public func mask(_ chunk: UnsafeBufferPointer<UInt8>, start: CSVChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskRecords($0, start: start, session: session) }
    }

    /// Masks the whole records in `chunk`; a chunk in which nothing changes is its own output, uncopied.
    func mask(_ chunk: [UInt8], start: CSVChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskRecords($0, start: start, session: session) }
    }

    /// Masks the records, keeping unchanged runs lazily (`MaskedChunk.keep`) for `MaskedChunk.masking`
    /// to end.
    private func maskRecords(_ chunk: UnsafeBufferPointer<UInt8>, start: CSVChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        let index = StageOneIndex(structural: (delimiter, UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")))
        index.reset(chunk)
        let unquotedIndex = StageOneIndex()
        let unquoted = session.unquoted
        var fields: [FieldSpan] = []
        var contexts = start.header.contexts
        if session.scanner.scansEveryCell {
            for i in contexts.indices { contexts[i].announcedCustom = session.announced(columnName: start.header.names[i]) }
        }
        let (columnActions, unnamedActions) = start.header.actions(session.policy)
        result.auditSource = AuditSource(kind: .csv, table: start.header.table, columns: start.header.names)
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        let scan = session.chunkScan
        var pos = 0
        var line = start.line
        var row = start.rowIndex
        let n = chunk.count
        // Records without findings are not copied one by one: they are kept (`MaskedChunk.keep`), and a
        // run of them is copied in one piece when a record changes, or not at all when nothing in the
        // chunk changes (then the input itself is the output).
        while pos < n {
            let recordStart = pos
            fields.removeAll(keepingCapacity: true)
            findings.removeAll(keepingCapacity: true)
            func fail(_ kind: StreamError.Kind, at offset: Int) -> MaskedChunk {
                result.error = StreamError(kind, at: StreamLocation(byteOffset: start.byteOffset + offset, line: line,
                                                                   row: row, column: fields.count))
                return result
            }
            var recordDone = false
            while !recordDone {
                var field = FieldSpan(rawStart: pos, rawEnd: pos, valueStart: pos, valueEnd: pos, quoted: false,
                                     needsDecoding: false, findingsEnd: 0)
                if pos < n && chunk[pos] == UInt8(ascii: "\"") {
                    field.quoted = true
                    let fieldLine = line
                    var q = pos + 1
                    var closing = -1
                    while let next = index.nextStructural(from: q, before: n) {
                        let b = chunk[next]
                        if b == UInt8(ascii: "\"") {
                            if next + 1 < n && chunk[next + 1] == UInt8(ascii: "\"") {
                                field.needsDecoding = true
                                q = next + 2
                                continue
                            }
                            closing = next
                            break
                        }
                        if b == UInt8(ascii: "\n") { line += 1 }
                        q = next + 1
                    }
                    if closing < 0 {
                        line = fieldLine  // name the line where the quote opened
                        return fail(.csvUnterminatedQuote, at: pos)
                    }
                    field.valueStart = pos + 1
                    field.valueEnd = closing
                    pos = closing + 1
                } else {
                    var end = n
                    var q = pos
                    while let next = index.nextStructural(from: q, before: n) {
                        let b = chunk[next]
                        if b == UInt8(ascii: "\"") { return fail(.csvQuoteInUnquotedField, at: next) }
                        if b == UInt8(ascii: "\r") && !(next + 1 < n && chunk[next + 1] == UInt8(ascii: "\n")) {
                            q = next + 1  // a lone CR is data
                            continue
                        }
                        end = next
                        break
                    }
                    field.valueEnd = end
                    pos = end
                }
                field.rawEnd = pos
                // Scan the value.
                let context = fields.count < contexts.count ? contexts[fields.count] : ColumnContext()
                // Unquoting only removes quotes, so a raw value without candidates needs no unquoted copy.
                if field.needsDecoding && (index.hasCandidates(field.valueStart, field.valueEnd) || scan.scansEveryCell) {
                    Self.unquote(chunk, field.valueStart, field.valueEnd, into: unquoted)
                    do {
                        let u = unquoted.bytes
                        unquotedIndex.reset(u)
                        scan.scan(u, lower: 0, upper: u.count, index: unquotedIndex, context: context,
                                             into: &findings)
                    }
                } else if !field.needsDecoding {
                    scan.scan(chunk, lower: field.valueStart, upper: field.valueEnd, index: index,
                                         context: context, into: &findings)
                }
                field.findingsEnd = findings.count
                fields.append(field)
                // What follows the field.
                if pos >= n {
                    recordDone = true
                } else if chunk[pos] == delimiter {
                    pos += 1
                    if pos == n { fields.append(FieldSpan(empty: pos, findingsEnd: findings.count)); recordDone = true }
                } else if chunk[pos] == UInt8(ascii: "\n") {
                    pos += 1; line += 1; recordDone = true
                } else if chunk[pos] == UInt8(ascii: "\r") && pos + 1 < n && chunk[pos + 1] == UInt8(ascii: "\n") {
                    pos += 2; line += 1; recordDone = true
                } else {
                    return fail(.csvTextAfterClosingQuote, at: pos)
                }
            }
            if findings.isEmpty {
                result.keep(recordStart..<pos, of: chunk)
            } else {
                emit(chunk, recordStart: recordStart, recordEnd: pos, fields: fields, findings: findings, row: row, session: session,
                     columnActions: columnActions, unnamedActions: unnamedActions, unquoted: unquoted, into: &result)
            }
            row += 1
            result.rows += 1
        }
        return result
    }

    /// Writes one record with findings, field by field.
    private func emit(_ chunk: UnsafeBufferPointer<UInt8>, recordStart: Int, recordEnd: Int, fields: [FieldSpan],
                      findings: [Finding], row: Int, session: MaskSession, columnActions: [ActionTable], unnamedActions: ActionTable,
                      unquoted: ByteScratch, into result: inout MaskedChunk) {
        var findingsStart = 0
        // Unchanged fields, with the delimiter before each, are kept lazily (`MaskedChunk.keep`): runs of
        // them, across records too, are copied in one piece.
        for (column, field) in fields.enumerated() {
            let withDelimiter = column > 0 ? field.rawStart - 1 : field.rawStart
            let cellFindings = findings[findingsStart..<field.findingsEnd]
            findingsStart = field.findingsEnd
            if cellFindings.isEmpty {
                result.keep(withDelimiter..<field.rawEnd, of: chunk)
                continue
            }
            for f in cellFindings { result.record(f, row: row, column: column) }
            session.cellOut.removeAll(keepingCapacity: true)
            let actions = column < columnActions.count ? columnActions[column] : unnamedActions
            let outcome: CellOutcome
            if field.needsDecoding {
                Self.unquote(chunk, field.valueStart, field.valueEnd, into: unquoted)
                outcome = session.rewriter.rewrite(unquoted.bytes, findings: cellFindings, as: .cell, actions: actions,
                                                   into: &session.cellOut)
            } else {
                let value = UnsafeBufferPointer(rebasing: chunk[field.valueStart..<field.valueEnd])
                outcome = session.rewriter.rewrite(value, findings: cellFindings, as: .cell, actions: actions, into: &session.cellOut)
            }
            if outcome != .unchanged && session.rewriter.masksAny(cellFindings, actions: actions) { result.maskedCells += 1 }
            switch outcome {
            case .unchanged:
                result.keep(withDelimiter..<field.rawEnd, of: chunk)
            case .null:
                // NULL in CSV is an empty unquoted field.
                result.keep(withDelimiter..<field.rawStart, of: chunk)
            case .rewritten:
                result.keep(withDelimiter..<field.rawStart, of: chunk)
                result.flushKept(chunk)
                Self.appendField(session.cellOut, quoted: field.quoted, delimiter: delimiter, scratch: session.quoted,
                                 to: &result.output)
            }
        }
        // The record's own line ending.
        if let last = fields.last { result.keep(last.rawEnd..<recordEnd, of: chunk) }
    }

    /// Quotes when the original was quoted or the value needs it; doubles quotes inside. The quoted form
    /// is built in `scratch` and appended in one piece.
    static func appendField(_ value: [UInt8], quoted: Bool, delimiter: UInt8, scratch: ByteScratch, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        value.withUnsafeBufferPointer { v in
            var needsQuotes = quoted
            if !needsQuotes {
                for b in v where b == delimiter || b == quote || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                    needsQuotes = true
                    break
                }
            }
            if !needsQuotes { out.append(contentsOf: v); return }
            // Sound: at most two bytes per value byte plus the two enclosing quotes are written, and that
            // much was reserved; every copy reads inside `v` (runs end at a quote memchr found, or at its end).
            let p = scratch.startWriting(atMost: 2 * v.count + 2)
            var k = 0
            p[k] = quote; k += 1
            // Runs between quotes are copied whole: a masked cell is mostly text without quotes, and a
            // byte loop here was half of the CSV writer's time on the dense corpus.
            var i = 0
            while i < v.count, let base = v.baseAddress {
                let hit = memchr(base + i, Int32(quote), v.count - i)
                let runEnd = hit.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) + 1 } ?? v.count
                (p + k).update(from: base + i, count: runEnd - i)
                k += runEnd - i
                if hit != nil { p[k] = quote; k += 1 }
                i = runEnd
            }
            p[k] = quote; k += 1
            scratch.setCount(k)
            out.append(contentsOf: scratch.bytes)
        }
    }

    /// The value of a quoted field whose quotes are doubled, with each `""` made one `"`.
    ///
    /// Eight bytes at a time while a word holds no quote (a JSON value in CSV has a quote every few
    /// bytes, and its byte loop was a third of the record loop's time on PII-free CSV), then byte by byte.
    static func unquote(_ chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: ByteScratch) {
        // Sound: the value is never longer unquoted, and that much was reserved. The parser guarantees
        // quotes come in pairs here, so the byte after a quote is its pair, skipped.
        let p = out.startWriting(atMost: end - start)
        guard start < end, let base = chunk.baseAddress else { out.setCount(0); return }
        var k = 0
        var i = start
        let quotes: UInt64 = 0x2222_2222_2222_2222
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= end {
            // Sound: i + 8 <= end reads inside the value; k <= i - start, so the 8 bytes stored at p + k
            // end at or before p + (end - start), the space reserved.
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            UnsafeMutableRawPointer(p + k).storeBytes(of: word.littleEndian, as: UInt64.self)
            // The classic zero-byte test on word ^ quotes: its lowest flag is the first quote exactly
            // (flags above a true zero byte may be false, the lowest never is).
            let x = word ^ quotes
            let flags = (x &- ones) & ~x & highs
            if flags == 0 {
                k += 8
                i += 8
            } else {
                let q = flags.trailingZeroBitCount >> 3
                k += q + 1  // the bytes before the quote and one quote
                i += q + 2  // and its pair
            }
        }
        while i < end {
            let b = chunk[i]
            p[k] = b
            k += 1
            i += b == UInt8(ascii: "\"") ? 2 : 1
        }
        out.setCount(k)
    }
}

/// Splitting a byte range at one separator byte with memchr, for copying runs in bulk.
enum ByteRuns {
    /// Calls `body` with each run between separators in `bytes[start..<end]`, and whether that run
    /// ends at a separator (the last run does not).
    @inline(__always)
    static func forEachRun(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, separatedBy separator: UInt8,
                           _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void) {
        guard start < end, let base = bytes.baseAddress else { return }
        var p = start
        while p < end {
            // Sound: p..<end lies inside `bytes`.
            guard let hit = memchr(base + p, Int32(separator), end - p) else {
                body(UnsafeBufferPointer(start: base + p, count: end - p), false)
                return
            }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            body(UnsafeBufferPointer(start: base + p, count: at - p), true)
            p = at + 1
        }
    }
}

