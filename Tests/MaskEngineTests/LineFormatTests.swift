import Foundation
import Testing
@testable import MaskEngine

/// `--format lines`: each line one value, scanned whole, written back in its place with its line end.
@Suite struct LineFormatTests {
    /// JSON Lines, a log line, psql's unaligned output, CR LF and a last line without its LF.
    static let text = """
        {"email": "ann@example.com", "id": 4111111111111111, "quote": "say \\"hi\\"", "key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7abcdefghijklmnopqrstuvwxyz01\\n-----END PRIVATE KEY-----\\n"}\r
        2024-05-01T10:00:00Z INFO login bob@corp.example.org from 10.0.0.7 card "5500 0000 0000 0004"
        7|zoë@exämple.com|note with "quotes", commas|SSN: 536904399

        no line end here: password=hunter2
        """

    /// The lines of `output` split at LF bytes (a CR before one stays in its line).
    static func lines(_ output: [UInt8]) -> [String] {
        output.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [1 << 20, 64, 7])
    func everyLineIsMaskedInPlace(chunkBytes: Int) throws {
        let r = maskStream(Array(Self.text.utf8), format: .lines, chunkBytes: chunkBytes, readSize: 5)
        #expect(r.error == nil)
        let out = Self.lines(r.output), original = Self.lines(Array(Self.text.utf8))
        #expect(out.count == original.count)
        #expect(out[0].hasSuffix("\r"), "CR LF kept")
        let document = try JSONSerialization.jsonObject(with: Data(out[0].dropLast().utf8)) as? [String: Any]
        #expect((document?["email"] as? String)?.hasSuffix("@example.invalid") == true)
        #expect(document?["id"] is NSNumber && (document?["id"] as? NSNumber)?.int64Value != 4111111111111111)
        #expect(document?["quote"] as? String == "say \"hi\"")
        #expect((document?["key"] as? String)?.split(separator: "\n").count == 3)
        #expect(out[1].hasPrefix("2024-05-01T10:00:00Z INFO login ") && out[1].contains("from 10.0.0.7 card \""))
        #expect(out[2].hasPrefix("7|") && out[2].contains("|note with \"quotes\", commas|SSN: "))
        #expect(out[3] == "" && out[4].hasPrefix("no line end here: password=") && !out[4].hasSuffix("\n"))
        for secret in ["ann@example.com", "4111111111111111", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "bob@corp",
                       "5500 0000 0000 0004", "zoë@exämple.com", "536904399", "hunter2"] {
            #expect(!String(decoding: r.output, as: UTF8.self).contains(secret), "\(secret)")
        }
        // The report names the line (row, from 0) of each finding.
        let rows = r.report.split(separator: "\n").compactMap { line -> Int? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["row"] as? Int
        }
        #expect(Set(rows) == [0, 1, 2, 4], "\(r.report)")
        #expect(r.summary?.rows == 5)
    }

    /// A PEM block is one value (its body lines are a key only next to their BEGIN line), whichever
    /// chunk its lines fall in; a report's row counts values from 0.
    @Test(arguments: [1 << 20, 100, 9])
    func keyBlocksAreOneValue(chunkBytes: Int) {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAs9Xq3kLm7Rt2VwZy8PqN4cJ6hB1uF0gT5eW3oYdKaMnS2vXl\n"
            + "Q7rE9tH4jU6iO8pA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT1yU3iO5pA7sD9fG2hJ\n-----END RSA PRIVATE KEY-----"
        // Past the 64 KiB read before the format is known, so that small chunks cut the blocks' lines.
        let filler = (0..<5_000).map { "filler line \($0)\n" }.joined()
        let text = filler + "1|svc|\(key)|x\n2|ann@example.com\n-----BEGIN CERTIFICATE-----\n3|bob@example.com\n-----END CERTIFICATE-----\n"
            + "4|zed@example.com\n5|\(key)"
        let r = maskStream(Array(text.utf8), format: .lines, chunkBytes: chunkBytes, readSize: 7)
        #expect(r.error == nil)
        let out = String(decoding: r.output, as: UTF8.self)
        for body in ["MIIEpQIBAAKCAQEA", "Q7rE9tH4jU6iO8pA", "ann@", "bob@", "zed@"] { #expect(!out.contains(body), "\(body)") }
        #expect(out.components(separatedBy: "\n").count == text.components(separatedBy: "\n").count)
        let rows = r.report.split(separator: "\n").compactMap { line -> [String: Any]? in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.map { "\($0["row"]!) \($0["type"]!)" }
        // Values: the key block, ann, the certificate block with bob, zed, the last key.
        #expect(rows == ["5000 secret", "5001 email", "5002 email", "5003 email", "5004 secret"], "\(rows)")
        #expect(r.summary?.rows == 5_005)
    }

    @Test func aLineLongerThanTheLimitFails() {
        var options = StreamMasker.Options()
        options.format = .lines
        options.maxRecordBytes = 1000
        options.chunkBytes = 64
        options.onCallingThread = true
        let input = Array(String(repeating: "x", count: 1 << 20).utf8) + [10]
        var offset = 0
        let masker = StreamMasker(policy: .default, key: testKey, options: options)
        #expect(throws: StreamError.self) {
            try masker.run(source: { buffer in
                let n = min(buffer.count, input.count - offset)
                input.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                offset += n
                return n
            }, sink: { _ in })
        }
    }

    /// The reader counts lines eight bytes at a time: the same count as a byte loop, wherever the LFs
    /// and whatever the bytes around them (0x0A with its high bit set, 0x8A, is no LF).
    @Test func lineFeedsAreCountedExactly() {
        var g = StageOneTests.Generator(state: 0x11)
        let alphabet: [UInt8] = [10, 0x8A, 0x0B, 0x09, 0, 0xFF, 0x7F, 0x0A, 0x41]
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            let counted = bytes.withUnsafeBufferPointer { LineChunkMasker.lineFeeds(in: $0) }
            #expect(counted == bytes.filter { $0 == 10 }.count, "\(bytes)")
        }
    }
}
