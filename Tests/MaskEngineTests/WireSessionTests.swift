import Testing
import WireTestSupport
@testable import MaskEngine

/// Drives a session the way a proxy does, in cuts, and collects what it returns.
final class SessionDriver {
    let session: WireSession
    var output: [UInt8] = []

    init(startup: Bool = false) {
        var options = WireSession.Options()
        options.startsWithStartup = startup
        session = WireSession(masking: MaskSession(policy: .default, key: testKey), options: options)
    }

    func client(_ bytes: [UInt8]) throws(WireSessionError) {
        try bytes.withUnsafeBufferPointer { b throws(WireSessionError) in try session.receiveClient(b) }
    }

    func server(_ bytes: [UInt8], cut: Int? = nil) throws(WireSessionError) {
        var result = MaskedChunk()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + (cut ?? bytes.count))
            try Array(bytes[start..<end]).withUnsafeBufferPointer { b throws(WireSessionError) in
                try session.receiveServer(b, into: &result)
            }
            start = end
        }
        output += result.output
    }
}

@Suite struct WireSessionTests {
    /// `SELECT id, ssn, email, ssn_num FROM users` as PostgreSQL 15 describes it (int4, text, text, int8).
    static let usersColumns: [(String, UInt32)] = [("id", 23), ("ssn", 25), ("email", 25), ("ssn_num", 20)]

    @Test func aPreparedStatementKeepsItsColumnsAfterAnotherQuery() throws {
        let d = SessionDriver()
        // Parse + Describe(statement): formats in the RowDescription are all 0, "not yet known".
        try d.client(Frontend.parse("s1", "SELECT id, ssn, email, ssn_num FROM users") + Frontend.describe(statement: "s1") + Frontend.sync)
        try d.server(Backend.parseComplete + Backend.parameterDescription(0) + Wire.rowDescription(Self.usersColumns)
                     + Wire.readyForQuery)
        // Bind with binary results, Execute.
        let row = Backend.binaryRow([Wire.int32(1), Array("536-90-4399".utf8), Array("ann@example.com".utf8), Backend.int8(536_904_399)])
        try d.client(Frontend.bind(statement: "s1", resultFormats: [1]) + Frontend.execute() + Frontend.sync)
        try d.server(Backend.bindComplete + row + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        // A simple query with four columns of other types.
        try d.client(Frontend.query("SELECT now(), 1.5, true, gen_random_uuid()"))
        try d.server(Wire.rowDescription([("now", 1184), ("f", 701), ("b", 16), ("u", 2950)])
                     + Wire.dataRow(["2024-01-01 00:00:00+00", "1.5", "t", "3f0e6c1c-6f43-4c8e-9d1b-2f1f4d6a0b11"])
                     + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        // The prepared statement again: the same masking as the first time.
        try d.client(Frontend.bind(statement: "s1", resultFormats: [1]) + Frontend.execute() + Frontend.sync)
        try d.server(Backend.bindComplete + row + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)

        let rows = binaryRows(d.output)
        #expect(rows.count == 3)
        #expect(rows[0] == rows[2], "the second execution is masked like the first")
        let masked = rows[2]
        #expect(masked[0] == Wire.int32(1))
        #expect(masked[1] != Array("536-90-4399".utf8) && masked[1]!.count == 11)
        #expect(String(decoding: masked[2]!, as: UTF8.self).hasSuffix("@example.invalid"))
        #expect(masked[3]!.count == 8, "an int8 SSN token is an int8")
        #expect(int8Value(masked[3]!) != 536_904_399)
        #expect(rows[1] == Wire.rows(Wire.dataRow(["2024-01-01 00:00:00+00", "1.5", "t", "3f0e6c1c-6f43-4c8e-9d1b-2f1f4d6a0b11"]))[0].map { $0.map { Array($0.utf8) } })
    }

    @Test func anSSNInABigintColumnIsMaskedInTextToo() throws {
        let d = SessionDriver()
        try d.client(Frontend.query("SELECT ssn_num, n FROM users"))
        try d.server(Wire.rowDescription([("ssn_num", 20), ("n", 20)]) + Wire.dataRow(["536904399", "536904399"])
                     + Wire.dataRow(["78051120", "78051120"]) + Backend.commandComplete("SELECT 2") + Wire.readyForQuery)
        let rows = Wire.rows(d.output)
        #expect(rows[0][0] != "536904399" && rows[0][0]!.allSatisfy(\.isNumber))
        #expect(rows[0][1] == "536904399", "a bare 9-digit number outside an SSN column is not an SSN")
        #expect(rows[1][0] != "78051120" && rows[1][0]!.allSatisfy(\.isNumber), "078-05-1120 kept as a number loses its zero")
    }

    @Test func describeOfAPortalGivesTheRealFormats() throws {
        let d = SessionDriver()
        try d.client(Frontend.parse("", "SELECT email FROM users") + Frontend.bind(statement: "", resultFormats: [0])
                     + Frontend.describe(portal: "") + Frontend.execute() + Frontend.sync)
        try d.server(Backend.parseComplete + Backend.bindComplete + Wire.rowDescription([("email", 25)])
                     + Wire.dataRow(["ann@example.com"]) + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        #expect(Wire.rows(d.output)[0][0]!.hasSuffix("@example.invalid"))
    }

    @Test func pipelinedExecutesOfDifferentPortalsUseTheirOwnColumns() throws {
        let d = SessionDriver()
        try d.client(Frontend.parse("a", "SELECT ssn") + Frontend.describe(statement: "a")
                     + Frontend.parse("b", "SELECT ssn_num") + Frontend.describe(statement: "b") + Frontend.sync)
        try d.server(Backend.parseComplete + Backend.parameterDescription(0) + Wire.rowDescription([("ssn", 25)])
                     + Backend.parseComplete + Backend.parameterDescription(0) + Wire.rowDescription([("ssn_num", 20)])
                     + Wire.readyForQuery)
        try d.client(Frontend.bind(portal: "p1", statement: "a", resultFormats: [0]) + Frontend.bind(portal: "p2", statement: "b", resultFormats: [1])
                     + Frontend.execute("p1") + Frontend.execute("p2") + Frontend.sync)
        try d.server(Backend.bindComplete + Backend.bindComplete
                     + Wire.dataRow(["536-90-4399"]) + Backend.commandComplete("SELECT 1")
                     + Backend.binaryRow([Backend.int8(536_904_399)]) + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        let rows = binaryRows(d.output)
        #expect(rows[0][0]!.count == 11 && rows[0][0] != Array("536-90-4399".utf8))
        #expect(rows[1][0]!.count == 8 && int8Value(rows[1][0]!) != 536_904_399)
    }

    @Test func anExecuteOfAnUnknownPortalIsMaskedByContent() throws {
        let d = SessionDriver()
        // A portal made by SQL (DECLARE c CURSOR …) is executed without a Bind the session saw.
        try d.client(Frontend.execute("c") + Frontend.sync)
        try d.server(Wire.dataRow(["ann@example.com", "536904399", "hello"]) + Backend.commandComplete("FETCH 1") + Wire.readyForQuery)
        let row = Wire.rows(d.output)[0]
        #expect(row[0]!.hasSuffix("@example.invalid"))
        #expect(row[1] != "536904399", "an unknown column may be an SSN column")
        #expect(row[2] == "hello")
    }

    @Test func anErrorSkipsTheRestOfTheBatchUpToSync() throws {
        let d = SessionDriver()
        try d.client(Frontend.parse("s", "SELEC broken") + Frontend.bind(portal: "p", statement: "s", resultFormats: [1])
                     + Frontend.execute("p") + Frontend.sync + Frontend.query("SELECT email FROM users"))
        try d.server(Backend.error([("S", "ERROR"), ("C", "42601"), ("M", "syntax error at or near \"SELEC\"")]) + Wire.readyForQuery
                     + Wire.rowDescription([("email", 25)]) + Wire.dataRow(["ann@example.com"]) + Backend.commandComplete("SELECT 1")
                     + Wire.readyForQuery)
        #expect(Wire.rows(d.output)[0][0]!.hasSuffix("@example.invalid"))
        #expect(!d.session.desynchronized)
    }

    @Test func closingAStatementForgetsItsPortals() throws {
        let d = SessionDriver()
        try d.client(Frontend.parse("s", "SELECT n") + Frontend.describe(statement: "s") + Frontend.sync)
        try d.server(Backend.parseComplete + Backend.parameterDescription(0) + Wire.rowDescription([("n", 25)]) + Wire.readyForQuery)
        try d.client(Frontend.query("BEGIN") + Frontend.bind(portal: "p", statement: "s", resultFormats: [0]) + Frontend.close(statement: "s")
                     + Frontend.execute("p") + Frontend.sync)
        try d.server(Backend.commandComplete("BEGIN") + Wire.message("Z", [UInt8(ascii: "T")]) + Backend.bindComplete + Backend.closeComplete
                     + Wire.dataRow(["536904399"]) + Backend.commandComplete("SELECT 1") + Wire.message("Z", [UInt8(ascii: "T")]))
        #expect(Wire.rows(d.output)[0][0] != "536904399", "rows of a portal whose statement was closed are masked by content")
    }

    @Test func errorsNoticesNotificationsAndFunctionResultsAreMasked() throws {
        let d = SessionDriver()
        try d.client(Frontend.query("INSERT …"))
        var notification = Wire.int32(4242) + Frontend.cString("ch") + Frontend.cString("to ann@example.com")
        notification = Wire.message("A", notification)
        let lo = Array("secret: ann@example.com".utf8)
        try d.server(Backend.error([("S", "ERROR"), ("C", "23505"), ("D", "Key (email)=(ann@example.com) already exists.")])
                     + Wire.readyForQuery + notification + Wire.message("V", Wire.int32(Int32(lo.count)) + lo))
        let text = String(decoding: d.output, as: UTF8.self)
        #expect(!text.contains("ann@example.com"))
        let errorLength: Int = Backend.error([("S", "ERROR"), ("C", "23505"), ("D", "Key (email)=(ann@example.com) already exists.")]).count
        let tokenGrowth: Int = 32 - 15
        let expected: Int = errorLength + tokenGrowth + Wire.readyForQuery.count + notification.count + tokenGrowth + 9 + lo.count
        #expect(d.output.count == expected, "the error's and the notification's emails are tokenized; the function result keeps its length")
    }

    @Test func binaryCopyRowsAreMaskedTupleByTuple() throws {
        let d = SessionDriver()
        try d.client(Frontend.query("COPY (SELECT email, ssn_num) TO STDOUT (FORMAT binary)"))
        let header: [UInt8] = CopyBinaryMasker.signature + Wire.int32(0) + Wire.int32(0)
        let tuple = Wire.int16(2) + Wire.int32(15) + Array("ann@example.com".utf8) + Wire.int32(9) + Array("536904399".utf8)
        try d.server(Wire.message("H", [1] + Wire.int16(2) + Wire.int16(1) + Wire.int16(1))
                     + Wire.message("d", header + tuple) + Wire.message("d", Wire.int16(-1)) + Wire.message("c", [])
                     + Backend.commandComplete("COPY 1") + Wire.readyForQuery)
        let text = String(decoding: d.output, as: UTF8.self)
        #expect(!text.contains("ann@example.com") && !text.contains("536904399"))
        #expect(text.contains("@example.invalid"))
    }

    @Test func cutsAnywhereGiveTheSameOutput() throws {
        var stream: [UInt8] = []
        var rng = SplitMix(seed: 7)
        stream += Wire.rowDescription([("email", 25), ("ssn", 1043), ("n", 20)])
        for i in 0..<300 {
            stream += Wire.dataRow(["user\(i)@example.com", "536-90-\(String(format: "%04d", 1000 + i))", "\(i)"])
        }
        stream += Backend.commandComplete("SELECT 300") + Wire.readyForQuery
        let whole = SessionDriver()
        try whole.client(Frontend.query("SELECT …"))
        try whole.server(stream)
        for cut in [1, 2, 3, 7, 64, 4096] {
            let d = SessionDriver()
            try d.client(Frontend.query("SELECT …"))
            try d.server(stream, cut: cut)
            #expect(d.output == whole.output, "cut \(cut)")
        }
        // Random cuts, and the client's bytes dripped too.
        let d = SessionDriver(startup: true)
        let client = Frontend.startup([("user", "u"), ("database", "db")]) + Frontend.query("SELECT …")
        for byte in client { try d.client([byte]) }
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + Int(rng.next() % 300) + 1)
            try d.server(Array(stream[start..<end]))
            start = end
        }
        #expect(d.output == whole.output)
        #expect(d.session.startupParameters["user"] == "u")
    }

    @Test func aDescribedResultIsMaskedAsThePipeMasksItAndEachRowIsTallied() throws {
        // More rows than one column batch holds, cut anywhere: the session masks a described result's
        // rows in batches where a run holds enough of them (row by row where it does not: cuts of 150
        // bytes hold two or three), as `maskd pipe` does, and its audit ledger counts them row by row.
        var stream = Wire.rowDescription([("id", 23), ("email", 25), ("ssn", 25), ("note", 25)])
        var rowBytes = 0
        for i in 0..<700 {
            let row = Wire.dataRow(["\(i)", "user\(i)@example.com", i % 3 == 0 ? "536-90-\(String(format: "%04d", 1000 + i))" : "none",
                                    i % 7 == 0 ? "write to ops\(i)@example.org" : "nothing here"])
            rowBytes += row.count
            stream += row
        }
        stream += Backend.commandComplete("SELECT 700") + Wire.readyForQuery
        let piped = stream.withUnsafeBufferPointer { WireChunkMasker().mask($0, start: WireChunkStart(), session: MaskSession(policy: .default, key: testKey)) }
        #expect(piped.error == nil)
        var rng = SplitMix(seed: 11)
        for cut in [nil, 1000, 150, 0] as [Int?] {
            var options = WireSession.Options()
            options.startsWithStartup = false
            options.recordsResultSets = true
            let session = WireSession(masking: MaskSession(policy: .default, key: testKey), options: options)
            try Frontend.query("SELECT …").withUnsafeBufferPointer { b throws(WireSessionError) in try session.receiveClient(b) }
            var result = MaskedChunk()
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + (cut == 0 ? Int(rng.next() % 5000) + 1 : cut ?? stream.count))
                try Array(stream[start..<end]).withUnsafeBufferPointer { b throws(WireSessionError) in try session.receiveServer(b, into: &result) }
                start = end
            }
            #expect(result.output == piped.output, "cut \(String(describing: cut))")
            #expect(session.rows == 700)
            let records = session.takeResultSets()
            #expect(records.count == 1)
            guard let record = records.first else { continue }
            #expect(record.rows == 700 && record.bytes == rowBytes && record.outcome == "complete")
            // Every row's email, every third row's SSN, every seventh row's note.
            #expect(record.maskedCells == 700 + 234 + 100)
            #expect(record.columns.map { $0.found.map(\.count) } == [[], [700], [234], [100]])
        }
    }

    @Test func sessionsMaskMoreThanOneThingAtOnceWhenBatched() throws {
        // A proxy may send a whole pipeline of requests and get all answers in one read.
        let d = SessionDriver()
        var client: [UInt8] = []
        var server: [UInt8] = []
        for i in 0..<50 {
            client += Frontend.parse("s\(i)", "SELECT …") + Frontend.describe(statement: "s\(i)")
                + Frontend.bind(statement: "s\(i)", resultFormats: [i % 2 == 0 ? 0 : 1]) + Frontend.execute() + Frontend.sync
            server += Backend.parseComplete + Backend.parameterDescription(0) + Wire.rowDescription([("ssn_num", 20)]) + Backend.bindComplete
            server += i % 2 == 0 ? Wire.dataRow(["536904399"]) : Backend.binaryRow([Backend.int8(536_904_399)])
            server += Backend.commandComplete("SELECT 1") + Wire.readyForQuery
        }
        try d.client(client)
        try d.server(server)
        let rows = binaryRows(d.output)
        #expect(rows.count == 50)
        for (i, row) in rows.enumerated() {
            if i % 2 == 0 { #expect(row[0]!.count == 9 && row[0] != Array("536904399".utf8)) } else {
                #expect(row[0]!.count == 8 && int8Value(row[0]!) != 536_904_399)
            }
        }
    }

    static let refusedStartups: [(String, [UInt8])] = [
        ("replication", Frontend.startup([("user", "u"), ("replication", "database")])),
        ("ssl", Wire.int32(8) + Wire.int32(80_877_103)),
        ("cancel", Wire.int32(16) + Wire.int32(80_877_102) + Wire.int32(1) + Wire.int32(2)),
    ]

    @Test func sessionsThatCannotBeMaskedAreRefused() throws {
        for (name, startup) in Self.refusedStartups {
            let d = SessionDriver(startup: true)
            #expect(throws: WireSessionError.self, "\(name)") { try d.client(startup) }
            do throws(WireSessionError) {
                try d.client(Frontend.query("SELECT 1"))
                Issue.record("not poisoned: \(name)")
            } catch {
                #expect(error.kind == .unsupportedSession, "poisoned: \(name)")
            }
        }
    }

    @Test func anUnsafeClientEncodingStopsTheSessionBeforeAnyRow() throws {
        let d = SessionDriver()
        try d.client(Frontend.query("SET client_encoding TO 'SJIS'; SELECT email FROM users"))
        #expect(throws: WireSessionError.self) {
            try d.server(Backend.parameterStatus("client_encoding", "SJIS") + Wire.rowDescription([("email", 25)])
                         + Wire.dataRow(["ann@example.com"]))
        }
        #expect(d.output.isEmpty)
        #expect(throws: WireSessionError.self) { try d.server(Wire.readyForQuery) }
        let ok = SessionDriver()
        try ok.client(Frontend.query("SET client_encoding TO 'LATIN1'"))
        try ok.server(Backend.parameterStatus("client_encoding", "LATIN1") + Backend.commandComplete("SET") + Wire.readyForQuery)
    }

    @Test func aHostileLengthFailsAtItsHeader() throws {
        let d = SessionDriver()
        do throws(WireSessionError) {
            try d.server([UInt8(ascii: "D"), 0x7F, 0xFF, 0xFF, 0xFF])
            Issue.record("accepted a 2 GB message header")
        } catch {
            #expect(error.kind == .limitExceeded)
        }
        let e = SessionDriver()
        #expect(throws: WireSessionError.self) { try e.server([UInt8(ascii: "D"), 0, 0, 0, 2]) }
    }

    @Test func aDataRowThatDisagreesWithItsDescriptionWritesNothingOfIt() throws {
        let d = SessionDriver()
        try d.client(Frontend.query("SELECT email"))
        var result = MaskedChunk()
        let bytes = Wire.rowDescription([("email", 25)]) + Wire.dataRow(["ann@example.com", "bob@example.com"])
        #expect(throws: WireSessionError.self) {
            try bytes.withUnsafeBufferPointer { try d.session.receiveServer($0, into: &result) }
        }
        #expect(!String(decoding: result.output, as: UTF8.self).contains("@example.com"))
    }
}

