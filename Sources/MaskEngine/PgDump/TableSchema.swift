/// A column as a dump declares it: its name, its type, and the context that follows for masking.
public struct DumpColumn: Sendable, Equatable {
    public var name: String
    /// The SQL type as written (`character varying(64)`, `jsonb`, …), or "" when unknown.
    public var type: String
    /// The most characters a value may have (`varchar(n)`, `char(n)`), or nil.
    public var maxCharacters: Int?
    /// For a number column (`bigint`, `numeric(12,2)`…), the type its masked text must parse as again.
    var numeric: NumericText.Kind?
    public var context: ColumnContext
    /// A generated column (`GENERATED ALWAYS AS (…) STORED`): `COPY table TO` leaves it out.
    public var generated = false

    public init(name: String, type: String) {
        self.name = name
        self.type = type
        maxCharacters = Self.lengthLimit(type)
        numeric = NumericText.Kind.of(sqlType: type)
        context = ColumnContext.named(name, scanned: !Self.typeCannotHoldPII(type))
        // A credential's token is text: a number, a uuid or a bytea keeps its own rules, and so does an
        // XML document. An array of text holds one in each element, a JSON value in each string.
        if let value = Self.credentialValue(type) { context.credentialValue = value } else { context.credentialColumn = false }
    }

    /// How a credential column of this SQL type holds its secrets (`PostgresType.credentialValue` by
    /// name): plain text (`text`, `character varying(n)`, `character(n)`, `citext`, `name`, `bytea`, or
    /// a type not known), an array of one of those (`text[]`), `json` or `jsonb`; nil for any other type.
    static func credentialValue(_ type: String) -> CredentialValue? {
        if type.isEmpty { return .text }
        var t = type.lowercased()
        if t == "bytea" || t.hasSuffix(".bytea") { return .text }  // its bytes, as PostgresType.credentialValue says
        if t == "json" || t == "jsonb" || t.hasSuffix(".json") || t.hasSuffix(".jsonb") { return .json }
        var array = false
        while t.hasSuffix("[]") {
            t.removeLast(2)
            array = true
        }
        guard isPlainText(t) else { return nil }
        return array ? .textArray : .text
    }

    /// Plain text types, whose values a secret's token can replace: `text`, `character varying(n)`,
    /// `character(n)`, `citext`, `name` (not arrays of them, nor documents: `json`, `xml`).
    static func isPlainText(_ type: String) -> Bool {
        let t = type.lowercased()
        if t.hasSuffix("[]") { return false }
        let names = ["text", "character varying", "varchar", "character", "char", "citext", "name"]
        let base = t.split(separator: ".").last.map(String.init) ?? t
        return names.contains { base == $0 || base.hasPrefix($0 + "(") }
    }

    /// `character varying(64)` → 64; `character(11)` → 11; arrays and other types → nil.
    static func lengthLimit(_ type: String) -> Int? {
        let t = type.lowercased()
        guard !t.hasSuffix("[]"), t.hasPrefix("character") || t.hasPrefix("varchar") || t.hasPrefix("char"),
              let open = t.firstIndex(of: "("), let close = t[open...].firstIndex(of: ")") else { return nil }
        return Int(t[t.index(after: open)..<close])
    }

    /// SQL type names whose values cannot hold PII text (the same list as `PostgresType.unscannedOIDs`).
    static func typeCannotHoldPII(_ type: String) -> Bool {
        let t = type.lowercased()
        if t.hasSuffix("[]") { return false }
        let prefixes = ["boolean", "real", "double precision", "date", "time", "timestamp", "interval", "uuid",
                        "inet", "cidr", "macaddr", "money", "point", "line", "lseg", "box", "path", "polygon",
                        "circle", "bit", "pg_lsn", "oid", "regclass", "int4range", "int8range", "numrange",
                        "tsrange", "tstzrange", "daterange"]
        return prefixes.contains { t == $0 || t.hasPrefix($0 + " ") || t.hasPrefix($0 + "(") }
    }
}

/// What the dump's `CREATE TABLE` statements declared, by qualified table name, and its `CREATE DOMAIN`
/// statements' base types.
public struct DumpSchema: Sendable {
    public var tables: [String: [DumpColumn]] = [:]
    /// The base type of each domain, by its name as the dump spells it (`public.acct`,
    /// `public."Money Amt"`); a domain over a domain has the first one's base type.
    public var domains: [String: String] = [:]

    public init() {}

    /// Reads a `CREATE DOMAIN name AS type …` line. Why: a column of a domain over `bigint` or
    /// `varchar(20)` is declared with the domain's name, and without its base type a masked value
    /// broke the restore (`****` in a number, an email token of 32 characters in 20).
    public mutating func learn(createDomain line: String) {
        let text = line.dropFirst("CREATE DOMAIN ".count)
        // The name ends at the first " AS " outside double quotes.
        var quoted = false
        var i = text.startIndex
        var nameEnd: String.Index? = nil
        while i < text.endIndex {
            if text[i] == "\"" { quoted.toggle() } else if !quoted && text[i...].hasPrefix(" AS ") { nameEnd = i; break }
            i = text.index(after: i)
        }
        guard let nameEnd else { return }
        let name = String(text[..<nameEnd])
        var type = String(text[text.index(nameEnd, offsetBy: 4)...])
        for stop in [";", " NOT NULL", " NULL", " DEFAULT ", " COLLATE ", " CONSTRAINT ", " CHECK "] {
            if let r = type.range(of: stop) { type = String(type[..<r.lowerBound]) }
        }
        type = type.trimmingCharacters(in: .whitespaces)
        guard !type.isEmpty else { return }
        domains[name] = baseType(of: type)
    }

    /// `type` with a domain's name (or an array of one) replaced by the domain's base type, and its
    /// identifiers unquoted: `pg_dump --quote-all-identifiers` writes `"text"`, `"public"."citext"`,
    /// `"uuid"[]`, and a quoted `"text"` was no text type to the rules that read types (a `"password"
    /// "text"` column was no credential column, its values passed).
    func baseType(of type: String) -> String {
        if let base = domains[type] { return base }
        if type.hasSuffix("[]"), let base = domains[String(type.dropLast(2))] { return base + "[]" }
        return type.contains("\"") ? PgDumpSplitter.unquotedName(type) : type
    }

    /// Reads a `CREATE TABLE name (` … `);` statement as pg_dump writes it: one column per line,
    /// `    name type [NOT NULL] [DEFAULT …],`. Constraint lines are skipped.
    public mutating func learn(createTable lines: [String]) {
        guard let first = lines.first else { return }
        var header = first.dropFirst("CREATE TABLE ".count)
        if header.hasPrefix("IF NOT EXISTS ") { header = header.dropFirst("IF NOT EXISTS ".count) }
        guard let paren = header.firstIndex(of: "(") else { return }
        let name = header[..<paren].trimmingCharacters(in: .whitespaces)
        var columns: [DumpColumn] = []
        for line in lines.dropFirst() {
            var text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(")") { break }
            if text.hasSuffix(",") { text.removeLast() }
            if Self.isTableConstraint(text) { continue }
            guard let (columnName, rest) = Self.splitName(text) else { continue }
            var type = rest
            let generated = type.contains(" GENERATED ALWAYS AS (")
            for stop in [" NOT NULL", " DEFAULT ", " COLLATE ", " GENERATED ", " CONSTRAINT ", " NULL"] {
                if let r = type.range(of: stop) { type = String(type[..<r.lowerBound]) }
            }
            var column = DumpColumn(name: columnName, type: baseType(of: type.trimmingCharacters(in: .whitespaces)))
            column.generated = generated
            columns.append(column)
        }
        tables[name] = columns
    }

    /// A `CREATE TABLE` statement begun and not yet closed (`read`).
    private var openTable: [String]? = nil

    /// Reads one line of a script (without its line end) for the statements this schema learns from:
    /// returns true when the line belongs to one (a `CREATE TABLE` statement's lines, a `CREATE DOMAIN`).
    public mutating func read(line text: String) -> Bool {
        if var lines = openTable {
            lines.append(text)
            if text.hasPrefix(")") {
                openTable = nil
                learn(createTable: lines)
            } else {
                openTable = lines
            }
            return true
        }
        if text.hasPrefix("CREATE TABLE ") && !text.hasSuffix(";") {
            openTable = [text]
            return true
        }
        if text.hasPrefix("CREATE DOMAIN ") {
            learn(createDomain: text)
            return true
        }
        return false
    }

    /// The table `name` names: itself, or `public.name`, or the one table whose unqualified name it is.
    public func table(named name: String) -> String? {
        if tables[name] != nil { return name }
        if tables["public." + name] != nil { return "public." + name }
        let matches = tables.keys.filter { $0.hasSuffix("." + name) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Whether a line of a `CREATE TABLE` is a table constraint rather than a column: by the constraint's
    /// keywords as words, so that a column named `checksum`, `unique_id` or `exclude` stays a column
    /// (a word prefix dropped them: a `checksum varchar(20)` column lost its limit, and an INSERT's values
    /// no longer lined up with the table's columns).
    static func isTableConstraint(_ line: String) -> Bool {
        let words = line.uppercased().split(separator: " ", maxSplits: 2).map(String.init)
        guard let first = words.first else { return false }
        let second = words.count > 1 ? words[1] : ""
        switch first {
        case "CONSTRAINT": return true
        case "PRIMARY", "FOREIGN": return second == "KEY" || second.hasPrefix("KEY(")
        case "UNIQUE": return second.hasPrefix("(") || second == "NULLS" || second.hasPrefix("USING")
        case "EXCLUDE": return second.hasPrefix("(") || second == "USING"
        case "CHECK": return second.hasPrefix("(")
        default: return first.hasPrefix("CHECK(") || first.hasPrefix("UNIQUE(") || first.hasPrefix("EXCLUDE(")
        }
    }

    /// A column name (quoted or not) and the rest of the line.
    static func splitName(_ text: String) -> (String, String)? {
        if text.hasPrefix("\"") {
            var name = ""
            var i = text.index(after: text.startIndex)
            while i < text.endIndex {
                if text[i] == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == "\"" { name.append("\""); i = text.index(after: next); continue }
                    return (name, String(text[next...]).trimmingCharacters(in: .whitespaces))
                }
                name.append(text[i])
                i = text.index(after: i)
            }
            return nil
        }
        guard let space = text.firstIndex(of: " ") else { return nil }
        return (String(text[..<space]), String(text[text.index(after: space)...]))
    }

    /// The columns an INSERT statement's values fill: its column list's, or without one every column of
    /// its table in order (generated ones too: pg_dump writes `DEFAULT` for them); nil when neither is known.
    package func columns(of statement: InsertStatement) -> [DumpColumn]? {
        statement.columnNames.map { columns(table: statement.table, names: $0) } ?? tables[statement.table]
    }

    /// The columns of a COPY block: named in the COPY line, typed from the CREATE TABLE when known.
    public func columns(table: String, names: [String]) -> [DumpColumn] {
        let declared = tables[table] ?? []
        return names.map { name in declared.first { $0.name == name } ?? DumpColumn(name: name, type: "") }
    }
}

import Foundation
