/// The tables the decode, stage-1 and end-to-end benchmarks read, as CSV and as a wire stream: the same
/// rows both ways, built in code from a fixed seed (no generated files to keep in sync).
///
/// - `mixed`: dense PII, like Corpora's `mixed` table: every row has a name and an email, most have a
///   card or an SSN, and the note holds a secret, an assignment or a URL with credentials now and then
///   (about 3 findings in a row of ~330 bytes: a finding every ~110 bytes, denser than Corpora's ~170).
/// - `plain`: no PII at all: ids, amounts, timestamps, UUIDs, short words; what most columns of most
///   tables hold, and what the engine must pass through at memory speed.
struct SampleTable {
    let columns: [WireMessages.Column]
    let rows: [[String?]]

    static func mixed(targetBytes: Int, seed: UInt64 = 7) -> SampleTable {
        var values = SampleValues(seed: seed)
        let columns: [WireMessages.Column] = [
            .init(name: "id", typeOID: WireMessages.int8OID),
            .init(name: "name", typeOID: WireMessages.textOID),
            .init(name: "email", typeOID: WireMessages.varcharOID),
            .init(name: "card", typeOID: WireMessages.varcharOID),
            .init(name: "ssn", typeOID: WireMessages.varcharOID),
            .init(name: "note", typeOID: WireMessages.textOID),
            .init(name: "created_at", typeOID: WireMessages.timestamptzOID),
            .init(name: "uuid", typeOID: WireMessages.uuidOID),
            .init(name: "amount", typeOID: WireMessages.numericOID),
            .init(name: "user_agent", typeOID: WireMessages.textOID),
            .init(name: "event", typeOID: WireMessages.jsonbOID),
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
        let columns: [WireMessages.Column] = [
            .init(name: "id", typeOID: WireMessages.int8OID),
            .init(name: "status", typeOID: WireMessages.textOID),
            .init(name: "comment", typeOID: WireMessages.textOID),
            .init(name: "quantity", typeOID: WireMessages.int4OID),
            .init(name: "amount", typeOID: WireMessages.numericOID),
            .init(name: "created_at", typeOID: WireMessages.timestamptzOID),
            .init(name: "uuid", typeOID: WireMessages.uuidOID),
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
        var out = Array(columns.map(\.name).joined(separator: ",").utf8)
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
        var out = WireMessages.rowDescription(columns)
        for row in rows { out += WireMessages.dataRow(row) }
        out += WireMessages.commandComplete(rows: rows.count)
        out += WireMessages.readyForQuery()
        return out
    }
}
