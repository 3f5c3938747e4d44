import Foundation

/// Where a SQL script's text stands at a line's end: at the top level, or inside something that spans
/// lines (a string, a dollar-quoted function body, a quoted identifier, a block comment).
///
/// `PgDumpSplitter` reads a dump line by line and takes a line that starts with `COPY … FROM stdin;`,
/// `INSERT INTO` or `CREATE TABLE` for a statement of its own. Inside a function body (`AS $$ … $$`,
/// where pg_dump keeps the user's lines as written) or a multi-line `COMMENT ON … IS '…'` such a line
/// is text: read as a statement, a plpgsql trigger's flush-left `INSERT INTO log VALUES (now());`
/// failed the whole dump, and a comment's `COPY t FROM stdin;` opened a block that swallowed the script.
/// The lexer follows PostgreSQL's own rules for what hides a line (scan.l): `'…'` with `''`, `E'…'`
/// with backslash escapes (every string, after `SET standard_conforming_strings = off`), `$tag$ … $tag$`
/// (a `$` inside an identifier or after a digit opens none), `"…"` with `""`, `/* … */` nesting, and
/// `--` to the line's end; a line that starts with `\` is a psql meta-command (`\connect`, `\restrict`),
/// not SQL.
package struct ScriptLexer {
    package enum State: Equatable {
        case top
        /// Inside `'…'`; `escapes`: a backslash escapes the byte after it (`E'…'`, or every string with
        /// standard_conforming_strings off).
        case string(escapes: Bool)
        /// Inside a dollar-quoted string, closed by `$tag$` (the bytes between the dollars).
        case dollar(tag: [UInt8])
        case identifier
        case comment(depth: Int)
    }

    /// Where the lexer is, as plain fields: a `State` with an array payload, switched on per byte, cost a
    /// runtime call (`swift_getEnumCaseMultiPayload`) a byte, most of a script line's reading.
    private enum Mode: UInt8 { case top, string, identifier, dollar, comment }
    private var mode = Mode.top
    private var escapes = false
    private var tag: [UInt8] = []
    private var depth = 0

    /// Where the script is at the end of what was read.
    package var state: State {
        switch mode {
        case .top: return .top
        case .string: return .string(escapes: escapes)
        case .identifier: return .identifier
        case .dollar: return .dollar(tag: tag)
        case .comment: return .comment(depth: depth)
        }
    }
    /// Whether a plain `'…'` string treats a backslash as an escape (`SET standard_conforming_strings =
    /// off`, which old dumps and hand-written scripts may set).
    private var backslashEscapes = false
    /// The byte before the next one read, at the top level: whether it may continue an identifier or a
    /// number (`foo$bar$` is one identifier, `$1` a parameter), and whether it was an `E` that starts a
    /// word (then a quote opens an escape string).
    private var previousContinuesWord = false
    private var previousIsEscapePrefix = false
    /// `literalSpans`' record: where the line being read starts in the text, where the literal being
    /// read starts, and the literals read.
    private var recording = false
    private var base = 0
    private var literalStart: Int? = nil
    private var literals: [Range<Int>] = []

    /// Whether the script is at the top level: the next line may start a statement.
    package var atTopLevel: Bool { mode == .top }

    package init() {}

    /// What the script is inside of, for an error.
    var construct: String {
        switch mode {
        case .top: return "nothing"
        case .string: return "a string"
        case .dollar: return "a dollar-quoted string (a function body)"
        case .identifier: return "a quoted name"
        case .comment: return "a block comment"
        }
    }

    /// Reads one line (its bytes up to and with its line feed, if it has one).
    package mutating func read(line: UnsafeBufferPointer<UInt8>) {
        if mode == .top {
            if line.first == UInt8(ascii: "\\") { return }
            if Self.setsConformingStrings(line) { backslashEscapes = Self.setsConformingStringsOff(line) }
        }
        var i = 0
        let n = line.count
        while i < n {
            switch mode {
            case .top:
                i = top(line, at: i)
            case .string:
                // To the next quote (or backslash, which escapes the byte after it in an escape string).
                while i < n && line[i] != UInt8(ascii: "'") && !(escapes && line[i] == UInt8(ascii: "\\")) { i += 1 }
                if i >= n { break }
                if line[i] == UInt8(ascii: "\\") { i += 2; continue }
                // `''` is a quote inside the string.
                if i + 1 < n && line[i + 1] == UInt8(ascii: "'") { i += 2; continue }
                endLiteral(at: i)
                leave()
                i += 1
            case .identifier:
                while i < n && line[i] != UInt8(ascii: "\"") { i += 1 }
                if i >= n { break }
                if i + 1 < n && line[i + 1] == UInt8(ascii: "\"") { i += 2; continue }
                leave()
                i += 1
            case .dollar:
                while i < n && line[i] != UInt8(ascii: "$") { i += 1 }
                if i >= n { break }
                if Self.closes(line, at: i, tag: tag) {
                    endLiteral(at: i)
                    i += tag.count + 2
                    leave()
                } else {
                    i += 1
                }
            case .comment:
                let b = line[i]
                if b == UInt8(ascii: "*") && i + 1 < n && line[i + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    if depth == 0 { leave() }
                    i += 2
                } else if b == UInt8(ascii: "/") && i + 1 < n && line[i + 1] == UInt8(ascii: "*") {
                    depth += 1
                    i += 2
                } else {
                    i += 1
                }
            }
        }
        // A line break ends a word.
        previousContinuesWord = false
        previousIsEscapePrefix = false
    }

    private mutating func endLiteral(at i: Int) {
        guard recording, let start = literalStart else { return }
        if base + i > start { literals.append(start..<(base + i)) }
        literalStart = nil
    }

    /// The contents of the string literals and dollar-quoted strings of `text` (whole lines, read from
    /// the top level): data (a comment's text, a function body, a default), where a card or an SSN is
    /// one, unlike the numbers of the SQL around them (sequence values, OIDs). A literal still open at
    /// the text's end reaches it.
    static func literalSpans(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lexer = ScriptLexer()
        lexer.recording = true
        var start = 0
        while start < text.count {
            let end = UnsafeBufferPointer(rebasing: text[start...]).firstIndex(of: 10).map { start + $0 + 1 } ?? text.count
            lexer.base = start
            lexer.read(line: UnsafeBufferPointer(rebasing: text[start..<end]))
            start = end
        }
        if let open = lexer.literalStart, open < text.count { lexer.literals.append(open..<text.count) }
        return lexer.literals
    }

    /// Back at the top level after a string, identifier, body or comment: what follows starts no word.
    private mutating func leave() {
        mode = .top
        previousContinuesWord = false
        previousIsEscapePrefix = false
    }

    /// One step at the top level from `i`; returns where to go on.
    private mutating func top(_ line: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = line[i]
        let n = line.count
        switch b {
        case UInt8(ascii: "'"):
            mode = .string
            escapes = backslashEscapes || previousIsEscapePrefix
            if recording { literalStart = base + i + 1 }
        case UInt8(ascii: "\""):
            mode = .identifier
        case UInt8(ascii: "-") where i + 1 < n && line[i + 1] == UInt8(ascii: "-"):
            // A comment to the line's end.
            return line[i...].firstIndex(of: 10) ?? n
        case UInt8(ascii: "/") where i + 1 < n && line[i + 1] == UInt8(ascii: "*"):
            mode = .comment
            depth = 1
            return i + 2
        case UInt8(ascii: "$") where !previousContinuesWord:
            if let tag = Self.dollarTag(line, at: i) {
                mode = .dollar
                self.tag = tag
                if recording { literalStart = base + i + tag.count + 2 }
                return i + tag.count + 2
            }
            previousContinuesWord = true   // `$1`
            previousIsEscapePrefix = false
            return i + 1
        default:
            let word = ASCII.isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80
            previousIsEscapePrefix = (b | 0x20) == UInt8(ascii: "e") && !previousContinuesWord
            previousContinuesWord = word
            return i + 1
        }
        previousContinuesWord = false
        previousIsEscapePrefix = false
        return i + 1
    }

    /// The tag of a dollar quote that opens at `i` (`$$` → empty, `$_$` → `_`), or nil (`$1`, a lone `$`).
    static func dollarTag(_ line: UnsafeBufferPointer<UInt8>, at i: Int) -> [UInt8]? {
        var j = i + 1
        while j < line.count {
            let b = line[j]
            if b == UInt8(ascii: "$") { return Array(line[(i + 1)..<j]) }
            let start = j == i + 1
            let letter = ASCII.isAlpha(b) || b == UInt8(ascii: "_") || b >= 0x80
            guard letter || (!start && ASCII.isDigit(b)) else { return nil }
            j += 1
        }
        return nil
    }

    /// Whether `$tag$` is at `i`.
    static func closes(_ line: UnsafeBufferPointer<UInt8>, at i: Int, tag: [UInt8]) -> Bool {
        let end = i + tag.count + 1
        guard end < line.count, line[end] == UInt8(ascii: "$") else { return false }
        return tag.isEmpty || line[(i + 1)..<end].elementsEqual(tag)
    }

    private static let conformingPrefix = Array("SET standard_conforming_strings = ".utf8)

    static func setsConformingStrings(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.starts(with: conformingPrefix)
    }

    static func setsConformingStringsOff(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let rest = line.dropFirst(conformingPrefix.count).prefix { $0 != UInt8(ascii: ";") }
        return String(decoding: rest, as: UTF8.self).lowercased().trimmingCharacters(in: .whitespaces)
            .trimmingCharacters(in: CharacterSet(charactersIn: "'")) == "off"
    }
}
