/// The column names of a CSV input (from its header row, or none with `--no-header`) and the scan
/// context each name implies.
public final class CSVHeader: Sendable {
    public let names: [String]
    public let contexts: [ColumnContext]
    /// The table the rows come from (`--table`), for policy column rules that name one.
    public let table: String?

    public init(names: [String], table: String? = nil) {
        self.names = names
        self.table = table
        contexts = names.map { ColumnContext.forColumn(name: $0) }
    }

    /// The action table of each named column for `policy`, and of any field past the named ones.
    func actions(_ policy: SessionPolicy) -> (columns: [ActionTable], unnamed: ActionTable) {
        (names.map { policy.actions(for: ColumnReference(name: $0, table: table)) },
         policy.actions(for: ColumnReference(table: table)))
    }

    /// Parses one header record (its line ending included or not) into names, unquoting RFC 4180 fields.
    public static func parse(_ record: some Collection<UInt8>, delimiter: UInt8 = UInt8(ascii: ","), table: String? = nil) -> CSVHeader {
        var names: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var bytes = Array(record)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == delimiter {
                names.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
            } else {
                field.append(b)
            }
            i += 1
        }
        names.append(String(decoding: field, as: UTF8.self))
        return CSVHeader(names: names, table: table)
    }
}
