import Foundation
import Testing

/// `maskd pipe` when its outputs fail (stdout closed or full, a full disk under --report or --audit)
/// and when its LZ4 input is cut or corrupt: a clear error and a non-zero exit, and no original value
/// in anything written, before or after the fault. Every original value ends in `@leak.example`.
@Suite struct PipeFaultTests {
    static let canary = "leak.example"
    static let key = ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey]

    /// A CSV of `rows` rows with an original email each.
    static func csv(rows: Int) -> Data {
        var text = "id,email,note\n"
        for i in 0..<rows { text += "\(i),user\(i)@\(canary),row \(i) of the fault test\n" }
        return Data(text.utf8)
    }

    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `maskd pipe` through bash, so that its descriptors can be closed or pointed at /dev/full;
    /// `redirect` is appended to the command (e.g. `>/dev/full`), stdin comes from a file.
    static func run(_ arguments: [String], stdin: Data, redirect: String = "") throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maskd-pipe-fault-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("input")
        try stdin.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-c", "exec \"$0\" pipe \(quoted) < \"$1\" \(redirect)", PipeCommandTests.binary.path, input.path]
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in key { environment[k] = v }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    static func leaks(_ data: Data) -> Bool { data.range(of: Data(canary.utf8)) != nil }

    @Test func aFullDiskUnderStdoutIsAnIOError() throws {
        let result = try Self.run(["--quiet"], stdin: Self.csv(rows: 20_000), redirect: ">/dev/full")
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
    }

    @Test(arguments: ["--report", "--audit"])
    func aFullDiskUnderTheReportOrAuditIsAnIOErrorNamingTheFile(_ option: String) throws {
        let result = try Self.run(["--quiet", option, "/dev/full"], stdin: Self.csv(rows: 20_000))
        #expect(result.status == 74, "\(result.stderr)")
        let what = option == "--report" ? "report" : "audit"
        #expect(result.stderr.contains(what) && result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(!Self.leaks(result.stdout), "an original value was written")
    }

    @Test func aClosedStdoutIsRefusedBeforeAnythingIsWrittenElsewhere() throws {
        // With fd 1 closed, the next file opened would get it: the masked rows would go into the report.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maskd-closed-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.jsonl").path
        let result = try Self.run(["--quiet", "--report", report], stdin: Self.csv(rows: 100), redirect: ">&-")
        #expect(result.status != 0, "exit \(result.status) with stdout closed")
        #expect(result.stderr.contains("stdout"), "\(result.stderr)")
        let written = (try? Data(contentsOf: URL(fileURLWithPath: report))) ?? Data()
        #expect(written.range(of: Data("row 1 of the fault test".utf8)) == nil, "the rows went into the report file")
    }

    @Test func aReaderThatIsGoneBeforeTheFirstByteEndsTheRunWith141() throws {
        // The reader closes its end at once; bash exits with the masker's own status (PIPESTATUS).
        let result = try Self.run(["--quiet"], stdin: Self.csv(rows: 200_000),
                                  redirect: "| (exec 0<&-; sleep 0.5); exit ${PIPESTATUS[0]}")
        #expect(result.status == 141, "\(result.stderr)")
        #expect(!result.stderr.contains("error"), "quiet, as under `| head`: \(result.stderr)")
    }

    /// An LZ4 frame of `plain`, made by `maskd pipe --lz4` told to keep emails: the originals stay in it.
    static func lz4(_ plain: Data) throws -> Data {
        let result = try Self.run(["--quiet", "--lz4", "--action", "email=keep"], stdin: plain)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Array(result.stdout.prefix(4)) == [0x04, 0x22, 0x4D, 0x18], "an LZ4 frame")
        return result.stdout
    }

    enum Damage: String, CaseIterable, CustomStringConvertible, Sendable {
        case truncatedInsideABlock
        case truncatedInsideTheHeader
        case headerChecksumWrong
        case blockSizeTooLarge
        case garbageAfterTheFrame
        var description: String { rawValue }
    }

    @Test(arguments: Damage.allCases)
    func damagedLZ4InputExits65WithAnOffsetAndNoOriginal(_ damage: Damage) throws {
        var bytes = [UInt8](try Self.lz4(Self.csv(rows: 5_000)))
        // Frame: magic (4), FLG, BD, header checksum (1), then blocks of a 4-byte size and data.
        switch damage {
        case .truncatedInsideABlock: bytes = Array(bytes.prefix(bytes.count / 2))
        case .truncatedInsideTheHeader: bytes = Array(bytes.prefix(5))
        case .headerChecksumWrong: bytes[6] ^= 0xFF
        case .blockSizeTooLarge: bytes[7...10] = [0xFF, 0xFF, 0xFF, 0x7F]
        case .garbageAfterTheFrame: bytes += Array("user9@\(Self.canary) not a frame".utf8)
        }
        let result = try Self.run([], stdin: Data(bytes))
        #expect(result.status == 65, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains("LZ4"), "\(result.stderr)")
        #expect(result.stderr.range(of: #"byte (offset )?[0-9]+"#, options: .regularExpression) != nil, "an offset: \(result.stderr)")
        #expect(!Self.leaks(result.stdout), "an original value was written")
        #expect(!result.stderr.contains(Self.canary), "no value in the error")
    }
}
