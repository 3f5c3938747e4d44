import CMaskKernels

/// A COPY block's columns and where a chunk of its rows starts.
public struct CopyChunkStart: Sendable {
    public var byteOffset: Int
    /// 1-based line of the chunk's first row.
    public var line: Int
    /// 0-based row within the COPY block.
    public var rowIndex: Int
    /// The block's columns, or nil when its COPY line named none that could be read: then every field
    /// is scanned and no field count is enforced.
    public var columns: [DumpColumn]?
    /// Index into the stream's table names (for the report).
    public var table: Int32
    /// The table as the COPY line names it (`public.users`), for policy column rules.
    public var tableName: String?

    public init(byteOffset: Int, line: Int, rowIndex: Int, columns: [DumpColumn]?, table: Int32, tableName: String? = nil) {
        self.byteOffset = byteOffset
        self.line = line
        self.rowIndex = rowIndex
        self.columns = columns
        self.table = table
        self.tableName = tableName
    }
}

/// Masks rows of a `COPY … FROM stdin` block in PostgreSQL's text format: fields separated by tabs,
/// rows by LF (or CR LF, in a dump whose lines were converted: COPY FROM reads those too), `\N` for
/// NULL, and backslash escapes (`\t` `\n` `\r` `\b` `\f` `\v` `\\`, octal `\NNN`, hex `\xHH`, and `\c`
/// for any other c).
///
/// Fields are unescaped before they are scanned (report offsets are into the unescaped value) and the
/// masked value is escaped again. A row without findings is copied as it is. A masked value that no
/// longer fits a `varchar(n)`/`char(n)` column is masked again keeping each span's character count
/// (`CellRewriter.rewriteKeepingCharacters`: keyed tokens, still distinct per value): the original
/// fitted, so that always fits.
public struct CopyTextChunkMasker {
    /// Whether runs of well-formed rows are read by `TextFieldSplitter` (the default) rather than row by
    /// row: the tests compare the two.
    let readsFieldsInOnePass: Bool

    public init() {
        self.init(readsFieldsInOnePass: true)
    }

    package init(readsFieldsInOnePass: Bool) {
        self.readsFieldsInOnePass = readsFieldsInOnePass
    }

    /// Masks the COPY rows in `chunk`.
    public func mask(_ chunk: UnsafeBufferPointer<UInt8>, start: CopyChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskRows($0, start: start, session: session) }
    }

    /// Masks the COPY rows in `chunk`; a chunk in which nothing changes is its own output, uncopied.
    func mask(_ chunk: [UInt8], start: CopyChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskRows($0, start: start, session: session) }
    }

    private func maskRows(_ chunk: UnsafeBufferPointer<UInt8>, start: CopyChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        maskRows(chunk, start: start, session: session, into: &result)
        return result
    }

    /// Masks the rows batch by batch (`TextRecordBatch`).
    private func maskRows(_ chunk: UnsafeBufferPointer<UInt8>, start: CopyChunkStart, session: MaskSession,
                          into result: inout MaskedChunk) {
        let columnActions = start.columns?.map { session.policy.actions(for: ColumnReference(name: $0.name, table: start.tableName)) }
        let unnamedActions = session.policy.actions(for: ColumnReference(table: start.tableName))
        func actions(_ column: Int) -> ActionTable {
            columnActions.map { column < $0.count ? $0[column] : unnamedActions } ?? unnamedActions
        }
        result.auditSource = AuditSource(kind: .dump, table: start.tableName, columns: start.columns?.map(\.name) ?? [])
        let announced = session.scanner.scansEveryCell ? start.columns?.map { session.announced(columnName: $0.name) } : nil
        // A block whose COPY line named columns scans those; one whose columns could not be read scans
        // every field.
        func context(_ column: Int) -> ColumnContext? {
            guard let columns = start.columns else { return ColumnContext() }
            guard column < columns.count else { return nil }
            var context = columns[column].context
            if let announced, column < announced.count { context.announcedCustom = announced[column] }
            return context
        }
        // The rewriter and the cell buffer taken from the session once per chunk, not per rewritten cell
        // (a read of a session property was a retain and a release, and `cellOut` an access check).
        let rewriter = session.rewriter
        var cellOut = session.cellOut
        session.cellOut = []
        defer { session.cellOut = cellOut }
        // Rows without escapes (a NULL's `\N` aside) are kept without reading their fields where they
        // hold no candidate and each column is scanned only for candidates
        // (`TextRecordBatch.keepPlainRecords`); the row loop, which the tests compare with the splitter,
        // reads every row.
        let fields = start.columns?.count ?? 0
        let probesPlainRecords = readsFieldsInOnePass && !(start.columns?.contains { $0.context.credentialColumn } ?? false)
        result.error = TextRecordBatch.mask(
            chunk, structural: (9, 10, UInt8(ascii: "\\"), 9),
            from: TextRecordBatch.Position(offset: 0, line: start.line, row: start.rowIndex), session: session,
            probesPlainRecords: probesPlainRecords,
            plainRecords: { offset, limit in
                var (records, irregular): (Int, Int32) = (0, 0)
                // Sound: the kernel reads inside the chunk.
                let end = mk_plain_copy_records(chunk.baseAddress, chunk.count, offset, limit, fields, &records, &irregular)
                // A row's only LF is its end (an LF in a value is escaped): its lines are its rows.
                return (end, records, records, irregular != 0)
            },
            parse: { position, index, batch in
                parseBatch(chunk, at: &position, index: index, start: start,
                           splitter: readsFieldsInOnePass ? session.fieldSplitter : nil, into: &batch)
            },
            context: context, actions: actions,
            write: { record, batch, row in
                emitRow(chunk, record: record, batch: batch, start: start, row: row, rewriter: rewriter, cellOut: &cellOut,
                        actions: actions, into: &result)
                result.rows += 1
            },
            keep: { range, count in
                result.keep(range, of: chunk)
                result.rows += count
            })
    }

    /// Adds the rows from `position` to `batch` until it is full or the chunk ends, their values copied
    /// into the batch, unescaped where they have escapes (`TextRecordBatch.addRecords`): runs of
    /// well-formed rows read by `splitter` (the session's) in one pass, and a row it leaves (one with an
    /// error, or too wide for it) by `readRow`, which names the error if there is one. Without a splitter
    /// every row goes through `readRow` (the tests compare the two).
    private func parseBatch(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout TextRecordBatch.Position, index: StageOneIndex,
                            start: CopyChunkStart, splitter: TextFieldSplitter?,
                            into batch: inout TextRecordBatch) -> StreamError? {
        TextRecordBatch.addRecords(
            chunk, at: &position, into: &batch, splitter: splitter,
            read: { $0.readCopy(chunk, from: $1, expectedFields: start.columns?.count, maxRecords: $2, maxBytes: $3) },
            readRecord: { readRow(chunk, at: &$0, index: index, start: start, into: &$1) })
    }

    /// Reads the row at `position` between stage-1 structural bytes (tab, LF, backslash): the reference
    /// reading of a row, and the one that names where a malformed row goes wrong.
    private func readRow(_ chunk: UnsafeBufferPointer<UInt8>, at position: inout TextRecordBatch.Position, index: StageOneIndex,
                         start: CopyChunkStart, into batch: inout TextRecordBatch) -> StreamError? {
        let n = chunk.count
        var pos = position.offset
        defer { position.offset = pos }
        let rowStart = pos
        batch.beginRecord(at: pos)
        var rowDone = false
        while !rowDone {
            let fieldStart = pos
            var hasEscape = false
            var end = n
            var q = pos
            // The byte the last escape of the field escaped.
            var escapedByte = -1
            while let next = index.nextStructural(from: q, before: n) {
                if chunk[next] == UInt8(ascii: "\\") {
                    hasEscape = true
                    escapedByte = next + 1
                    if next + 1 >= n || chunk[next + 1] == 10 {
                        let column = batch.fieldsInRecord
                        batch.dropRecord()
                        return StreamError(.malformedMessage("COPY data: a backslash at the end of a line"),
                                           at: StreamLocation(byteOffset: start.byteOffset + next, line: position.line,
                                                              row: position.row, column: column))
                    }
                    q = next + 2
                    continue
                }
                end = next
                break
            }
            // A row that ends in CR LF (a dump whose lines were converted, which COPY FROM reads): a CR in
            // data is always escaped, so an unescaped one before the LF is the line's end.
            let valueEnd = end < n && chunk[end] == 10 && end > fieldStart && chunk[end - 1] == 13 && escapedByte != end - 1
                ? end - 1 : end
            let field = FieldSpan(rawStart: fieldStart, rawEnd: valueEnd, quoted: false)
            let isNull = valueEnd - fieldStart == 2 && chunk[fieldStart] == UInt8(ascii: "\\") && chunk[fieldStart + 1] == UInt8(ascii: "N")
            if isNull {
                var null = field
                null.source = .skipped
                batch.add(null)
            } else if hasEscape {
                batch.addDecoded(field, atMost: valueEnd - fieldStart) { Self.unescape(chunk, fieldStart, valueEnd, to: $0) }
            } else {
                batch.add(field)
            }
            pos = end
            if pos >= n { rowDone = true } else if chunk[pos] == 9 { pos += 1 } else { pos += 1; rowDone = true }
        }
        if let columns = start.columns, batch.fieldsInRecord != columns.count {
            let count = batch.fieldsInRecord
            batch.dropRecord()
            pos = rowStart
            return StreamError(
                .malformedMessage("COPY data: \(count) fields where the COPY line names \(columns.count) columns"),
                at: StreamLocation(byteOffset: start.byteOffset + rowStart, line: position.line, row: position.row, column: nil))
        }
        batch.endRecord(at: pos)
        position.row += 1
        position.line += 1
        return nil
    }

    private func emitRow(_ chunk: UnsafeBufferPointer<UInt8>, record: TextRecordBatch.Record, batch: TextRecordBatch,
                         start: CopyChunkStart, row: Int, rewriter: CellRewriter, cellOut: inout [UInt8],
                         actions: (Int) -> ActionTable, into result: inout MaskedChunk) {
        if record.fields.allSatisfy({ batch.fields[$0].hasNoFindings }) {
            result.keep(record.start..<record.end, of: chunk)
            return
        }
        // Unchanged fields, with the tab before each, are kept lazily: runs of them are copied in one piece.
        batch.forEachField(of: record) { column, field, cellFindings in
            let withTab = column > 0 ? field.rawStart - 1 : field.rawStart
            if cellFindings.isEmpty {
                result.keep(withTab..<field.rawEnd, of: chunk)
                return
            }
            for f in cellFindings { result.record(f, row: row, column: column, table: start.table) }
            // Two fields read, not the column copied: its name and type are strings (reference counting).
            let limit = start.columns?[column].maxCharacters, numeric = start.columns?[column].numeric
            let actions = actions(column)
            let value = batch.value(of: field, in: chunk)
            cellOut.removeAll(keepingCapacity: true)
            var outcome: CellOutcome
            if field.isByteaHex {
                outcome = ByteaHex.rewrite(value, spans: cellFindings, rewriter: rewriter, actions: actions, into: &cellOut)
            } else {
                outcome = rewriter.rewrite(value, spans: cellFindings, as: .cell, actions: actions, into: &cellOut)
            }
            if outcome == .rewritten, !field.isByteaHex, let limit, Self.characterCount(cellOut) > limit {
                cellOut.removeAll(keepingCapacity: true)
                rewriter.rewriteKeepingCharacters(value, spans: cellFindings, actions: actions, into: &cellOut)
                outcome = .rewritten
            }
            if outcome == .rewritten, !field.isByteaHex, let numeric {
                // A restore's COPY refuses a `bigint` that is no number or out of range.
                NumericText.repair(&cellOut, as: numeric, original: value)
            }
            if outcome != .unchanged && rewriter.masksAny(spans: cellFindings, actions: actions) { result.maskedCells += 1 }
            if outcome == .unchanged {
                result.keep(withTab..<field.rawEnd, of: chunk)
                return
            }
            result.keep(withTab..<field.rawStart, of: chunk)
            result.flushKept(chunk)
            if outcome == .null {
                result.output.append(UInt8(ascii: "\\"))
                result.output.append(UInt8(ascii: "N"))
            } else {
                Self.appendEscaped(cellOut, to: &result.output)
            }
        }
        // The row's line ending.
        if let last = record.fields.last, batch.fields[last].rawEnd < record.end {
            result.keep(batch.fields[last].rawEnd..<record.end, of: chunk)
        }
    }

    /// UTF-8 characters in `bytes` (continuation bytes are not counted).
    static func characterCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        for b in bytes where b & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Appends `value` as COPY text: each backslash, LF, CR and tab as its two-byte escape, and the runs
    /// between them whole (one append a byte, with the array's checks each time, was a quarter of the
    /// time on a dense dump).
    static func appendEscaped(_ value: [UInt8], to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { v in
            var runStart = 0
            for i in 0..<v.count {
                let b = v[i]
                guard b == 92 || b == 10 || b == 13 || b == 9 else { continue }
                if i > runStart { out.append(copying: UnsafeBufferPointer(rebasing: v[runStart..<i])) }
                let letter: UInt8 = b == 92 ? 92 : b == 10 ? UInt8(ascii: "n") : b == 13 ? UInt8(ascii: "r") : UInt8(ascii: "t")
                out.append(92)
                out.append(letter)
                runStart = i + 1
            }
            if runStart < v.count { out.append(copying: UnsafeBufferPointer(rebasing: v[runStart...])) }
        }
    }

    /// The names in a COPY text header line (`COPY … TO STDOUT (HEADER)`): its fields, unescaped, without
    /// the line end.
    static func columnNames(_ line: [UInt8]) -> [String] {
        var body = line[...]
        if body.last == 10 { body = body.dropLast() }
        if body.last == 13 { body = body.dropLast() }
        return body.split(separator: 9, omittingEmptySubsequences: false).map { field in
            let bytes = Array(field)
            if bytes.isEmpty { return "" }
            var name = [UInt8](repeating: 0, count: bytes.count)
            let n = bytes.withUnsafeBufferPointer { b in
                name.withUnsafeMutableBufferPointer { unescape(b, 0, b.count, to: $0.baseAddress!) }
            }
            return String(decoding: name[..<n], as: UTF8.self)
        }
    }

    /// Decodes COPY text escapes as PostgreSQL does (`mk_copy_unescape`, which the batches' gather uses
    /// too), writing the value to `p` (room for `end - start` bytes: an escape never decodes to more
    /// bytes than it has) and returning its length.
    static func unescape(_ chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        // Sound: start..<end lies inside the chunk, and `p` has room for end - start bytes.
        mk_copy_unescape(chunk.baseAddress! + start, end - start, p)
    }
}
