/// One `INSERT INTO … VALUES …;` statement of a pg_dump script made with `--inserts`,
/// `--column-inserts` or `--rows-per-insert`: where it lies, its table and column list, and where each
/// literal of its rows lies, so that the rows can be masked as a COPY block's are.
///
/// Why a reader of its own rather than SQL's grammar: pg_dump writes these statements in one shape
/// (`dumpTableData_insert`): the table's qualified name, an optional column list, an optional
/// `OVERRIDING SYSTEM VALUE`, `VALUES`, rows of literals (`NULL`, `DEFAULT`, bare numbers and booleans,
/// `'…'` strings with `''` for a quote, `E'…'` strings with backslash escapes, `B'…'` bit strings), an
/// optional `ON CONFLICT DO NOTHING` and `;` at a line's end. Anything else is refused (fail closed):
/// passing an unread statement through would pass its values in clear.
package struct InsertStatement: Sendable {
    /// How a literal is written.
    package enum Form: Sendable, Equatable {
        case null
        /// `DEFAULT`: a generated column's place in a statement without a column list.
        case defaultValue
        /// A number or a boolean, unquoted.
        case bare
        /// `'…'`, a quote doubled.
        case quoted
        /// `E'…'`, backslash escapes and a quote doubled or escaped.
        case escapeQuoted
        /// `B'…'` or `X'…'`: a bit string.
        case bitString
    }

    /// A literal in a row of the statement: its form and its bytes as written, quotes and prefix included.
    package struct Literal: Sendable {
        package var form: Form
        package var range: Range<Int>
    }

    /// The statement's bytes, through its line end.
    package var range: Range<Int>
    /// The table as the statement names it (`public.users`, `"Sales"."Orders"`).
    package var table: String
    /// The column list's names, unquoted, or nil when the statement has none (`--inserts`).
    package var columnNames: [String]?
    /// Every row's literals, one row after another.
    package var literals: [Literal] = []
    /// Where each row starts in `literals`.
    var rowStarts: [Int] = []

    /// The columns the rows fill, typed from the script's `CREATE TABLE` when known (set by the splitter).
    var columns: [DumpColumn]? = nil
    /// Index into the stream's table names, for the report (set by the splitter).
    var tableIndex: Int32 = -1
    /// The statement's first row among the table's rows in the script (set by the splitter).
    var rowIndex = 0
    /// The statement's first line, 1-based (set by the splitter).
    var line = 1

    package var rowCount: Int { rowStarts.count }

    /// The literals of row `row`.
    package func row(_ row: Int) -> ArraySlice<Literal> {
        literals[rowStarts[row]..<(row + 1 < rowStarts.count ? rowStarts[row + 1] : literals.count)]
    }

    /// What reading at an offset found.
    package enum Parsed {
        case statement(InsertStatement)
        /// The bytes there do not begin an INSERT statement.
        case notInsert
        /// The statement goes on past the bytes read: read more and ask again.
        case needsMore
        /// A statement pg_dump would not write, and the offset (from the statement's start) where it
        /// stops making sense.
        case malformed(String, at: Int)
    }

    package static let keyword = Array("INSERT INTO ".utf8)

    /// Reads the statement that begins at `start` of `bytes`; `inputEnds` says no byte follows them.
    /// `literals` is how many literals to make room for at once (the last statement's: a statement
    /// of 17 values grew its array six times).
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, inputEnds: Bool, literals: Int = 0) -> Parsed {
        var reader = Reader(bytes: bytes, position: start, inputEnds: inputEnds, literalCapacity: literals)
        do {
            return try reader.statement()
        } catch Reader.Stop.needsMore {
            return .needsMore
        } catch Reader.Stop.notInsert {
            return .notInsert
        } catch Reader.Stop.malformed(let reason) {
            return .malformed(reason, at: reader.position - start)
        } catch {
            return .malformed("unreadable", at: reader.position - start)
        }
    }

    /// A cursor over the statement's bytes that throws where they end or stop being pg_dump's.
    private struct Reader {
        enum Stop: Error { case needsMore, notInsert, malformed(String) }

        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int
        let inputEnds: Bool
        var literalCapacity = 0

        /// The byte at the cursor; past the bytes read, the statement needs more (or, at the input's
        /// end, is cut short).
        func peek(_ ahead: Int = 0) throws -> UInt8 {
            guard position + ahead < bytes.count else {
                throw inputEnds ? Stop.malformed("the statement ends before its ';'") : Stop.needsMore
            }
            return bytes[position + ahead]
        }

        /// Whether `text`'s bytes are at the cursor. A `StaticString`'s bytes are read in place: a
        /// `String`'s UTF-8 view walked per byte was 2 % of an `--inserts` dump's time, asked for `NULL`
        /// and `DEFAULT` at every number.
        func at(_ text: StaticString) throws -> Bool {
            let count = text.utf8CodeUnitCount
            let word = text.utf8Start
            for i in 0..<count where try peek(i) != word[i] { return false }
            return true
        }

        mutating func expect(_ text: StaticString) throws {
            guard try at(text) else { throw Stop.malformed("expected \(text)") }
            position += text.utf8CodeUnitCount
        }

        /// Whether `word` is at the cursor, followed by no letter; if so, the cursor moves past it.
        mutating func accept(_ word: StaticString) throws -> Bool {
            guard try at(word) else { return false }
            let after = word.utf8CodeUnitCount
            if position + after < bytes.count, ASCII.isAlnum(bytes[position + after]) { return false }
            position += after
            return true
        }

        mutating func skipSpace() throws {
            while true {
                let b = try peek()
                guard b == 32 || b == 9 || b == 10 || b == 13 else { return }
                position += 1
            }
        }

        mutating func statement() throws -> Parsed {
            let start = position
            for (i, b) in InsertStatement.keyword.enumerated() {
                guard position + i < bytes.count else {
                    if inputEnds { throw Stop.notInsert }
                    // Too short to tell: more bytes decide, unless they already differ.
                    if bytes[position..<bytes.count].elementsEqual(InsertStatement.keyword[..<(bytes.count - position)]) {
                        throw Stop.needsMore
                    }
                    throw Stop.notInsert
                }
                guard bytes[position + i] == b else { throw Stop.notInsert }
            }
            position += InsertStatement.keyword.count
            let nameStart = position
            try qualifiedName()
            let table = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<position]), as: UTF8.self)
            try skipSpace()
            var names: [String]? = nil
            if try peek() == UInt8(ascii: "(") {
                position += 1
                var list: [String] = []
                while true {
                    try skipSpace()
                    list.append(try identifier())
                    try skipSpace()
                    let b = try peek()
                    position += 1
                    if b == UInt8(ascii: ")") { break }
                    guard b == UInt8(ascii: ",") else { position -= 1; throw Stop.malformed("expected , or ) in the column list") }
                }
                names = list
                try skipSpace()
            }
            if try accept("OVERRIDING") {
                try skipSpace()
                guard try accept("SYSTEM") || accept("USER") else { throw Stop.malformed("expected SYSTEM or USER") }
                try skipSpace()
                try expect("VALUE")
                try skipSpace()
            }
            try expect("VALUES")
            var statement = InsertStatement(range: start..<start, table: table, columnNames: names)
            statement.literals.reserveCapacity(literalCapacity)
            while true {
                try skipSpace()
                try expect("(")
                statement.rowStarts.append(statement.literals.count)
                while true {
                    try skipSpace()
                    statement.literals.append(try literal())
                    try skipSpace()
                    let b = try peek()
                    position += 1
                    if b == UInt8(ascii: ")") { break }
                    guard b == UInt8(ascii: ",") else { position -= 1; throw Stop.malformed("expected , or ) after a value") }
                }
                try skipSpace()
                guard try peek() == UInt8(ascii: ",") else { break }
                position += 1
            }
            if try accept("ON") {
                try skipSpace()
                try expect("CONFLICT")
                try skipSpace()
                try expect("DO")
                try skipSpace()
                try expect("NOTHING")
                try skipSpace()
            }
            try expect(";")
            // The line's end belongs to the statement; a last statement may end the input without one.
            if position < bytes.count || !inputEnds {
                if try peek() == 13 { position += 1 }
                if position < bytes.count || !inputEnds {
                    guard try peek() == 10 else { throw Stop.malformed("expected the line to end after ';'") }
                    position += 1
                }
            }
            statement.range = start..<position
            return .statement(statement)
        }

        /// `name`, `"name"`, `schema.name`, … (the statement keeps them as written).
        mutating func qualifiedName() throws {
            while true {
                _ = try identifier()
                guard try peek() == UInt8(ascii: ".") else { return }
                position += 1
            }
        }

        /// One identifier, quoted (`""` for a quote) or not; returns its name, unquoted.
        mutating func identifier() throws -> String {
            if try peek() == UInt8(ascii: "\"") {
                position += 1
                var name: [UInt8] = []
                while true {
                    let b = try peek()
                    position += 1
                    if b == UInt8(ascii: "\"") {
                        guard try peek() == UInt8(ascii: "\"") else { break }
                        position += 1
                    }
                    name.append(b)
                }
                return String(decoding: name, as: UTF8.self)
            }
            let start = position
            while true {
                let b = try peek()
                guard ASCII.isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80 else { break }
                position += 1
            }
            guard position > start else { throw Stop.malformed("expected a name") }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func literal() throws -> Literal {
            let start = position
            let first = try peek()
            switch first {
            case UInt8(ascii: "'"):
                try quotedBody(backslashEscapes: false)
                return Literal(form: .quoted, range: start..<position)
            case UInt8(ascii: "E") where try peek(1) == UInt8(ascii: "'"):
                position += 1
                try quotedBody(backslashEscapes: true)
                return Literal(form: .escapeQuoted, range: start..<position)
            case UInt8(ascii: "B"), UInt8(ascii: "X"):
                guard try peek(1) == UInt8(ascii: "'") else { break }
                position += 1
                try quotedBody(backslashEscapes: false)
                return Literal(form: .bitString, range: start..<position)
            default:
                break
            }
            if first == UInt8(ascii: "N"), try accept("NULL") { return Literal(form: .null, range: start..<position) }
            if first == UInt8(ascii: "D"), try accept("DEFAULT") { return Literal(form: .defaultValue, range: start..<position) }
            // A number or a boolean: pg_dump quotes every other value (`'NaN'` too).
            while true {
                let b = try peek()
                guard ASCII.isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") else { break }
                position += 1
            }
            guard position > start else { throw Stop.malformed("expected a value") }
            return Literal(form: .bare, range: start..<position)
        }

        /// From an opening quote past its closing one: `''` is a quote; with `backslashEscapes`, a
        /// backslash escapes the byte after it.
        mutating func quotedBody(backslashEscapes: Bool) throws {
            position += 1
            while true {
                // Most of a literal is neither quote nor backslash: those bytes are passed over without
                // `peek`'s end check per byte.
                while position < bytes.count {
                    let b = bytes[position]
                    if b == UInt8(ascii: "'") || (backslashEscapes && b == UInt8(ascii: "\\")) { break }
                    position += 1
                }
                let b = try peek()
                position += 1
                if b == UInt8(ascii: "\\") {
                    _ = try peek()
                    position += 1
                } else {
                    guard try peek() == UInt8(ascii: "'") else { return }
                    position += 1
                }
            }
        }
    }
}
