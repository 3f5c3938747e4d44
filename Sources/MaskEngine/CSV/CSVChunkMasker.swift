import CMaskKernels
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
/// Field boundaries come from byte masks (`TextFieldSplitter`, one pass over the records; a malformed
/// record is read byte by byte between the stage-1 structural bytes, which names where it goes wrong).
/// Values are scanned in the batch's copy of them (`TextRecordBatch.addGathered`). A record without findings is copied as it
/// is; otherwise it is rewritten field by field, a quoted field staying quoted. A field whose value
/// contains doubled quotes is unquoted before it is scanned, so report offsets are offsets into the
/// unquoted value.
public struct CSVChunkMasker {
    /// The field separator: `,` by default (RFC 4180); tab or `;` for other exports.
    public let delimiter: UInt8

    /// Whether runs of well-formed records are read by `TextFieldSplitter` (the default) rather than
    /// record by record: the tests compare the two.
    let readsFieldsInOnePass: Bool

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.init(delimiter: delimiter, readsFieldsInOnePass: true)
    }

    package init(delimiter: UInt8 = UInt8(ascii: ","), readsFieldsInOnePass: Bool) {
        self.delimiter = delimiter
        self.readsFieldsInOnePass = readsFieldsInOnePass
    }

    /// Masks the whole records in `chunk`.
    public func mask(_ chunk: UnsafeBufferPointer<UInt8>, start: CSVChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskRecords($0, start: start, session: session) }
    }

    /// Masks the whole records in `chunk`; a chunk in which nothing changes is its own output, uncopied.
    func mask(_ chunk: [UInt8], start: CSVChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskRecords($0, start: start, session: session) }
    }

    /// Masks the records batch by batch (`TextRecordBatch`), keeping unchanged runs lazily
    /// (`MaskedChunk.keep`) for `MaskedChunk.masking` to end.
    private func maskRecords(_ chunk: UnsafeBufferPointer<UInt8>, start: CSVChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        var contexts = start.header.contexts
        if session.scanner.scansEveryCell {
            for i in contexts.indices { contexts[i].announcedCustom = session.announced(columnName: start.header.names[i]) }
        }
        let (columnActions, unnamedActions) = start.header.actions(session.policy)
        func actions(_ column: Int) -> ActionTable { column < columnActions.count ? columnActions[column] : unnamedActions }
        result.auditSource = AuditSource(kind: .csv, table: start.header.table, columns: start.header.names)
        // What every rewritten cell uses, taken from the session once per chunk rather than once per cell
        // (each read of a session property was a retain and a release, and `cellOut` an access check).
        let writer = CellWriter(rewriter: session.rewriter, quoted: session.quoted)
        var cellOut = session.cellOut
        session.cellOut = []
        defer { session.cellOut = cellOut }
        // Records without findings are not copied one by one: they are kept (`MaskedChunk.keep`), and a
        // run of them is copied in one piece when a record changes, or not at all when nothing in the
        // chunk changes (then the input itself is the output).
        // Plain records (their fields are their values' bytes: no doubled quote, no backslash) are kept
        // without reading their fields where they hold no candidate and each column is scanned only for
        // candidates (`TextRecordBatch.keepPlainRecords`); the record loop, which the tests compare with
        // the splitter, reads every record.
        let probesPlainRecords = readsFieldsInOnePass && !contexts.contains { $0.credentialColumn }
        result.error = TextRecordBatch.mask(
            chunk, structural: (delimiter, UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")),
            from: TextRecordBatch.Position(offset: 0, line: start.line, row: start.rowIndex), session: session,
            probesPlainRecords: probesPlainRecords,
            plainRecords: { offset, limit in
                var (records, lines, irregular): (Int, Int, Int32) = (0, 0, 0)
                // Sound: the kernel reads inside the chunk.
                let end = mk_plain_csv_records(chunk.baseAddress, chunk.count, offset, limit, delimiter, &records, &lines,
                                               &irregular)
                return (end, records, lines, irregular != 0)
            },
            parse: { position, index, batch in
                parseBatch(chunk, at: &position, index: index, start: start,
                           splitter: readsFieldsInOnePass ? session.fieldSplitter : nil, into: &batch)
            },
            context: { $0 < contexts.count ? contexts[$0] : ColumnContext() },
            actions: actions,
            write: { record, batch, row in
                if record.fields.allSatisfy({ batch.fields[$0].hasNoFindings }) {
                    result.keep(record.start..<record.end, of: chunk)
                } else {
                    emit(chunk, record: record, batch: batch, row: row, writer: writer, cellOut: &cellOut, actions: actions,
                         into: &result)
                }
                result.rows += 1
            },
            keep: { range, count in
                result.keep(range, of: chunk)
                result.rows += count
            })
        return result
    }

    /// Adds the records from `position` to `batch` until it is full or the chunk ends, their values
    /// copied into the batch (`TextRecordBatch.addRecords`): runs of well-formed records read by
    /// `splitter` (the session's) in one pass, and a record it leaves (malformed, a lone CR, too wide) by
    /// `readRecord`, which names the error if there is one. Without a splitter every record goes through
    /// `readRecord` (the tests compare the two).
    private func parseBatch(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout TextRecordBatch.Position, index: StageOneIndex,
                            start: CSVChunkStart, splitter: TextFieldSplitter?,
                            into batch: inout TextRecordBatch) -> StreamError? {
        TextRecordBatch.addRecords(
            chunk, at: &position, into: &batch, splitter: splitter,
            read: { $0.read(chunk, from: $1, delimiter: delimiter, maxRecords: $2, maxBytes: $3) },
            readRecord: { readRecord(chunk, at: &$0, index: index, start: start, into: &$1) })
    }

    /// Reads the record at `position` byte by byte between stage-1 structural bytes: the reference
    /// reading of a record, and the one that names where a malformed record goes wrong.
    private func readRecord(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout TextRecordBatch.Position, index: StageOneIndex,
                            start: CSVChunkStart, into batch: inout TextRecordBatch) -> StreamError? {
        let n = chunk.count
        var pos = position.offset
        var line = position.line
        defer { position.offset = pos; position.line = line }
        batch.beginRecord(at: pos)
        // `column`: the field's, when the field was already added.
        func fail(_ kind: StreamError.Kind, at offset: Int, column: Int? = nil) -> StreamError {
            let error = StreamError(kind, at: StreamLocation(byteOffset: start.byteOffset + offset, line: line,
                                                            row: position.row, column: column ?? batch.fieldsInRecord))
            batch.dropRecord()
            return error
        }
        var recordDone = false
        while !recordDone {
            let rawStart = pos
            var quoted = false
            var needsDecoding = false
            if pos < n && chunk[pos] == UInt8(ascii: "\"") {
                quoted = true
                let fieldLine = line
                var q = pos + 1
                var closing = -1
                while let next = index.nextStructural(from: q, before: n) {
                    let b = chunk[next]
                    if b == UInt8(ascii: "\"") {
                        if next + 1 < n && chunk[next + 1] == UInt8(ascii: "\"") {
                            needsDecoding = true
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
                pos = end
            }
            // As `mk_csv_fields` flags it: the value's first byte is a backslash (perhaps bytea's hex text).
            let valueStart = rawStart + (quoted ? 1 : 0)
            batch.appendCSVField(start: rawStart, end: pos, quoted: quoted, doubled: needsDecoding,
                                 backslash: valueStart < pos && chunk[valueStart] == UInt8(ascii: "\\"))
            // What follows the field.
            if pos >= n {
                recordDone = true
            } else if chunk[pos] == delimiter {
                pos += 1
                if pos == n { batch.appendCSVField(start: pos, end: pos, quoted: false, doubled: false, backslash: false); recordDone = true }
            } else if chunk[pos] == UInt8(ascii: "\n") {
                pos += 1; line += 1; recordDone = true
            } else if chunk[pos] == UInt8(ascii: "\r") && pos + 1 < n && chunk[pos + 1] == UInt8(ascii: "\n") {
                pos += 2; line += 1; recordDone = true
            } else {
                return fail(.csvTextAfterClosingQuote, at: pos, column: batch.fieldsInRecord - 1)
            }
        }
        batch.endCSVRecord(chunk, at: pos, copiedAtMost: TextRecordBatch.copiedAtMost)
        position.row += 1
        return nil
    }

    /// The session's parts that rewrite a record's cells (`emit`).
    private struct CellWriter {
        let rewriter: CellRewriter
        let quoted: ByteScratch

        /// Appends the masked form of a field's value to `out`, and counts the cell as masked when it
        /// changes and a span of it is masked (a kept span or documented example rewrites without).
        @inline(__always)
        func rewrite(_ value: UnsafeBufferPointer<UInt8>, spans: UnsafeBufferPointer<Finding>, actions: ActionTable,
                     into out: inout [UInt8], maskedCells: inout Int) -> CellOutcome {
            let outcome = rewriter.rewrite(value, spans: spans, as: .cell, actions: actions, into: &out)
            if outcome != .unchanged && rewriter.masksAny(spans: spans, actions: actions) { maskedCells += 1 }
            return outcome
        }
    }

    /// Writes one record with findings, field by field.
    private func emit(_ chunk: UnsafeBufferPointer<UInt8>, record: TextRecordBatch.Record, batch: TextRecordBatch, row: Int,
                      writer: CellWriter, cellOut: inout [UInt8], actions: (Int) -> ActionTable,
                      into result: inout MaskedChunk) {
        // Unchanged fields, with the delimiter before each, are kept lazily (`MaskedChunk.keep`): runs of
        // them, across records too, are copied in one piece.
        batch.forEachField(of: record) { column, field, cellFindings in
            let withDelimiter = column > 0 ? field.rawStart - 1 : field.rawStart
            if cellFindings.isEmpty {
                result.keep(withDelimiter..<field.rawEnd, of: chunk)
                return
            }
            for f in cellFindings { result.record(f, row: row, column: column) }
            let actions = actions(column)
            if field.isByteaHex {
                // bytea as PostgreSQL's COPY CSV writes it (`\x…`): the findings are offsets into the bytes
                // it encodes, which are masked as the wire path masks a bytea cell and written back as hex.
                cellOut.removeAll(keepingCapacity: true)
                let outcome = ByteaHex.rewrite(batch.value(of: field, in: chunk), spans: cellFindings, rewriter: writer.rewriter,
                                               actions: actions, into: &cellOut)
                if outcome != .unchanged && writer.rewriter.masksAny(spans: cellFindings, actions: actions) { result.maskedCells += 1 }
                switch outcome {
                case .unchanged:
                    result.keep(withDelimiter..<field.rawEnd, of: chunk)
                case .null:
                    result.keep(withDelimiter..<field.rawStart, of: chunk)  // NULL in CSV is an empty unquoted field
                case .rewritten:
                    result.keep(withDelimiter..<field.rawStart, of: chunk)
                    result.flushKept(chunk)
                    Self.appendField(cellOut, quoted: field.quoted, delimiter: delimiter, scratch: writer.quoted, to: &result.output)
                }
                return
            }
            if !field.quoted {
                // An unquoted field's masked value goes straight into the output (a copy through
                // `cellOut` per rewritten cell, an email column's every cell, was saved); quoted after
                // all in the rare case that it needs quotes now: a value without a quote or a line break
                // gets none from an action, but a token may hold a delimiter that is a letter or digit.
                result.keep(withDelimiter..<field.rawStart, of: chunk)
                result.flushKept(chunk)
                let start = result.output.count
                switch writer.rewrite(batch.value(of: field, in: chunk), spans: cellFindings, actions: actions,
                                      into: &result.output, maskedCells: &result.maskedCells) {
                case .unchanged:
                    result.keep(field.rawStart..<field.rawEnd, of: chunk)
                case .null:
                    break  // NULL in CSV is an empty unquoted field
                case .rewritten:
                    let quotes = result.output.withUnsafeBufferPointer {
                        Self.needsQuotes(UnsafeBufferPointer(rebasing: $0[start...]), delimiter: delimiter)
                    }
                    if quotes {
                        cellOut.removeAll(keepingCapacity: true)
                        cellOut.append(contentsOf: result.output[start...])
                        result.output.removeSubrange(start...)
                        Self.appendField(cellOut, quoted: false, delimiter: delimiter, scratch: writer.quoted, to: &result.output)
                    }
                }
                return
            }
            cellOut.removeAll(keepingCapacity: true)
            switch writer.rewrite(batch.value(of: field, in: chunk), spans: cellFindings, actions: actions, into: &cellOut,
                                  maskedCells: &result.maskedCells) {
            case .unchanged:
                result.keep(withDelimiter..<field.rawEnd, of: chunk)
            case .null:
                // NULL in CSV is an empty unquoted field.
                result.keep(withDelimiter..<field.rawStart, of: chunk)
            case .rewritten:
                result.keep(withDelimiter..<field.rawStart, of: chunk)
                result.flushKept(chunk)
                Self.appendField(cellOut, quoted: field.quoted, delimiter: delimiter, scratch: writer.quoted,
                                 to: &result.output)
            }
        }
        // The record's own line ending.
        if let last = record.fields.last { result.keep(batch.fields[last].rawEnd..<record.end, of: chunk) }
    }

    /// Whether an unquoted value must be quoted: it holds the delimiter, a quote or a line break. Every
    /// byte is read, without an early exit, so that the loop compiles to vector compares: a rewritten
    /// value rarely holds one, and the byte loop that stopped at the first was a third of the writer.
    @inline(__always)
    static func needsQuotes(_ v: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
        var found: UInt8 = 0
        for b in v {
            found |= (b == delimiter ? 1 : 0) | (b == UInt8(ascii: "\"") ? 1 : 0) | (b == UInt8(ascii: "\n") ? 1 : 0)
                | (b == UInt8(ascii: "\r") ? 1 : 0)
        }
        return found != 0
    }

    /// Quotes when the original was quoted or the value needs it; doubles quotes inside. The quoted form
    /// is built in `scratch` (`mk_csv_quote`) and appended in one piece.
    static func appendField(_ value: [UInt8], quoted: Bool, delimiter: UInt8, scratch: ByteScratch, to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { v in
            if !quoted && !needsQuotes(v, delimiter: delimiter) { out.append(copying: v); return }
            let p = scratch.startWriting(atMost: 2 * v.count + 10)
            // Sound: `p` has the room mk_csv_quote asks for, and it reads `v.count` bytes of `v` (none when
            // it is empty, whose base may be nil: any pointer then).
            scratch.setCount(mk_csv_quote(v.baseAddress ?? UnsafePointer(p), v.count, p))
            out.append(copying: scratch.bytes)
        }
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

