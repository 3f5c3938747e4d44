/// A run of INSERT statements of one table (`InsertStatement`, ranges into the run's bytes) and where
/// it starts in the input.
public struct InsertChunkStart: Sendable {
    public var byteOffset: Int
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
    func mask(_ chunk: [UInt8], start: InsertChunkStart, session: MaskSession) -> MaskedChunk {
        MaskedChunk.masking(chunk) { maskStatements($0, start: start, session: session) }
    }

    private func maskStatements(_ chunk: UnsafeBufferPointer<UInt8>, start: InsertChunkStart, session: MaskSession) -> MaskedChunk {
        var result = MaskedChunk(recordingFindings: session.recordsFindings)
        var copy: [UInt8] = []
        var fields: [Range<Int>] = []
        var literal: [UInt8] = []
        for statement in start.statements {
            let location = StreamLocation(byteOffset: start.byteOffset + statement.range.lowerBound, line: statement.line)
            copy.removeAll(keepingCapacity: true)
            fields.removeAll(keepingCapacity: true)
            for row in 0..<statement.rowCount {
                let literals = statement.row(row)
                if let columns = statement.columns, literals.count != columns.count {
                    var at = location
                    at.row = statement.rowIndex + row
                    result.error = StreamError(.malformedMessage(
                        "INSERT INTO \(statement.table): \(literals.count) values where the table has \(columns.count) columns"), at: at)
                    return result
                }
                for (i, literal) in literals.enumerated() {
                    if i > 0 { copy.append(9) }
                    let fieldStart = copy.count
                    Self.appendCopyText(of: literal, in: chunk, to: &copy)
                    fields.append(fieldStart..<copy.count)
                }
                copy.append(10)
            }
            let copyStart = CopyChunkStart(byteOffset: location.byteOffset, line: statement.line, rowIndex: statement.rowIndex,
                                           columns: statement.columns, table: statement.tableIndex, tableName: start.tableName)
            let masked = CopyTextChunkMasker().mask(copy, start: copyStart, session: session)
            result.rows += masked.rows
            result.maskedCells += masked.maskedCells
            result.findings += masked.findings
            for (i, n) in masked.counts.enumerated() { result.counts[i] += n }
            if result.auditSource == nil { result.auditSource = masked.auditSource }
            if var error = masked.error {
                // Offsets into the COPY text mean nothing to the reader of the script: the statement's.
                error.location.byteOffset = location.byteOffset
                error.location.line = statement.line
                result.error = error
                return result
            }
            if masked.output == copy {
                result.keep(statement.range, of: chunk)
                continue
            }
            let maskedFields = Self.fields(of: masked.output)
            guard maskedFields.count == fields.count else {
                result.error = StreamError(.malformedMessage("INSERT INTO \(statement.table): the masked rows lost their shape"), at: location)
                return result
            }
            var from = statement.range.lowerBound
            for (k, item) in statement.literals.enumerated() where !copy[fields[k]].elementsEqual(masked.output[maskedFields[k]]) {
                literal.removeAll(keepingCapacity: true)
                Self.appendLiteral(copyText: masked.output[maskedFields[k]], form: item.form,
                                   prefix: item.form == .bitString ? chunk[item.range.lowerBound] : nil, to: &literal)
                result.keep(from..<item.range.lowerBound, of: chunk)
                result.flushKept(chunk)
                result.output += literal
                from = item.range.upperBound
            }
            result.keep(from..<statement.range.upperBound, of: chunk)
        }
        return result
    }

    /// The fields of COPY text the COPY masker wrote: between tabs and line feeds (escaped ones are none).
    static func fields(of text: [UInt8]) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = 0
        for (i, b) in text.enumerated() where b == 9 || b == 10 {
            fields.append(start..<i)
            start = i + 1
        }
        return fields
    }

    /// Appends `literal`'s value as a COPY text field: `\N` for `NULL` and `DEFAULT`, a quoted string's
    /// value unquoted (and an `E'…'` string's escapes decoded), then backslash, tab, LF and CR escaped.
    static func appendCopyText(of literal: InsertStatement.Literal, in chunk: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let r = literal.range
        switch literal.form {
        case .null, .defaultValue:
            out += [92, UInt8(ascii: "N")]
        case .bare:
            out += chunk[r]
        case .quoted:
            appendCopyEscaped(undoubled(chunk[(r.lowerBound + 1)..<(r.upperBound - 1)]), to: &out)
        case .bitString:
            appendCopyEscaped(undoubled(chunk[(r.lowerBound + 2)..<(r.upperBound - 1)]), to: &out)
        case .escapeQuoted:
            appendCopyEscaped(EscapeString.decode(chunk[(r.lowerBound + 2)..<(r.upperBound - 1)]), to: &out)
        }
    }

    /// A standard string's body with each `''` made one quote.
    static func undoubled(_ body: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        var value: [UInt8] = []
        value.reserveCapacity(body.count)
        var i = body.startIndex
        while i < body.endIndex {
            value.append(body[i])
            i += body[i] == UInt8(ascii: "'") ? 2 : 1
        }
        return value
    }

    static func appendCopyEscaped(_ value: [UInt8], to out: inout [UInt8]) {
        CopyTextChunkMasker.appendEscaped(value, to: &out)
    }

    /// Appends the SQL literal for a masked value given as a COPY text field, in the form the original
    /// literal had: `NULL` (`DEFAULT` stays `DEFAULT`); a bare number stays bare while it is one; a string
    /// is `'…'`, or `E'…'` when it holds a backslash (read the same whatever `standard_conforming_strings`
    /// is); a bit string keeps its `B` or `X`.
    static func appendLiteral(copyText: ArraySlice<UInt8>, form: InsertStatement.Form, prefix: UInt8?, to out: inout [UInt8]) {
        if copyText.elementsEqual([92, UInt8(ascii: "N")]) {
            out += Array((form == .defaultValue ? "DEFAULT" : "NULL").utf8)
            return
        }
        let value = copyUnescaped(copyText)
        if form == .bare, !value.isEmpty, value.allSatisfy({ ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
            || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) || value == Array("true".utf8) || value == Array("false".utf8) {
            out += value
            return
        }
        if let prefix { out.append(prefix) } else if value.contains(92) { out.append(UInt8(ascii: "E")) }
        out.append(UInt8(ascii: "'"))
        let escapesBackslash = prefix == nil && value.contains(92)
        for b in value {
            if b == UInt8(ascii: "'") || (escapesBackslash && b == 92) { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "'"))
    }

    /// A COPY text field's value (`CopyTextChunkMasker.unescape`).
    static func copyUnescaped(_ field: ArraySlice<UInt8>) -> [UInt8] {
        if field.isEmpty { return [] }
        let bytes = Array(field)
        var value = [UInt8](repeating: 0, count: bytes.count)
        let n = bytes.withUnsafeBufferPointer { b in
            value.withUnsafeMutableBufferPointer { CopyTextChunkMasker.unescape(b, 0, b.count, to: $0.baseAddress!) }
        }
        value.removeSubrange(n...)
        return value
    }
}
