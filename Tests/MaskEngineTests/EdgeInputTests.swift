import Testing
import WireTestSupport
@testable import MaskEngine

/// Input at the edges of what the formats allow: lengths at and past the Int32 range, column counts of
/// 0 and 65535, NUL and invalid UTF-8 in cells, masked messages too long for a length word, and the
/// protocol 3.2 handshake. Each ends in a typed error that says where, or in a correct mask, and never
/// lets the value out. (The giant inputs, 1 GB cells and 100 MB lines, are in scripts/edge-inputs.)
@Suite struct EdgeInputTests {
    static let email = "ann@example.com"
    static let header = Wire.rowDescription([("id", 23), ("email", 25)])

    func leaks(_ output: [UInt8]) -> Bool { String(decoding: output, as: UTF8.self).contains(Self.email) }

    // MARK: Lengths

    @Test(arguments: [Int32.max, (1 << 30) + 1, Int32.min, -1, 0, 3] as [Int32])
    func aMessageLengthOutsideItsRangeEndsTheStream(_ length: Int32) {
        let stream = Self.header + [UInt8(ascii: "D")] + Wire.int32(length) + Wire.int16(2)
            + Wire.int32(1) + Array("7".utf8) + Wire.int32(15) + Array(Self.email.utf8)
        let result = maskStream(stream, format: .wire, workers: 1)
        let error = result.error as? StreamError
        switch error?.kind {
        case .messageTooLarge(let type, let declared, _):
            #expect(length > 0 && type == UInt8(ascii: "D") && declared == Int(length))
        case .invalidMessageLength(_, let declared):
            #expect(length < 4 && declared == Int(length))
        default:
            Issue.record("expected a length error, got \(String(describing: result.error))")
        }
        #expect(error?.location.message == 1)
        #expect(error?.location.byteOffset == Self.header.count)
        #expect(!leaks(result.output))
    }

    @Test(arguments: [Int32.max, Int32.min, -2, 16] as [Int32])
    func aCellLengthOutsideItsMessageIsAnError(_ length: Int32) {
        let row = Wire.message("D", Wire.int16(2) + Wire.int32(1) + Array("7".utf8) + Wire.int32(length) + Array(Self.email.utf8))
        let result = maskStream(Self.header + row, format: .wire, workers: 1)
        let error = result.error as? StreamError
        if length < -1 {
            #expect(error?.kind == .negativeCellLength(Int(length)))
        } else {
            #expect(error?.kind == .cellPastEnd(length: Int(length), available: 15))
        }
        #expect(error?.location.row == 0 && error?.location.column == 1)
        // A negative length is named at its length word (type, length, column count and the first cell
        // before it: 12 bytes into the message), a length past the message at the bytes it claims.
        #expect(error?.location.byteOffset == Self.header.count + (length < -1 ? 12 : 16))
        #expect(!leaks(result.output))
    }

    // MARK: Column counts

    @Test func zeroColumnsPassAsTheyAre() {
        let stream = Wire.rowDescription([]) + Wire.message("D", Wire.int16(0)) + Wire.message("D", Wire.int16(0))
            + Backend.commandComplete("SELECT 2")
        let result = maskStream(stream, format: .wire, workers: 1)
        #expect(result.error == nil)
        #expect(result.output == stream)
    }

    /// 65535 is -1 as the Int16 the protocol uses (PostgreSQL allows 1664 columns): refused, not looped on.
    @Test func aColumnCountOf65535IsRefused() {
        let description = Wire.message("T", [0xFF, 0xFF])
        let described = maskStream(description + Wire.dataRow(["1", Self.email]), format: .wire, workers: 1)
        #expect((described.error as? StreamError).map { if case .malformedRowDescription = $0.kind { true } else { false } } == true)
        let row = Wire.message("D", [0xFF, 0xFF] + Wire.int32(15) + Array(Self.email.utf8))
        for stream in [Self.header + row, row] {
            let result = maskStream(stream, format: .wire, workers: 1)
            #expect((result.error as? StreamError)?.kind == .malformedDataRow("negative column count -1"))
            #expect(!leaks(result.output))
        }
    }

    @Test(arguments: [1, 3, 0])
    func aDataRowWhoseCountDiffersFromItsDescriptionIsAnError(_ count: Int) {
        var cells: [String?] = ["1", Self.email, "x"]
        cells = Array(cells.prefix(count))
        let result = maskStream(Self.header + Wire.dataRow(["2", "b@example.org"]) + Wire.dataRow(cells), format: .wire, workers: 1)
        let error = result.error as? StreamError
        #expect(error?.kind == .columnCountMismatch(rowDescription: 2, dataRow: count))
        #expect(error?.location.row == 1)
        #expect(!leaks(result.output) && !String(decoding: result.output, as: UTF8.self).contains("b@example.org"))
    }

    // MARK: Bytes that are not text

    static let notText: [UInt8] = [0x00] + Array(Self.email.utf8) + [0xFF, 0xC3, 0x28, 0x00, 0xED, 0xA0, 0x80, 0x20]
        + Array("card 4111 1111 1111 1111".utf8) + [0xF8, 0x00]

    @Test func nulAndInvalidUTF8InAWireCellAreMaskedLikeAnyBytes() {
        let row = Wire.message("D", Wire.int16(2) + Wire.int32(1) + Array("7".utf8) + Wire.int32(Int32(Self.notText.count)) + Self.notText)
        let result = maskStream(Self.header + row, format: .wire, workers: 1)
        #expect(result.error == nil)
        #expect(!leaks(result.output))
        #expect(!String(decoding: result.output, as: UTF8.self).contains("4111 1111 1111 1111"))
        // The bytes around the values are kept as they were.
        let kept: [UInt8] = [0xFF, 0xC3, 0x28, 0x00, 0xED, 0xA0, 0x80, 0x20]
        #expect(result.output.count >= kept.count && (0...(result.output.count - kept.count)).contains { Array(result.output[$0..<($0 + kept.count)]) == kept })
        #expect(result.output.last == 0x00)
    }

    @Test func invalidUTF8InACSVFieldIsMaskedLikeAnyBytes() {
        let field = Self.notText.filter { $0 != 0 && $0 != UInt8(ascii: "\"") }
        let csv = Array("id,note\n1,\"".utf8) + field + Array("\"\n".utf8)
        let result = maskStream(csv, format: .csv, workers: 1)
        #expect(result.error == nil)
        #expect(!leaks(result.output))
        #expect(result.output.suffix(3) == [0xF8, UInt8(ascii: "\""), UInt8(ascii: "\n")])
    }

    /// A zero byte is never in CSV text: the input is refused as binary (a typed error at its offset),
    /// not parsed on with the NUL taken for a terminator.
    @Test func aNulInCSVIsRefusedAsBinaryInput() {
        let csv = Array("id,note\n1,\"".utf8) + Self.notText.filter { $0 != UInt8(ascii: "\"") } + Array("\"\n".utf8)
        let result = maskStream(csv, format: .csv, workers: 1)
        let error = result.error as? StreamError
        #expect(error.map { if case .unsupported = $0.kind { true } else { false } } == true, "\(String(describing: result.error))")
        #expect(!leaks(result.output))
    }

    // MARK: Masked messages too long for a length word

    /// A row whose masked form is longer than the limit: the throw path of every writer, proven with a
    /// lowered limit (the real one, 2^31 - 1 bytes, is exercised by scripts/edge-inputs).
    static let hashing: MaskPolicy = {
        var policy = MaskPolicy.default
        policy.set(.hash, for: .email)
        return policy
    }()

    /// The frame of a message the test built itself, so it is well formed.
    static func frame(_ chunk: UnsafeBufferPointer<UInt8>) -> WireFrame {
        try! WireFrame.read(chunk, at: 0, limit: 1 << 30, location: StreamLocation(byteOffset: 0))
    }

    func withChunk(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>, StageOneIndex, MaskSession) throws -> Void) rethrows {
        let session = MaskSession(policy: Self.hashing, key: testKey)
        try bytes.withUnsafeBufferPointer { chunk in
            let index = StageOneIndex()
            index.reset(chunk)
            try body(chunk, index, session)
        }
    }

    @Test func aDataRowMaskedPastTheLimitThrowsAndWritesNothing() throws {
        let row = Wire.dataRow(["1", "a@example.com"])
        let columns = ResultColumns(RowDescription(fields: [
            FieldDescription(name: "id", tableOID: 0, columnAttribute: 0, typeOID: 23, typeSize: 4, typeModifier: -1, formatCode: 0),
            FieldDescription(name: "email", tableOID: 0, columnAttribute: 0, typeOID: 25, typeSize: -1, typeModifier: -1, formatCode: 0)]))
        try withChunk(row) { chunk, index, session in
            var result = MaskedChunk()
            result.output = [9, 9]
            var masker = DataRowMasker(chunk: chunk, index: index, session: session)
            masker.maxEncodedLength = row.count - 1 + 10  // a 32-digit hash where 13 bytes were: 19 more
            #expect(throws: StreamError.self) {
                try masker.mask(frame: Self.frame(chunk), columns: columns, row: 4, location: StreamLocation(byteOffset: 100, message: 7), into: &result)
            }
            do throws(StreamError) {
                try masker.mask(frame: Self.frame(chunk), columns: columns, row: 4, location: StreamLocation(byteOffset: 100, message: 7), into: &result)
            } catch {
                guard case .messageTooLarge(let type, let length, let limit) = error.kind else { Issue.record("\(error)"); return }
                #expect(type == UInt8(ascii: "D") && length == row.count - 1 + 19 && limit == masker.maxEncodedLength)
                #expect(error.location.row == 4 && error.location.message == 7)
            }
            result.flushKept(chunk)
            #expect(result.output == [9, 9], "nothing of the row")
            // With room for it, the same row is masked.
            masker.maxEncodedLength = row.count - 1 + 19
            try masker.mask(frame: Self.frame(chunk), columns: columns, row: 4, location: StreamLocation(byteOffset: 100), into: &result)
            result.flushKept(chunk)
            #expect(result.output.count == 2 + row.count + 19)
        }
    }

    /// A cell whose tokens pass the limit is refused without building them all: the rewrite stops one
    /// token past the limit, so a gigabyte cell of short emails costs no gigabytes of tokens first.
    @Test func aCellMaskedPastTheLimitStopsItsRewriteThere() throws {
        let emails = String(repeating: "ab@cd.io ", count: 2000)  // 18,000 bytes; 2,000 hashes of 32
        let row = Wire.dataRow([emails])
        let columns = ResultColumns(RowDescription(fields: [
            FieldDescription(name: "notes", tableOID: 0, columnAttribute: 0, typeOID: 25, typeSize: -1, typeModifier: -1, formatCode: 0)]))
        try withChunk(row) { chunk, index, session in
            var result = MaskedChunk()
            var masker = DataRowMasker(chunk: chunk, index: index, session: session)
            masker.maxEncodedLength = 20_000
            do throws(StreamError) {
                try masker.mask(frame: Self.frame(chunk), columns: columns, row: 0, location: StreamLocation(byteOffset: 0), into: &result)
                Issue.record("no error")
            } catch {
                guard case .maskedMessageTooLarge(_, let atLeast, let limit) = error.kind else { Issue.record("\(error)"); return }
                #expect(atLeast > limit && limit == 20_000)
                #expect(atLeast <= 4 + 2 + 4 + 20_000 + 64, "the rewrite stopped one token past the limit, not after 64,000 bytes of hashes: \(atLeast)")
                #expect(error.description.contains("at least \(atLeast) bytes once masked"))
            }
            result.flushKept(chunk)
            #expect(result.output.isEmpty)
            #expect(session.rowOut.isEmpty, "nothing over the limit was kept for the row")
            // With room for it, the same row is masked whole.
            masker.maxEncodedLength = WireFrame.maxEncodableLength
            try masker.mask(frame: Self.frame(chunk), columns: columns, row: 0, location: StreamLocation(byteOffset: 0), into: &result)
            result.flushKept(chunk)
            #expect(result.output.count > 64_000 && !result.output.contains(UInt8(ascii: "@")))
        }
    }

    @Test func aCopyRowMaskedPastTheLimitThrowsAndWritesNothing() throws {
        let message = Wire.message("d", Array("1\ta@example.com\n".utf8))
        try withChunk(message) { chunk, index, session in
            var masker = BackendMessageMasker(chunk: chunk, index: index, session: session)
            masker.maxEncodedLength = message.count - 1 + 18
            var result = MaskedChunk()
            result.output = [9]
            do throws(StreamError) {
                try masker.maskCopyText(frame: Self.frame(chunk), row: 3, strict: false, columns: 2,
                                        location: StreamLocation(byteOffset: 50, message: 2), into: &result)
                Issue.record("no error")
            } catch {
                guard case .messageTooLarge(let type, _, _) = error.kind else { Issue.record("\(error)"); return }
                #expect(type == UInt8(ascii: "d") && error.location.row == 3 && error.location.byteOffset == 50)
            }
            #expect(result.output == [9])
            masker.maxEncodedLength = message.count - 1 + 19
            try masker.maskCopyText(frame: Self.frame(chunk), row: 3, strict: false, columns: 2,
                                    location: StreamLocation(byteOffset: 50, message: 2), into: &result)
            #expect(result.output.count == 1 + message.count + 19)
        }
    }

    @Test func aBinaryCopyTupleMaskedPastTheLimitThrowsAndWritesNothing() throws {
        let tuple = Wire.int16(1) + Wire.int32(13) + Array("a@example.com".utf8)
        let message = Wire.message("d", CopyBinaryMasker.signature + Wire.int32(0) + Wire.int32(0) + tuple)
        try withChunk(message) { chunk, index, session in
            var masker = CopyBinaryMasker(chunk: chunk, index: index, session: session)
            masker.maxEncodedLength = message.count - 1 + 18
            var state = CopyBinaryState()
            var result = MaskedChunk()
            #expect(throws: StreamError.self) {
                try masker.mask(frame: Self.frame(chunk), state: &state, row: 0, location: StreamLocation(byteOffset: 0), into: &result)
            }
            #expect(result.output.isEmpty)
            masker.maxEncodedLength = message.count - 1 + 19
            state = CopyBinaryState()
            try masker.mask(frame: Self.frame(chunk), state: &state, row: 0, location: StreamLocation(byteOffset: 0), into: &result)
            #expect(result.output.count == message.count + 19)
        }
    }

    /// The length word is patched only when it fits: a length in 2^31 ..< 2^32 (or past) would read as
    /// negative or wrap, so the message is taken back instead.
    @Test func aLengthIsNeverPatchedWrapped() {
        var out: [UInt8] = [1, 2, UInt8(ascii: "d"), 0, 0, 0, 0] + Array(repeating: 7, count: 60)
        #expect(throws: StreamError.self) { try WireFrame.patchLength(of: 2, in: &out, limit: 63, location: StreamLocation(byteOffset: 0)) }
        #expect(out == [1, 2])
        out = [UInt8(ascii: "d"), 0, 0, 0, 0] + Array(repeating: 7, count: 60)
        #expect(throws: Never.self) { try WireFrame.patchLength(of: 0, in: &out, limit: 64, location: StreamLocation(byteOffset: 0)) }
        #expect(Array(out[1..<5]) == [0, 0, 0, 64])
    }

    // MARK: Protocol 3.2

    /// PostgreSQL 18's protocol 3.2: startup code 196610 and a BackendKeyData whose cancel key is up to
    /// 256 bytes; both pass a session unchanged (the cancel key must reach the client intact).
    @Test(arguments: [4, 32, 256])
    func protocol32StartupAndLongCancelKeysPass(_ keyLength: Int) throws {
        let d = SessionDriver(startup: true)
        var startup = Wire.int32(196_610) + Frontend.cString("user") + Frontend.cString("ann") + [0]
        startup = Wire.int32(Int32(startup.count + 4)) + startup
        try d.client(startup)
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let handshake = Wire.message("R", Wire.int32(0)) + Backend.parameterStatus("server_version", "18.0")
            + Wire.message("K", Wire.int32(4242) + key) + Wire.readyForQuery
        try d.server(handshake, cut: 7)
        #expect(d.output == handshake)
    }

    @Test func aCancelKeyLongerThan256BytesIsRefused() throws {
        let d = SessionDriver(startup: true)
        try d.client(Frontend.startup([("user", "ann")]))
        #expect(throws: WireSessionError.self) {
            try d.server(Wire.message("R", Wire.int32(0)) + Wire.message("K", Wire.int32(1) + Array(repeating: 1, count: 257)))
        }
    }

    @Test func aProtocol32StartupAlsoPassesThePipesWireFormat() {
        let stream = Wire.message("R", Wire.int32(0)) + Wire.message("K", Wire.int32(4242) + Array(repeating: 0xAB, count: 256))
            + Wire.readyForQuery + Self.header + Wire.dataRow(["1", Self.email])
        let result = maskStream(stream, format: .wire, workers: 1)
        #expect(result.error == nil)
        #expect(Array(result.output.prefix(9 + 5 + 260)) == Array(stream.prefix(9 + 5 + 260)))
        #expect(!leaks(result.output))
    }

    // MARK: Format detection

    /// Text whose first bytes look like a message header (a type byte, then a line end or a tab where
    /// a length would start) is CSV: one-digit first fields of a headerless CSV or TSV, one-letter
    /// headers. Each was taken for a wire stream whose first message claimed ~160 MB, and the run
    /// failed with "truncated message".
    @Test(arguments: ["1\n2\n3\n", "1\tann@example.com\n2\tbob@example.com\n", "n\n4111111111111111\n",
                      "c\n\"41\"\n", "Z\n1\n", "S\tname\n", "T\r\nx\r\n", "2,ann@example.com\n",
                      "D\u{1}\u{2}\u{3}\u{4}\n"])
    func textThatLooksLikeAMessageHeaderIsCSV(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { InputFormat.detect($0) } == .csv)
    }

    /// JSON Lines are detected by a first line that is a JSON object (a byte order mark, white space
    /// and CR LF aside); what only resembles one stays CSV (a PostgreSQL array, an unclosed object, a
    /// header that merely starts with a brace, one line with no line end yet).
    @Test(arguments: [
        (#"{"id": 1, "email": "ann@example.com"}"# + "\n{\"id\": 2}\n", InputFormat.lines),
        ("\u{FEFF}  {\"a\": [1, 2]}  \r\n", .lines),
        ("{}\n{}\n", .lines),
        ("{4111,7}\n", .csv),
        ("{\"a\": 1\n}\n", .csv),
        ("{x},y\n1,2\n", .csv),
        (#"{"a": 1}"#, .csv),
        ("id,doc\n1,\"{\"\"a\"\": 1}\"\n", .csv),
    ])
    func jsonLinesAreDetected(_ text: String, _ format: InputFormat) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { InputFormat.detect($0) } == format, "\(text)")
    }

    /// What real captures begin with is still a wire stream: a result's description, the handshake's
    /// messages, a command's completion or error, a first message longer than what was read.
    @Test func realStreamBeginningsAreWire() {
        let starts: [[UInt8]] = [
            Self.header + Wire.dataRow(["1", Self.email]),
            Wire.message("R", Wire.int32(0)) + Backend.parameterStatus("server_version", "15.4") + Wire.readyForQuery,
            Backend.parameterStatus("TimeZone", "UTC"),
            Wire.message("K", Wire.int32(4242) + Wire.int32(7)) + Wire.readyForQuery,
            Wire.readyForQuery + Self.header,
            Wire.message("1", []) + Wire.message("2", []) + Self.header,
            Wire.commandComplete,
            Wire.message("E", Array("SERROR\0".utf8) + [0]),
            // A RowDescription of 100 kB, only its first 64 kB read yet.
            Array((Wire.message("T", Wire.int16(1) + Array(repeating: UInt8(ascii: "x"), count: 100_000))).prefix(65_536)),
        ]
        for bytes in starts {
            #expect(bytes.withUnsafeBufferPointer { InputFormat.detect($0) } == .wire, "\(bytes.prefix(12))")
        }
    }

    /// `seq 1 9 | maskd pipe --no-header` and a headerless TSV are masked as CSV end to end.
    @Test func headerlessOneDigitFirstFieldsAreMaskedAsCSV() {
        let numbers = Array((1...9).map { "\($0)\n" }.joined().utf8)
        let plain = maskStream(numbers, header: false)
        #expect(plain.error == nil && plain.summary?.format == .csv && plain.output == numbers)
        let tsv = maskStream(Array("1\tann@example.com\n2\tbob@example.com\n".utf8), header: false, delimiter: 9)
        let summary = tsv.summary
        #expect(summary?.format == .csv && summary?.rows == 2)
        let out = String(decoding: tsv.output, as: UTF8.self)
        #expect(out.hasPrefix("1\t") && !out.contains("ann@example.com") && !out.contains("bob@example.com"), "\(out)")
    }
}
