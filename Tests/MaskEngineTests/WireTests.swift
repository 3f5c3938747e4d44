import Testing
import WireTestSupport
@testable import MaskEngine

@Suite struct WireTests {
    let header = Wire.rowDescription([("id", 20), ("email", 25), ("ssn", 1043), ("paid", 1184)])

    var stream: [UInt8] {
        header + Wire.dataRow(["1", "ann@example.com", "536904399", "2024-01-15 10:30:00+00"])
            + Wire.dataRow(["2", nil, "", "4111111111111111"]) + Wire.commandComplete + Wire.readyForQuery
    }

    @Test func masksCellsAndKeepsFraming() throws {
        let result = maskStream(stream)
        #expect(result.error == nil)
        let rows = Wire.rows(result.output)
        #expect(rows.count == 2)
        #expect(rows[0][0] == "1")
        #expect(rows[0][1]!.hasSuffix("@example.invalid"))
        #expect(rows[0][2] != "536904399" && rows[0][2]!.count == 9, "bare SSN in a column named ssn")
        #expect(rows[0][3] == "2024-01-15 10:30:00+00")
        #expect(rows[1][1] == nil && rows[1][2] == "")
        #expect(rows[1][3] == "4111111111111111", "timestamptz cells are not scanned")
        #expect(result.output.suffix(Wire.commandComplete.count + Wire.readyForQuery.count)
                == Wire.commandComplete + Wire.readyForQuery)
        #expect(result.summary?.format == .wire)
        #expect(result.report == """
            {"row":0,"column":1,"start":0,"end":15,"type":"email"}
            {"row":0,"column":2,"start":0,"end":9,"type":"us_ssn"}

            """)
    }

    /// A cell longer than `DataRowBatch.gatheredCellAtMost` is scanned where it lies instead of copied
    /// with its column: its values get the tokens they get in a small cell, its findings are reported at
    /// their own offsets, and the rows around it are masked as usual.
    @Test func aHugeCellIsMaskedWhereItLiesLikeASmallOne() {
        let header = Wire.rowDescription([("id", 20), ("note", 25)])
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: (DataRowBatch.gatheredCellAtMost + 4096) / 27)
        let huge = filler + "ann@example.com and 4111 1111 1111 1111 " + filler + "ann@example.com"
        #expect(huge.utf8.count > DataRowBatch.gatheredCellAtMost)
        let input = header + Wire.dataRow(["1", "ann@example.com 4111 1111 1111 1111"]) + Wire.dataRow(["2", huge])
            + Wire.dataRow(["3", "ann@example.com"]) + Wire.commandComplete + Wire.readyForQuery
        let result = maskStream(input)
        #expect(result.error == nil)
        let rows = Wire.rows(result.output)
        #expect(rows.count == 3)
        let small = rows[0][1]!.split(separator: " ")
        let emailToken = String(small[0]), cardToken = small[1...4].joined(separator: " ")
        #expect(emailToken.hasSuffix("@example.invalid") && cardToken != "4111 1111 1111 1111")
        let masked = rows[1][1]!
        #expect(!masked.contains("ann@example.com") && !masked.contains("4111 1111 1111 1111"))
        #expect(masked.hasPrefix(filler + emailToken + " and " + cardToken + " " + filler))
        #expect(masked.hasSuffix(filler + emailToken))
        #expect(rows[2][1] == emailToken)
        let fillerBytes = filler.utf8.count
        #expect(result.report.contains("{\"row\":1,\"column\":1,\"start\":\(fillerBytes),\"end\":\(fillerBytes + 15),\"type\":\"email\"}"))

        // Where it lies: the batch of rows 1 and 2 copied only row 1's note to classify with its column
        // (copying the huge cell too doubled what a gigabyte cell takes). The note column is the batch's
        // last, so its copies are still in the session's scratch.
        let session = MaskSession(policy: .default, key: testKey)
        let twoRows = header + Wire.dataRow(["1", "ann@example.com 4111 1111 1111 1111"]) + Wire.dataRow(["2", huge])
        let masked2 = twoRows.withUnsafeBufferPointer { WireChunkMasker().mask($0, start: WireChunkStart(), session: session) }
        #expect(masked2.error == nil)
        #expect(session.gatheredCells.count < 1024, "the huge cell was copied: \(session.gatheredCells.count) bytes")
    }

    @Test func aTypeThatCannotHoldPIIIsScannedWhenItsCellsHoldTextAnyway() {
        // A RowDescription that says uuid or timestamptz for a column of text (a lying proxy, a view
        // cast): cells with text anchors are scanned; hex and dates, long token runs or not, are not.
        let header = Wire.rowDescription([("id", 2950), ("at", 1184)])
        let input = header
            + Wire.dataRow(["550e8400-e29b-41d4-a716-446655440000", "2024-01-15 10:30:00+00"])
            + Wire.dataRow(["ann@example.com", "token ghp_R2d2C3poLuke0Leia1Han2Chewie3Yoda4Vv"])
            + Wire.commandComplete
        let rows = Wire.rows(maskStream(input).output)
        #expect(rows[0] == ["550e8400-e29b-41d4-a716-446655440000", "2024-01-15 10:30:00+00"])
        #expect(rows[1][0]!.hasSuffix("@example.invalid"))
        #expect(!rows[1][1]!.contains("R2d2C3po"), "\(rows[1][1]!)")
    }

    @Test func aColumnBatchScansTypedAndNumericCellsAsTheirRowsAlone() {
        // A column batch copies the cells it scans and skips typed cells whose bytes are plain; each
        // row masked alone (a batch of one) must come out the same, and no original SSN, card or
        // address may survive in a typed or numeric column.
        let header = Wire.rowDescription([("id", 2950), ("at", 1184), ("ssn", 20), ("note", 25), ("addr", 869)])
        var rows: [[String?]] = []
        for i in 0..<300 {
            let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
            let id = i % 7 == 0 ? "ann\(i)@example.com" : "550e8400-e29b-41d4-a716-4466554400\(two(i % 100))"
            let at = i % 11 == 0 ? "password=hunter\(i)xyzzy" : "2024-01-15 10:30:\(two(i % 60))+00"
            let ssn = i % 3 == 0 ? "4819327\(i % 10)" : (i % 3 == 1 ? "53690\(4000 + i)" : "\(i)")
            let note = i % 5 == 0 ? "card 4111 1111 1111 1111 for bob\(i)@example.org" : "plain note \(i)"
            let addr = i % 13 == 0 ? "10.0.0.\(i % 250)--x" : "10.0.\(i % 250).1"
            rows.append([id, at, ssn, i % 17 == 0 ? nil : note, addr])
        }
        var whole = header
        for row in rows { whole += Wire.dataRow(row) }
        whole += Wire.commandComplete
        let batched = Wire.rows(maskStream(whole).output)
        #expect(batched.count == rows.count)
        for (i, row) in rows.enumerated() {
            let alone = Wire.rows(maskStream(header + Wire.dataRow(row) + Wire.commandComplete).output)
            #expect(alone.first == batched[i], "row \(i)")
        }
        for (i, row) in batched.enumerated() {
            #expect(!(row[0] ?? "").contains("@example.com"), "row \(i)")
            #expect(!(row[1] ?? "").contains("hunter"), "row \(i)")
            #expect(!(row[3] ?? "").contains("4111 1111"), "row \(i)")
            if i % 3 == 1 { #expect(row[2] != rows[i][2], "an SSN in a bigint column, row \(i)") }
            if i % 3 == 0 { #expect(row[2] != rows[i][2], "a short SSN (leading zero dropped), row \(i)") }
            #expect(row[4] == rows[i][4], "an address holds nothing to mask, row \(i)")
        }
    }

    @Test func chunkingAndThreadsDoNotChangeTheOutput() {
        var input = header
        for i in 0..<500 { input += Wire.dataRow(["\(i)", "user\(i)@example.com", "536-90-\(1000 + i)", nil]) }
        input += Wire.commandComplete
        let whole = maskStream(input, chunkBytes: 1 << 20, workers: 1)
        for (chunk, read) in [(64, 7), (1000, 1), (4096, 333)] {
            let split = maskStream(input, chunkBytes: chunk, workers: 2, readSize: read)
            #expect(split.output == whole.output, "chunk \(chunk) read \(read)")
            #expect(split.report == whole.report)
        }
    }

    static let malformed: [(String, [UInt8], String)] = {
        let h = Wire.rowDescription([("a", 25), ("b", 25)])
        let good = Wire.dataRow(["ann@example.com", "x"])
        var shortLength = Wire.dataRow(["ann@example.com", "x"])
        shortLength[4] = 3
        let countMismatch = Wire.dataRow(["ann@example.com", "x", "y"])
        let negative = Wire.message("D", Wire.int16(2) + Wire.int32(-2) + Wire.int32(1) + [65])
        let pastEnd = Wire.message("D", Wire.int16(2) + Wire.int32(100) + Array("ann@example.com".utf8) + Wire.int32(1) + [65])
        let truncated = Array(good.dropLast(3))
        return [
            ("length below 4", h + good + shortLength, "invalid length 3"),
            ("column count", h + good + countMismatch, "DataRow has 3 columns but the RowDescription declared 2"),
            ("negative length", h + good + negative, "length -2 is negative"),
            ("cell past end", h + good + pastEnd, "runs past the end"),
            ("truncated", h + good + truncated, "truncated 'D' message"),
        ]
    }()

    @Test(arguments: malformed)
    func malformedInputFailsClosed(_ name: String, _ input: [UInt8], _ message: String) {
        // Read whole, and a byte a read: the reader walks the frames after each read, so the fault is
        // then met with its frame half read, again and again.
        for readSize in [1 << 16, 1] {
            let result = maskStream(input, readSize: readSize)
            let error = result.error as? StreamError
            #expect(error != nil, "\(name)")
            #expect(error.map { "\($0)".contains(message) } == true, "\(name): \(String(describing: error))")
            #expect(error?.location.message == 2, "\(name): the third message failed")
            // Only the RowDescription and the first (masked) row were written.
            let written = Wire.rows(result.output)
            #expect(written.count == 1)
            #expect(!String(decoding: result.output, as: UTF8.self).contains("ann@example.com"))
        }
    }

    @Test func errorOffsetsPointAtTheFault() {
        let h = Wire.rowDescription([("a", 25)])
        let bad = Wire.message("D", Wire.int16(1) + Wire.int32(-7))
        let result = maskStream(h + bad)
        let error = result.error as? StreamError
        #expect(error?.location.byteOffset == h.count + 5 + 2)
        #expect(error?.location.row == 0 && error?.location.column == 0)
    }

    @Test func errorResponseFieldsAreMasked() {
        let fields: [UInt8] = [UInt8(ascii: "S")] + Array("ERROR".utf8) + [0] + [UInt8(ascii: "D")]
            + Array("Key (email)=(ann@example.com) already exists.".utf8) + [0, 0]
        let result = maskStream(Wire.message("E", fields), format: .wire)
        #expect(result.error == nil)
        let text = String(decoding: result.output, as: UTF8.self)
        #expect(!text.contains("ann@example.com") && text.contains("@example.invalid"))
    }

    @Test func aColumnTypeThatCannotHoldPIIIsScannedWhenItHoldsText() {
        let h = Wire.rowDescription([("flag", 16), ("at", 1184)])
        let rows = Wire.rows(maskStream(h + Wire.dataRow(["ann@example.com", "2024-01-15 10:30:00+00"])
                                        + Wire.dataRow(["t", "token=Zm9vYmFyYmF6cXV4MTIz"])).output)
        #expect(rows[0][0]!.hasSuffix("@example.invalid"))
        #expect(rows[0][1] == "2024-01-15 10:30:00+00")
        let secret = rows[1][1]!
        #expect(rows[1][0] == "t" && secret.hasPrefix("token=") && secret.utf8.count == 26)
        #expect(!secret.contains("Zm9vYmFy") && !secret.contains("*"), "a same-length keyed token")
    }

    @Test func binaryCellsOfNonTextTypesKeepTheirLength() {
        let h = Wire.rowDescription([("blob", 17)], format: 1)
        let input = h + Wire.dataRow(["\u{1}\u{2}ann@example.com\u{3}"])
        let rows = Wire.rows(maskStream(input).output)
        let cell = rows[0][0]!
        #expect(cell.utf8.count == 18 && cell.hasPrefix("\u{1}\u{2}") && cell.hasSuffix("\u{3}"))
        #expect(!cell.contains("ann@example.com") && !cell.contains("*"), "a same-length keyed token: \(cell)")
    }
}
