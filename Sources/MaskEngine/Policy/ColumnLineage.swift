/// Which table column each view column reads, so that a rule written for `customers.email` (by table
/// OID and attribute number) also applies when the rows come through a view over it.
///
/// PostgreSQL's RowDescription names the relation a column was read from as the query saw it: for a
/// view, the view's OID and the view's column number, not the table's. The view's stored rewrite rule
/// (`pg_rewrite.ev_action`, a node tree in text) records for each output column the table column it
/// comes from (`:resorigtbl` and `:resorigcol` of the top-level TARGETENTRY), which is what is read
/// here; a view over a view is followed to its table. A computed column (`upper(email)`) has no
/// origin: its values are still scanned and masked by content, under the defaults.
public struct ColumnLineage: Sendable, Equatable {
    /// A table (or view) column: relation OID and attribute number.
    public struct Column: Hashable, Sendable {
        public var table: UInt32
        public var attribute: Int
        public init(table: UInt32, attribute: Int) {
            self.table = table
            self.attribute = attribute
        }
    }

    private var sources: [Column: Column] = [:]

    public init() {}

    /// Reads the `_RETURN` rules of views: each view's OID and its `ev_action` text.
    public init(viewRules: [(view: UInt32, action: String)]) {
        for (view, action) in viewRules {
            for entry in Self.topLevelTargets(action) where entry.table != 0 && entry.column > 0 {
                sources[Column(table: view, attribute: entry.resno)] = Column(table: entry.table, attribute: entry.column)
            }
        }
    }

    public var isEmpty: Bool { sources.isEmpty }

    /// The table column `column` reads, following views over views (at most 32 deep, which also ends
    /// any cycle), or nil when it is not a view column with an origin.
    public func source(of column: Column) -> Column? {
        var current = column
        var found: Column? = nil
        for _ in 0..<32 {
            guard let next = sources[current] else { break }
            found = next
            current = next
        }
        return found
    }

    /// The `(resno, resorigtbl, resorigcol)` of each TARGETENTRY of the outermost query's `:targetList`:
    /// fields of the outer QUERY node sit at nesting depth 2 (`({QUERY …`), its target entries at depth
    /// 4; target lists of subqueries in the range table are deeper and skipped. `\` escapes the next
    /// character in node text (names may hold braces).
    static func topLevelTargets(_ text: String) -> [(resno: Int, table: UInt32, column: Int)] {
        let bytes = Array(text.utf8)
        var depth = 0
        var i = 0
        var inTargetList = false
        var targetListDepth = 0
        var entries: [(resno: Int, table: UInt32, column: Int)] = []
        var current: (resno: Int, table: UInt32, column: Int) = (0, 0, 0)
        func word(at start: Int) -> (String, Int) {
            var j = start
            while j < bytes.count && bytes[j] != UInt8(ascii: " ") && bytes[j] != UInt8(ascii: "}") && bytes[j] != UInt8(ascii: ")") { j += 1 }
            return (String(decoding: bytes[start..<j], as: UTF8.self), j)
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\\"):
                i += 2
                continue
            case UInt8(ascii: "("), UInt8(ascii: "{"):
                depth += 1
                if inTargetList && depth == 4 && b == UInt8(ascii: "{") { current = (0, 0, 0) }
            case UInt8(ascii: ")"), UInt8(ascii: "}"):
                if inTargetList && depth == 4 && b == UInt8(ascii: "}") { entries.append(current) }
                depth -= 1
                if inTargetList && depth < targetListDepth { inTargetList = false }
            case UInt8(ascii: ":"):
                let (name, end) = word(at: i + 1)
                if depth == 2 && name == "targetList" {
                    inTargetList = true
                    targetListDepth = 3
                } else if inTargetList && depth == 4 && ["resno", "resorigtbl", "resorigcol"].contains(name) {
                    let (value, valueEnd) = word(at: end + 1)
                    switch name {
                    case "resno": current.resno = Int(value) ?? 0
                    case "resorigtbl": current.table = UInt32(value) ?? 0
                    default: current.column = Int(value) ?? 0
                    }
                    i = valueEnd
                    continue
                }
                i = end
                continue
            default:
                break
            }
            i += 1
        }
        return entries
    }
}
