/// A comma-separated list of SQL column names as PostgreSQL reads one: `a, "B c", "d""e"`. One reader for
/// the COPY lines of a dump and the COPY statements a session sends, so that a quoted name holding a comma
/// (`"city, state"`) is one name in both (split at every comma, a dump's COPY line named one column too
/// many, and the block failed on its first row).
enum SQLNameList {
    /// The names of `list` without their quotes (a doubled quote inside one is a quote). An unquoted name
    /// is trimmed, and folded to lower case when `foldingUnquoted` (as the server folds it; pg_dump writes
    /// every name that is not already lower case quoted, so its lines read the same either way).
    static func split(_ list: Substring, foldingUnquoted: Bool) -> [String] {
        var names: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var i = list.startIndex
        func finish() {
            if wasQuoted {
                names.append(current)
            } else {
                let trimmed = String(current.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
                names.append(foldingUnquoted ? trimmed.lowercased() : trimmed)
            }
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

    /// The first `(` of `text` outside double quotes: where a column list starts after a table name that
    /// may hold one (`public."t(1)" (a, b)`).
    static func firstOpenParenthesis(_ text: Substring) -> Substring.Index? {
        var quoted = false
        for i in text.indices {
            let c = text[i]
            if c == "\"" { quoted.toggle() } else if c == "(" && !quoted { return i }
        }
        return nil
    }
}
