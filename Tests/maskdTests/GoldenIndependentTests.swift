import Foundation
import Testing

/// The first `python3` on PATH, which runs the reference (outside the suite: its trait reads it).
enum Python3 {
    static let path: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// The golden files checked from outside the engine: a golden output is only as right as the build that
/// wrote it (`regenerate.sh`), so these tests hold the goldens to a second implementation of the tokens
/// (`Tests/Vectors/golden_reference.py`: Python's `hmac`/`hashlib`, the NIST-checked FF1 of
/// `ff1_reference.py`, each format decoded by its own reader) and the reports to cells checked by hand.
@Suite(.enabled(if: Python3.path != nil, "python3 is not on PATH: scripts/bootstrap installs it"))
struct GoldenIndependentTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let golden = here.appendingPathComponent("Golden")
    static let reference = here.appendingPathComponent("../Vectors/golden_reference.py").standardized

    struct Span: Hashable, CustomStringConvertible {
        var row, column, start, end: Int
        var type: String
        var kind: String? = nil
        var description: String { "row \(row) column \(column) [\(start), \(end)) \(type)\(kind.map { "/\($0)" } ?? "")" }
    }

    static func runReference(on directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Python3.path
        process.arguments = [reference.path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static func report(_ name: String, in directory: URL = golden) throws -> [Span] {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            .split(separator: "\n").map { line in
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                return Span(row: o["row"] as! Int, column: o["column"] as! Int, start: o["start"] as! Int,
                            end: o["end"] as! Int, type: o["type"] as! String, kind: o["kind"] as? String)
            }
    }

    @Test func everyGoldenOutputIsTheInputWithEachReportedSpanReplacedByTheReferenceToken() throws {
        let run = try Self.runReference(on: Self.golden)
        #expect(run.status == 0, "\(run.output)")
        for format in ["csv", "sql", "wire"] {
            #expect(run.output.contains("\(format): ") && run.output.contains("golden output equals the reference's"),
                    "no verdict for \(format): \(run.output)")
        }
    }

    /// Cells whose spans were counted by hand from the input bytes. Each comment says why the list is
    /// complete: what is masked and what must stay.
    static let handChecked: [(file: String, row: Int, column: Int, spans: [Span])] = [
        // "Reach me at ann.lee@example.com, or call 415-555-0134": "Reach me at " is 12 bytes, the
        // address 19; the comma is not part of it. 415-555-0134 is a 3-3-4 phone number, not an SSN.
        ("sample.csv.report.jsonl", 0, 5, [Span(row: 0, column: 5, start: 12, end: 31, type: "email")]),
        // "4111 1111 1111 1111" in column `card`: the Visa test number, Luhn-valid, 16 digits under 4.
        ("sample.csv.report.jsonl", 0, 4, [Span(row: 0, column: 4, start: 0, end: 19, type: "credit_card")]),
        // "536904399" bare, in column `ssn`: the column announces it (cards-and-ssns.md).
        ("sample.csv.report.jsonl", 1, 3, [Span(row: 1, column: 3, start: 0, end: 9, type: "us_ssn")]),
        // "order 4111111111111112 (not a card); uuid 550e8400-…": 4111111111111112 fails Luhn (…111 is
        // the valid one), and no UUID group is 12+ digits: nothing to mask.
        ("sample.csv.report.jsonl", 1, 5, []),
        // "aws key AKIAZ7QK3M5N8P2R4T6V and password = Xk9#mP2$vL7qR4!z": AKIA + 16 at byte 8; the
        // password value starts after "password = " (byte 44) and runs 16 bytes to the end.
        ("sample.csv.report.jsonl", 2, 5, [
            Span(row: 2, column: 5, start: 8, end: 28, type: "secret", kind: "aws_access_key_id"),
            Span(row: 2, column: 5, start: 44, end: 60, type: "secret", kind: "password_assignment"),
        ]),
        // "root@localhost": one label, a login, not a mailbox (emails.md).
        ("sample.csv.report.jsonl", 4, 2, []),
        // "1234567812345678" in column `card`: Luhn sum 68 ≡ 8 (mod 10), so invalid even where a card
        // column would announce a number in no issuer range.
        ("sample.csv.report.jsonl", 4, 4, []),
        // "v2.14.3 at 2024-01-15T10:30:00Z from 192.168.1.20, zip 94107-1234, sha 3f78…": a version, a
        // timestamp, an IPv4 address, a ZIP+4 and a hex digest: every hard negative of the README.
        ("sample.csv.report.jsonl", 4, 5, []),
        // The jsonb cell {"alerts": {"to": "li.wei@example.com"}, "token": "ghp_…Vv"}: the address
        // starts after `{"alerts": {"to": "` (19 bytes) and has 18; the token is ghp_ + 36 = 40 bytes
        // from byte 51, inside its quotes.
        ("sample.sql.report.jsonl", 0, 6, [
            Span(row: 0, column: 6, start: 19, end: 37, type: "email"),
            Span(row: 0, column: 6, start: 51, end: 91, type: "secret", kind: "github_token"),
        ]),
        // Row 3's note `octal \101\102 hex \x43 and 4111111111111112 (not a card)` decodes to
        // "octal AB hex C and …": the only long digit run fails Luhn.
        ("sample.sql.report.jsonl", 2, 7, []),
        // "096 83 6537": an SSN written with spaces (area 096, group 83, serial 6537 all issued).
        ("sample.wire.report.jsonl", 8, 4, [Span(row: 8, column: 4, start: 0, end: 11, type: "us_ssn")]),
        // "+1 586 593 2276": a phone number in column `phone`, no 3-2-4 group.
        ("sample.wire.report.jsonl", 0, 3, []),
        // "liam.okafor+news@eu.globex.co.uk": 32 bytes, a sub-address and a three-label domain.
        ("sample.wire.report.jsonl", 8, 2, [Span(row: 8, column: 2, start: 0, end: 32, type: "email")]),
    ]

    @Test func reportedSpansMatchTheCellsCheckedByHand() throws {
        for cell in Self.handChecked {
            let reported = try Self.report(cell.file).filter { $0.row == cell.row && $0.column == cell.column }
            #expect(reported == cell.spans, "\(cell.file) row \(cell.row) column \(cell.column)")
        }
    }

    /// The goldens reach only some of the token paths (no secret with fewer than four letters and
    /// digits, none with non-ASCII bytes or over 40 letters and digits, no 19-digit card, no leading 0, no escape sequence). This runs
    /// the built binary on values that take those paths and holds the output to the same reference.
    @Test func referenceAgreesOnTokenPathsTheGoldensDoNotReach() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-paths-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Self.golden.appendingPathComponent("test.key"),
                                         to: directory.appendingPathComponent("test.key"))
        let input = Self.tokenPathCases.map { "\($0.row)\n" }.joined()
        try Data(("note,card\n" + input).utf8).write(to: directory.appendingPathComponent("sample.csv"))
        let report = directory.appendingPathComponent("sample.csv.report.jsonl")
        let run = try PipeCommandTests.run(
            ["pipe", "--quiet", "--key-file", directory.appendingPathComponent("test.key").path, "--report", report.path],
            stdin: try Data(contentsOf: directory.appendingPathComponent("sample.csv")))
        #expect(run.status == 0, "\(run.stderr)")
        try run.stdout.write(to: directory.appendingPathComponent("sample.masked.csv"))
        let spans = try Self.report("sample.csv.report.jsonl", in: directory)
        for (row, testCase) in Self.tokenPathCases.enumerated() {
            // Each value must be found as expected, or the reference would check nothing of its path.
            #expect(spans.filter { $0.row == row }.map(\.type) == testCase.types, "\(testCase.path)")
        }
        let reference = try Self.runReference(on: directory)
        #expect(reference.status == 0, "\(reference.output)")
    }

    static let tokenPathCases: [(path: String, row: String, types: [String])] = [
        ("fewer than 4 letters and digits: marks enciphered (FF1 radix 28)", "password = a!b@c#,", ["secret"]),
        ("one mark among 3 carriers: the keyed single-mark permutation", "password = 7yz!,", ["secret"]),
        ("non-ASCII bytes: every position from the keystream", "password = contraseña99,", ["secret"]),
        ("over 40 letters and digits: the keystream", "password = Q7wErTy9UiOp2AsDfGh3JkLzXcV4bNm5Qw8ErTy6UiOp1AsDfGh0,", ["secret"]),
        ("19-digit Visa: FF1 on 18 digits, Luhn broken", ",4000000000000000006", ["credit_card"]),
        ("Discover 4-4-4-4 with hyphens", ",6011-0009-9013-9424", ["credit_card"]),
        ("Amex 4-6-5", ",3782 822463 10005", ["credit_card"]),
        ("case kept in the email MAC", "Ann@Example.COM wrote,", ["email"]),
        // The sides a digit token keeps (mk_digit_side): a leading 0, and the bigint bound for 19 digits.
        ("19-digit Visa near the bigint bound: walked to its side", ",4999999999999999993", ["credit_card"]),
        ("a card column's number starting with 0: the 0 kept, FF1 on the rest", ",0000000000000000", ["credit_card"]),
        ("an SSN of area 012: the 0 kept, FF1 on 8 digits", "ssn 012-34-5678,", ["us_ssn"]),
        ("SSNs whose FF1 images the walk moves off a leading 0", "ssn 536-90-4399 ssn 219-09-9999 ssn 457-55-5462,",
         ["us_ssn", "us_ssn", "us_ssn"]),
        // Escape sequences kept (tokens.md): JSON's \u00e4, \\ and \/ in a password, a PEM body's \n.
        ("escapes in a JSON string's password", #""{""password"": ""p\u00e4ss\\w0rd\/x9""}","#, ["secret"]),
        ("a private key in a JSON string", #""{""k"": ""-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7abcdefghijklmnopqrs\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n""}","#,
         ["secret"]),
    ]
}
