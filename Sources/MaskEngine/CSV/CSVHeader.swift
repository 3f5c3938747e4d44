/// The column names of a CSV input (from its header row, or none with `--no-header`) and the scan
/// context each name implies.
public final class CSVHeader: Sendable {
    public let names: [String]
    public let contexts: [ColumnContext]

    public init(names: [String]) {
        self.names = names
        contexts = names.map { ColumnContext.forColumn(name: $0) }
    }

    /// Parses one header record (its line ending included or not) into names, unquoting RFC 4180 fields.
    public static func parse(_ record: some Collection<UInt8>, delimiter: UInt8 = UInt8(ascii: ",")) -> CSVHeader {
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
        return CSVHeader(names: names)
    }
}
