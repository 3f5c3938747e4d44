import Foundation
import Testing

/// `maskd pipe` run as a user runs it: the built binary, stdin to stdout, exit codes, golden files.
@Suite struct PipeCommandTests {
    static let golden = Bundle.module.url(forResource: "Golden", withExtension: nil)!
    /// SwiftPM puts the resource bundle next to the executables it built.
    static let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("maskd")

    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: Data, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["MASKD_TOKEN_KEY"] = nil
        env["XDG_CONFIG_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("maskd-test-\(UUID())").path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Write stdin on another thread so a large output cannot dead-lock against a full pipe.
        let writer = Thread { input.fileHandleForWriting.write(stdin); try? input.fileHandleForWriting.close() }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Keys, not pass-phrases: a pass-phrase would cost each run a scrypt (KeyCommandTests covers those).
    static let hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
    static let otherHexKey = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

    func file(_ name: String) throws -> Data { try Data(contentsOf: Self.golden.appendingPathComponent(name)) }

    @Test(arguments: ["csv", "wire", "sql"])
    func goldenOutputAndReport(_ format: String) throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: report) }
        let key = Self.golden.appendingPathComponent("test.key").path
        let result = try Self.run(["pipe", "--quiet", "--key-file", key, "--report", report.path],
                                  stdin: try file("sample.\(format)"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try file("sample.masked.\(format)")), "output differs from Golden/sample.masked.\(format)")
        #expect(try Data(contentsOf: report) == (try file("sample.\(format).report.jsonl")))
    }

    @Test func sameValueSameTokenAcrossFormatsAndRuns() throws {
        let csv = Data("email\nann@example.com\n".utf8)
        let a = try Self.run(["pipe", "-q"], stdin: csv, environment: ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey])
        let b = try Self.run(["pipe", "-q"], stdin: csv, environment: ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey])
        let c = try Self.run(["pipe", "-q"], stdin: csv, environment: ["MASKD_TOKEN_KEY": PipeCommandTests.otherHexKey])
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        #expect(!String(decoding: a.stdout, as: UTF8.self).contains("ann@example.com"))
    }

    /// The summary on stderr: format, rows, megabytes with one decimal, seconds with two, a whole rate,
    /// the findings by type (written without `String(format:)`, printf's shape kept).
    @Test func summaryLineNamesRowsSizeTimeAndFindings() throws {
        let csv = Data(("email,note\n" + String(repeating: "ann@example.com,plain text\n", count: 4000)).utf8)
        let run = try Self.run(["pipe"], stdin: csv, environment: ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey])
        #expect(run.status == 0)
        let line = try #require(run.stderr.split(separator: "\n").last.map(String.init))
        let shape = #/^maskd: csv — 4000 rows, 0\.1 MB in (\d+)\.(\d\d) s \((\d+) MB\/s\); findings: email 4000, credit_card 0, us_ssn 0, secret 0$/#
        let match = try #require(line.wholeMatch(of: shape), "\(line)")
        #expect(!match.3.hasPrefix("0") || match.3 == "0", "no leading zeros in the rate")
    }

    @Test func withoutAKeyOneIsGeneratedAndKept() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("maskd-home-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        let csv = Data("email\nann@example.com\n".utf8)
        let first = try Self.run(["pipe"], stdin: csv, environment: ["XDG_CONFIG_HOME": home.path])
        #expect(first.status == 0)
        #expect(first.stderr.contains("generated a key"))
        let keyFile = home.appendingPathComponent("maskd/token.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try Self.run(["pipe"], stdin: csv, environment: ["XDG_CONFIG_HOME": home.path])
        #expect(second.stdout == first.stdout, "the kept key gives the same tokens")
    }

    @Test func malformedCSVExits65AndWritesNothingOfTheBadRow() throws {
        let input = Data("email,note\nann@example.com,ok\nbob@example.com,bad\"quote\ncarol@example.com,after\n".utf8)
        let result = try Self.run(["pipe"], stdin: input, environment: ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey])
        #expect(result.status == 65)
        #expect(result.stderr.contains("line 3") && result.stderr.contains("row 1") && result.stderr.contains("byte offset"))
        let out = String(decoding: result.stdout, as: UTF8.self)
        #expect(!out.contains("bob@") && !out.contains("carol@") && !out.contains("ann@"))
        #expect(out.hasPrefix("email,note\n") && out.components(separatedBy: "\n").count == 3)
    }

    @Test func compressedOrBinaryInputIsRefusedBeforeAnyOutput() throws {
        let csv = Data("email,note\nann@example.com,\"a \"\"quoted\"\" note\"\n".utf8)
        let gzipped = try Self.gzip(csv)
        for (input, name) in [(gzipped, "gzip"), (Data([0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3]), "zstd"),
                              (Data("email\nann@example.com\u{0}x\n".utf8), "binary")] {
            for format in [[], ["--format", "csv"]] {
                let result = try Self.run(["pipe"] + format, stdin: input, environment: ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey])
                #expect(result.status == 65, "\(name) \(format)")
                #expect(result.stdout.isEmpty, "nothing written for \(name)")
                #expect(result.stderr.contains(name), "\(result.stderr)")
            }
        }
    }

    static func gzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }

    @Test func truncatedWireStreamExits65() throws {
        var wire = try file("sample.wire")
        wire.removeLast(40)
        let result = try Self.run(["pipe", "--format", "wire"], stdin: wire,
                                  environment: ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey])
        #expect(result.status == 65)
        #expect(result.stderr.contains("message") && result.stderr.contains("byte offset"))
    }

    @Test func closedOutputEndsQuietlyWith141() throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: input) }
        var text = "id,email\n"
        for i in 0..<200_000 { text += "\(i),user\(i)@example.com\n" }
        try Data(text.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "MASKD_TOKEN_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \"$0\" pipe < \"$1\" 2>/tmp/maskd-epipe.err | head -c 10 >/dev/null; echo ${PIPESTATUS[0]}",
                             Self.binary.path, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let status = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "141")
        let stderr = (try? String(contentsOfFile: "/tmp/maskd-epipe.err", encoding: .utf8)) ?? ""
        #expect(!stderr.contains("error"))
    }

    @Test func usageErrorsAndHelp() throws {
        let help = try Self.run(["pipe", "--help"], stdin: Data())
        #expect(help.status == 0)
        #expect(String(decoding: help.stdout, as: UTF8.self).contains("--report"))
        let bad = try Self.run(["pipe", "--format", "xml"], stdin: Data())
        #expect(bad.status == 64)
        let action = try Self.run(["pipe", "--action", "email=scramble"], stdin: Data())
        #expect(action.status == 64)
        let emailCase = try Self.run(["pipe", "--email-case", "upper"], stdin: Data())
        #expect(emailCase.status == 64)
    }

    /// `--format copy`: COPY's text format, with `--header` and `--schema` (a table's declared types);
    /// the options that belong to it are refused elsewhere, and a schema that does not say which table
    /// is refused with the tables it declares.
    @Test func copyTextStreams() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = directory.appendingPathComponent("schema.sql")
        try Data("""
            CREATE TABLE public.users (
                id integer NOT NULL,
                email character varying(12),
                note text,
                total integer GENERATED ALWAYS AS ((id * 2)) STORED
            );

            CREATE TABLE public.other (
                id integer
            );
            """.utf8).write(to: schema)
        let env = ["MASKD_TOKEN_KEY": Self.hexKey]
        let rows = Data("1\tann@ex.com\tsaid \"hi\" from bob@example.org\\n\\tok\n2\t\\N\tnone\n".utf8)
        let typed = try Self.run(["pipe", "-q", "--format", "copy", "--schema", schema.path, "--table", "users"],
                                 stdin: rows, environment: env)
        #expect(typed.status == 0, "\(typed.stderr)")
        let lines = String(decoding: typed.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        let first = lines[0].split(separator: "\t", omittingEmptySubsequences: false)
        // The email fits varchar(12) (its characters kept); the note's address gets a token; its quotes
        // and escapes are COPY's, kept; NULL stays NULL.
        #expect(first.count == 3 && first[0] == "1" && first[1].count == 10 && first[1] != "ann@ex.com" && first[1].contains("@"))
        #expect(first[2].hasPrefix("said \"hi\" from ") && first[2].hasSuffix("@example.invalid\\n\\tok"))
        #expect(lines[1] == "2\t\\N\tnone")
        // Without the schema the token is an email token, whatever the column.
        let untyped = try Self.run(["pipe", "-q", "--format", "copy"], stdin: rows, environment: env)
        #expect(String(decoding: untyped.stdout, as: UTF8.self).contains("@example.invalid\tsaid"))
        // A header line names the columns: it is kept, and a row with a field too many is an error.
        let headed = try Self.run(["pipe", "-q", "--format", "copy", "--header"],
                                  stdin: Data("id\temail\n1\tann@ex.com\n2\tx\ty\n".utf8), environment: env)
        #expect(headed.status == 65)
        #expect(String(decoding: headed.stdout, as: UTF8.self).hasPrefix("id\temail\n1\t"))
        #expect(headed.stderr.contains("line 3"), "\(headed.stderr)")
        // Data files put end to end: the rows after a `\.` line are rows still (cards and SSNs looked
        // for), not script text.
        let joined = try Self.run(["pipe", "-q", "--format", "copy"],
                                  stdin: Data("1\tann@example.com\n\\.\n2\t4111111111111111\t536-90-4399\n".utf8), environment: env)
        let joinedText = String(decoding: joined.stdout, as: UTF8.self)
        #expect(joined.status == 0 && joinedText.contains("\n\\.\n2\t"), "\(joinedText)")
        for original in ["ann@example.com", "4111111111111111", "536-90-4399"] { #expect(!joinedText.contains(original)) }
        for (arguments, message) in [
            (["--header"], "--header is for --format copy"),
            (["--format", "csv", "--schema", schema.path], "--schema is for --format copy"),
            (["--format", "copy", "--schema", schema.path], "declares 2 tables (public.other, public.users)"),
            (["--format", "copy", "--schema", schema.path, "--table", "nope"], "does not declare nope"),
        ] {
            let run = try Self.run(["pipe"] + arguments, stdin: Data(), environment: env)
            #expect(run.status == 64 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    /// `Ann@example.com` and `ann@example.com` may both sit in a UNIQUE column: by default their tokens
    /// differ; `--email-case fold` gives them one token, for case-insensitive joins.
    @Test func emailCaseIsKeptUnlessFolded() throws {
        let csv = Data("email\nAnn@example.com\nann@example.com\n".utf8)
        let key = Self.golden.appendingPathComponent("test.key").path
        func tokens(_ extra: [String]) throws -> [Substring] {
            let run = try Self.run(["pipe", "-q", "--key-file", key] + extra, stdin: csv)
            #expect(run.status == 0, "\(run.stderr)")
            return String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").dropFirst().map { $0 }
        }
        let kept = try tokens([])
        #expect(kept.count == 2 && kept[0] != kept[1])
        #expect(try tokens(["--email-case", "keep"]) == kept)
        let folded = try tokens(["--email-case", "fold"])
        #expect(folded.count == 2 && folded[0] == folded[1])
        #expect(folded[1] == kept[1], "a lower-case address has the same token either way")
    }
}

/// The real pg_dump → maskd pipe → psql round trip against a throwaway PostgreSQL cluster
/// (Tests/Integration/pgdump-roundtrip.sh).
@Suite struct PgDumpRoundTripTests {
    @Test func pgDumpMaskRestore() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Integration/pgdump-roundtrip.sh").standardized
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path, PipeCommandTests.binary.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("all checks passed"), "\(text)")
    }
}
