import Testing
import WireTestSupport
@testable import MaskEngine

/// The pipe's data path: column batches give what row-by-row masking gives, a malformed row inside a
/// batch stops the output exactly before it, unchanged input passes through as it is, and a pipeline
/// stopped before masking writes nothing.
@Suite struct DataPathTests {
    static let header = Wire.rowDescription([("id", 20), ("email", 25), ("note", 25), ("ssn", 1043), ("card", 25)])

    /// Rows with findings in several columns of the same row, rows without any, and NULLs.
    static func row(_ i: Int) -> [UInt8] {
        switch i % 4 {
        case 0: Wire.dataRow(["\(i)", "user\(i)@example.com", "call 555-0100, card 4111 1111 1111 1111", "536-90-\(1000 + i)", nil])
        case 1: Wire.dataRow(["\(i)", nil, "nothing to see", "", "n/a"])
        case 2: Wire.dataRow(["\(i)", "x\(i)@corp.example", "token=ghp_0123456789abcdefghijABCDEFGHIJ012345 ok", nil, "5500000000000004"])
        default: Wire.dataRow(["\(i)", "plain", "a note", "n/a", "none"])
        }
    }

    /// The fuzz targets mask on the calling thread: what they test must be what the workers do, down to
    /// the bytes written before an error and the error itself.
    @Test(arguments: [64, 4096, 1 << 20])
    func maskingOnTheCallingThreadGivesWhatTheWorkersGive(chunkBytes: Int) {
        var wire = Self.header
        for i in 0..<300 { wire += Self.row(i) }
        var csv = Array("id,email,note\n".utf8)
        for i in 0..<300 { csv += Array("\(i),user\(i)@example.com,\"card 4111 1111 1111 1111, ssn 536-90-\(1000 + i)\"\n".utf8) }
        let inputs: [([UInt8], InputFormat, fails: Bool)] = [
            (wire + Wire.commandComplete, .wire, false),
            (Array(wire.dropLast(7)), .wire, true),   // ends inside a DataRow: an error after the rows before it
            (csv, .csv, false),
            (csv + Array("1,\"unclosed\n".utf8), .csv, true),
        ]
        for (input, format, fails) in inputs {
            let workers = maskStream(input, format: format, chunkBytes: chunkBytes, workers: 2, readSize: 1000)
            let inline = maskStream(input, format: format, chunkBytes: chunkBytes, readSize: 1000, onCallingThread: true)
            #expect(inline.output == workers.output)
            #expect(inline.report == workers.report)
            #expect(inline.summary == workers.summary)
            #expect(inline.error.map { "\($0)" } == workers.error.map { "\($0)" })
            #expect(!inline.output.isEmpty)
            #expect((inline.error != nil) == fails)
        }
    }

    /// With several workers, the input's last bytes are handed out in halves (`StreamMasker.halvesTail`):
    /// the output, report, summary and error are those of masking on the calling thread, which cuts
    /// no tail, for wire, CSV and dump inputs large enough to be halved several times (a dump's last
    /// COPY block followed by a little script or by much), whole and ending in an error.
    @Test func theInputsLastBytesInHalvesGiveWhatOneJobGives() {
        var wire = Self.header
        for i in 0..<24_000 { wire += Self.row(i) }
        var csv = Array("id,email,note\n".utf8)
        for i in 0..<24_000 { csv += Array("\(i),user\(i)@example.com,\"card 4111 1111 1111 1111, ssn 536-90-\(1000 + i)\"\n".utf8) }
        var rows = ""
        for i in 0..<24_000 { rows += "\(i)\tuser\(i)@example.com\tcard 4111 1111 1111 1111, ssn 536-90-\(1000 + i)\n" }
        let dump = "--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.t (\n    id integer,\n    email text,\n    note text\n);\n\n"
            + "COPY public.t (id, email, note) FROM stdin;\n" + rows
        #expect(wire.count > 3 << 19 && csv.count > 3 << 19 && dump.utf8.count > 3 << 19)
        let inputs: [([UInt8], InputFormat)] = [
            (wire + Wire.commandComplete, .wire), (Array(wire.dropLast(7)), .wire),
            (csv, .csv), (Array(csv.dropLast(1)), .csv), (csv + Array("1,\"unclosed\n".utf8), .csv),
            (Array((dump + "\\.\n\n-- PostgreSQL database dump complete\n").utf8), .pgdump),
            (Array((dump + "\\.\n" + String(repeating: "SELECT 1;\n", count: 70_000)).utf8), .pgdump),
            (Array(dump.utf8), .pgdump),  // no terminating \. line: an error after the rows
        ]
        for (input, format) in inputs {
            let workers = maskStream(input, format: format, chunkBytes: 1 << 20, workers: 2)
            let inline = maskStream(input, format: format, chunkBytes: 1 << 20, onCallingThread: true)
            #expect(inline.output == workers.output)
            #expect(inline.report == workers.report)
            #expect(inline.summary == workers.summary)
            #expect(inline.error.map { "\($0)" } == workers.error.map { "\($0)" })
        }
    }

    @Test func columnBatchesGiveWhatRowByRowMaskingGives() throws {
        var stream = Self.header
        for i in 0..<700 { stream += Self.row(i) }
        stream += Wire.commandComplete
        let batched = maskStream(stream, format: .wire, workers: 1)
        #expect(batched.error == nil)

        // The same rows, one `DataRowMasker.mask` call each, as the daemons mask them.
        let session = MaskSession(policy: .default, key: testKey)
        var expected = MaskedChunk()
        var reportLines: [UInt8] = []
        try stream.withUnsafeBufferPointer { chunk in
            let index = StageOneIndex()
            index.reset(chunk)
            let start = WireFrame.read(chunk, at: 0)
            let payload = UnsafeBufferPointer(rebasing: chunk[start.payloadStart..<start.end])
            let columns = ResultColumns(try RowDescription.decode(payload, at: StreamLocation(byteOffset: 5)))
            expected.output += chunk[0..<start.end]
            var pos = start.end
            var row = 0
            while chunk[pos] == UInt8(ascii: "D") {
                let frame = WireFrame.read(chunk, at: pos)
                try DataRowMasker(chunk: chunk, index: index, session: session)
                    .mask(frame: frame, columns: columns, row: row, location: StreamLocation(byteOffset: pos), into: &expected)
                expected.flushKept(chunk)
                pos = frame.end
                row += 1
            }
            expected.output += chunk[pos...]
        }
        for f in expected.findings { FindingsReportWriter().append(f, tableName: nil, to: &reportLines) }
        #expect(batched.output == expected.output)
        #expect(batched.report == String(decoding: reportLines, as: UTF8.self), "findings in row order, then column, then offset")
        #expect(batched.report.split(separator: "\n").count == expected.findings.count)
        #expect(expected.findings.count > 700)
    }

    @Test func aMalformedRowInsideABatchEndsTheOutputJustBeforeIt() {
        var good = Self.header
        for i in 0..<40 { good += Self.row(i) }
        let bad = Wire.message("D", Wire.int16(5) + Wire.int32(1) + [UInt8(ascii: "7")] + Wire.int32(500) + Array("ann@example.com".utf8))
        let stream = good + bad + Self.row(41) + Wire.commandComplete
        let result = maskStream(stream, format: .wire, workers: 1)
        let prefix = maskStream(good, format: .wire, workers: 1)
        #expect(result.output == prefix.output, "every row before the bad one, masked; nothing of it or after it")
        let error = result.error as? StreamError
        #expect(error?.location.row == 40)
        #expect(error?.location.message == 41)
        #expect(error?.location.column == 1)
        #expect(error?.location.byteOffset == good.count + 5 + 2 + 4 + 1 + 4, "just past the length word that runs past the end")
    }

    @Test(arguments: [PipelineStage.decode, .stageOne, .detect])
    func aPipelineStoppedBeforeMaskingWritesNothing(stage: PipelineStage) throws {
        var stream = Self.header
        for i in 0..<300 { stream += Self.row(i) }
        var options = StreamMasker.Options()
        options.format = .wire
        options.stopAfter = stage
        let sink = ByteCollector()
        var offset = 0
        let summary = try StreamMasker(key: testKey, options: options).run(
            source: { buffer in
                let n = min(buffer.count, stream.count - offset)
                stream.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                offset += n
                return n
            },
            sink: { sink.append($0) })
        #expect(sink.bytes.isEmpty)
        #expect(summary.rows == 300)
        #expect(summary.counts.reduce(0, +) == 0, "nothing is masked, so nothing is counted as masked")
    }

    @Test func unchangedInputPassesThroughWhateverTheChunking() {
        var csv = Array("id,name,amount\n".utf8)
        for i in 0..<2_000 { csv += Array("\(i),\"Name, \(i)\",\(i * 3).50\n".utf8) }
        for (chunk, read) in [(1 << 20, 1 << 16), (256, 7), (4096, 1)] {
            let result = maskStream(csv, format: .csv, chunkBytes: chunk, readSize: read)
            #expect(result.error == nil)
            #expect(result.output == csv, "chunk \(chunk) read \(read)")
        }
        var withPII = csv
        withPII += Array("9999,\"Ann \"\"A\"\" Lee\",ann@example.com\n".utf8)
        for i in 0..<500 { withPII += Array("\(i),x,\(i)\n".utf8) }
        let whole = maskStream(withPII, format: .csv, chunkBytes: 1 << 20)
        #expect(whole.output.starts(with: csv), "the records before the first finding, as they were")
        #expect(!whole.output.contains(subsequence: Array("ann@example.com".utf8)))
        for (chunk, read) in [(256, 7), (4096, 1), (100, 3)] {
            #expect(maskStream(withPII, format: .csv, chunkBytes: chunk, readSize: read).output == whole.output,
                    "chunk \(chunk) read \(read)")
        }
    }
}

private extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}

private extension WireFrame {
    /// A frame the test built itself, so it is well formed.
    static func read(_ chunk: UnsafeBufferPointer<UInt8>, at position: Int) -> WireFrame {
        try! WireFrame.read(chunk, at: position, limit: 1 << 30, location: StreamLocation(byteOffset: position))
    }
}
