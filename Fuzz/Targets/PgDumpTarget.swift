import MaskEngine

/// `maskd pipe` on a plain pg_dump script: the line splitter (CREATE TABLE, COPY … FROM stdin, `\.`),
/// the script text and the COPY blocks' rows.
///
/// Layout: cut seed, chunk size, report flag, then the script. Canaries go where the engine promises
/// to look: in COPY rows as whole fields, in script text as whole words (emails and secrets only: the
/// engine does not look for cards or SSNs in script text), and not in columns of types the engine does
/// not scan (`date`, `uuid`).
public enum PgDumpTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        EngineRun.pipeTarget(data, format: .pgdump, stage: "pg_dump", configure: { $0.maxRecordBytes = 1 << 20 },
                             splice: DumpCanarySplicer.splice)
    }
}

/// Follows a dump's lines as the engine's splitter does (`PgDumpSplitter`: the same tests on the same
/// decoded, newline-trimmed text, the same `DumpSchema`) to know which lines are COPY rows, and which of
/// their fields the engine scans (not a `date` or `uuid` column of the table's CREATE TABLE).
enum DumpCanarySplicer {
    static func splice(_ bytes: [UInt8]) -> [UInt8] {
        var schema = DumpSchema()
        var createTable: [String]? = nil
        // The COPY block being read, with the scanned flag of each column (nil: all scanned).
        var copy: [Bool]?? = nil
        var out: [UInt8] = []
        var start = 0
        // Lines inside a string, a function body or a block comment are script text, whatever they start
        // with (the splitter's `ScriptLexer`, fed the lines as the engine reads them: spliced).
        var lexer = ScriptLexer()
        func scriptLine(_ line: ArraySlice<UInt8>, endIsBoundary: Bool) {
            let spliced = TextCanarySplicer.scriptText(line, endIsBoundary: endIsBoundary)
            spliced.withUnsafeBufferPointer { lexer.read(line: $0) }
            out.append(contentsOf: spliced)
        }
        while start < bytes.count {
            let end = (bytes[start...].firstIndex(of: 10).map { $0 + 1 }) ?? bytes.count
            let line = bytes[start..<end]
            start = end
            if copy == nil && !lexer.atTopLevel {
                scriptLine(line, endIsBoundary: end == bytes.count)
                continue
            }
            if let columns = copy {
                let content = line.prefix { $0 != 10 }
                if content.elementsEqual([92, 46]) || content.elementsEqual([92, 46, 13]) {
                    copy = nil
                    out.append(contentsOf: line)
                } else {
                    out.append(contentsOf: TextCanarySplicer.copyRows(line, endIsBoundary: end == bytes.count) { field in
                        columns.map { field < $0.count ? $0[field] : true } ?? true
                    })
                }
                continue
            }
            if createTable == nil, line.starts(with: InsertStatement.keyword),
               case .statement(let statement) = bytes.withUnsafeBufferPointer({
                   InsertStatement.parse($0, from: line.startIndex, inputEnds: true)
               }) {
                out.append(contentsOf: insert(statement, of: bytes, schema: schema))
                start = statement.range.upperBound
                continue
            }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .newlines)
            if var lines = createTable {
                lines.append(text)
                createTable = text.hasPrefix(")") ? nil : lines
                if createTable == nil { schema.learn(createTable: lines) }
            } else if text.hasPrefix("CREATE TABLE ") && !text.hasSuffix(";") {
                createTable = [text]
            } else if text.hasPrefix("COPY ") && text.hasSuffix("FROM stdin;") {
                let (table, names) = PgDumpSplitter.parseCopy(text) ?? (PgDumpSplitter.copyTable(text), nil)
                copy = .some(names.map { schema.columns(table: table, names: $0).map(\.context.scanned) })
                // The COPY line itself stays as it is: its words name the table and columns.
                out.append(contentsOf: line)
                continue
            }
            scriptLine(line, endIsBoundary: end == bytes.count)
        }
        return out
    }

    /// An INSERT statement (pg_dump --inserts) with a canary in each string literal that is a marker
    /// alone, where the engine scans its column (as in a COPY row: not a `date` or `uuid` column), its
    /// quotes doubled. Markers elsewhere stay bytes: a statement they break is refused whole.
    static func insert(_ statement: InsertStatement, of bytes: [UInt8], schema: DumpSchema) -> [UInt8] {
        let columns = schema.columns(of: statement)
        var out: [UInt8] = []
        var from = statement.range.lowerBound
        for row in 0..<statement.rowCount {
            for (field, literal) in statement.row(row).enumerated() {
                let r = literal.range
                let scanned = columns.map { field < $0.count ? $0[field].context.scanned : true } ?? true
                guard literal.form == .quoted, r.count == 4, bytes[r.lowerBound + 1] == CanaryMarker.lead, scanned else { continue }
                out += bytes[from..<r.lowerBound]
                out.append(39)
                for b in Canary.pick(bytes[r.lowerBound + 2]).text {
                    if b == 39 { out.append(39) }
                    out.append(b)
                }
                out.append(39)
                from = r.upperBound
            }
        }
        out += bytes[from..<statement.range.upperBound]
        return out
    }
}
