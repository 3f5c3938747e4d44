import WireTestSupport

/// The tables the decode, stage-1 and end-to-end benchmarks read, as CSV and as a wire stream: the same
/// rows both ways, built in code from a fixed seed (no generated files to keep in sync).
///
/// - `mixed`: dense PII, like Corpora's `mixed` table: every row has a name and an email, most have a
///   card or an SSN, and the note holds a secret, an assignment or a URL with credentials now and then
///   (about 3 findings in a row of ~330 bytes: a finding every ~110 bytes, denser than Corpora's ~170).
/// - `plain`: no PII at all: ids, amounts, timestamps, UUIDs, short words; what most columns of most
///   tables hold, and what the engine must pass through at memory speed.
/// The PostgreSQL type OIDs the tables' columns are described with.
enum TypeOID {
    static let int8: UInt32 = 20
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let varchar: UInt32 = 1043
    static let numeric: UInt32 = 1700
    static let timestamptz: UInt32 = 1184
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802
}

struct SampleTable {
    /// Name and PostgreSQL type OID of each column.
    let columns: [(String, UInt32)]
    let rows: [[String?]]

    static func mixed(targetBytes: Int, seed: UInt64 = 7) -> SampleTable {
        var values = SampleValues(seed: seed)
        let columns: [(String, UInt32)] = [
            ("id", TypeOID.int8),
            ("name", TypeOID.text),
            ("email", TypeOID.varchar),
            ("card", TypeOID.varchar),
            ("ssn", TypeOID.varchar),
            ("note", TypeOID.text),
            ("created_at", TypeOID.timestamptz),
            ("uuid", TypeOID.uuid),
            ("amount", TypeOID.numeric),
            ("user_agent", TypeOID.text),
            ("event", TypeOID.jsonb),
        ]
        var rows: [[String?]] = []
        var bytes = 0
        while bytes < targetBytes {
            var note = values.sentence(words: 4 + values.random.below(8))
            switch values.random.below(6) {
            case 0: note += " token " + values.prefixedToken()
            case 1: note += " " + values.assignment()
            case 2: note += " dsn " + values.urlCredentials()
            case 3: note += " contact " + values.email()
            default: break
            }
            let row: [String?] = [
                String(rows.count + 1), values.name(), values.email(),
                values.random.below(3) == 0 ? nil : values.card(),
                values.random.below(3) == 0 ? nil : values.ssn(),
                note, values.timestamp(), values.uuid(), values.amount(), values.userAgent(), values.event(),
            ]
            bytes += row.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 }
            rows.append(row)
        }
        return SampleTable(columns: columns, rows: rows)
    }

    static func plain(targetBytes: Int, seed: UInt64 = 11) -> SampleTable {
        var values = SampleValues(seed: seed)
        let columns: [(String, UInt32)] = [
            ("id", TypeOID.int8),
            ("status", TypeOID.text),
            ("comment", TypeOID.text),
            ("quantity", TypeOID.int4),
            ("amount", TypeOID.numeric),
            ("created_at", TypeOID.timestamptz),
            ("uuid", TypeOID.uuid),
        ]
        var rows: [[String?]] = []
        var bytes = 0
        while bytes < targetBytes {
            let row: [String?] = [
                String(rows.count + 1), values.random.pick(["new", "paid", "shipped", "returned"]),
                values.sentence(words: 3 + values.random.below(6)), String(values.random.below(500)),
                values.amount(), values.timestamp(), values.uuid(),
            ]
            bytes += row.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 }
            rows.append(row)
        }
        return SampleTable(columns: columns, rows: rows)
    }

    /// RFC 4180 CSV with a header row; NULL is an empty field.
    var csv: [UInt8] {
        var out = Array(columns.map(\.0).joined(separator: ",").utf8)
        out.append(UInt8(ascii: "\n"))
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                guard let cell else { continue }
                if cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) {
                    out.append(UInt8(ascii: "\""))
                    for b in cell.utf8 {
                        if b == UInt8(ascii: "\"") { out.append(b) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.append(contentsOf: cell.utf8)
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The result of a simple query: RowDescription, a DataRow per row, CommandComplete, ReadyForQuery.
    var wire: [UInt8] {
        var out = Wire.rowDescription(columns)
        for row in rows { out += Wire.dataRow(row) }
        out += Wire.message("C", Array("SELECT \(rows.count)".utf8) + [0])
        out += Wire.readyForQuery
        return out
    }
}
