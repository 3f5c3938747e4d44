#if canImport(Glibc)
import Glibc
#endif
/// A run of INSERT statements of one table (`InsertStatement`, ranges into the run's bytes) and where
/// it starts in the input.
struct InsertChunkStart: Sendable {
    var byteOffset: Int
    var statements: [InsertStatement]
    /// The table, unquoted (`public.users`), for policy column rules and audit records.
    var tableName: String?
}

/// Masks the rows of pg_dump's INSERT statements (`--inserts`, `--column-inserts`, `--rows-per-insert`)
/// as a COPY block's rows are masked.
///
/// Each statement's rows are written as COPY text (every literal's value unquoted, then escaped as COPY
/// escapes it; `NULL` and `DEFAULT` as `\N`) and masked by `CopyTextChunkMasker` with the statement's
/// columns; each literal whose value changed is written again as a literal of its own form, and every
/// other byte of the statement passes as it came. Tokens, the fitting of `varchar(n)` and number
/// columns, credential columns, policy column rules and findings are therefore the COPY path's: a table
/// dumped with `--inserts` masks as the same table dumped with COPY does, and joins across the two.
struct InsertChunkMasker {
    /// Whether two byte runs are equal, by memcmp: `elementsEqual` is a generic loop a byte at a time
    /// (a statement's head and every literal are compared so, 2 % of an `--inserts` dump's time).
    static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        // Sound: both hold a.count bytes.
        return b.withUnsafeBufferPointer { memcmp(a.baseAddress!, $0.baseAddress!, a.count) == 0 }
    }

    func mask(_ chunk: [UInt8], start: InsertChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskStatements($0, start: start, session: session) }
    }

    private func maskStatements(_ chunk: UnsafeBufferPointer<UInt8>, start: InsertChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        var scratch = Scratch()
        let statements = start.statements[...]
        var first = statements.startIndex
        while first < statements.endIndex {
            // Statements with the same column list, one after another, are masked as one COPY block: a
            // statement per row (`--inserts`) made a block per row, five times the COPY dump's time.
            var end = first + 1
            while end < statements.endIndex && statements[end].columnNames == statements[first].columnNames { end += 1 }
            guard maskRun(statements[first..<end], of: chunk, start: start, session: session, scratch: &scratch, into: &result) else {
                return result
            }
            first = end
        }
        return result
    }

    /// What a run's masking reuses.
    private struct Scratch {
        var copy: [UInt8] = []
        var fields: [Range<Int>] = []
        var literal: [UInt8] = []
        /// The last statement head scanned, and what it became (nil: unchanged); consecutive statements
        /// of a table share theirs, so it is scanned once.
        var head: [UInt8] = []
        var maskedHead: [UInt8]? = nil
        /// The types found in `head`.
        var headFindings: [EntityType] = []
        var headIndex: StageOneIndex? = nil
        /// Each statement of the run being written: its masked head, or nil.
        var heads: [[UInt8]?] = []
    }

    /// `statement`'s head (`INSERT INTO "table" ("column", …) VALUES (`, up to its first value) masked as a
    /// dump's script text is (emails and secrets; not digits): a quoted identifier can hold anything, and
    /// the same name in the `CREATE TABLE` is masked so, to the same token. Nil when it has no finding.
    private func maskedHead(of statement: InsertStatement, in chunk: UnsafeBufferPointer<UInt8>, session: MaskSession,
                            scratch: inout Scratch) -> [UInt8]? {
        let head = UnsafeBufferPointer(rebasing: chunk[statement.range.lowerBound..<statement.literals[0].range.lowerBound])
        if Self.sameBytes(head, scratch.head[...]) { return scratch.maskedHead }
        scratch.head = Array(head)
        scratch.maskedHead = nil
        let index = scratch.headIndex ?? StageOneIndex()
        scratch.headIndex = index
        index.reset(head)
        var findings: [Finding] = []
        session.scan(head, lower: 0, upper: head.count, index: index, context: ColumnContext(scansDigits: false), into: &findings)
        guard !findings.isEmpty else { return nil }
        var out: [UInt8] = []
        _ = session.rewriter.rewrite(head, findings: findings[...], as: .text, actions: session.textActions, into: &out)
        scratch.maskedHead = out
        // Counted for each statement that carries it (`maskRun`), as script text's findings are.
        scratch.headFindings = findings.map(\.type)
        return out
    }

    /// Masks `run`, statements of one table and column list, as one COPY block and writes them to
    /// `result`; false when it ended in an error (set in `result`, after the statements before it).
    private func maskRun(_ run: ArraySlice<InsertStatement>, of chunk: UnsafeBufferPointer<UInt8>, start: InsertChunkStart,
                         session: MaskSession, scratch: inout Scratch, into result: inout MaskedChunk) -> Bool {
        scratch.copy.removeAll(keepingCapacity: true)
        scratch.fields.removeAll(keepingCapacity: true)
        // A row whose values do not fill the table's columns ends the run there, with its statement's place.
        var statements = run
        var countError: StreamError? = nil
        building: for (k, statement) in run.enumerated() {
            let mark = (scratch.copy.count, scratch.fields.count)
            for row in 0..<statement.rowCount {
                let literals = statement.row(row)
                if let columns = statement.columns, literals.count != columns.count {
                    countError = StreamError(.malformedMessage(
                        "INSERT INTO \(statement.table): \(literals.count) values where the table has \(columns.count) columns"),
                        at: StreamLocation(byteOffset: start.byteOffset + statement.range.lowerBound, line: statement.line,
                                           row: statement.rowIndex + row))
                    scratch.copy.removeSubrange(mark.0...)
                    scratch.fields.removeSubrange(mark.1...)
                    statements = run.prefix(k)
                    break building
                }
                for (i, literal) in literals.enumerated() {
                    if i > 0 { scratch.copy.append(9) }
                    let fieldStart = scratch.copy.count
                    Self.appendCopyText(of: literal, in: chunk, to: &scratch.copy)
                    scratch.fields.append(fieldStart..<scratch.copy.count)
                }
                scratch.copy.append(10)
            }
        }
        scratch.heads.removeAll(keepingCapacity: true)
        var headsChanged = false
        for statement in statements {
            let head = maskedHead(of: statement, in: chunk, session: session, scratch: &scratch)
            if head != nil {
                headsChanged = true
                result.outsideRowFindings += scratch.headFindings.count
                for type in scratch.headFindings { result.counts[Int(type.rawValue)] += 1 }
            }
            scratch.heads.append(head)
        }
        if let head = statements.first {
            let copyStart = CopyChunkStart(byteOffset: start.byteOffset + head.range.lowerBound, line: head.line, rowIndex: head.rowIndex,
                                           columns: head.columns, table: head.tableIndex, tableName: start.tableName)
            let masked = CopyTextChunkMasker().mask(scratch.copy, start: copyStart, session: session)
            result.rows += masked.rows
            result.maskedCells += masked.maskedCells
            result.findings += masked.findings
            for (i, n) in masked.counts.enumerated() { result.counts[i] += n }
            if result.auditSource == nil { result.auditSource = masked.auditSource }
            if !headsChanged && masked.error == nil && masked.output == scratch.copy {
                result.keep(head.range.lowerBound..<statements.last!.range.upperBound, of: chunk)
            } else if !write(statements, masked: masked, of: chunk, at: start.byteOffset, scratch: &scratch, into: &result) {
                return false
            }
        }
        if let countError {
            result.error = countError
            return false
        }
        return true
    }

    /// Writes each statement of `statements` with the literals whose values `masked` changed written
    /// again, up to the row where `masked` has its error, if any (then sets it, placed at that row's
    /// statement, and returns false).
    private func write(_ statements: ArraySlice<InsertStatement>, masked: MaskedChunk, of chunk: UnsafeBufferPointer<UInt8>,
                       at byteOffset: Int, scratch: inout Scratch, into result: inout MaskedChunk) -> Bool {
        let maskedFields = Self.fields(of: masked.output)
        var field = 0
        for (k, statement) in statements.enumerated() {
            let fieldsEnd = field + statement.literals.count
            guard fieldsEnd <= maskedFields.count else {
                // The rows the masker wrote end inside this statement: its error, or a lost shape.
                var error = masked.error ?? StreamError(.malformedMessage("INSERT INTO \(statement.table): the masked rows lost their shape"),
                                                        at: StreamLocation(byteOffset: 0))
                // Offsets into the COPY text mean nothing to the reader of the script: the statement's.
                error.location.byteOffset = byteOffset + statement.range.lowerBound
                error.location.line = statement.line
                result.error = error
                return false
            }
            var from = statement.range.lowerBound
            if let head = scratch.heads[k] {
                result.flushKept(chunk)
                result.output += head
                from = statement.literals[0].range.lowerBound
            }
            for item in statement.literals {
                defer { field += 1 }
                let original = scratch.copy[scratch.fields[field]], now = masked.output[maskedFields[field]]
                if now.withUnsafeBufferPointer({ Self.sameBytes($0, original) }) { continue }
                scratch.literal.removeAll(keepingCapacity: true)
                Self.appendLiteral(copyText: now, form: item.form,
                                   prefix: item.form == .bitString ? chunk[item.range.lowerBound] : nil, to: &scratch.literal)
                result.keep(from..<item.range.lowerBound, of: chunk)
                result.flushKept(chunk)
                result.output += scratch.literal
                from = item.range.upperBound
            }
            result.keep(from..<statement.range.upperBound, of: chunk)
        }
        if masked.error != nil || field != maskedFields.count {
            result.error = masked.error ?? StreamError(.malformedMessage("INSERT statements: the masked rows lost their shape"),
                                                       at: StreamLocation(byteOffset: byteOffset))
            return false
        }
        return true
    }

    /// The fields of COPY text the COPY masker wrote: between tabs and line feeds (escaped ones are none).
    static func fields(of text: [UInt8]) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        text.withUnsafeBufferPointer { t in
            var start = 0
            var i = 0
            while i < t.count {
                // Sound: `i + 8 <= t.count`. Eight bytes of which none is below 14 hold no tab or LF.
                if i + 8 <= t.count, !Self.holdsControl(UnsafeRawPointer(t.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                if t[i] == 9 || t[i] == 10 {
                    fields.append(start..<i)
                    start = i + 1
                }
                i += 1
            }
        }
        return fields
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether a byte of `word` is below 14 (tab, LF, CR and other controls): `b - 14` borrows into the
    /// high bit only there, for bytes below 0x80 (higher ones have it set and are masked out).
    @inline(__always)
    static func holdsControl(_ word: UInt64) -> Bool {
        (word &- ones &* 14) & ~word & highs != 0
    }

    /// Whether a byte of `word` is a control below 14, a quote `'` or a backslash.
    @inline(__always)
    static func holdsSpecial(_ word: UInt64) -> Bool {
        let quotes = word ^ (ones &* 39), backslashes = word ^ (ones &* 92)
        return holdsControl(word) || ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highs != 0
    }

    /// Appends `literal`'s value as a COPY text field: `\N` for `NULL` and `DEFAULT`, a quoted string's
    /// value unquoted (and an `E'…'` string's escapes decoded), then backslash, tab, LF and CR escaped.
    static func appendCopyText(of literal: InsertStatement.Literal, in chunk: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let r = literal.range
        switch literal.form {
        case .null, .defaultValue:
            out.append(92)
            out.append(UInt8(ascii: "N"))
        case .bare:
            out.append(copying: UnsafeBufferPointer(rebasing: chunk[r]))
        case .quoted:
            appendCopyText(quoted: UnsafeBufferPointer(rebasing: chunk[(r.lowerBound + 1)..<(r.upperBound - 1)]), to: &out)
        case .bitString:
            appendCopyText(quoted: UnsafeBufferPointer(rebasing: chunk[(r.lowerBound + 2)..<(r.upperBound - 1)]), to: &out)
        case .escapeQuoted:
            CopyTextChunkMasker.appendEscaped(EscapeString.decode(chunk[(r.lowerBound + 2)..<(r.upperBound - 1)]), to: &out)
        }
    }

    /// Appends a standard string's body as COPY text: each `''` one quote, and backslash, tab, LF and CR
    /// escaped; runs without any of them in one piece (most values have none).
    private static func appendCopyText(quoted body: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var run = 0
        var i = 0
        while i < body.count {
            // Sound: `i + 8 <= body.count`. Eight bytes without a quote, a backslash or a control are copied
            // with the run.
            if i + 8 <= body.count, !holdsSpecial(UnsafeRawPointer(body.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let b = body[i]
            guard b == 39 || b == 92 || b == 10 || b == 13 || b == 9 else { i += 1; continue }
            if i > run { out.append(copying: UnsafeBufferPointer(rebasing: body[run..<i])) }
            switch b {
            case 39: out.append(39); i += 1  // the second quote of `''` is skipped below
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(UInt8(ascii: "n"))
            case 13: out.append(92); out.append(UInt8(ascii: "r"))
            default: out.append(92); out.append(UInt8(ascii: "t"))
            }
            i += 1
            run = i
        }
        if run < body.count { out.append(copying: UnsafeBufferPointer(rebasing: body[run...])) }
    }

    static let trueLiteral = Array("true".utf8), falseLiteral = Array("false".utf8)
    static let nullLiteral = Array("NULL".utf8), defaultLiteral = Array("DEFAULT".utf8)

    /// Appends the SQL literal for a masked value given as a COPY text field, in the form the original
    /// literal had: `NULL` (`DEFAULT` stays `DEFAULT`); a bare number stays bare while it is one; a string
    /// is `'…'`, or `E'…'` when it holds a backslash (read the same whatever `standard_conforming_strings`
    /// is); a bit string keeps its `B` or `X`.
    ///
    /// The field is one the COPY masker wrote (`CopyTextChunkMasker.appendEscaped`) or one made here, so
    /// its only escapes are `\\`, `\n`, `\r`, `\t` and a whole `\N`.
    static func appendLiteral(copyText: ArraySlice<UInt8>, form: InsertStatement.Form, prefix: UInt8?, to out: inout [UInt8]) {
        if copyText.count == 2 && copyText.first == 92 && copyText.last == UInt8(ascii: "N") {
            out += form == .defaultValue ? defaultLiteral : nullLiteral
            return
        }
        if form == .bare, !copyText.isEmpty, copyText.allSatisfy({ ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
            || copyText.elementsEqual(trueLiteral) || copyText.elementsEqual(falseLiteral) {
            out += copyText
            return
        }
        // A backslash in the value is `\\` in the field (a lone one starts another escape).
        var hasBackslash = false
        var i = copyText.startIndex
        while i < copyText.endIndex {
            if copyText[i] == 92 {
                if i + 1 < copyText.endIndex && copyText[i + 1] == 92 { hasBackslash = true; break }
                i += 2
            } else {
                i += 1
            }
        }
        let escapesBackslash = prefix == nil && hasBackslash
        if let prefix { out.append(prefix) } else if escapesBackslash { out.append(UInt8(ascii: "E")) }
        out.append(39)
        // Runs without a quote or a backslash in one piece.
        var run = copyText.startIndex
        i = run
        while i < copyText.endIndex {
            guard copyText[i] == 92 || copyText[i] == 39 else { i += 1; continue }
            if i > run { out += copyText[run..<i] }
            var b = copyText[i]
            i += 1
            if b == 92 && i < copyText.endIndex {
                switch copyText[i] {
                case UInt8(ascii: "n"): b = 10
                case UInt8(ascii: "r"): b = 13
                case UInt8(ascii: "t"): b = 9
                default: b = copyText[i]
                }
                i += 1
            }
            if b == 39 || (escapesBackslash && b == 92) { out.append(b) }
            out.append(b)
            run = i
        }
        if run < copyText.endIndex { out += copyText[run...] }
        out.append(39)
    }
}
