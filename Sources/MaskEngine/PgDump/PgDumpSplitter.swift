import CMaskKernels
import Foundation

/// Reads a pg_dump plain-SQL script: statements outside COPY blocks pass through byte for byte (the
/// `CREATE TABLE` statements are read on the way, for column types), and the rows of each
/// `COPY … FROM stdin;` block go to workers in batches, with the block's columns.
///
/// Text outside COPY blocks is still scanned for emails and secrets (a `COMMENT ON` with an address, a
/// `DEFAULT` with a key, or rows whose COPY line was damaged): those are masked, and counted in the
/// summary so the CLI can say so; every other byte passes through unchanged. Card and SSN digits are
/// not looked for there: sequence values and OIDs would be false positives.
///
/// `INSERT` statements (`pg_dump --inserts`, `--column-inserts`, `--rows-per-insert`) go to workers in
/// runs of one table, their rows masked as a COPY block's (`InsertChunkMasker`); a statement pg_dump
/// would not write fails the run rather than pass through.
package struct PgDumpSplitter {
    let chunkBytes: Int
    /// The longest line buffered whole; past it the run fails rather than read on without bound.
    let maxLineBytes: Int
    let tables: ConsumerState
    /// Whether the rows of the input's last bytes go out in halves (`StreamMasker.halvesTail`).
    var halvesTail = false

    enum State {
        case outside
        case copy(CopyChunkStart, blockLine: Int, table: String)
    }

    /// Splits a script; or, with `startingInside`, a COPY text stream (`COPY … TO STDOUT`), which is the
    /// rows of one block from its first byte, and may end without the `\.` line that a script needs.
    func split(_ input: inout InputBuffer, pipeline: OrderedPipeline<Job, MaskedChunk>,
               startingInside block: CopyChunkStart? = nil) throws {
        var schema = DumpSchema()
        var state = block.map { State.copy($0, blockLine: $0.line, table: $0.tableName ?? "the input") } ?? .outside
        var offset = block?.byteOffset ?? 0
        var line = block?.line ?? 1
        var passthrough: [UInt8] = []
        // Whether the script text read so far ends inside a PEM private key block (`-----BEGIN` without
        // its `-----END`): the block spans lines, and its body lines are a key only next to their BEGIN.
        var insideKeyBlock = false
        // Rows of each table read so far in INSERT statements (the report's row numbers).
        var insertRows: [String: Int] = [:]
        // Where the script text stands: a line that leaves it inside a function body, string or comment
        // is followed by the rest of that construct (`readConstruct`), so every line read here starts at
        // the top level, where COPY, INSERT and CREATE TABLE are statements.
        var lexer = ScriptLexer()
        func flush() -> Bool {
            if passthrough.isEmpty { return true }
            defer { passthrough.removeAll(keepingCapacity: true) }
            return pipeline.submit(.sqlText(passthrough))
        }
        while true {
            if case .copy = state {
                try input.fill(atLeast: chunkBytes)
            } else if input.count == 0 || input.count < chunkBytes / 2 {
                // Script text is read a line at a time: the buffer is refilled when it runs low, not after
                // every line (each refill moves what is left: per line, a dump of short lines was quadratic).
                try input.fill(atLeast: chunkBytes)
            }
            if input.count == 0 { break }
            if case .copy(var start, let blockLine, let table) = state {
                // Rows up to the `\.` line, in batches that end at a line end.
                // A `\.` where the bytes read so far end is the terminator only at the input's end: the
                // line may go on (`\.5` is a row), and ending the block there would pass the rest of its
                // rows as script text, outside their columns.
                var (rowsEnd, terminator, newlines) = input.withBytes { Self.copyDataEnd($0, inputEnds: input.atEOF) }
                if halvesTail && input.holdsHalvableTail && (terminator == nil || rowsEnd > input.count / 2) {
                    // The input's last bytes in halves (`StreamMasker.halvesTail`): the rows that end in the
                    // first half, when the block does not end there (a `\.` there is what the whole search
                    // found). The half is not the input's end: a `\.` cut at it is no terminator.
                    let half = input.withBytes { Self.copyDataEnd(UnsafeBufferPointer(rebasing: $0[..<($0.count / 2)]), inputEnds: false) }
                    if half.terminator == nil && half.rowsEnd > 0 { (rowsEnd, terminator, newlines) = half }
                }
                var take = rowsEnd
                if terminator == nil {
                    if take == 0 {
                        if !input.atEOF {
                            guard input.count <= maxLineBytes else { return tooLong(offset: offset, line: line, pipeline) }
                            try input.fill(atLeast: input.count * 2)
                            continue
                        }
                        take = input.count
                    }
                }
                if take > 0 {
                    let bytes = input.take(take)
                    // Every LF ends a row in COPY text (a line break in data is escaped), plus a last row
                    // without one at the end of input (then `take` holds that row, and no LF more).
                    // The script text before the block (its COPY line last) goes with its first rows.
                    let job = passthrough.isEmpty ? Job.copy(bytes, start) : Job.sqlTextThenCopy(passthrough, bytes, start)
                    passthrough.removeAll(keepingCapacity: true)
                    guard pipeline.submit(job) else { return }
                    let rows = newlines + (bytes.last == 10 ? 0 : 1)
                    start.byteOffset += take
                    start.line += rows
                    start.rowIndex += rows
                    offset += take
                    line += rows
                }
                if let terminator {
                    passthrough.append(contentsOf: input.take(terminator))
                    offset += terminator
                    line += 1
                    if block != nil {
                        // A COPY stream has no script: what follows a `\.` (data files put end to end,
                        // `cat 3338.dat 3339.dat`) is more rows, not text where cards and SSNs go unlooked-for.
                        // Their columns are unknown: every field scanned, none counted.
                        guard flush() else { return }
                        var next = start
                        (next.byteOffset, next.line, next.rowIndex, next.columns) = (offset, line, 0, nil)
                        state = .copy(next, blockLine: line, table: table)
                    } else {
                        state = .outside
                    }
                } else if input.atEOF && input.count == 0 {
                    // A COPY stream ends with its last row; a script's block ends with `\.`.
                    if block != nil { return }
                    _ = flush()
                    _ = pipeline.submit(.failure(StreamError(
                        .malformedMessage("the COPY block for \(table) that starts at line \(blockLine) has no terminating \\. line"),
                        at: StreamLocation(byteOffset: offset, line: line))))
                    return
                } else {
                    state = .copy(start, blockLine: blockLine, table: table)
                }
                continue
            }
            // pg_dump --inserts: whole statements (a string may hold line breaks), masked as rows are.
            if input.withBytes({ $0.first == InsertStatement.keyword[0] }) {
                switch try splitInserts(&input, schema: schema, offset: &offset, line: &line, rows: &insertRows,
                                        flush: flush, pipeline: pipeline) {
                case .stopped: return
                case .read: continue
                case .none: break
                }
            }
            // Outside COPY: one line at a time.
            let lineEnd = input.withBytes { b -> Int? in
                guard let nl = b.firstIndex(of: 10) else { return nil }
                return nl + 1
            }
            guard let end = lineEnd ?? (input.atEOF ? input.count : nil) else {
                guard input.count <= maxLineBytes else { _ = flush(); return tooLong(offset: offset, line: line, pipeline) }
                try input.fill(atLeast: input.count * 2)
                continue
            }
            let bytes = input.take(end)
            let text = Self.lineText(bytes)
            if !schema.read(line: text) {
                if text.hasPrefix("COPY ") && text.hasSuffix("FROM stdin;") {
                    // A COPY line whose column list cannot be read still opens a block: its rows are
                    // scanned in every field rather than passed through as script text.
                    let (table, names) = Self.parseCopy(text) ?? (Self.copyTable(text), nil)
                    let columns = names.map { schema.columns(table: table, names: $0) }
                    let start = CopyChunkStart(byteOffset: offset + end, line: line + 1, rowIndex: 0, columns: columns,
                                               table: tables.registerTable(table), tableName: Self.unquotedName(table))
                    state = .copy(start, blockLine: line, table: table)
                }
            }
            passthrough.append(contentsOf: bytes)
            offset += end
            line += 1
            if case .copy = state {
                // Not flushed: the text goes out with the block's first rows (`sqlTextThenCopy`).
                insideKeyBlock = false
                continue
            }
            insideKeyBlock = Self.endsInsideKeyBlock(bytes, wasInside: insideKeyBlock)
            bytes.withUnsafeBufferPointer { lexer.read(line: $0) }
            if !lexer.atTopLevel {
                // A string, function body or comment that spans lines is read whole before any of it goes
                // on: its lines are text, and one that never closes fails the run here rather than pass
                // the rest of the script (COPY rows too) through as its text.
                let opening = StreamLocation(byteOffset: offset - end, line: line - 1)
                guard let region = try readConstruct(&input, lexer: &lexer, opening: opening, pipeline) else { return }
                let text = input.take(region.bytes)
                passthrough.append(contentsOf: text)
                offset += region.bytes
                line += region.lines
                insideKeyBlock = Self.endsInsideKeyBlock(text, wasInside: insideKeyBlock)
            }
            // Nor between a large object's `lowrite` lines (up to `maxLargeObjectRun`): their bytes are
            // scanned as one buffer, so a value split across two lines is found (`LargeObjectWrites`).
            let insideLargeObject = bytes.starts(with: LargeObjectWrites.linePrefix) && passthrough.count < Self.maxLargeObjectRun
            if passthrough.count >= chunkBytes && !insideLargeObject {
                // Script text is cut into jobs at line ends, but never inside a key block: the next job
                // would scan the key's body lines without its BEGIN line and pass them through. A block
                // that grows past the line limit is flushed (its BEGIN line marks the rest of that job
                // as a key) and ends the run.
                if !insideKeyBlock {
                    guard flush() else { return }
                } else if passthrough.count > maxLineBytes {
                    _ = flush()
                    return tooLong(offset: offset, line: line, pipeline)
                }
            }
        }
        _ = flush()
    }

    /// The bytes from the input's start to the end of the line where the construct `lexer` is inside of
    /// closes, and the lines they hold (the lexer left at the top level after them); nil when it does not
    /// close before the input ends or the line limit (the failure is submitted).
    private func readConstruct(_ input: inout InputBuffer, lexer: inout ScriptLexer, opening: StreamLocation,
                               _ pipeline: OrderedPipeline<Job, MaskedChunk>) throws -> (bytes: Int, lines: Int)? {
        var ahead = lexer
        var consumed = 0
        var lines = 0
        while true {
            let next = input.withBytes { b -> Int? in
                guard consumed < b.count else { return nil }
                let rest = UnsafeBufferPointer(rebasing: b[consumed...])
                if let nl = rest.firstIndex(of: 10) { return consumed + nl + 1 }
                return input.atEOF ? b.count : nil
            }
            if let next {
                input.withBytes { ahead.read(line: UnsafeBufferPointer(rebasing: $0[consumed..<next])) }
                consumed = next
                lines += 1
                if ahead.atTopLevel {
                    lexer = ahead
                    return (consumed, lines)
                }
                continue
            }
            if input.atEOF {
                _ = pipeline.submit(.failure(StreamError(
                    .malformedMessage("\(ahead.construct) that opens on this line never closes"),
                    at: opening)))
                return nil
            }
            guard input.count <= maxLineBytes else {
                tooLong(offset: opening.byteOffset, line: opening.line ?? 0, pipeline)
                return nil
            }
            // More than is held (twice as much asked nothing of an empty buffer: the opening line may end
            // where the bytes read so far do, and the loop never read on).
            try input.fill(atLeast: input.count + max(input.count, chunkBytes))
        }
    }

    enum InsertRun { case none, read, stopped }

    /// Reads the INSERT statements at the input's start into jobs of whole statements of one table, up
    /// to `chunkBytes` a job: `.none` when the input does not start with one, `.stopped` when the run
    /// ended (a statement pg_dump would not write fails it: passed through, its values would leak).
    private func splitInserts(_ input: inout InputBuffer, schema: DumpSchema, offset: inout Int, line: inout Int,
                              rows: inout [String: Int], flush: () -> Bool,
                              pipeline: OrderedPipeline<Job, MaskedChunk>) throws -> InsertRun {
        var batch: [InsertStatement] = []
        var taken = 0
        var batchLines = 0
        var sawInsert = false
        // The last statement's table, column list, and what they gave: the next statement (most often
        // of the same table and list) takes them without the schema's lookups (a column list's names were
        // matched against the table's columns one by one) and the table list's lock.
        var last: (table: String, names: [String]?, columns: [DumpColumn]?, index: Int32)? = nil
        // The last statement's literal count, room for the next one's (not `batch.last`: a statement's
        // copy is a reference count up and down on each of its arrays).
        var literals = 0
        while true {
            let atEOF = input.atEOF
            let parsed = input.withBytes { InsertStatement.parse($0, from: taken, inputEnds: atEOF, literals: literals) }
            var next: InsertStatement? = nil
            // Why the run ends, when it ends in an error: a statement past the line limit, or one
            // pg_dump would not write (the reason, at an offset into it).
            var tooLongStatement = false
            var malformed: (reason: String, at: Int)? = nil
            switch parsed {
            case .needsMore:
                guard input.count - taken <= maxLineBytes else {
                    tooLongStatement = true
                    break
                }
                try input.fill(atLeast: input.count + max(chunkBytes, input.count - taken))
                continue
            case .notInsert:
                break
            case .malformed(let reason, let at):
                malformed = ("malformed INSERT statement: \(reason) (pg_dump writes none such)", at)
            case .statement(let statement):
                next = statement
            }
            if var statement = next, batch.isEmpty || (statement.table == batch[0].table && taken < chunkBytes) {
                if !sawInsert {
                    guard flush() else { return .stopped }
                    sawInsert = true
                }
                if let last, last.table == statement.table, last.names == statement.columnNames {
                    statement.columns = last.columns
                    statement.tableIndex = last.index
                } else {
                    statement.columns = schema.columns(of: statement)
                    statement.tableIndex = tables.registerTable(statement.table)
                    last = (statement.table, statement.columnNames, statement.columns, statement.tableIndex)
                }
                statement.rowIndex = rows[statement.table, default: 0]
                rows[statement.table, default: 0] += statement.rowCount
                statement.line = line + batchLines
                batchLines += input.withBytes { LineChunkMasker.lineFeeds(in: UnsafeBufferPointer(rebasing: $0[statement.range])) }
                literals = statement.literals.count
                batch.append(statement)
                taken = statement.range.upperBound
                continue
            }
            if !batch.isEmpty {
                let start = InsertChunkStart(byteOffset: offset, statements: batch, tableName: Self.unquotedName(batch[0].table))
                guard pipeline.submit(.inserts(input.take(taken), start)) else { return .stopped }
                offset += taken
                line += batchLines
                (batch, taken, batchLines) = ([], 0, 0)
            }
            if tooLongStatement || malformed != nil {
                if !sawInsert { guard flush() else { return .stopped } }
                if let malformed {
                    _ = pipeline.submit(.failure(StreamError(.malformedMessage(malformed.reason),
                                                             at: StreamLocation(byteOffset: offset + malformed.at, line: line))))
                } else {
                    tooLong(offset: offset, line: line, pipeline)
                }
                return .stopped
            }
            if next == nil { return sawInsert ? .read : .none }
        }
    }

    /// The most script text held back so that a large object's writes stay in one job: past it a job
    /// ends between two of them (a value split there is scanned in two pieces).
    static let maxLargeObjectRun = 64 << 20

    static let keyBlockBegin = Array("-----BEGIN".utf8)
    static let keyBlockEnd = Array("-----END".utf8)

    /// Whether script text that was (or was not) inside a PEM block is inside one after `line`: the
    /// later of its last `-----BEGIN` and last `-----END` decides.
    static func endsInsideKeyBlock(_ line: [UInt8], wasInside: Bool) -> Bool {
        // Most lines hold no run of five dashes, which both markers start with.
        var dashes = 0
        var found = false
        for b in line {
            dashes = b == UInt8(ascii: "-") ? dashes + 1 : 0
            if dashes == 5 { found = true; break }
        }
        if !found { return wasInside }
        func lastOffset(of m: [UInt8]) -> Int? {
            guard line.count >= m.count else { return nil }
            return (0...(line.count - m.count)).last { line[$0..<($0 + m.count)].elementsEqual(m) }
        }
        switch (lastOffset(of: keyBlockBegin), lastOffset(of: keyBlockEnd)) {
        case (let begin?, let end?): return begin > end
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return wasInside
        }
    }

    /// A script line as text, without the line break around it: what `trimmingCharacters(in: .newlines)`
    /// gives, without Foundation's walk over the line's UTF-16 (most of the time of a dump of short lines)
    /// unless the line starts or ends with a newline that is not ASCII (U+0085, U+2028, U+2029).
    static func lineText(_ bytes: [UInt8]) -> String {
        var (lower, upper) = (0, bytes.count)
        while upper > lower && bytes[upper - 1] &- 10 < 4 { upper -= 1 }
        while lower < upper && bytes[lower] &- 10 < 4 { lower += 1 }
        let endsOther = upper - lower >= 2 && bytes[upper - 2] == 0xC2 && bytes[upper - 1] == 0x85
            || upper - lower >= 3 && bytes[upper - 3] == 0xE2 && bytes[upper - 2] == 0x80 && bytes[upper - 1] & 0xFE == 0xA8
        let startsOther = lower < upper && (bytes[lower] == 0xC2 || bytes[lower] == 0xE2)
        if endsOther || startsOther { return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines) }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    private func tooLong(offset: Int, line: Int, _ pipeline: OrderedPipeline<Job, MaskedChunk>) {
        _ = pipeline.submit(.failure(StreamError(.recordTooLarge(limit: maxLineBytes),
                                                 at: StreamLocation(byteOffset: offset, line: line))))
    }

    /// Where the rows of a COPY block end in `bytes` (which starts at a row): the start of the `\.`
    /// line and its length when it is there, else the end of the last whole row; and the rows before
    /// that (`mk_copy_data_end`). A data row can never be `\.` alone: a backslash in data is escaped.
    static func copyDataEnd(_ bytes: UnsafeBufferPointer<UInt8>, inputEnds: Bool) -> (rowsEnd: Int, terminator: Int?, rows: Int) {
        // Sound: the kernel reads bytes[0..<count] only.
        let r = mk_copy_data_end(bytes.baseAddress, bytes.count, inputEnds ? 1 : 0)
        return (r.rows_end, r.terminator > 0 ? r.terminator : nil, r.lines)
    }

    /// The table of a COPY line without a readable column list: the word after `COPY`.
    /// A qualified name as PostgreSQL names the relation: `public."Users"` is `public.Users`,
    /// `"Sales"."Orders"` is `Sales.Orders` (quotes removed, doubled quotes undone; a dot inside quotes
    /// stays part of its name).
    package static func unquotedName(_ written: String) -> String {
        var out = ""
        var quoted = false
        var chars = written.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if c == "\"" {
                if quoted, let next = chars.next() {
                    if next == "\"" { out.append("\""); continue }
                    quoted = false
                    pending = next
                    continue
                }
                quoted.toggle()
                continue
            }
            out.append(c)
        }
        return out
    }

    package static func copyTable(_ text: String) -> String {
        String(text.dropFirst(5).prefix { $0 != " " && $0 != "(" })
    }

    /// `COPY public.users (id, email) FROM stdin;` → ("public.users", ["id", "email"]).
    package static func parseCopy(_ text: String) -> (String, [String])? {
        let body = text.dropFirst(5)
        // A `)` before the `(` (hostile text, never pg_dump's) is no column list, not a reversed range.
        guard let open = SQLNameList.firstOpenParenthesis(body), let close = body.lastIndex(of: ")"), open < close else {
            return nil
        }
        let table = body[..<open].trimmingCharacters(in: .whitespaces)
        return (table, SQLNameList.split(body[body.index(after: open)..<close], foldingUnquoted: false))
    }
}
