import CMaskKernels
import Testing
@testable import MaskEngine

/// The CSV record loop's one-pass field reader (`mk_csv_fields`, `TextFieldSplitter`): it must read
/// exactly the records the record loop reads, the same way, and leave every other record to it.
@Suite struct CSVFieldSplitterTests {
    struct Field: Equatable, CustomStringConvertible {
        var start: Int, end: Int, quoted: Bool, doubled: Bool, last: Bool, backslash = false
        var description: String {
            "[\(start),\(end))\(quoted ? "q" : "")\(doubled ? "d" : "")\(backslash ? "\\\\" : "")\(last ? "|" : "")"
        }
    }

    struct Read {
        var fields: [Field]
        var recordEnds: [Int]
        var result: mk_csv_fields_result
    }

    static func read(_ text: String, from position: Int = 0, delimiter: UInt8 = UInt8(ascii: ","), maxRecords: Int = 256,
                     maxBytes: Int = 1 << 20, fieldCapacity: Int = 1024) -> Read {
        let bytes = Array(text.utf8)
        var fields = [mk_csv_field](repeating: mk_csv_field(), count: fieldCapacity)
        var ends = [Int](repeating: -1, count: maxRecords)
        let r = bytes.withUnsafeBufferPointer { b in
            mk_csv_fields(b.baseAddress, b.count, position, delimiter, maxRecords, maxBytes, &fields, fieldCapacity, &ends)
        }
        let found = fields.prefix(r.fields).map {
            Field(start: $0.start, end: $0.end, quoted: $0.flags & UInt32(MK_CSV_QUOTED) != 0,
                  doubled: $0.flags & UInt32(MK_CSV_DOUBLED) != 0, last: $0.flags & UInt32(MK_CSV_LAST) != 0,
                  backslash: $0.flags & UInt32(MK_CSV_BACKSLASH) != 0)
        }
        return Read(fields: found, recordEnds: Array(ends.prefix(r.records)), result: r)
    }

    static func f(_ start: Int, _ end: Int, quoted: Bool = false, doubled: Bool = false, last: Bool = false,
                  backslash: Bool = false) -> Field {
        Field(start: start, end: end, quoted: quoted, doubled: doubled, last: last, backslash: backslash)
    }

    /// A field whose value starts with a backslash (after its opening quote) is flagged, so that the
    /// gather tests it for bytea's hex text: in a block of its own, after a quote, as the one field begun
    /// in an earlier block, at a block's first byte, and as the buffer's last field; on every path.
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func aValueStartingWithABackslashIsFlagged(_ path: KernelPath) {
        AcceleratedKernel.csvSplit.withPath(path) {
            #expect(Self.read("\\x41,\"\\x42\",a\\b,\\\n").fields
                    == [Self.f(0, 4, backslash: true), Self.f(5, 11, quoted: true, backslash: true), Self.f(12, 15),
                        Self.f(16, 17, last: true, backslash: true)])
            // In a block without quotes or CRs.
            #expect(Self.read("a,\\x41,b\n").fields == [Self.f(0, 1), Self.f(2, 6, backslash: true), Self.f(7, 8, last: true)])
            // A value begun in the block before a plain one (the plain block's first field).
            let begun = String(repeating: "a,", count: 30) + "\\x" + String(repeating: "41", count: 40) + ",b\n"
            #expect(Self.read(begun).fields[30] == Self.f(60, 142, backslash: true))
            // A value starting at a block's first byte, and one ending the buffer.
            let atBlock = String(repeating: "a", count: 63) + ",\\x4142"
            #expect(Self.read(atBlock).fields == [Self.f(0, 63), Self.f(64, 70, last: true, backslash: true)])
            #expect(Self.read(atBlock + ",b\n").fields
                    == [Self.f(0, 63), Self.f(64, 70, backslash: true), Self.f(71, 72, last: true)])
            #expect(Self.read("a,\"\"").fields == [Self.f(0, 1), Self.f(2, 4, quoted: true, last: true)])
        }
    }

    @Test func fieldsOfPlainQuotedAndDoubledValues() {
        // a,"b,c","say ""hi"""\r\n
        let r = Self.read("a,\"b,c\",\"say \"\"hi\"\"\"\r\nx\n")
        #expect(r.fields == [Self.f(0, 1), Self.f(2, 7, quoted: true), Self.f(8, 20, quoted: true, doubled: true, last: true),
                             Self.f(22, 23, last: true)])
        #expect(r.recordEnds == [22, 24])
        #expect(r.result.position == 24 && r.result.lines == 2 && r.result.irregular == 0)
    }

    @Test func lineBreaksInsideQuotesAreDataAndCountAsLines() {
        let r = Self.read("\"a\nb\",c\nd\n")
        #expect(r.fields == [Self.f(0, 5, quoted: true), Self.f(6, 7, last: true), Self.f(8, 9, last: true)])
        #expect(r.result.lines == 3)
    }

    @Test func theBufferEndsTheLastRecordAndATrailingDelimiterLeavesAnEmptyField() {
        let r = Self.read("a,b\nc,")
        #expect(r.fields == [Self.f(0, 1), Self.f(2, 3, last: true), Self.f(4, 5), Self.f(6, 6, last: true)])
        #expect(r.recordEnds == [4, 6] && r.result.position == 6 && r.result.irregular == 0)
        let empty = Self.read("\n\n")
        #expect(empty.fields == [Self.f(0, 0, last: true), Self.f(1, 1, last: true)])
    }

    @Test func malformedRecordsAreLeftToTheRecordLoop() {
        for (text, kept) in [("a,b\nx\"y\n", 4), ("a\n\"q\"z,1\n", 2), ("a\n\"open,\n", 2), ("a\nb\rc\n", 2), ("a\nb\r", 2),
                             ("\"q\"\r", 0)] {
            let r = Self.read(text)
            #expect(r.result.irregular == 1 && r.result.position == kept, "\(text.debugDescription)")
            #expect(r.recordEnds.last ?? 0 == kept)
        }
    }

    /// A quoted field whose closing quote is a block's last byte, its delimiter the next block's first:
    /// that block holds no quote, and the field is still quoted (and doubled, when it is).
    @Test func aQuotedFieldClosingAtABlockEndKeepsItsFlags() {
        let plain = "\"" + String(repeating: "a", count: 62) + "\",b\n"
        #expect(Self.read(plain).fields == [Self.f(0, 64, quoted: true), Self.f(65, 66, last: true)])
        let doubled = "\"" + String(repeating: "a", count: 30) + "\"\"" + String(repeating: "a", count: 30) + "\",b\n"
        #expect(Self.read(doubled).fields == [Self.f(0, 64, quoted: true, doubled: true), Self.f(65, 66, last: true)])
    }

    @Test func limitsStopAfterWholeRecords() {
        let text = String(repeating: "aa,bb\n", count: 100)
        let byRecords = Self.read(text, maxRecords: 7)
        #expect(byRecords.result.records == 7 && byRecords.result.position == 42 && byRecords.fields.count == 14)
        // The record that reaches the byte limit is read whole.
        let byBytes = Self.read(text, maxBytes: 13)
        #expect(byBytes.result.records == 3 && byBytes.result.position == 18)
        // Fields that do not fit: the records that did are returned; a record wider than the buffer alone
        // is left to the record loop.
        let narrow = Self.read(text, fieldCapacity: 5)
        #expect(narrow.result.records == 2 && narrow.result.irregular == 0)
        let wide = Self.read("a,b,c,d,e,f\n", fieldCapacity: 5)
        #expect(wide.result.records == 0 && wide.result.irregular == 1)
        let later = Self.read(text, from: 12, maxRecords: 1)
        #expect(later.fields == [Self.f(12, 14), Self.f(15, 17, last: true)] && later.recordEnds == [18])
    }

    /// Random text of CSV's special bytes and some PII: both readings give the same output, report and
    /// error, on every kernel path, whatever the chunk size.
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func theOnePassReadingMasksAsTheRecordLoopDoes(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0xC5F1)
        let pieces = [",", ",", "\"", "\"\"", "\n", "\r\n", "\r", "a", "bc", " ", "ann@example.com", "4111 1111 1111 1111",
                      "536-90-4399", "key=\"AKIAZ7QK3M5N8P2R4T6V\"", "x", "0", "\t", ";", "\\",
                      "\\x" + Array("ann@example.com".utf8).map { String($0, radix: 16) }.joined(), "\\x4"]
        var differences = 0
        for round in 0..<400 {
            var text = "id,note,other\n"
            let count = round % 3 == 1 ? 0 : Int(g.next() % 60)
            for _ in 0..<count { text += pieces[Int(g.next() % UInt64(pieces.count))] }
            if round % 3 == 1 {
                // A plain table (no quote, backslash or CR LF), long enough for the wide path's groups of
                // blocks whose fields have no flag but their record's end.
                for r in 0..<(12 + Int(g.next() % 40)) {
                    text += "\(r),\(g.next() % 1_000_000_007),\(pieces[10 + Int(g.next() % 3)])\n"
                }
            }
            if round % 3 == 0 {
                // Mostly well formed: quoted fields with doubled quotes, long enough to cross blocks.
                for r in 0..<Int(g.next() % 40) {
                    text += "\(r),\"say \"\"\(pieces[Int(g.next() % 15)])\"\" \(String(repeating: "y", count: Int(g.next() % 90)))\",z\n"
                }
            }
            let bytes = Array(text.utf8)
            let delimiter: UInt8 = round % 7 == 0 ? UInt8(ascii: ";") : UInt8(ascii: ",")
            let results = [true, false].map { onePass in
                AcceleratedKernel.csvSplit.withPath(path) { Self.mask(bytes, delimiter: delimiter, onePass: onePass) }
            }
            if results[0]?.0 != results[1]?.0 || results[0]?.1 != results[1]?.1 || results[0]?.2 != results[1]?.2 {
                differences += 1
                if differences < 4 { Issue.record("round \(round) differs: \(text.debugDescription)") }
            }
        }
        #expect(differences == 0)
    }

    /// Values larger than the batch's copy limit and its decoded buffer: a quoted value of about 600 KB
    /// with doubled quotes (unquoted whole, after the gather makes room for it) and an unquoted one of
    /// 400 KB (scanned where it lies), between ordinary records. Both readings mask them alike, and the
    /// PII at their ends is found.
    @Test func hugeValuesMaskAsTheRecordLoopDoes() {
        let ordinary = (0..<10).map { "\($0),plain note \($0),ann\($0)@example.com\n" }.joined()
        let quoted = "\"" + String(repeating: "{\"\"k\"\": \"\"value\"\"} ", count: 30_000) + "bob@example.com\""
        let unquoted = String(repeating: "words and more words ", count: 20_000) + "4111 1111 1111 1111"
        let text = ordinary + "10," + quoted + "," + unquoted + "\n" + ordinary
        let results = [true, false].map { Self.mask(Array(text.utf8), delimiter: UInt8(ascii: ","), onePass: $0) }
        #expect(results[0].2 == nil && results[1].2 == nil)
        #expect(results[0].0 == results[1].0 && results[0].1 == results[1].1)
        #expect(results[0].1.count == 22, "found: \(results[0].1.count)")
        #expect(!String(decoding: results[0].0, as: UTF8.self).contains("bob@example.com"))
        #expect(!String(decoding: results[0].0, as: UTF8.self).contains("4111 1111 1111 1111"))
    }

    /// Masks a whole chunk with a header, returning the output, the findings and the error's text.
    static func mask(_ bytes: [UInt8], delimiter: UInt8, onePass: Bool) -> ([UInt8], [String], String?) {
        let session = MaskSession(policy: .default, key: testKey)
        let header = CSVHeader(names: ["id", "note", "other"])
        let masked = bytes.withUnsafeBufferPointer {
            CSVChunkMasker(delimiter: delimiter, readsFieldsInOnePass: onePass).mask($0, start: CSVChunkStart(header: header),
                                                                                 session: session)
        }
        return (masked.output.isEmpty && masked.error == nil ? bytes : masked.output,
                masked.findings.map { "\($0)" }, masked.error.map { "\($0)" })
    }
}

/// Where a CSV batch's values are classified: once, in the batch's copy of them (doubled quotes
/// unquoted), not in the chunk and then again unquoted.
@Suite struct CSVBatchCopyTests {
    static func rawBlocksClassified(_ text: String) -> (blocks: Int, masked: MaskedChunk) {
        let session = MaskSession(policy: .default, key: testKey)
        let header = CSVHeader(names: ["id", "meta", "note"])
        let masked = Array(text.utf8).withUnsafeBufferPointer {
            CSVChunkMasker().mask($0, start: CSVChunkStart(header: header), session: session)
        }
        let batch = session.lendRecordBatch()
        defer { session.giveBack(batch) }
        return (batch.index.classifiedBlocks, masked)
    }

    @Test func valuesAreClassifiedInTheBatchCopyOnly() {
        let record = "1,\"{\"\"plan\"\": \"\"free\"\", \"\"contact\"\": \"\"ann@example.com\"\"}\",card 4111 1111 1111 1111 ok\n"
        let (blocks, masked) = Self.rawBlocksClassified(String(repeating: record, count: 2_000))
        #expect(masked.error == nil && masked.rows == 2_000)
        #expect(masked.counts[Int(EntityType.email.rawValue)] == 2_000 && masked.counts[Int(EntityType.creditCard.rawValue)] == 2_000)
        #expect(blocks == 0, "the chunk's own bytes were classified (\(blocks) blocks)")
    }

    @Test func aHugeRecordIsScannedWhereItLiesPastTheCopyLimit() {
        // One record of 20,000 fields (about 560 KB): the batch copies the first 256 KiB of it, and
        // the rest is scanned in the chunk, found all the same.
        let fields = (0..<20_000).map { $0 % 1_000 == 999 ? "ann\($0)@example.com" : "field number \($0) of the record" }
        let (blocks, masked) = Self.rawBlocksClassified(fields.joined(separator: ",") + "\n")
        #expect(masked.error == nil && masked.rows == 1)
        #expect(masked.counts[Int(EntityType.email.rawValue)] == 20)
        #expect(blocks > 0)
    }

    /// The gather writes no more record ends than it has room for: it stops after the field that fills
    /// them, its copy run closed, and a second call from the next field gathers the rest as one call
    /// with room would have: the same fields, each value at the same offsets with the same bytes (the
    /// closed run ends in a zero byte where the longer run kept the line ending).
    @Test func gatherStopsWhenItsRecordEndsAreFull() {
        let text = "a,\"b\"\"c\",d\ne,f,g\nh,i,j\n"
        let bytes = Array(text.utf8)
        let read = CSVFieldSplitterTests.read(text)
        let csv = read.fields.map { f in
            mk_csv_field(start: f.start, end: f.end, flags: UInt32((f.quoted ? MK_CSV_QUOTED : 0) | (f.doubled ? MK_CSV_DOUBLED : 0)
                                                                  | (f.last ? MK_CSV_LAST : 0)))
        }
        #expect(csv.count == 9)
        func gather(capacity: Int) -> (fields: [mk_text_field], decoded: [UInt8], ends: [Int]) {
            var out = [mk_text_field](repeating: mk_text_field(), count: csv.count)
            var decoded = [UInt8](repeating: 0xEE, count: 256)
            var allEnds: [Int] = []
            var (first, count) = (0, 0)
            while first < csv.count {
                var ends = [Int](repeating: -1, count: capacity + 1)
                let r = bytes.withUnsafeBufferPointer { b in
                    csv.withUnsafeBufferPointer { f in
                        out.withUnsafeMutableBufferPointer { o in
                            mk_text_gather(b.baseAddress, f.baseAddress! + first, csv.count - first, &decoded, count, 256,
                                          1 << 20, o.baseAddress! + first, &ends, capacity)
                        }
                    }
                }
                #expect(r.records <= capacity && ends[capacity] == -1, "no record end past the room for them")
                allEnds += ends.prefix(r.records).map { $0 + first }
                #expect(r.fields > 0)
                first += r.fields
                count = r.decoded_count
            }
            return (out, Array(decoded.prefix(count)), allEnds)
        }
        let whole = gather(capacity: 256)
        let pieces = gather(capacity: 1)
        #expect(whole.ends == [3, 6, 9])
        #expect(pieces.ends == whole.ends)
        #expect(pieces.decoded.count == whole.decoded.count)
        for (a, b) in zip(pieces.fields, whole.fields) {
            #expect(a.raw_start == b.raw_start && a.raw_end == b.raw_end && a.value_start == b.value_start
                    && a.value_end == b.value_end && a.flags == b.flags)
            let value = Int(a.value_start)..<Int(a.value_end)
            #expect(pieces.decoded[value] == whole.decoded[value])
        }
    }
}
