/// What a format knows of one column, for matching policy column rules.
///
/// On the wire a RowDescription gives the column's name as the query spelled it (an alias: `SELECT
/// email AS e` says `e`) and, for a column read straight from a table, the table's OID and the
/// column's attribute number, which no alias changes. A dump's `COPY public.users (id, email)` and a
/// CSV header give schema-qualified table names and column names instead.
public struct ColumnReference: Sendable, Equatable {
    /// The column's name (an alias on the wire), if known.
    public var name: String?
    /// The table's OID (wire only; 0 or nil when the column is not a table's).
    public var tableOID: UInt32?
    /// The column's attribute number in its table (wire only, 1-based).
    public var attributeNumber: Int?
    /// `schema.table` (dumps; CSV with `--table`), if known.
    public var table: String?
    /// For a view's column, the table column it reads (`ColumnLineage`): OID rules match either.
    public var source: ColumnLineage.Column?

    public init(name: String? = nil, tableOID: UInt32? = nil, attributeNumber: Int? = nil, table: String? = nil,
                source: ColumnLineage.Column? = nil) {
        self.name = name
        self.tableOID = tableOID == 0 ? nil : tableOID
        self.attributeNumber = attributeNumber.flatMap { $0 > 0 ? $0 : nil }
        self.table = table
        self.source = source
    }

    /// Text outside any column: an error message, a dump's script text.
    public static let none = ColumnReference()
}

/// Which columns a column rule applies to; every condition given must hold.
///
/// `column` is a name pattern, or an attribute number when the rule also names a table OID (the
/// number is the table's own column number, as `pg_attribute.attnum` has it).
public struct ColumnMatch: Sendable, Equatable {
    public var name: GlobPattern?
    public var attributeNumber: Int?
    public var tableOID: UInt32?
    /// `schema.table`, or a bare table name that matches in any schema.
    public var table: GlobPattern?

    public init(name: GlobPattern? = nil, attributeNumber: Int? = nil, tableOID: UInt32? = nil, table: GlobPattern? = nil) {
        self.name = name
        self.attributeNumber = attributeNumber
        self.tableOID = tableOID
        self.table = table
    }

    public func matches(_ column: ColumnReference) -> Bool {
        if let name {
            guard let columnName = column.name, name.matches(columnName) else { return false }
        }
        if tableOID != nil || attributeNumber != nil {
            let described = (tableOID == nil || column.tableOID == tableOID)
                && (attributeNumber == nil || column.attributeNumber == attributeNumber)
            let read = column.source.map {
                (tableOID == nil || $0.table == tableOID) && (attributeNumber == nil || $0.attribute == attributeNumber)
            } ?? false
            guard described || read else { return false }
        }
        if let table {
            guard let qualified = column.table else { return false }
            if !table.text.contains("."), let dot = qualified.lastIndex(of: ".") {
                guard table.matches(String(qualified[qualified.index(after: dot)...])) else { return false }
            } else {
                guard table.matches(qualified) || (!qualified.contains(".") && table.matches("public." + qualified)) else { return false }
            }
        }
        return true
    }
}

/// A `columns:` entry: a match and the actions it sets.
public struct ColumnRule: Sendable, Equatable {
    public var match: ColumnMatch
    public var actions: TypeActions

    public init(match: ColumnMatch, actions: TypeActions) {
        self.match = match
        self.actions = actions
    }
}
