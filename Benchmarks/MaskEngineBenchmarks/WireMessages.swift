/// PostgreSQL v3 backend messages, built the way a server sends them (type byte, big-endian Int32
/// length that counts itself, payload), for the decode and end-to-end benchmarks' wire streams.
enum WireMessages {
    /// A column of a RowDescription: its name and type OID, in text format.
    struct Column {
        var name: String
        var typeOID: UInt32
    }

    static let int8OID: UInt32 = 20
    static let int4OID: UInt32 = 23
    static let textOID: UInt32 = 25
    static let varcharOID: UInt32 = 1043
    static let numericOID: UInt32 = 1700
    static let timestamptzOID: UInt32 = 1184
    static let uuidOID: UInt32 = 2950
    static let jsonbOID: UInt32 = 3802

    static func rowDescription(_ columns: [Column], tableOID: UInt32 = 16389) -> [UInt8] {
        var payload: [UInt8] = []
        appendInt16(Int16(columns.count), to: &payload)
        for (i, column) in columns.enumerated() {
            payload.append(contentsOf: column.name.utf8)
            payload.append(0)
            appendInt32(Int32(bitPattern: tableOID), to: &payload)
            appendInt16(Int16(i + 1), to: &payload)
            appendInt32(Int32(bitPattern: column.typeOID), to: &payload)
            appendInt16(-1, to: &payload)  // typlen: variable
            appendInt32(-1, to: &payload)  // typmod: none
            appendInt16(0, to: &payload)   // text format
        }
        return message("T", payload)
    }

    /// A DataRow; nil cells are NULL.
    static func dataRow(_ cells: [String?]) -> [UInt8] {
        var payload: [UInt8] = []
        appendInt16(Int16(cells.count), to: &payload)
        for cell in cells {
            guard let cell else { appendInt32(-1, to: &payload); continue }
            appendInt32(Int32(cell.utf8.count), to: &payload)
            payload.append(contentsOf: cell.utf8)
        }
        return message("D", payload)
    }

    static func commandComplete(rows: Int) -> [UInt8] { message("C", Array("SELECT \(rows)".utf8) + [0]) }

    static func readyForQuery() -> [UInt8] { message("Z", [UInt8(ascii: "I")]) }

    private static func message(_ type: Unicode.Scalar, _ payload: [UInt8]) -> [UInt8] {
        var out = [UInt8(ascii: type)]
        appendInt32(Int32(payload.count + 4), to: &out)
        return out + payload
    }

    private static func appendInt16(_ v: Int16, to out: inout [UInt8]) {
        let u = UInt16(bitPattern: v)
        out.append(UInt8(u >> 8))
        out.append(UInt8(u & 0xFF))
    }

    private static func appendInt32(_ v: Int32, to out: inout [UInt8]) {
        let u = UInt32(bitPattern: v)
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8((u >> UInt32(shift)) & 0xFF)) }
    }
}
