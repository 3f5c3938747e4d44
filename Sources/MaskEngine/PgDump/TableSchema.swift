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

    public init(name: String, type: String) {
        self.name = name
        self.type = type
        maxCharacters = Self.lengthLimit(type)
        numeric = NumericText.Kind.of(sqlType: type)
        context = ColumnContext.named(name, scanned: !Self.typeCannotHoldPII(type))
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

/// What the dump's `CREATE TABLE` statements declared, by qualified table name.
public struct DumpSchema: Sendable {
    public var tables: [String: [DumpColumn]] = [:]

    public init() {}

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
            let upper = text.uppercased()
            if upper.hasPrefix("CONSTRAINT ") || upper.hasPrefix("PRIMARY KEY") || upper.hasPrefix("UNIQUE")
                || upper.hasPrefix("CHECK") || upper.hasPrefix("FOREIGN KEY") || upper.hasPrefix("EXCLUDE") { continue }
            guard let (columnName, rest) = Self.splitName(text) else { continue }
            var type = rest
            for stop in [" NOT NULL", " DEFAULT ", " COLLATE ", " GENERATED ", " CONSTRAINT ", " NULL"] {
                if let r = type.range(of: stop) { type = String(type[..<r.lowerBound]) }
            }
            columns.append(DumpColumn(name: columnName, type: type.trimmingCharacters(in: .whitespaces)))
        }
        tables[name] = columns
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

    /// The columns of a COPY block: named in the COPY line, typed from the CREATE TABLE when known.
    public func columns(table: String, names: [String]) -> [DumpColumn] {
        let declared = tables[table] ?? []
        return names.map { name in declared.first { $0.name == name } ?? DumpColumn(name: name, type: "") }
    }
}

import Foundation
