/// What a simple Query's `COPY … TO STDOUT` says about the columns of the rows that follow: a
/// CopyOutResponse gives their count and formats, never their names, and a column's name is what makes
/// it a credential column (`password`, `api_key`: values nothing else marks as secrets).
///
/// Names come from the statement's column list (`pg_dump` always writes one: `COPY public.logins (id,
/// password) TO stdout;`), from a query's select list (`COPY (SELECT id, password AS p FROM logins) TO
/// STDOUT`, `SelectListAliases.outputNames`), or from the first row when the statement asks for a `HEADER`. A query of
/// several statements gets none (which COPY a CopyOutResponse answers would be a guess).
struct CopyOutStatement: Equatable {
    /// The column list's names, unquoted; nil without a list.
    var names: [String]?
    /// Whether the first row is a header of names (`HEADER`, and no `HEADER false`).
    var header: Bool
    /// How the rows are written, when the options say (`FORMAT csv`, `CSV`, `DELIMITER ';'`); nil when
    /// they do not, or name a `QUOTE` or `ESCAPE` of their own (then the rows' fields are guessed).
    var layout: CopyRowFields.Layout? = nil

    /// Reads `query` (a Query message's string, without its terminating zero): nil when it is not a
    /// single `COPY … TO STDOUT` statement.
    ///
    /// Read as bytes, its keywords found in an ASCII-only upper-case copy of the same length: a string
    /// upper-cased as Unicode can grow (`ß` is `SS`), and its offsets would not be the query's.
    static func parse(_ query: UnsafeBufferPointer<UInt8>) -> CopyOutStatement? {
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
        var start = 0, end = query.count
        if let zero = query.firstIndex(of: 0) { end = zero }
        while start < end && isSpace(query[start]) { start += 1 }
        // Every simple Query comes here: one that is no COPY costs a look at its first bytes, no copy.
        guard end - start > 5, zip(query[start..<(start + 4)], "copy".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        while end > start && (isSpace(query[end - 1]) || query[end - 1] == UInt8(ascii: ";")) { end -= 1 }
        let text = Array(query[start..<end])
        let upper = text.map { $0 &- 97 < 26 ? $0 - 32 : $0 }
        guard upper.count > 5, upper.starts(with: Array("COPY".utf8)), isSpace(upper[4]) else { return nil }
        // One statement: no `;` outside quotes (a `;` in a quoted name or a string literal is none); and
        // `TO STDOUT` outside them, after the table or the query.
        var inSingle = false, inDouble = false, depth = 0
        var to: Range<Int>? = nil
        var i = 4
        while i < upper.count {
            let b = upper[i]
            if inSingle { if b == UInt8(ascii: "'") { inSingle = false }; i += 1; continue }
            if inDouble { if b == UInt8(ascii: "\"") { inDouble = false }; i += 1; continue }
            switch b {
            case UInt8(ascii: "'"): inSingle = true
            case UInt8(ascii: "\""): inDouble = true
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth -= 1
            case UInt8(ascii: ";"): return nil
            default:
                if to == nil, depth == 0, isSpace(upper[i - 1]), Self.word("TO", in: upper, at: i) {
                    var k = i + 2
                    while k < upper.count && isSpace(upper[k]) { k += 1 }
                    if k > i + 2, Self.word("STDOUT", in: upper, at: k) { to = i..<(k + 6) }
                }
            }
            i += 1
        }
        guard let to else { return nil }
        var bodyStart = 5, bodyEnd = to.lowerBound
        while bodyStart < bodyEnd && isSpace(text[bodyStart]) { bodyStart += 1 }
        while bodyEnd > bodyStart && isSpace(text[bodyEnd - 1]) { bodyEnd -= 1 }
        var names: [String]? = nil
        // `COPY (SELECT …) TO` is a query, its column list none; `COPY table (a, b) TO` has one.
        // The list opens at the first `(` outside quotes (`COPY "t(1)" (a) TO`), as a dump's COPY line's.
        let body = Substring(String(decoding: text[bodyStart..<bodyEnd], as: UTF8.self))
        if body.first != "(", let open = SQLNameList.firstOpenParenthesis(body), let close = body.lastIndex(of: ")"), open < close {
            names = SQLNameList.split(body[body.index(after: open)..<close], foldingUnquoted: true)
        } else if bodyEnd - bodyStart >= 2, text[bodyStart] == UInt8(ascii: "("), text[bodyEnd - 1] == UInt8(ascii: ")") {
            // `COPY (SELECT id, password FROM users) TO STDOUT`: the query's select list names them
            // (`psql \copy (…) to …` sends this), as its RowDescription would.
            names = text[(bodyStart + 1)..<(bodyEnd - 1)].withUnsafeBufferPointer { SelectListAliases.outputNames($0) }
        }
        // The options: each keyword as a word (not inside another), and the value after it.
        var header = false
        var format: CopyRowFields.Format? = nil
        var delimiter: UInt8? = nil
        var ownQuoting = false
        var k = to.upperBound
        func value(after keyword: Int) -> Int {
            var v = keyword
            while v < upper.count && (isSpace(upper[v]) || upper[v] == UInt8(ascii: "=")) { v += 1 }
            if Self.word("AS", in: upper, at: v) { v += 2; while v < upper.count && isSpace(upper[v]) { v += 1 } }
            return v
        }
        while k < upper.count {
            guard k == 0 || !(ASCII.isAlnum(upper[k - 1]) || upper[k - 1] == UInt8(ascii: "_")) else { k += 1; continue }
            if Self.word("HEADER", in: upper, at: k) {
                let v = value(after: k + 6)
                header = !(Self.word("FALSE", in: upper, at: v) || Self.word("OFF", in: upper, at: v) || Self.word("0", in: upper, at: v))
            } else if Self.word("FORMAT", in: upper, at: k) {
                var v = value(after: k + 6)
                if v < upper.count && upper[v] == UInt8(ascii: "'") { v += 1 }
                if Self.word("CSV", in: upper, at: v) || upper[v...].starts(with: Array("CSV'".utf8)) { format = .csv }
                if Self.word("TEXT", in: upper, at: v) || upper[v...].starts(with: Array("TEXT'".utf8)) { format = .text }
            } else if Self.word("CSV", in: upper, at: k) {
                format = .csv
            } else if Self.word("DELIMITER", in: upper, at: k) {
                var v = value(after: k + 9)
                let escaped = v < upper.count && upper[v] == UInt8(ascii: "E")
                if escaped { v += 1 }
                // One character in quotes (`';'`, `'|'`), or `E'\t'` for a tab.
                if v + 2 < text.count, text[v] == UInt8(ascii: "'"), text[v + 2] == UInt8(ascii: "'"), text[v + 1] != UInt8(ascii: "\\") {
                    delimiter = text[v + 1]
                } else if escaped, v + 3 < text.count, text[v..<(v + 4)].elementsEqual(Array("'\\t'".utf8)) {
                    delimiter = 9
                } else {
                    ownQuoting = true
                }
            } else if Self.word("QUOTE", in: upper, at: k) || Self.word("ESCAPE", in: upper, at: k) {
                ownQuoting = true
            }
            k += 1
        }
        var statement = CopyOutStatement(names: names, header: header)
        if !ownQuoting && (format != nil || delimiter != nil) {
            let f = format ?? .text
            statement.layout = CopyRowFields.Layout(format: f, delimiter: delimiter ?? (f == .csv ? UInt8(ascii: ",") : 9))
        }
        return statement
    }

    /// Whether `word` (upper-case ASCII) stands at `at` of `upper`, not followed by a letter, digit or `_`.
    private static func word(_ word: String, in upper: [UInt8], at: Int) -> Bool {
        let w = Array(word.utf8)
        guard at >= 0, at + w.count <= upper.count, upper[at..<(at + w.count)].elementsEqual(w) else { return false }
        let next = at + w.count
        return next == upper.count || !(ASCII.isAlnum(upper[next]) || upper[next] == UInt8(ascii: "_"))
    }

    /// A header row's field as a name: a CSV field's quotes removed (a doubled quote is one).
    static func headerName(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var text = String(decoding: field, as: UTF8.self)
        if text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") {
            text = String(text.dropFirst().dropLast())
            var undoubled = ""
            var previousQuote = false
            for c in text {
                if c == "\"" && previousQuote { previousQuote = false; continue }
                previousQuote = c == "\""
                undoubled.append(c)
            }
            text = undoubled
        }
        return text
    }
}
