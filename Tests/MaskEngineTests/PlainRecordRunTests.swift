import CMaskKernels
import Testing
@testable import MaskEngine

/// Runs of plain CSV records without a stage-1 candidate, which the batch keeps without reading their
/// fields (`TextRecordBatch.keepPlainRecords`): what counts as plain (`mk_plain_csv_records`), when the
/// probe runs (`PlainRunProbe`), and that the output, the findings, the rows and the errors are the
/// record loop's whatever the tables and chunks.
@Suite struct PlainRecordRunTests {
    struct Run: Equatable, CustomStringConvertible {
        var end: Int, records: Int, irregular: Bool
        var description: String { "end \(end), \(records) records\(irregular ? ", irregular" : "")" }
    }

    /// The CSV kernel's run from `offset`; its lines must be the LFs of the bytes it keeps.
    static func plain(_ text: String, from offset: Int = 0, limit: Int = 1 << 20) -> Run {
        let bytes = Array(text.utf8)
        var (records, lines, irregular): (Int, Int, Int32) = (0, 0, 0)
        let end = bytes.withUnsafeBufferPointer {
            mk_plain_csv_records($0.baseAddress, $0.count, offset, limit, UInt8(ascii: ","), &records, &lines, &irregular)
        }
        #expect(lines == bytes[offset..<end].filter { $0 == 10 }.count, "lines of \(text.debugDescription) from \(offset)")
        return Run(end: end, records: records, irregular: irregular != 0)
    }

    @Test func recordsOfValuesAndQuotedValuesArePlain() {
        #expect(Self.plain("1,a\n2,b\n") == Run(end: 8, records: 2, irregular: false))
        // The buffer's last record needs no LF; a CR LF ends a record; a lone CR is data.
        #expect(Self.plain("1,a\r\n2,b") == Run(end: 8, records: 2, irregular: false))
        #expect(Self.plain("1,a\rb\n") == Run(end: 6, records: 1, irregular: false))
        // Quoted fields: with delimiters and line breaks inside (one record, two lines), empty, last.
        #expect(Self.plain("1,\"a, b\nc\",x\n2,\"\",\"z\"\n") == Run(end: 22, records: 2, irregular: false))
        #expect(Self.plain("1,\"a\"\r\n2,\"b\"") == Run(end: 12, records: 2, irregular: false))
        // An empty record (an empty line) is a record.
        #expect(Self.plain("\n\n") == Run(end: 2, records: 2, irregular: false))
    }

    @Test func aRecordThatIsNotPlainEndsTheRunBeforeIt() {
        // Doubled quotes (decoded before they are scanned), a backslash (perhaps bytea's hex text).
        #expect(Self.plain("1,a\n2,\"say \"\"hi\"\"\"\n3,c\n") == Run(end: 4, records: 1, irregular: true))
        #expect(Self.plain("1,a\n2,\"\"\"\"\n") == Run(end: 4, records: 1, irregular: true))
        #expect(Self.plain("1,a\n2,\\x41\n") == Run(end: 4, records: 1, irregular: true))
        // Malformed: a quote inside an unquoted field, text after a closing quote, a quote never closed.
        #expect(Self.plain("1,a\n2,b\"c\"\n") == Run(end: 4, records: 1, irregular: true))
        #expect(Self.plain("1,a\n2,\"b\"c\n") == Run(end: 4, records: 1, irregular: true))
        #expect(Self.plain("1,a\n2,\"b\n") == Run(end: 4, records: 1, irregular: true))
        #expect(Self.plain("2,\"b\"c\n") == Run(end: 0, records: 0, irregular: true))
    }

    @Test func theLimitEndsTheRunAtTheLastWholeRecord() {
        let text = "1,aaaa\n2,\"bb\nbb\"\n3,cccc\n"
        #expect(Self.plain(text, limit: 10) == Run(end: 7, records: 1, irregular: false))
        // A quote that closes past the limit is no error: its record is not whole.
        #expect(Self.plain(text, limit: 14) == Run(end: 7, records: 1, irregular: false))
        #expect(Self.plain(text, limit: 17) == Run(end: 17, records: 2, irregular: false))
        #expect(Self.plain(text, from: 7, limit: 100) == Run(end: text.utf8.count, records: 2, irregular: false))
        #expect(Self.plain(text, limit: 3) == Run(end: 0, records: 0, irregular: false))
    }

    @Test func theProbeWaitsLongerAfterEachProbeThatKeptNothing() {
        var probe = PlainRunProbe()
        var asks = probe.shouldProbe()
        #expect(asks)
        // Kept to the limit: twice the bytes next time, at once.
        var small = probe.record(kept: PlainRunProbe.fewestBytes, stopped: false)
        asks = probe.shouldProbe()
        #expect(!small && asks && probe.bytes == 2 * PlainRunProbe.fewestBytes)
        // Stopped after keeping enough: one batch of a few records, then a probe about as far.
        small = probe.record(kept: 5000, stopped: true)
        let (first, second) = (probe.shouldProbe(), probe.shouldProbe())
        #expect(small && !first && second && probe.bytes == 10_000)
        // Kept nothing: waits 1, 2, 4 … batches, at most `longestWait`.
        var waits: [Int] = []
        for _ in 0..<9 {
            small = probe.record(kept: 0, stopped: true)
            #expect(!small)
            var waited = 0
            while !probe.shouldProbe() { waited += 1 }
            waits.append(waited)
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 64, 64, 64])
        #expect(probe.bytes == PlainRunProbe.fewestBytes)
        // A probe that keeps enough again starts the waits over.
        _ = probe.record(kept: PlainRunProbe.fewestKept, stopped: true)
        _ = probe.shouldProbe()
        _ = probe.record(kept: 0, stopped: true)
        let (waits1, then) = (probe.shouldProbe(), probe.shouldProbe())
        #expect(!waits1 && then)
    }

    /// Masks `text` (a header, then records) in chunks of `chunkBytes` cut at record ends as the pipe's
    /// reader cuts them, with the one-pass reading (and its probes) or the record loop; returns the
    /// output, the findings, the rows, the first error and the bytes the probes kept.
    static func mask(_ text: String, chunkBytes: Int, onePass: Bool) -> (output: [UInt8], findings: [String], rows: Int,
                                                                         error: String?, kept: Int) {
        let bytes = Array(text.utf8)
        let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n"))! + 1
        let session = MaskSession(policy: .default, key: testKey)
        let header = CSVHeader(names: ["id", "amount", "note", "created"])
        var (output, findings, rows, error): ([UInt8], [String], Int, String?) = (Array(bytes[..<headerEnd]), [], 0, nil)
        var start = CSVChunkStart(byteOffset: headerEnd, line: 2, rowIndex: 0, header: header)
        var offset = headerEnd
        while offset < bytes.count && error == nil {
            // A chunk ends after a whole record (an LF outside quotes, as the pipe's reader finds it), or
            // at the input's end; a record longer than the size makes a chunk of its own.
            var end = bytes.count
            var size = chunkBytes
            while offset + size < bytes.count {
                let split = bytes[offset..<(offset + size)].withUnsafeBufferPointer {
                    mk_csv_last_record_end($0.baseAddress, $0.count, UInt8(ascii: "\""))
                }
                if split.records > 0 {
                    end = offset + split.end
                    break
                }
                size *= 2
            }
            let chunk = Array(bytes[offset..<end])
            let masked = chunk.withUnsafeBufferPointer {
                CSVChunkMasker(readsFieldsInOnePass: onePass).mask($0, start: start, session: session)
            }
            output += masked.output.isEmpty && masked.error == nil ? chunk : masked.output
            findings += masked.findings.map { "\($0)" }
            rows += masked.rows
            error = masked.error.map { "\($0)" }
            start.byteOffset += chunk.count
            start.line += chunk.filter { $0 == UInt8(ascii: "\n") }.count
            start.rowIndex += masked.rows
            offset = end
        }
        let batch = session.lendRecordBatch()
        defer { session.giveBack(batch) }
        return (output, findings, rows, error, batch.probeKeptBytes)
    }

    /// Tables of values without PII (numbers, dates, words, quoted text with commas and line breaks),
    /// with a record of PII now and then (sparse, in runs, or at a chunk's very end without an LF) and
    /// records that are not plain (doubled quotes, a backslash, a malformed one last): the probes keep
    /// most of the bytes, and the output, findings, rows and error are the record loop's, whatever the
    /// chunk size.
    @Test func runsKeptByProbesMaskAsTheRecordLoopDoes() {
        var g = StageOneTests.Generator(state: 0x91A1_7E57)
        let pii = ["ann@example.com", "4111 1111 1111 1111", "SSN 536-90-4399", "token=ghp_0123456789abcdefABCDEF0123456789abcd",
                   "\"call +1 415 555 0100, or bob@example.org\""]
        let words = ["paid", "shipped", "\"Springfield, IL\"", "\"two\nlines\"", "\"\"", "note", "x y z", "12.50"]
        var kept = 0
        for round in 0..<60 {
            var text = "id,amount,note,created\n"
            let records = 50 + Int(g.next() % 3000)
            let sparsity = [3, 40, 400, 100_000][round % 4]
            for r in 0..<records {
                let roll = Int(g.next() % UInt64(sparsity))
                let note = roll == 0 ? pii[Int(g.next() % UInt64(pii.count))] : words[Int(g.next() % UInt64(words.count))]
                let (amount, date) = ("\(g.next() % 100_000).\(g.next() % 100)", "2024-0\(1 + g.next() % 9)-1\(g.next() % 10)")
                // The note last in odd rounds: PII at a record's end, before the next record's digits.
                text += round % 2 == 0 ? "\(r),\(amount),\(note),\(date)" : "\(r),\(amount),\(date),\(note)"
                if round % 5 == 1 && roll == 1 { text += ",\"a \"\"b\"\"\"" }
                if round % 7 == 2 && roll == 2 { text += ",\\x4142" }
                text += r == records - 1 && round % 3 == 0 ? "" : "\n"
            }
            if round % 6 == 5 { text += "\(records),1,\"bad\"quote,x\n" }
            if round % 6 == 4 { text += "\(records),1,tail bob@example.com" }
            let chunkBytes = [300, 4096, 70_000, 1 << 22][Int(g.next() % 4)]
            let fast = Self.mask(text, chunkBytes: chunkBytes, onePass: true)
            let loop = Self.mask(text, chunkBytes: chunkBytes, onePass: false)
            let sameOutput = fast.output == loop.output
            #expect(sameOutput, "round \(round)")
            let sameFindings = fast.findings == loop.findings
            #expect(sameFindings, "round \(round)")
            #expect(fast.rows == loop.rows && fast.error == loop.error, "round \(round): \(fast.error ?? "") \(loop.error ?? "")")
            #expect(loop.kept == 0)
            kept += fast.kept
            if round % 4 == 3 && chunkBytes > 300 {
                #expect(fast.kept * 2 > text.utf8.count, "round \(round): the probes kept \(fast.kept) of \(text.utf8.count) bytes")
            }
        }
        #expect(kept > 1_000_000)
    }

    /// A probe that stops at a candidate has the next batch read a few records; a chunk whose columns
    /// are not probed (a credential column) reads full batches again, whatever the chunk before left.
    @Test func aTableThatIsNotProbedReadsFullBatches() {
        let session = MaskSession(policy: .default, key: testKey)
        let clean = (0..<1000).map { "\($0),shipped\n" }.joined() + "1000,ann@example.com\n"
        let credentials = (0..<1000).map { "\($0),hunter\($0)\n" }.joined()
        func limit(after text: String, columns: [String]) -> Int {
            let masked = Array(text.utf8).withUnsafeBufferPointer {
                CSVChunkMasker().mask($0, start: CSVChunkStart(header: CSVHeader(names: columns)), session: session)
            }
            #expect(masked.error == nil && masked.rows == 1000 + (columns[1] == "note" ? 1 : 0))
            let batch = session.lendRecordBatch()
            defer { session.giveBack(batch) }
            return batch.recordLimit
        }
        #expect(limit(after: clean, columns: ["id", "note"]) == PlainRunProbe.recordsAfterStop)
        #expect(limit(after: credentials, columns: ["id", "password"]) == TextRecordBatch.maxRecords)
    }

    /// A custom detector reads every cell, candidates or not: records without a stage-1 candidate that
    /// it matches are masked, never kept by a probe.
    @Test func aCustomDetectorsMatchesInPlainRecordsAreMasked() throws {
        let policy = try PolicyFile.parse("version: 1\ndetectors:\n  - {name: employee_id, pattern: 'EMP-[0-9]{6}', action: redact}\n")
        let session = MaskSession(policy: policy, key: testKey)
        let text = (0..<3000).map { "\($0),shipped,EMP-\(100_000 + $0)\n" }.joined()
        let masked = Array(text.utf8).withUnsafeBufferPointer {
            CSVChunkMasker().mask($0, start: CSVChunkStart(header: CSVHeader(names: ["id", "status", "employee"])), session: session)
        }
        let output = String(decoding: masked.output, as: UTF8.self)
        #expect(masked.error == nil && masked.findings.count == 3000)
        #expect(!output.contains("EMP-1") && output.contains("2999,shipped,"))
        let batch = session.lendRecordBatch()
        defer { session.giveBack(batch) }
        #expect(batch.probeKeptBytes == 0)
    }

    /// A value with PII in a long run of plain records, anywhere in it, is masked: the probe stops
    /// before its record, wherever it lies in a window, and a batch reads it.
    @Test func piiInALongPlainRunIsMasked() {
        let clean = (0..<4000).map { "\($0),\($0 * 7 % 1000).25,shipped,2024-03-0\($0 % 9 + 1)\n" }
        for at in [0, 1, 63, 64, 1000, 2047, 3999] {
            var records = clean
            records[at] = "\(at),1.00,ann.lee@example.com,2024-01-01\n"
            let text = "id,amount,note,created\n" + records.joined()
            let fast = Self.mask(text, chunkBytes: 1 << 22, onePass: true)
            let output = String(decoding: fast.output, as: UTF8.self)
            #expect(!output.contains("ann.lee@example.com"), "record \(at)")
            #expect(fast.findings.count == 1 && fast.rows == 4000 && fast.error == nil, "record \(at)")
            #expect(fast.kept > text.utf8.count / 2, "record \(at)")
        }
    }

    static func plainCopy(_ text: String, fields: Int, limit: Int = 1 << 20) -> Run {
        let bytes = Array(text.utf8)
        var (records, irregular): (Int, Int32) = (0, 0)
        let end = bytes.withUnsafeBufferPointer {
            mk_plain_copy_records($0.baseAddress, $0.count, 0, limit, fields, &records, &irregular)
        }
        return Run(end: end, records: records, irregular: irregular != 0)
    }

    @Test func copyRowsWithoutEscapesAndWithNullsArePlain() {
        let rows = "1\ta\t\\N\n\\N\tb\tc\n3\tb\tc"
        #expect(Self.plainCopy(rows, fields: 3) == Run(end: rows.utf8.count, records: 3, irregular: false))
        #expect(Self.plainCopy(rows, fields: 0) == Run(end: rows.utf8.count, records: 3, irregular: false))
        // An escape, a backslash that is not a whole field's `\N`, a row of other width: the run ends there.
        #expect(Self.plainCopy("1\ta\tb\n2\ta\\tb\tc\n", fields: 3) == Run(end: 6, records: 1, irregular: true))
        #expect(Self.plainCopy("1\ta\tb\n2\ta\\N\tc\n", fields: 3) == Run(end: 6, records: 1, irregular: true))
        #expect(Self.plainCopy("1\ta\tb\n2\t\\Nx\tc\n", fields: 3) == Run(end: 6, records: 1, irregular: true))
        #expect(Self.plainCopy("1\ta\tb\n2\ta\n", fields: 3) == Run(end: 6, records: 1, irregular: true))
        #expect(Self.plainCopy("1\ta\tb\n2\ta\tb\tc\n", fields: 3) == Run(end: 6, records: 1, irregular: true))
        // The limit: whole rows only.
        #expect(Self.plainCopy("1\ta\tb\n2\ta\tb\n", fields: 3, limit: 9) == Run(end: 6, records: 1, irregular: false))
    }

    /// The rows a reader that takes them one at a time (an LF, the backslashes in it, its tabs) finds
    /// plain: what the block-mask kernel must find on every path.
    static func plainCopyRows(_ b: [UInt8], from offset: Int, limit: Int, fields: Int) -> (end: Int, records: Int, irregular: Bool) {
        var (i, records) = (offset, 0)
        let end = min(b.count, offset + limit)
        while i < end {
            let lf = b[i..<end].firstIndex(of: 10)
            if lf == nil && end < b.count { break }
            let rowEnd = lf ?? b.count
            for at in i..<rowEnd where b[at] == UInt8(ascii: "\\") {
                let null = at + 1 < rowEnd && b[at + 1] == UInt8(ascii: "N") && (at == i || b[at - 1] == 9)
                    && (at + 2 == rowEnd || b[at + 2] == 9)
                if !null { return (i, records, true) }
            }
            if fields > 0 && b[i..<rowEnd].filter({ $0 == 9 }).count != fields - 1 { return (i, records, true) }
            records += 1
            i = lf.map { $0 + 1 } ?? b.count
        }
        return (i, records, false)
    }

    /// Random rows of tabs, LFs, NULLs, escapes and letters, from any offset with any limit: on every
    /// path, the kernel ends the run where the row-at-a-time reading does, with as many rows, and says
    /// irregular wherever that reading does (and also where a row the limit cuts holds an escape).
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func copyRowsReadByBlocksAsOneAtATime(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0xC0_7AB5)
        let pieces = ["\t", "\t", "\n", "\\N", "\\N", "a", "bc", "N", "\\", "\\t", "x", "12", "\\\\N", "N\\",
                      String(repeating: "y", count: 70)].map { Array($0.utf8) }
        var differences = 0
        for round in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(g.next() % 40) { bytes += pieces[Int(g.next() % UInt64(pieces.count))] }
            var offset = bytes.isEmpty ? 0 : Int(g.next() % UInt64(bytes.count + 1))
            if g.next() % 2 == 0 { while offset > 0 && bytes[offset - 1] != 10 { offset -= 1 } }
            let limit = g.next() % 3 == 0 ? 1 << 20 : Int(g.next() % 300)
            let fields = Int(g.next() % 4)
            let expected = Self.plainCopyRows(bytes, from: offset, limit: limit, fields: fields)
            let ran = AcceleratedKernel.csvSplit.withPath(path) {
                var (records, irregular): (Int, Int32) = (0, 0)
                let end = bytes.withUnsafeBufferPointer {
                    mk_plain_copy_records($0.baseAddress, $0.count, offset, limit, fields, &records, &irregular)
                }
                return (end, records, irregular != 0)
            }
            guard let found = ran else {
                Issue.record("the path \(path) did not run")
                return
            }
            if found.0 != expected.end || found.1 != expected.records || (expected.irregular && !found.2) {
                differences += 1
                if differences < 4 { Issue.record("round \(round): \(found) against \(expected) in \(String(decoding: bytes, as: UTF8.self).debugDescription) from \(offset) limit \(limit) fields \(fields)") }
            }
        }
        #expect(differences == 0)
    }

    /// COPY blocks of a dump: rows without PII (numbers, dates, words, NULLs) with PII now and then,
    /// escapes in a quarter of the rounds, and rows of the wrong width last: the probes keep most of the bytes, and the output,
    /// findings and error are the row loop's.
    @Test func copyRunsKeptByProbesMaskAsTheRowLoopDoes() {
        var g = StageOneTests.Generator(state: 0xD0_C0FF)
        let pii = ["ann@example.com", "4111 1111 1111 1111", "536-90-4399", "ghp_0123456789abcdefABCDEF0123456789abcd"]
        let words = ["paid", "shipped", "\\N", "x y z", "12.50", "Springfield, IL", "a\\tb", "line\\none"]
        var kept = 0
        for round in 0..<40 {
            var text = ""
            let rows = 50 + Int(g.next() % 3000)
            let sparsity = [3, 50, 500, 100_000][round % 4]
            for r in 0..<rows {
                let roll = Int(g.next() % UInt64(sparsity))
                let note = roll == 0 ? pii[Int(g.next() % UInt64(pii.count))] : words[Int(g.next() % UInt64(words.count - (round % 4 == 1 ? 0 : 2)))]
                text += "\(r)\t\(g.next() % 100_000).\(g.next() % 100)\t\(note)\t2024-0\(1 + g.next() % 9)-1\(g.next() % 10)\n"
            }
            if round % 5 == 4 { text += "\(rows)\tonly two\n" }
            let columns = ["id", "amount", "note", "created"].map { DumpColumn(name: $0, type: "text") }
            let fast = Self.maskCopy(text, columns: columns, onePass: true)
            let loop = Self.maskCopy(text, columns: columns, onePass: false)
            let sameOutput = fast.output == loop.output
            #expect(sameOutput, "round \(round)")
            let sameFindings = fast.findings == loop.findings
            #expect(sameFindings && fast.error == loop.error && fast.rows == loop.rows, "round \(round)")
            #expect(loop.kept == 0)
            kept += fast.kept
            if round % 4 == 3 {
                #expect(fast.kept * 2 > text.utf8.count, "round \(round): the probes kept \(fast.kept) of \(text.utf8.count) bytes")
            }
        }
        #expect(kept > 500_000)
    }

    static func maskCopy(_ text: String, columns: [DumpColumn]?, onePass: Bool) -> (output: [UInt8], findings: [String], rows: Int,
                                                                                     error: String?, kept: Int) {
        let bytes = Array(text.utf8)
        let session = MaskSession(policy: .default, key: testKey)
        let start = CopyChunkStart(byteOffset: 0, line: 1, rowIndex: 0, columns: columns, table: 0)
        let masked = bytes.withUnsafeBufferPointer {
            CopyTextChunkMasker(readsFieldsInOnePass: onePass).mask($0, start: start, session: session)
        }
        let batch = session.lendRecordBatch()
        defer { session.giveBack(batch) }
        return (masked.output.isEmpty && masked.error == nil ? bytes : masked.output, masked.findings.map { "\($0)" }, masked.rows,
                masked.error.map { "\($0)" }, batch.probeKeptBytes)
    }
}
