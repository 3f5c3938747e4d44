import ArgumentParser
import Foundation

/// `maskd audit`: reading the audit records `maskd serve` and `maskd proxy` write.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read maskd's audit records.",
        subcommands: [AuditSummary.self]
    )
}

/// `maskd audit summarize FILE`: per identity and column, which types were seen and how they were masked.
struct AuditSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Per identity and column: which types were found, the action applied, and how often.",
        discussion: """
            Reads the result_set records of an audit file (JSON Lines, `-` for standard input) and prints one \
            line per identity, column, type and action: how many values were found, in how many result \
            sets, and how many result sets ended in an error. Identities are told apart by --by (user by \
            default; `unknown` when a session sent none). Columns are named as the result named them, with \
            their table OID and column number when they come from a table.

            Exit status: 0, 65 when a line is not an audit record (its line number is given), 74 the file \
            cannot be read.

            Examples:
              maskd audit summarize /var/log/maskd/audit.jsonl
              maskd audit summarize --by application --json audit.jsonl | jq .
            """
    )

    @Argument(help: ArgumentHelp("The audit file (JSON Lines), or - for standard input.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Group identities by user, application, database, group or session.", valueName: "attribute"))
    var by = "user"

    @Flag(help: "Print JSON Lines instead of a table.")
    var json = false

    struct Key: Hashable, Comparable {
        var identity: String
        var column: String
        var type: String
        var action: String
        static func < (a: Key, b: Key) -> Bool {
            (a.identity, a.column, a.type, a.action) < (b.identity, b.column, b.type, b.action)
        }
    }

    struct Tally {
        var found = 0
        var resultSets = 0
    }

    func validate() throws {
        guard ["user", "application", "database", "group", "session"].contains(by) else {
            throw ValidationError("--by must be user, application, database, group or session")
        }
    }

    func run() throws {
        guard let stream = file == "-" ? fdopen(0, "r") : fopen(file, "r") else {
            Diagnostics.error("cannot open \(file): \(String(cString: strerror(errno)))")
            throw ExitCode(74)
        }
        defer { if file != "-" { fclose(stream) } }
        var tallies: [Key: Tally] = [:]
        var perIdentity: [String: (resultSets: Int, errors: Int, rows: Int, masked: Int)] = [:]
        var lineNumber = 0
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, stream) > 0 {
            lineNumber += 1
            guard let buffer else { break }
            let line = String(cString: buffer)
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let event = object["event"] as? String else {
                Diagnostics.error("\(file):\(lineNumber): not an audit record")
                throw ExitCode(65)
            }
            guard event == "result_set" else { continue }
            let identity = Self.identity(object, by: by)
            var totals = perIdentity[identity] ?? (0, 0, 0, 0)
            totals.resultSets += 1
            if (object["outcome"] as? String) != "complete" { totals.errors += 1 }
            totals.rows += object["rows"] as? Int ?? 0
            totals.masked += object["masked_cells"] as? Int ?? 0
            perIdentity[identity] = totals
            for column in object["columns"] as? [[String: Any]] ?? [] {
                let name = column["name"] as? String ?? ""
                let oid = column["table_oid"] as? Int ?? 0
                let number = column["column"] as? Int ?? 0
                let label = oid == 0 ? name : "\(name) (\(oid).\(number))"
                for (type, value) in column["found"] as? [String: Any] ?? [:] {
                    guard let entry = value as? [String: Any] else { continue }
                    let key = Key(identity: identity, column: label, type: type, action: entry["action"] as? String ?? "?")
                    var tally = tallies[key] ?? Tally()
                    tally.found += entry["count"] as? Int ?? 0
                    tally.resultSets += 1
                    tallies[key] = tally
                }
            }
        }
        if json {
            for key in tallies.keys.sorted() {
                let t = tallies[key]!
                let object: [String: Any] = [by: key.identity, "column": key.column, "type": key.type, "action": key.action,
                                             "found": t.found, "result_sets": t.resultSets]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        var rows = [[by.uppercased(), "COLUMN", "TYPE", "ACTION", "FOUND", "RESULT SETS"]]
        for key in tallies.keys.sorted() {
            let t = tallies[key]!
            rows.append([key.identity, key.column, key.type, key.action, "\(t.found)", "\(t.resultSets)"])
        }
        Self.printTable(rows)
        print("")
        var summary = [[by.uppercased(), "RESULT SETS", "NOT COMPLETE", "ROWS", "MASKED CELLS"]]
        for identity in perIdentity.keys.sorted() {
            let t = perIdentity[identity]!
            summary.append([identity, "\(t.resultSets)", "\(t.errors)", "\(t.rows)", "\(t.masked)"])
        }
        Self.printTable(summary)
    }

    static func identity(_ record: [String: Any], by attribute: String) -> String {
        if record["unknown"] as? Bool == true { return "unknown" }
        switch attribute {
        case "group": return (record["groups"] as? [String])?.joined(separator: ",") ?? "-"
        default: return record[attribute] as? String ?? "-"
        }
    }

    static func printTable(_ rows: [[String]]) {
        guard let first = rows.first else { return }
        var widths = first.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                let numeric = i >= 4 || (i > 0 && Int(cell) != nil)
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += (i > 0 ? "  " : "") + (numeric ? pad + cell : cell + (i == row.count - 1 ? "" : pad))
            }
            print(line)
        }
    }
}
