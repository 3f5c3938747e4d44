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
/// rows by LF, `\N` for NULL, and backslash escapes (`\t` `\n` `\r` `\b` `\f` `\v` `\\`, octal `\NNN`,
/// hex `\xHH`, and `\c` for any other c).
///
/// Fields are unescaped before they are scanned (report offsets are into the unescaped value) and the
/// masked value is escaped again. A row without findings is copied as it is. A masked value that no
/// longer fits a `varchar(n)`/`char(n)` column is masked again keeping each span's character count
/// (`CellRewriter.rewriteKeepingCharacters`: keyed tokens, still distinct per value): the original
/// fitted, so that always fits.
public struct CopyTextChunkMasker {
    public init() {}

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

    private func maskRows(_ chunk: UnsafeBufferPointer<UInt8>, start: CopyChunkStart, session: MaskSession,
                          into result: inout MaskedChunk) {
        let index = StageOneIndex(structural: (9, 10, UInt8(ascii: "\\"), 9))
        index.reset(chunk)
        let decodedIndex = StageOneIndex()
        var decoded: [UInt8] = []
        var fields: [FieldSpan] = []
        let columnActions = start.columns?.map { session.policy.actions(for: ColumnReference(name: $0.name, table: start.tableName)) }
        let unnamedActions = session.policy.actions(for: ColumnReference(table: start.tableName))
        result.auditSource = AuditSource(kind: .dump, table: start.tableName, columns: start.columns?.map(\.name) ?? [])
        let announced = session.scanner.scansEveryCell ? start.columns?.map { session.announced(columnName: $0.name) } : nil
        var findings = session.lendFindings()
        defer { session.giveBack(findings) }
        let scan = session.chunkScan
        var pos = 0
        var line = start.line
        var row = start.rowIndex
        let n = chunk.count
        while pos < n {
            let rowStart = pos
            fields.removeAll(keepingCapacity: true)
            findings.removeAll(keepingCapacity: true)
            var rowDone = false
            while !rowDone {
                let fieldStart = pos
                var hasEscape = false
                var end = n
                var q = pos
                while let next = index.nextStructural(from: q, before: n) {
                    if chunk[next] == UInt8(ascii: "\\") {
                        hasEscape = true
                        if next + 1 >= n || chunk[next + 1] == 10 {
                            result.error = StreamError(.malformedMessage("COPY data: a backslash at the end of a line"),
                                                       at: StreamLocation(byteOffset: start.byteOffset + next, line: line,
                                                                          row: row, column: fields.count))
                            return
                        }
                        q = next + 2
                        continue
                    }
                    end = next
                    break
                }
                var field = FieldSpan(rawStart: fieldStart, rawEnd: end, valueStart: fieldStart, valueEnd: end,
                                     quoted: false, needsDecoding: hasEscape, findingsEnd: 0)
                let column = fields.count
                let isNull = end - fieldStart == 2 && chunk[fieldStart] == UInt8(ascii: "\\") && chunk[fieldStart + 1] == UInt8(ascii: "N")
                var context: ColumnContext? = start.columns.map { column < $0.count ? $0[column].context : nil } ?? ColumnContext()
                if let announced, column < announced.count { context?.announcedCustom = announced[column] }
                if let context, !isNull {
                    if hasEscape {
                        Self.unescape(chunk, fieldStart, end, into: &decoded)
                        decoded.withUnsafeBufferPointer { d in
                            decodedIndex.reset(d)
                            scan.scan(d, lower: 0, upper: d.count, index: decodedIndex, context: context, into: &findings)
                        }
                    } else {
                        scan.scan(chunk, lower: fieldStart, upper: end, index: index, context: context, into: &findings)
                    }
                }
                field.findingsEnd = findings.count
                fields.append(field)
                pos = end
                if pos >= n { rowDone = true } else if chunk[pos] == 9 { pos += 1 } else { pos += 1; rowDone = true }
            }
            if let columns = start.columns, fields.count != columns.count {
                result.error = StreamError(
                    .malformedMessage("COPY data: \(fields.count) fields where the COPY line names \(columns.count) columns"),
                    at: StreamLocation(byteOffset: start.byteOffset + rowStart, line: line, row: row, column: nil))
                return
            }
            emitRow(chunk, rowStart: rowStart, rowEnd: pos, fields: fields, findings: findings, start: start, row: row,
                    session: session, columnActions: columnActions, unnamedActions: unnamedActions, decoded: &decoded, into: &result)
            row += 1
            line += 1
            result.rows += 1
        }
    }

    private func emitRow(_ chunk: UnsafeBufferPointer<UInt8>, rowStart: Int, rowEnd: Int, fields: [FieldSpan],
                         findings: [Finding], start: CopyChunkStart, row: Int, session: MaskSession,
                         columnActions: [ActionTable]?, unnamedActions: ActionTable,
                         decoded: inout [UInt8], into result: inout MaskedChunk) {
        if findings.isEmpty {
            result.keep(rowStart..<rowEnd, of: chunk)
            return
        }
        var findingsStart = 0
        // Unchanged fields, with the tab before each, are kept lazily: runs of them are copied in one piece.
        for (column, field) in fields.enumerated() {
            let withTab = column > 0 ? field.rawStart - 1 : field.rawStart
            let cellFindings = findings[findingsStart..<field.findingsEnd]
            findingsStart = field.findingsEnd
            if cellFindings.isEmpty {
                result.keep(withTab..<field.rawEnd, of: chunk)
                continue
            }
            for f in cellFindings { result.record(f, row: row, column: column, table: start.table) }
            if field.needsDecoding { Self.unescape(chunk, field.valueStart, field.valueEnd, into: &decoded) }
            let limit = start.columns?[column].maxCharacters
            let outcome = Self.withValue(chunk, field, decoded) { value -> CellOutcome in
                session.cellOut.removeAll(keepingCapacity: true)
                let actions = columnActions.map { column < $0.count ? $0[column] : unnamedActions } ?? unnamedActions
                var outcome = session.rewriter.rewrite(value, findings: cellFindings, as: .cell, actions: actions, into: &session.cellOut)
                if outcome == .rewritten, let limit, Self.characterCount(session.cellOut) > limit {
                    session.cellOut.removeAll(keepingCapacity: true)
                    session.rewriter.rewriteKeepingCharacters(value, findings: cellFindings, actions: actions, into: &session.cellOut)
                    outcome = .rewritten
                }
                return outcome
            }
            let actions = columnActions.map { column < $0.count ? $0[column] : unnamedActions } ?? unnamedActions
            if outcome != .unchanged && session.rewriter.masksAny(cellFindings, actions: actions) { result.maskedCells += 1 }
            if outcome == .unchanged {
                result.keep(withTab..<field.rawEnd, of: chunk)
                continue
            }
            result.keep(withTab..<field.rawStart, of: chunk)
            result.flushKept(chunk)
            if outcome == .null {
                result.output.append(UInt8(ascii: "\\"))
                result.output.append(UInt8(ascii: "N"))
            } else {
                Self.appendEscaped(session.cellOut, to: &result.output)
            }
        }
        // The row's line ending.
        if let last = fields.last, last.rawEnd < rowEnd { result.keep(last.rawEnd..<rowEnd, of: chunk) }
    }

    static func withValue<R>(_ chunk: UnsafeBufferPointer<UInt8>, _ field: FieldSpan, _ decoded: [UInt8],
                             _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if field.needsDecoding { return decoded.withUnsafeBufferPointer(body) }
        return body(UnsafeBufferPointer(rebasing: chunk[field.valueStart..<field.valueEnd]))
    }

    /// UTF-8 characters in `bytes` (continuation bytes are not counted).
    static func characterCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        for b in bytes where b & 0xC0 != 0x80 { count += 1 }
        return count
    }

    static func appendEscaped(_ value: [UInt8], to out: inout [UInt8]) {
        for b in value {
            switch b {
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            default: out.append(b)
            }
        }
    }

    /// Decodes COPY text escapes as PostgreSQL does.
    static func unescape(_ chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = start
        while i < end {
            let b = chunk[i]
            guard b == UInt8(ascii: "\\"), i + 1 < end else { out.append(b); i += 1; continue }
            let c = chunk[i + 1]
            i += 2
            switch c {
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = Int(c - 48)
                var k = 0
                while k < 2 && i < end && chunk[i] >= 48 && chunk[i] <= 55 { v = v * 8 + Int(chunk[i] - 48); i += 1; k += 1 }
                out.append(UInt8(truncatingIfNeeded: v))
            case UInt8(ascii: "x"):
                var v = 0
                var k = 0
                while k < 2 && i < end, let h = hexValue(chunk[i]) { v = v * 16 + h; i += 1; k += 1 }
                if k == 0 { out.append(c) } else { out.append(UInt8(v)) }
            default: out.append(c)
            }
        }
    }

    static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 48...57: Int(b - 48)
        case 97...102: Int(b - 87)
        case 65...70: Int(b - 55)
        default: nil
        }
    }
}
