import CMaskKernels
import Foundation
import Testing
@testable import MaskEngine

@Suite struct CSVTests {
    func mask(_ text: String, header: Bool = true, policy: MaskPolicy = .default, chunk: Int = 1 << 20)
        -> (String, String, Error?)
    {
        let r = maskStream(Array(text.utf8), format: .csv, header: header, policy: policy, chunkBytes: chunk)
        return (String(decoding: r.output, as: UTF8.self), r.report, r.error)
    }

    @Test func quotedFieldsStayQuotedAndOffsetsAreIntoTheUnquotedValue() {
        let input = "id,note\n1,\"say \"\"hi\"\" to ann@example.com, then\nbye\"\r\n2,plain\n"
        let (out, report, error) = mask(input)
        #expect(error == nil)
        #expect(report == "{\"row\":0,\"column\":1,\"start\":12,\"end\":27,\"type\":\"email\"}\n")
        #expect(out.hasPrefix("id,note\n1,\"say \"\"hi\"\" to "))
        #expect(out.hasSuffix(", then\nbye\"\r\n2,plain\n"))
        #expect(!out.contains("ann@example.com"))
    }

    /// Masks `text` as CSV whose fields are separated by `delimiter`.
    func mask(_ text: String, delimiter: UInt8) -> (String, StreamSummary?) {
        let r = maskStream(Array(text.utf8), format: .csv, delimiter: delimiter)
        return (String(decoding: r.output, as: UTF8.self), r.summary)
    }

    @Test func otherDelimiters() {
        let (out, summary) = mask("ssn\tnote\n536904399\t\"a,b ann@example.com\"\n", delimiter: 9)
        #expect(summary?.count(.usSSN) == 1, "the tab-separated header names the ssn column")
        #expect(summary?.count(.email) == 1)
        #expect(out.hasPrefix("ssn\tnote\n") && out.contains("\t\"a,b ") && !out.contains("ann@"))
    }

    /// A token may hold the delimiter when the delimiter is a letter (every email token has the `x` of
    /// `example.invalid`): the unquoted field it replaces is then quoted, so the record keeps its fields.
    @Test func anUnquotedFieldIsQuotedWhenItsTokenHoldsTheDelimiter() {
        let (out, summary) = mask("idxemailxnote\n1xann@bcd.comxok\n2x\"bob@cd.org\"xok\n", delimiter: UInt8(ascii: "x"))
        #expect(summary?.count(.email) == 2)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "idxemailxnote")
        for (i, line) in lines.dropFirst().enumerated() {
            #expect(line.hasPrefix("\(i + 1)x\"") && line.hasSuffix("@example.invalid\"xok"), "\(line)")
            #expect(!line.contains("ann@") && !line.contains("bob@"))
        }
    }

    /// Batches without a finding pass through in one piece: every row is still counted and written once,
    /// around the one row that changes, in CSV and in a pg_dump's COPY block alike.
    @Test func rowsWithoutFindingsPassThroughAndAreCounted() throws {
        var csv = "id,note,amount\n"
        var copy = "--\n-- PostgreSQL database dump\n--\n\nCOPY public.t (id, note, amount) FROM stdin;\n"
        for i in 0..<3000 {
            let note = i == 1500 ? "mail ann@example.com" : "row \(i) of the table"
            csv += "\(i),\(note),\(i * 7).25\n"
            copy += "\(i)\t\(note)\t\(i * 7).25\n"
        }
        copy += "\\.\n\n"
        for (input, format) in [(csv, InputFormat.csv), (copy, .pgdump)] {
            for chunk in [4096, 1 << 20] {
                let r = maskStream(Array(input.utf8), format: format, chunkBytes: chunk)
                #expect(r.error == nil)
                #expect(r.summary?.rows == 3000, "\(format) chunk \(chunk)")
                #expect(r.summary?.count(.email) == 1)
                let out = String(decoding: r.output, as: UTF8.self)
                #expect(!out.contains("ann@example.com"))
                // Everything but the address is the input, in order.
                let masked = out.replacingOccurrences(of: #"[a-z0-9]+@example\.invalid"#, with: "ann@example.com",
                                                      options: .regularExpression)
                #expect(masked == input, "\(format) chunk \(chunk)")
                #expect(r.report.contains("\"row\":1500"))
            }
        }
    }

    @Test func nullActionGivesAnEmptyUnquotedField() {
        let (out, _, _) = mask("a,b\n\"ann@example.com\",x\n", policy: MaskPolicy(email: .null))
        #expect(out == "a,b\n,x\n")
    }

    /// bytea as PostgreSQL's COPY CSV writes it (`\x` and hex digits, quoted or not): scanned as the bytes
    /// it encodes, as the wire and dump paths scan it, and written back as hex; in a record the one-pass
    /// reader reads and in one it leaves to the record loop (a lone CR); a value with a backslash that is
    /// not bytea hex (a Windows path, an odd number of digits) is text as before; `null` empties the field.
    @Test func byteaHexValuesAreScannedAsTheBytesTheyEncode() {
        func hex(_ text: String) -> String { "\\x" + text.utf8.map { String(format: "%02x", $0) }.joined() }
        func text(_ field: Substring) -> String {
            let digits = Array(field.drop { $0 == "\"" }.dropFirst(2).prefix { $0 != "\"" }.utf8)
            return String(decoding: stride(from: 0, to: digits.count, by: 2).map {
                UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)!
            }, as: UTF8.self)
        }
        let input = "id,body,note\n1,\(hex("mail ann@example.com now")),x\n2,\"\(hex("to bob@example.org"))\",y\n"
            + "3,\(hex("no pii here")),C:\\Users\\ann\n4,\\x616e6e406578616d706c652e636f6,odd\n"
            + "5,a\rb,\(hex("lone CR row: cy@example.net"))\n"
        let (out, report, error) = mask(input)
        #expect(error == nil)
        let rows = out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 6)
        #expect(text(rows[1][1]).hasPrefix("mail ") && text(rows[1][1]).hasSuffix("@example.invalid now"), "\(rows[1])")
        #expect(rows[2][1].hasPrefix("\"\\x") && text(rows[2][1]).hasSuffix("@example.invalid"), "\(rows[2])")
        #expect(rows[3] == ["3", Substring(hex("no pii here")), "C:\\Users\\ann"])
        #expect(rows[4][1] == "\\x616e6e406578616d706c652e636f6")
        #expect(text(rows[5][2]).hasPrefix("lone CR row: ") && text(rows[5][2]).hasSuffix("@example.invalid"), "\(rows[5])")
        for original in ["ann@example.com", "bob@example.org", "cy@example.net"] {
            #expect(!out.contains(hex(original).dropFirst(2)), "\(original) is still in the output's hex")
        }
        #expect(report.components(separatedBy: "\"type\":\"email\"").count == 4, "\(report)")
        let (nulled, _, _) = mask("id,body\n1,\(hex("ann@example.com"))\n", policy: MaskPolicy(email: .null))
        #expect(nulled == "id,body\n1,\n")
    }

    @Test func headerNamesDriveSSNContext() {
        let (out, report, _) = mask("ssn,other\n536904399,536904399\n")
        #expect(report == "{\"row\":0,\"column\":0,\"start\":0,\"end\":9,\"type\":\"us_ssn\"}\n")
        #expect(out.hasSuffix(",536904399\n"))
        let (_, noHeader, _) = mask("536904399\n", header: false)
        #expect(noHeader.isEmpty)
    }

    @Test func lastRecordWithoutNewlineAndTrailingComma() {
        let (out, report, error) = mask("a,b\nann@example.com,", header: true)
        #expect(error == nil)
        #expect(out.hasSuffix("@example.invalid,"))
        #expect(report.contains("\"row\":0,\"column\":0"))
    }

    @Test func chunkingDoesNotChangeTheOutput() {
        var text = "id,email,note\n"
        for i in 0..<400 { text += "\(i),u\(i)@example.com,\"multi\nline, \"\"q\"\" 536-90-\(1000 + i)\"\n" }
        let (whole, wholeReport, _) = mask(text)
        for chunk in [64, 500, 4096] {
            let (out, report, error) = mask(text, chunk: chunk)
            #expect(error == nil)
            #expect(out == whole, "chunk \(chunk)")
            #expect(report == wholeReport)
        }
    }

    @Test func anUnclosedQuoteDoesNotReadTheWholeInputIntoMemory() {
        var options = StreamMasker.Options()
        options.format = .csv
        options.chunkBytes = 1024
        options.maxRecordBytes = 64 * 1024
        var text = "a,b\n1,\"open\n"
        for i in 0..<20_000 { text += "\(i),ann@example.com\n" }
        let input = Array(text.utf8)
        var offset = 0
        let collector = ByteCollector()
        #expect(throws: StreamError.self) {
            try StreamMasker(key: testKey, options: options).run(
                source: { buffer in
                    let n = min(buffer.count, input.count - offset)
                    input.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                    offset += n
                    return n
                },
                sink: { collector.append($0) })
        }
        #expect(offset < input.count, "reading stopped at the limit, before the end of the input")
        #expect(!String(decoding: collector.bytes, as: UTF8.self).contains("ann@"))
    }

    /// Input, error, line, row, column.
    static let malformed: [(String, String, Int, Int, Int)] = [
        ("a,b\n1,x\"y\n", "quote inside an unquoted field", 2, 0, 1),
        ("a,b\n1,\"ann@example.com\"x\n", "text after a closing quote", 2, 0, 1),
        ("a,b\n1,2\n3,\"ann@example.com\n", "not closed", 3, 1, 1),
        ("a,b,c\n1,2,3\n4,\"x\"\"y\",z\"\n", "quote inside an unquoted field", 3, 1, 2),
    ]

    @Test(arguments: malformed)
    func malformedCSVFailsClosed(_ input: String, _ message: String, _ line: Int, _ row: Int, _ column: Int) {
        let (out, _, error) = mask(input)
        let e = error as? StreamError
        #expect(e.map { "\($0)".contains(message) } == true, "\(String(describing: e))")
        #expect(e?.location.line == line)
        #expect(e?.location.row == row)
        #expect(e?.location.column == column)
        #expect(!out.contains("ann@example.com"))
    }

    /// A rewritten field is written as RFC 4180 says, whatever its quotes: wrapped in quotes when the
    /// original was quoted or the value needs them, each quote doubled. Checked against the definition
    /// on random values dense in quotes, delimiters and line breaks.
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func rewrittenFieldsAreQuotedAsRFC4180Says(_ path: KernelPath) {
        let scratch = ByteScratch()
        var state: UInt64 = 0x51DE
        let alphabet = Array("\"\"\",\n\rab@.".utf8)
        for round in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            // 0...63, and every fourth value up to 255 (several 32-byte steps of the vector path).
            let length = round % 4 == 3 ? Int(state >> 56) : Int(state >> 58)
            var value: [UInt8] = []
            for i in 0..<length {
                value.append(alphabet[Int(((state >> UInt64(i % 50)) &+ UInt64(i * 7)) % UInt64(alphabet.count))])
            }
            let quoted = round % 2 == 0
            var out: [UInt8] = [9]
            _ = AcceleratedKernel.csvSplit.withPath(path) {
                CSVChunkMasker.appendField(value, quoted: quoted, delimiter: UInt8(ascii: ","), scratch: scratch, to: &out)
            }
            let needs = quoted || value.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            let expected: [UInt8] = needs ? [34] + value.flatMap { $0 == 34 ? [34, 34] : [$0] } + [34] : value
            #expect(out == [9] + expected, "\(path), round \(round): \(value)")
        }
    }

    /// Unquoting is the inverse of RFC 4180 quoting: each doubled quote becomes one, every other byte
    /// stays, wherever the value starts in its buffer and however its quotes fall on 8-byte words.
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func unquotingUndoesDoubledQuotes(_ path: KernelPath) {
        let scratch = ByteScratch()
        var state: UInt64 = 0xC0FFEE
        let alphabet = Array("\",ab@.{}: x".utf8)
        for round in 0..<4000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 57)  // 0...127
            var value: [UInt8] = []
            for i in 0..<length {
                let r = (state >> UInt64(i % 40)) &+ UInt64(i * 13) &+ UInt64(round)
                value.append(alphabet[Int(r % UInt64(alphabet.count))])
            }
            let escaped = value.flatMap { $0 == 34 ? [34, 34] : [$0] }
            let offset = round % 11
            let buffer = Array(repeating: UInt8(ascii: "z"), count: offset) + escaped + Array(repeating: UInt8(34), count: 9)
            _ = AcceleratedKernel.csvSplit.withPath(path) {
                buffer.withUnsafeBufferPointer { b in
                    let written = mk_csv_unquote(b.baseAddress! + offset, escaped.count,
                                                 scratch.startWriting(atMost: escaped.count))
                    scratch.setCount(written)
                }
            }
            #expect(Array(scratch.bytes) == value, "\(path), round \(round): \(String(decoding: escaped, as: UTF8.self))")
        }
    }

    /// On any bytes, pairs or not, every path reads as the rule says: a quote is written and the byte after
    /// it is skipped. Values of up to 300 bytes (several 64-byte windows) dense in quotes, in runs of one
    /// to four, some windows quote-free, so that the vector path's windows of pairs and its fallback
    /// alternate at every offset.
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func unquotingFollowsTheRuleOnAnyBytes(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0x22)
        let scratch = ByteScratch()
        for round in 0..<3000 {
            let length = Int(g.next() % 300)
            let quoteShare = [0, 2, 8, 30][round % 4]
            var value: [UInt8] = []
            while value.count < length {
                if Int(g.next() % 100) < quoteShare {
                    value += [UInt8](repeating: 34, count: [2, 2, 2, 1, 3, 4][Int(g.next() % 6)])
                } else {
                    value.append(UInt8(ascii: "a") + UInt8(g.next() % 26))
                }
            }
            value = Array(value.prefix(length))
            var expected: [UInt8] = []
            var i = 0
            while i < value.count {
                expected.append(value[i])
                i += value[i] == 34 ? 2 : 1
            }
            _ = AcceleratedKernel.csvSplit.withPath(path) {
                value.withUnsafeBufferPointer { b in
                    let written = mk_csv_unquote(b.baseAddress, b.count, scratch.startWriting(atMost: b.count))
                    scratch.setCount(written)
                }
            }
            #expect(Array(scratch.bytes) == expected, "\(path), round \(round): \(String(decoding: value, as: UTF8.self))")
        }
    }
}
