import Foundation
import Testing

/// Bad input at the edges, end to end through `maskd pipe`: a typed error with exit 65 and its place,
/// or a correct mask; never a trap, never the value. (Giant inputs: scripts/edge-inputs.)
@Suite struct EdgeInputCommandTests {
    static let key = ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey]

    static func message(_ type: Character, _ payload: [UInt8]) -> [UInt8] {
        [type.asciiValue!] + int32(Int32(payload.count + 4)) + payload
    }
    static func int32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }

    @Test(arguments: [Int32.max, Int32.min, -1])
    func aWireLengthOutOfRangeExits65WithItsPlace(_ length: Int32) throws {
        let description = Self.message("T", [0, 1] + Array("email".utf8) + [0] + Self.int32(0) + [0, 0] + Self.int32(25) + [0xFF, 0xFF] + Self.int32(-1) + [0, 0])
        let row = [UInt8(ascii: "D")] + Self.int32(length) + [0, 1] + Self.int32(15) + Array("ann@example.com".utf8)
        let run = try PipeCommandTests.run(["pipe", "-q", "--format", "wire"], stdin: Data(description + row), environment: Self.key)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("byte offset \(description.count)"), "\(run.stderr)")
        #expect(!String(decoding: run.stdout, as: UTF8.self).contains("ann@example.com"))
    }

    /// `(a+)+$` backtracks exponentially on runs of `a` that end in another character; PCRE2's match
    /// limit and the cell budget stop it, and the cell that could not be scanned is masked whole.
    @Test(.timeLimit(.minutes(2)))
    func aCatastrophicPatternInAPolicyIsBoundedAndFailsClosed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maskd-edge-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.yaml")
        try Data("""
            version: 1
            detectors:
              - name: runaway
                pattern: '(a+)+$'
                action: redact
            """.utf8).write(to: policy)
        let hostile = String(repeating: String(repeating: "a", count: 28) + "!", count: 2_000)
        let csv = "id,note,email\n1,\(hostile),ann@example.com\n2,plain words,bob@example.org\n"
        let run = try PipeCommandTests.run(["pipe", "-q", "--policy", policy.path], stdin: Data(csv.utf8), environment: Self.key)
        #expect(run.status == 0, "\(run.stderr)")
        let out = String(decoding: run.stdout, as: UTF8.self)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(!out.contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!"), "the cell that hit the limit is masked whole")
        #expect(!out.contains("ann@example.com") && !out.contains("bob@example.org"))
        #expect(lines.last?.hasPrefix("2,plain words,") == true, "other cells are masked as usual")
    }

    @Test func aCSVRecordOverTheLimitExits65() throws {
        let long = String(repeating: "x", count: 2 << 20)
        let csv = "id,note\n1,ann@example.com \(long)"  // no newline at all
        let run = try PipeCommandTests.run(["pipe", "-q", "--max-record-mb", "1"], stdin: Data(csv.utf8), environment: Self.key)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(!String(decoding: run.stdout, as: UTF8.self).contains("ann@example.com"))
    }
}
