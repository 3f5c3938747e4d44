import CMaskKernels
import Testing
@testable import MaskEngine

/// The COPY row loop's one-pass field reader (`mk_copy_fields`, `TextFieldSplitter.readCopy`): it must
/// read exactly the rows the row loop reads, the same way, and leave every other row to it.
@Suite struct CopyFieldReaderTests {
    /// The flags a field may have: escaped, NULL, its row's last.
    static let (E, N, L) = (Int(MK_COPY_ESCAPED), Int(MK_COPY_NULL), Int(MK_CSV_LAST))

    /// The fields read from `text` as [start, end, flags], the rows' ends, and the kernel's result.
    static func read(_ text: String, expectedFields: Int = 0, maxRecords: Int = 256, maxBytes: Int = 1 << 20,
                     fieldCapacity: Int = 1024) -> (fields: [[Int]], rowEnds: [Int], result: mk_csv_fields_result) {
        let bytes = Array(text.utf8)
        var fields = [mk_csv_field](repeating: mk_csv_field(), count: fieldCapacity)
        var ends = [Int](repeating: -1, count: maxRecords)
        let r = bytes.withUnsafeBufferPointer { b in
            mk_copy_fields(b.baseAddress, b.count, 0, expectedFields, maxRecords, maxBytes, &fields, fieldCapacity, &ends)
        }
        return (fields.prefix(r.fields).map { [$0.start, $0.end, Int($0.flags)] }, Array(ends.prefix(r.records)), r)
    }

    @Test func escapesAndNullsAreFlaggedAndEscapedTabsSplitNothing() {
        // a<TAB>b\tc<TAB>\N<TAB>d\\<TAB>\\N<LF>
        let r = Self.read("a\tb\\tc\t\\N\td\\\\\t\\\\N\n")
        #expect(r.fields == [[0, 1, 0], [2, 6, Self.E], [7, 9, Self.N], [10, 13, Self.E], [14, 17, Self.E | Self.L]])
        #expect(r.rowEnds == [18] && r.result.lines == 1 && r.result.irregular == 0)
        // A backslash before a raw tab escapes it: the tab is data.
        let tabInside = Self.read("a\\\tb\tc\n")
        #expect(tabInside.fields == [[0, 4, Self.E], [5, 6, Self.L]])
    }

    @Test func theBufferEndsTheLastRowAndATrailingTabLeavesAnEmptyField() {
        let r = Self.read("a\tb\nc\t")
        #expect(r.fields == [[0, 1, 0], [2, 3, Self.L], [4, 5, 0], [6, 6, Self.L]])
        #expect(r.rowEnds == [4, 6] && r.result.position == 6 && r.result.irregular == 0)
        let null = Self.read("x\n\\N")
        #expect(null.fields == [[0, 1, Self.L], [2, 4, Self.N | Self.L]])
        #expect(null.result.lines == 2, "a row is a line, the last one too")
    }

    @Test func rowsTheRowLoopRefusesAreLeftToIt() {
        for (text, expected, kept) in [("a\tb\nc\\\nd\n", 0, 4), ("a\n\\", 0, 2), ("a\tb\nc\n", 2, 4), ("a\tb\nc\td\te\n", 2, 4),
                                       ("a\tb", 3, 0)] {
            let r = Self.read(text, expectedFields: expected)
            #expect(r.result.irregular == 1 && r.result.position == kept, "\(text.debugDescription)")
            #expect(r.rowEnds.last ?? 0 == kept)
        }
    }

    /// A backslash run that crosses a 64-byte block: an even run escapes nothing after it, an odd one the
    /// tab after it.
    @Test func backslashRunsAcrossBlocksEscapeByTheirParity() {
        for run in 1...4 {
            let text = String(repeating: "x", count: 62) + String(repeating: "\\", count: run) + "\ty\n"
            let r = Self.read(text)
            if run % 2 == 0 {
                #expect(r.fields == [[0, 62 + run, Self.E], [63 + run, 64 + run, Self.L]], "run \(run)")
            } else {
                #expect(r.fields == [[0, 64 + run, Self.E | Self.L]], "run \(run)")
            }
        }
    }

    /// A row that ends in CR LF (a dump whose lines were converted): the CR is the line's end, not the
    /// last value's; an escaped CR is data; a CR LF across a block end is still one.
    @Test func aCRBeforeTheRowsLFIsItsLineEnd() {
        #expect(Self.read("a\tb\r\n\\N\r\n").fields == [[0, 1, 0], [2, 3, Self.L], [5, 7, Self.N | Self.L]])
        #expect(Self.read("a\tb\\\r\n").fields == [[0, 1, 0], [2, 5, Self.E | Self.L]], "an escaped CR is data")
        #expect(Self.read("a\t\r\n\r\n").fields == [[0, 1, 0], [2, 2, Self.L], [4, 4, Self.L]])
        #expect(Self.read("a\tb\r").fields == [[0, 1, 0], [2, 4, Self.L]], "without its LF a CR is data")
        let across = String(repeating: "x", count: 63) + "\r\ny\n"
        #expect(Self.read(across).fields == [[0, 63, Self.L], [65, 66, Self.L]])
    }

    /// A NULL whose backslash is a block's last byte: the next block holds no backslash, and the field
    /// is still NULL.
    @Test func aNullAcrossABlockEndIsStillNull() {
        let text = String(repeating: "x", count: 62) + "\t\\N\ty\n"
        #expect(Self.read(text).fields == [[0, 62, 0], [63, 65, Self.N], [66, 67, Self.L]])
    }

    /// The dump splitter's search for the end of a block's rows: `\.` alone on a line ends them (LF,
    /// CR LF or the buffer's end after it), an escaped `\.` inside a row does not, nor does `\.x`.
    @Test func theBlockEndsAtTheFirstLineThatIsBackslashDotAlone() {
        func end(_ text: String, inputEnds: Bool = true) -> [Int] {
            let r = Array(text.utf8).withUnsafeBufferPointer { mk_copy_data_end($0.baseAddress, $0.count, inputEnds ? 1 : 0) }
            return [r.rows_end, r.terminator, r.lines]
        }
        #expect(end("a\tb\n\\.\nCREATE") == [4, 3, 1])
        #expect(end("a\\.\n\\.x\n\\.\r\nrest") == [8, 4, 2])
        #expect(end("a\nb\n\\.") == [4, 2, 2])
        // Where the bytes end before the input does, the line may go on (`\.5`): no terminator yet.
        #expect(end("a\nb\n\\.", inputEnds: false) == [4, 0, 2])
        #expect(end("a\nb\n\\.\r", inputEnds: false) == [4, 0, 2])
        #expect(end("a\nb\n\\.\n", inputEnds: false) == [4, 3, 2])
        #expect(end("a\nb\npartial") == [4, 0, 2])
        #expect(end("no line end") == [0, 0, 0])
        // A terminator past the first 64-byte block, behind a row that crosses it.
        let long = String(repeating: "y", count: 70) + "\n\\.\n"
        #expect(end(long) == [71, 3, 1])
        // The `\.` line starting a block, after an LF that ends the block before.
        let atBlock = String(repeating: "y", count: 63) + "\n\\.\n"
        #expect(end(atBlock) == [64, 3, 1])
    }

    /// `mk_copy_unescape` decodes every escape of COPY's text format as PostgreSQL's COPY FROM does.
    @Test func unescapeDecodesAsPostgreSQLDoes() {
        func decoded(_ text: String) -> [UInt8] {
            let value = Array(text.utf8)
            var out = [UInt8](repeating: 0xEE, count: value.count)
            let n = value.withUnsafeBufferPointer { mk_copy_unescape($0.baseAddress, $0.count, &out) }
            return Array(out.prefix(n))
        }
        #expect(decoded("a\\bc\\fd\\ne\\rf\\tg\\vh") == Array("a\u{8}c\u{C}d\ne\rf\tg\u{B}h".utf8))
        #expect(decoded("\\\\ \\q \\. \\N") == Array("\\ q . N".utf8), "any other byte stands for itself")
        #expect(decoded("\\101\\1011\\7x\\08") == [65, 65, 49, 7, 120, 0, 56], "one to three octal digits")
        #expect(decoded("\\400\\777") == [0, 255], "the low eight bits of a larger value")
        #expect(decoded("\\x41\\x4G\\x414\\xG\\xf") == [65, 4, 71, 65, 52, 120, 71, 15], "one or two hex digits; none: an x")
        #expect(decoded("ab\\") == Array("ab\\".utf8), "a lone backslash last stays")
        #expect(decoded("") == [])
    }

    @Test func limitsStopAfterWholeRows() {
        let text = String(repeating: "aa\tbb\n", count: 100)
        let byRows = Self.read(text, maxRecords: 7)
        #expect(byRows.result.records == 7 && byRows.result.position == 42 && byRows.fields.count == 14)
        let byBytes = Self.read(text, maxBytes: 13)
        #expect(byBytes.result.records == 3 && byBytes.result.position == 18)
        let narrow = Self.read(text, fieldCapacity: 5)
        #expect(narrow.result.records == 2 && narrow.result.irregular == 0)
        let wide = Self.read("a\tb\tc\td\te\tf\n", fieldCapacity: 5)
        #expect(wide.result.records == 0 && wide.result.irregular == 1)
    }

    /// Random COPY text of tabs, line ends, escapes, NULLs and PII: both readings give the same output,
    /// report and error, on every kernel path, with and without declared columns.
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func theOnePassReadingMasksAsTheRowLoopDoes(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0xC0B7)
        let pieces = ["\t", "\t", "\n", "\\N", "\\\\", "\\t", "\\n", "\\", "\\101", "\\x41", "a", "bc", " ", "ann@example.com",
                      "4111 1111 1111 1111", "536-90-4399", "key=\"AKIAZ7QK3M5N8P2R4T6V\"", "x", "0", "\"", "\r",
                      "\t\\\\x616e6e406578616d706c652e636f6d\t"]
        var differences = 0
        for round in 0..<400 {
            var text = ""
            let count = round % 3 == 1 ? 0 : Int(g.next() % 60)
            for _ in 0..<count { text += pieces[Int(g.next() % UInt64(pieces.count))] }
            if round % 3 == 1 {
                // Plain rows (no escape, NULL or CR), long enough for the wide path's groups of blocks whose
                // fields have no flag but their row's end.
                for r in 0..<(12 + Int(g.next() % 40)) {
                    text += "\(r)\t\(g.next() % 1_000_000_007)\t\(pieces[13 + Int(g.next() % 3)])\n"
                }
            }
            if round % 3 == 0 {
                // Mostly well formed: three fields, escapes and NULLs, long enough to cross blocks.
                for r in 0..<Int(g.next() % 40) {
                    let note = pieces[3 + Int(g.next() % 14)] + String(repeating: "y", count: Int(g.next() % 90))
                    text += "\(r)\t\(note)\t\(r % 4 == 0 ? "\\N" : "z\\tq")\n"
                }
            }
            let bytes = Array(text.utf8)
            let columns: [DumpColumn]? = round % 2 == 0 ? nil : ["id", "note", "other"].map { DumpColumn(name: $0, type: "text") }
            let results = [true, false].map { onePass in
                AcceleratedKernel.csvSplit.withPath(path) { Self.mask(bytes, columns: columns, onePass: onePass) }
            }
            if results[0]?.0 != results[1]?.0 || results[0]?.1 != results[1]?.1 || results[0]?.2 != results[1]?.2 {
                differences += 1
                if differences < 4 { Issue.record("round \(round) differs: \(text.debugDescription)") }
            }
        }
        #expect(differences == 0)
    }

    /// A NULL (`\N`) is no value: a custom detector that reads every cell, and matches an `N`, masks the
    /// `N` of a value and leaves each NULL as it is, in both readings (in the one-pass one a NULL is
    /// copied into the batch with the values around it, and must not be scanned there).
    @Test(arguments: [true, false])
    func nullsAreNotScanned(onePass: Bool) throws {
        let policy = try PolicyFile.parse("version: 1\ndetectors:\n  - {name: letter_n, pattern: 'N', action: redact}\n")
        let rows = (0..<50).map { "\($0)\t\\N\tN\t\\N\n" }.joined()
        let (out, findings, error) = Self.mask(Array(rows.utf8), columns: nil, onePass: onePass, policy: policy)
        #expect(error == nil)
        #expect(findings.count == 50, "one finding a row, in the value N: \(findings.prefix(3))")
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 50 && lines.allSatisfy { $0.hasSuffix("\t\\N\t*\t\\N") }, "\(lines.prefix(2))")
    }

    /// Masks a whole chunk of COPY rows, returning the output, the findings and the error's text.
    static func mask(_ bytes: [UInt8], columns: [DumpColumn]?, onePass: Bool, policy: MaskPolicy = .default) -> ([UInt8], [String], String?) {
        let session = MaskSession(policy: policy, key: testKey)
        let start = CopyChunkStart(byteOffset: 0, line: 1, rowIndex: 0, columns: columns, table: 0)
        let masked = bytes.withUnsafeBufferPointer {
            CopyTextChunkMasker(readsFieldsInOnePass: onePass).mask($0, start: start, session: session)
        }
        return (masked.output.isEmpty && masked.error == nil ? bytes : masked.output,
                masked.findings.map { "\($0)" }, masked.error.map { "\($0)" })
    }
}
