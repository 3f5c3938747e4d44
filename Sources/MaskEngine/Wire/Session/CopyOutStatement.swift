/// What a simple Query's `COPY … TO STDOUT` says about the columns of the rows that follow: a
/// CopyOutResponse gives their count and formats, never their names, and a column's name is what makes
/// it a credential column (`password`, `api_key`: values nothing else marks as secrets).
///
/// Names come from the statement's column list (`pg_dump` always writes one: `COPY public.logins (id,
/// password) TO stdout;`), or from the first row when the statement asks for a `HEADER`. A query of
/// several statements gets none (which COPY a CopyOutResponse answers would be a guess).
struct CopyOutStatement: Equatable {
    /// The column list's names, unquoted; nil without a list.
    var names: [String]?
    /// Whether the first row is a header of names (`HEADER`, and no `HEADER false`).
    var header: Bool

    /// Reads `query` (a Query message's string, without its terminating zero): nil when it is not a
    /// single `COPY … TO STDOUT` statement.
    static func parse(_ query: UnsafeBufferPointer<UInt8>) -> CopyOutStatement? {
        var text = Substring(String(decoding: query.prefix { $0 != 0 }, as: UTF8.self))
        text = text.drop { $0.isWhitespace }
        while text.last?.isWhitespace == true || text.last == ";" { text = text.dropLast() }
        guard text.prefix(5).uppercased() == "COPY " || text.prefix(5).uppercased() == "COPY\t" else { return nil }
        // One statement: no `;` outside quotes (a `;` inside a quoted name or string literal is none).
        var inSingle = false, inDouble = false
        for c in text {
            if c == "'" && !inDouble { inSingle.toggle() } else if c == "\"" && !inSingle { inDouble.toggle() } else if c == ";" && !inSingle && !inDouble { return nil }
        }
        let upper = text.uppercased()
        guard let to = upper.range(of: " TO STDOUT") ?? upper.range(of: "\tTO STDOUT") ?? upper.range(of: "\nTO STDOUT") else { return nil }
        let body = text[text.index(text.startIndex, offsetBy: 5)..<to.lowerBound].drop { $0.isWhitespace }
        var names: [String]? = nil
        // `COPY (SELECT …) TO` is a query, its column list none; `COPY table (a, b) TO` has one.
        if body.first != "(", let open = body.firstIndex(of: "("), let close = body.lastIndex(of: ")"), open < close {
            names = Self.splitNames(body[body.index(after: open)..<close])
        }
        let options = upper[to.upperBound...]
        var header = false
        if let h = options.range(of: "HEADER") {
            let after = options[h.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "=" }
            header = !(after.hasPrefix("FALSE") || after.hasPrefix("OFF") || after.hasPrefix("0"))
        }
        return CopyOutStatement(names: names, header: header)
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

    /// `a, "B c", "d""e"` → ["a", "B c", "d\"e"]; an unquoted name folds to lower case, as the server
    /// folds it.
    static func splitNames(_ list: Substring) -> [String] {
        var names: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var i = list.startIndex
        func finish() {
            let name = wasQuoted ? current : current.trimmingWhitespace().lowercased()
            names.append(name)
            current = ""
            wasQuoted = false
        }
        while i < list.endIndex {
            let c = list[i]
            if quoted {
                if c == "\"" {
                    let next = list.index(after: i)
                    if next < list.endIndex && list[next] == "\"" { current.append("\""); i = list.index(after: next); continue }
                    quoted = false
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
                wasQuoted = true
                current = ""
            } else if c == "," {
                finish()
            } else if !wasQuoted {
                current.append(c)
            }
            i = list.index(after: i)
        }
        finish()
        return names
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
