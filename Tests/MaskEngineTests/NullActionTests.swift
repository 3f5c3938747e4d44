import Testing
import WireTestSupport
@testable import MaskEngine

/// The `null` action, one definition in every format and message kind (docs/detection/null-action.md):
/// a value with a NULL of its own becomes NULL; text without one has its spans emptied. Each test
/// states the exact output bytes, and the wire tests check that every message's framing still holds.
@Suite struct NullActionTests {
    static let policy = MaskPolicy(email: .null)

    /// The messages of a backend stream, or nil when a length word disagrees with the bytes.
    static func frames(_ bytes: [UInt8]) -> [(type: Character, payload: [UInt8])]? {
        var out: [(Character, [UInt8])] = []
        var p = 0
        while p < bytes.count {
            guard bytes.count - p >= 5 else { return nil }
            let length = Int(UInt32(bytes[p + 1]) << 24 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 8 | UInt32(bytes[p + 4]))
            guard length >= 4, p + 1 + length <= bytes.count else { return nil }
            out.append((Character(UnicodeScalar(bytes[p])), Array(bytes[(p + 5)..<(p + 1 + length)])))
            p += 1 + length
        }
        return out
    }

    static func masked(_ input: [UInt8], _ format: InputFormat) -> [UInt8] {
        let result = maskStream(input, format: format, policy: policy)
        #expect(result.error == nil, "\(String(describing: result.error))")
        return result.output
    }

    @Test func csvFieldsBecomeEmptyUnquotedFields() {
        let input = "id,email,note\n1,ann@example.com,hi\n2,\"bob@example.org\",\"call ann@example.com, or not\"\n3,,4111 1111 1111 1111\n"
        let expected = "id,email,note\n1,,hi\n2,,\n3,,"
        let output = String(decoding: Self.masked(Array(input.utf8), .csv), as: UTF8.self)
        #expect(output.hasPrefix(expected), "\(output)")
        #expect(!output.contains("4111 1111 1111 1111"), "other types keep their own action")
        #expect(output.split(separator: "\n").allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 3 })
    }

    static let dump = """
        --
        -- PostgreSQL database dump
        --

        -- owner: ops@example.com (on call)
        CREATE TABLE public.t (id integer, email text, note text);

        COPY public.t (id, email, note) FROM stdin;
        1\tann@example.com\tcall ann@example.com today
        2\t\\N\tno address
        3\tbob@example.org\tline\\none
        \\.

        COMMENT ON TABLE public.t IS 'kept by bob@example.org';

        """

    @Test func copyTextFieldsBecomeBackslashN() {
        let output = String(decoding: Self.masked(Array(Self.dump.utf8), .pgdump), as: UTF8.self)
        #expect(output.contains("COPY public.t (id, email, note) FROM stdin;\n1\t\\N\t\\N\n2\t\\N\tno address\n3\t\\N\tline\\none\n\\.\n"),
                "\(output)")
    }

    @Test func scriptTextHasItsSpansEmptied() {
        let output = String(decoding: Self.masked(Array(Self.dump.utf8), .pgdump), as: UTF8.self)
        #expect(output.hasPrefix("--\n-- PostgreSQL database dump\n--\n\n-- owner:  (on call)\nCREATE TABLE public.t"), "\(output)")
        #expect(output.hasSuffix("COMMENT ON TABLE public.t IS 'kept by ';\n"), "\(output)")
    }

    @Test func dataRowCellsBecomeNull() throws {
        let input = Wire.rowDescription([("id", 23), ("email", 25), ("note", 25)])
            + Wire.dataRow(["1", "ann@example.com", "write to ann@example.com"]) + Wire.dataRow(["2", nil, "nothing"])
            + Wire.commandComplete + Wire.readyForQuery
        let output = Self.masked(input, .wire)
        let frames = try #require(Self.frames(output))
        #expect(frames.map(\.type) == ["T", "D", "D", "C", "Z"])
        #expect(output == Wire.rowDescription([("id", 23), ("email", 25), ("note", 25)])
            + Wire.dataRow(["1", nil, nil]) + Wire.dataRow(["2", nil, "nothing"]) + Wire.commandComplete + Wire.readyForQuery)
    }

    static func copyOut(columns: Int16) -> [UInt8] {
        Wire.message("H", [0] + Wire.int16(columns) + (0..<columns).flatMap { _ in Wire.int16(0) })
    }

    static func copyData(_ row: String) -> [UInt8] { Wire.message("d", Array(row.utf8)) }

    /// A captured `COPY … TO STDOUT`: the CopyOutResponse's column count tells text rows (tabs, `\N`)
    /// from CSV rows (commas, empty field), and each field with a finding becomes NULL.
    @Test func copyDataFieldsBecomeNull() throws {
        let input = Self.copyOut(columns: 3)
            + Self.copyData("1\tann@example.com\tcall ann@example.com\n") + Self.copyData("2\t\\N\tno address\n")
            + Wire.message("c", []) + Backend.commandComplete("COPY 2")
            + Self.copyOut(columns: 3)
            + Self.copyData("1,ann@example.com,\"call ann@example.com, today\"\n") + Self.copyData("2,,plain\n")
            + Wire.message("c", []) + Backend.commandComplete("COPY 2") + Wire.readyForQuery
        let expected = Self.copyOut(columns: 3)
            + Self.copyData("1\t\\N\t\\N\n") + Self.copyData("2\t\\N\tno address\n")
            + Wire.message("c", []) + Backend.commandComplete("COPY 2")
            + Self.copyOut(columns: 3)
            + Self.copyData("1,,\n") + Self.copyData("2,,plain\n")
            + Wire.message("c", []) + Backend.commandComplete("COPY 2") + Wire.readyForQuery
        let output = Self.masked(input, .wire)
        #expect(Self.frames(output) != nil)
        #expect(output == expected, "\(String(decoding: output, as: UTF8.self))")
        // Cut into chunks anywhere, a capture masks the same way: the COPY state crosses chunks.
        for chunkBytes in [16, 40, 64] {
            let chunked = maskStream(input, format: .wire, policy: Self.policy, chunkBytes: chunkBytes, readSize: 7)
            #expect(chunked.output == expected, "chunks of \(chunkBytes) bytes")
        }
    }

    /// A span that runs into the row's line ending (a private key without its END line) is masked in
    /// its field, and the row keeps its framing.
    @Test func copyDataSpanIntoTheLineEnding() throws {
        let row = "1\tann@example.com\t-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
        let output = Self.masked(Self.copyOut(columns: 3) + Self.copyData(row), .wire)
        let frames = try #require(Self.frames(output))
        #expect(frames.count == 2)
        let masked = String(decoding: frames[1].payload, as: UTF8.self)
        #expect(masked.hasPrefix("1\t\\N\t") && masked.hasSuffix("\n") && !masked.contains("MIIEvQ"), "\(masked)")
    }

    /// A row whose fields cannot be found (no CopyOutResponse seen, no tab) is text: its span is emptied.
    @Test func copyDataWithoutKnownFieldsHasItsSpansEmptied() throws {
        let input = Self.copyData("ann@example.com\n") + Self.copyData("1\tann@example.com\n")
        let output = Self.masked(input, .wire)
        #expect(output == Self.copyData("\n") + Self.copyData("1\t\\N\n"))
    }

    /// A live session knows the COPY from its CopyOutResponse.
    @Test func copyDataInALiveSession() throws {
        var options = WireSession.Options()
        options.startsWithStartup = false
        let session = WireSession(masking: MaskSession(policy: Self.policy, key: testKey), options: options)
        try Frontend.query("COPY t TO STDOUT").withUnsafeBufferPointer { b throws(WireSessionError) in try session.receiveClient(b) }
        let input = Self.copyOut(columns: 2) + Self.copyData("ann@example.com\tkeep me\n") + Wire.message("c", [])
            + Backend.commandComplete("COPY 1") + Wire.readyForQuery
        var result = MaskedChunk()
        try input.withUnsafeBufferPointer { b throws(WireSessionError) in try session.receiveServer(b, into: &result) }
        #expect(result.output == Self.copyOut(columns: 2) + Self.copyData("\\N\tkeep me\n") + Wire.message("c", [])
            + Backend.commandComplete("COPY 1") + Wire.readyForQuery)
    }

    @Test func errorResponseFieldsHaveTheirSpansEmptied() throws {
        let input = Backend.error([("S", "ERROR"), ("C", "23505"), ("M", "duplicate key value violates unique constraint"),
                                   ("D", "Key (email)=(ann@example.com) already exists.")]) + Wire.readyForQuery
        let expected = Backend.error([("S", "ERROR"), ("C", "23505"), ("M", "duplicate key value violates unique constraint"),
                                      ("D", "Key (email)=() already exists.")]) + Wire.readyForQuery
        let output = Self.masked(input, .wire)
        #expect(Self.frames(output)?.map(\.type) == ["E", "Z"])
        #expect(output == expected, "\(String(decoding: output, as: UTF8.self))")
    }

    @Test func notificationPayloadsHaveTheirSpansEmptied() throws {
        let input = Wire.message("A", Wire.int32(4242) + Frontend.cString("signups") + Frontend.cString("{\"email\":\"ann@example.com\"}"))
            + Wire.readyForQuery
        let expected = Wire.message("A", Wire.int32(4242) + Frontend.cString("signups") + Frontend.cString("{\"email\":\"\"}"))
            + Wire.readyForQuery
        let output = Self.masked(input, .wire)
        #expect(Self.frames(output)?.map(\.type) == ["A", "Z"])
        #expect(output == expected, "\(String(decoding: output, as: UTF8.self))")
    }

    @Test func parameterStatusAndCommandCompleteHaveTheirSpansEmptied() throws {
        let input = Backend.parameterStatus("application_name", "report for ann@example.com") + Wire.readyForQuery
        let output = Self.masked(input, .wire)
        #expect(output == Backend.parameterStatus("application_name", "report for ") + Wire.readyForQuery)
    }

    /// Same-length layouts keep their length: a large object's bytes are redacted, never shortened.
    @Test func functionResultsKeepTheirLength() throws {
        let lo = Array("mail ann@example.com".utf8)
        let input = Wire.message("V", Wire.int32(Int32(lo.count)) + lo)
        let output = Self.masked(input, .wire)
        #expect(output == Wire.message("V", Wire.int32(Int32(lo.count)) + Array("mail ***************".utf8)))
    }

    /// The definition itself: a cell is NULL as soon as one of its findings' action is `null`; text
    /// loses exactly the spans whose action is `null`, and the other spans get their own action.
    @Test func oneDefinitionInTheRewriter() {
        let rewriter = CellRewriter(policy: MaskPolicy(email: .null, creditCard: .redact), tokenizer: Tokenizer(key: testKey))
        let text = "ann@example.com paid with 4111 1111 1111 1111"
        let bytes = Array(text.utf8)
        let found = findings(in: text)
        var out: [UInt8] = []
        #expect(bytes.withUnsafeBufferPointer { rewriter.rewrite($0, findings: found[...], as: .cell, into: &out) } == .null)
        #expect(out.isEmpty)
        #expect(bytes.withUnsafeBufferPointer { rewriter.rewrite($0, findings: found[...], as: .text, into: &out) } == .rewritten)
        #expect(String(decoding: out, as: UTF8.self) == " paid with *******************")
        out.removeAll()
        _ = bytes.withUnsafeBufferPointer { rewriter.rewrite($0, findings: found[...], as: .text, binaryLayout: true, into: &out) }
        #expect(out.count == bytes.count, "a same-length layout redacts instead of emptying")
    }
}
