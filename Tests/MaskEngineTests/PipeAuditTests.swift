import Foundation
import Testing
@testable import MaskEngine

/// `maskd pipe --audit`: one result_set record per dump table, CSV input or capture, with the run's
/// identity, per column the types found and the actions applied, and never a value, also when the
/// run fails.
@Suite struct PipeAuditTests {
    static func run(_ input: String, format: InputFormat, policy: MaskPolicy, identity: Identity) -> ([[String: Any]], Error?) {
        var options = StreamMasker.Options()
        options.format = format
        options.identity = identity
        options.chunkBytes = 64
        let audit = ByteCollector()
        let bytes = Array(input.utf8)
        var offset = 0
        var failure: Error?
        do {
            try StreamMasker(policy: policy, key: testKey, options: options).run(
                source: { buffer in
                    let n = min(buffer.count, bytes.count - offset)
                    bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                    offset += n
                    return n
                },
                sink: { _ in }, audit: { audit.append($0) })
        } catch {
            failure = error
        }
        let lines = String(decoding: audit.bytes, as: UTF8.self).split(separator: "\n")
        return (lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }, failure)
    }

    @Test func oneRecordPerDumpTableWithItsColumnsAndNoValue() throws {
        let policy = try PolicyFile.parse("""
            version: 1
            columns:
              - match: {table: public.users, column: email}
                actions: {email: hash}
            """)
        let dump = "COPY public.users (id, email) FROM stdin;\n" + (1...20).map { "\($0)\tuser\($0)@corp-audit.example\n" }.joined()
            + "\\.\nCOPY public.\"Cards\" (id, pan) FROM stdin;\n1\t4111 1111 1111 1111\n\\.\n"
        let (records, error) = Self.run(dump, format: .pgdump, policy: policy, identity: Identity([("user", "etl")]))
        #expect(error == nil)
        try #require(records.count == 2, "\(records)")
        #expect(records[0]["table"] as? String == "public.users" && records[1]["table"] as? String == "public.Cards")
        #expect(records.allSatisfy { $0["user"] as? String == "etl" && $0["query_kind"] as? String == "dump" })
        #expect(records[0]["rows"] as? Int == 20 && records[0]["masked_cells"] as? Int == 20, "\(records[0])")
        let email = (records[0]["columns"] as? [[String: Any]])?[1]
        #expect(email?["name"] as? String == "email")
        #expect((email?["found"] as? [String: [String: Any]])?["email"]?["action"] as? String == "hash")
        #expect((email?["found"] as? [String: [String: Any]])?["email"]?["count"] as? Int == 20)
        let text = records.map { "\($0)" }.joined()
        #expect(!text.contains("corp-audit") && !text.contains("4111"), "no value in the audit")
    }

    /// A cell a custom pattern could not finish is redacted even under `keep` (it stands for whatever the
    /// cell holds): the record says so apart from the type's kept matches, never `keep` for it.
    @Test func aPatternLimitCellUnderKeepIsRecordedAsRedacted() throws {
        let policy = try PolicyFile.parse("""
            version: 1
            detectors:
              - name: runaway
                pattern: 'EMP-[0-9]{6}|(a+)+$'
                action: keep
            """)
        let hostile = String(repeating: String(repeating: "a", count: 28) + "!", count: 2_000)
        let csv = "id,note\n1,EMP-123456\n2,EMP-654321\n3,\(hostile)\n"
        let (records, error) = Self.run(csv, format: .csv, policy: policy, identity: .unknown)
        #expect(error == nil)
        try #require(records.count == 1, "\(records)")
        let note = (records[0]["columns"] as? [[String: Any]])?[1]["found"] as? [String: [String: Any]]
        #expect(note?["runaway"]?["action"] as? String == "keep" && note?["runaway"]?["count"] as? Int == 2, "\(records)")
        #expect(note?["runaway/pattern_limit"]?["action"] as? String == "redact", "\(records)")
        #expect(note?["runaway/pattern_limit"]?["count"] as? Int == 1, "\(records)")
        #expect(records[0]["masked_cells"] as? Int == 1, "only the redacted cell changed")
    }

    @Test func aFailedRunStillLeavesItsRecord() {
        let csv = "id,email\n1,ann@example.com\n2,bad\"quote\n"
        let (records, error) = Self.run(csv, format: .csv, policy: .default, identity: .unknown)
        #expect(error != nil)
        #expect(records.count == 1 && records.first?["outcome"] as? String == "masking_failed", "\(records)")
        #expect(records.first?["unknown"] as? Bool == true)
    }
}
