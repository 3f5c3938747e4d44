import Foundation

/// `maskd proxy` in front of a throwaway PostgreSQL that maskbench starts and loads with the corpus:
/// the same `SELECT * FROM table` timed through the proxy and straight to PostgreSQL, one after the
/// other in every run, so the ratio shares the machine's mood. Both clients use libpq over TCP on
/// 127.0.0.1; the proxy reaches PostgreSQL on its Unix socket.
enum ProxyMode {
    static func measure(_ corpus: Corpus, threads: Int, options: ProxyOptions, maskd: String, runs: Int, warmup: Int) throws -> [Measurement] {
        guard let csv = corpus.files[.csv] else { throw BenchError.failed("the proxy mode needs a CSV form to load") }
        let postgres = try ThrowawayPostgres(binDirectory: options.postgresBin)
        defer { postgres.stop() }
        let direct = "host=127.0.0.1 port=\(postgres.port) user=postgres dbname=postgres sslmode=disable"
        try load(corpus, csv: csv, into: postgres)

        let proxyPort = FreePort.pick()
        let log = postgres.directory.path + "/proxy.log"
        let proxy = try ChildProcess([maskd, "proxy", "--listen", "127.0.0.1:\(proxyPort)", "--upstream", postgres.socketPath,
                                      "--threads", "\(threads)", "--log-level", "warning"],
                                     stderr: .file(path: log, append: false), environment: BenchKey.environment)
        defer { proxy.stop(signal: SIGTERM, grace: 5) }
        let deadline = ResourceUsage.now() + 20
        while !FreePort.accepts(proxyPort) {
            if proxy.hasExited { throw BenchError.failed("maskd proxy exited \(proxy.exitStatus ?? -1): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
            guard ResourceUsage.now() < deadline else { throw BenchError.failed("maskd proxy did not accept on 127.0.0.1:\(proxyPort) within 20 s") }
            usleep(20_000)
        }
        let throughProxy = "host=127.0.0.1 port=\(proxyPort) user=postgres dbname=postgres sslmode=disable"
        let query = "SELECT * FROM \(corpus.table)"
        let bytes = corpus.bytes[.wire] ?? corpus.bytes[.csv] ?? 0
        try checkMasking(query, corpus: corpus, direct: direct, throughProxy: throughProxy)

        var directSamples: [RunSample] = []
        let proxySamples = try MeasuredRuns.collect(label: "proxy \(threads)t", bytesPerRun: bytes, runs: runs, warmup: warmup) { run, bar in
            // Interleaved: straight to PostgreSQL, then through the proxy, in every run.
            let d = try timeQuery(query, conninfo: direct, bytes: bytes, expectRows: corpus.rows)
            if run >= warmup { directSamples.append(d) }
            bar.done.add(bytes / 2, ordering: .relaxed)
            let cpu0 = proxy.cpuSecondsSoFar()
            var p = try timeQuery(query, conninfo: throughProxy, bytes: bytes, expectRows: corpus.rows)
            if let a = cpu0, let b = proxy.cpuSecondsSoFar() { p.cpuSeconds = b - a }
            p.peakRSS = proxy.peakRSSSoFar()
            return p
        }
        var latencyDirect = LatencyRecorder()
        var latencyProxy = LatencyRecorder()
        if options.latencyQueries > 0 {
            Diagnostics.note("timing \(options.latencyQueries) small queries each way")
            let small = "SELECT * FROM \(corpus.table) LIMIT 10"
            let dc = try PostgresClient(direct)
            let pc = try PostgresClient(throughProxy)
            for _ in 0..<min(50, options.latencyQueries) { try dc.execute(small); try pc.execute(small) }
            for _ in 0..<options.latencyQueries {
                var t0 = ResourceUsage.now()
                try dc.execute(small)
                latencyDirect.record(seconds: ResourceUsage.now() - t0)
                t0 = ResourceUsage.now()
                try pc.execute(small)
                latencyProxy.record(seconds: ResourceUsage.now() - t0)
            }
        }
        var p = Measurement(mode: "proxy", format: "wire", density: corpus.density?.rawValue, corpus: corpus.label, threads: threads, samples: proxySamples)
        var d = Measurement(mode: "postgres", format: "wire", density: corpus.density?.rawValue, corpus: corpus.label, threads: 1, samples: directSamples)
        p.latency = latencyProxy.summary
        d.latency = latencyDirect.summary
        let ratio = p.mbPerSecond / max(d.mbPerSecond, 1e-12)
        p.parameters = ["query": query, "versus postgres": String(format: "%.3f", ratio)]
        d.parameters = ["query": query]
        p.notes.append(String(format: "%@ through maskd proxy --threads %d runs at %.0f%% of the same query straight to PostgreSQL (%@ vs %@); MB are the result's wire bytes; latency = %d queries of 10 rows, one at a time; CPU and RSS are the proxy's",
                              query, threads, ratio * 100, Format.rate(p.mbPerSecond), Format.rate(d.mbPerSecond), options.latencyQueries))
        d.notes.append("the same query and client (libpq, PQexec, TCP 127.0.0.1) straight to PostgreSQL; CPU and RSS are not measured for the server")
        d.cpuUse = nil
        d.peakRSSBytes = nil
        return [p, d]
    }

    /// Creates the table with the types of the wire form's RowDescription (text where there is none)
    /// and loads the CSV with COPY.
    static func load(_ corpus: Corpus, csv: String, into postgres: ThrowawayPostgres) throws {
        Diagnostics.note("loading \(corpus.label) into PostgreSQL")
        let client = try PostgresClient(postgres.conninfo)
        let file = try MappedFile(path: csv)
        var columns = try csvHeader(file).map { ($0, "text") }
        if let wire = corpus.files[.wire], let described = try? rowDescription(MappedFile(path: wire)), described.count == columns.count {
            columns = described
        }
        let table = corpus.table
        try client.execute("CREATE TABLE \(table) (\(columns.map { "\"\($0.0)\" \($0.1)" }.joined(separator: ", ")))")
        try client.copyIn("COPY \(table) FROM STDIN WITH (FORMAT csv, HEADER true)", file: file)
        try client.execute("VACUUM (FREEZE, ANALYZE) \(table)")
        let rows = try client.execute("SELECT 1 FROM \(table)")
        guard rows == corpus.rows else { throw BenchError.failed("PostgreSQL holds \(rows) rows of \(table), the corpus \(corpus.rows)") }
    }

    /// The proxy must change the answer of a corpus with labelled values and leave one without any as
    /// it is; otherwise its figures are not of masking (a corpus without labels is not checked).
    static func checkMasking(_ query: String, corpus: Corpus, direct: String, throughProxy: String) throws {
        guard let labels = corpus.labelsPath,
              let size = (try? FileManager.default.attributesOfItem(atPath: labels))?[.size] as? Int else { return }
        let same = try PostgresClient(direct).digest(query) == PostgresClient(throughProxy).digest(query)
        if size > 0 && same { throw BenchError.failed("maskd proxy returned \(corpus.label) unmasked: its figures would not be of masking") }
        if size == 0 && !same { throw BenchError.failed("maskd proxy changed \(corpus.label), which holds no labelled value") }
    }

    static func timeQuery(_ sql: String, conninfo: String, bytes: Int, expectRows: Int) throws -> RunSample {
        let client = try PostgresClient(conninfo)
        let t0 = ResourceUsage.now()
        let rows = try client.execute(sql)
        let seconds = ResourceUsage.now() - t0
        guard rows == expectRows else { throw BenchError.failed("\(sql) returned \(rows) rows, expected \(expectRows)") }
        return RunSample(seconds: seconds, cpuSeconds: nil, peakRSS: nil, bytes: bytes, rows: rows, outputBytes: nil, findings: nil)
    }

    /// The column names of a CSV's first record.
    static func csvHeader(_ file: MappedFile) throws -> [String] {
        guard let end = file.bytes.firstIndex(of: UInt8(ascii: "\n")) else { throw BenchError.failed("\(file.path) has no header line") }
        return String(decoding: file.bytes[0..<end], as: UTF8.self).split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") }
    }

    /// (name, SQL type) per column of the first RowDescription of a wire stream; empty when the stream
    /// does not start with a whole one (the caller then loads every column as text).
    static func rowDescription(_ file: MappedFile) throws -> [(String, String)] {
        let b = file.bytes
        guard b.count > 7, b[0] == UInt8(ascii: "T") else { return [] }
        func i16(_ p: Int) -> Int { Int(Int16(bitPattern: UInt16(b[p]) << 8 | UInt16(b[p + 1]))) }
        func i32(_ p: Int) -> Int { Int(Int32(bitPattern: UInt32(b[p]) << 24 | UInt32(b[p + 1]) << 16 | UInt32(b[p + 2]) << 8 | UInt32(b[p + 3]))) }
        // Every read below stays inside the message's own length (which the stream must hold), so a
        // short or lying message gives no columns instead of a trap.
        let end = 1 + i32(1)
        let count = i16(5)
        guard end >= 7, end <= b.count, count >= 0 else { return [] }
        var p = 7
        var columns: [(String, String)] = []
        for _ in 0..<count {
            guard p < end, let nul = b[p..<end].firstIndex(of: 0), nul + 19 <= end else { return [] }
            let name = String(decoding: b[p..<nul], as: UTF8.self)
            p = nul + 1
            let oid = i32(p + 6), typmod = i32(p + 12)
            p += 18
            let type: String
            switch oid {
            case 20: type = "int8"
            case 23: type = "int4"
            case 1043: type = typmod > 4 ? "varchar(\(typmod - 4))" : "varchar"
            case 1042: type = typmod > 4 ? "char(\(typmod - 4))" : "char"
            case 1700: type = typmod > 4 ? "numeric(\((typmod - 4) >> 16),\((typmod - 4) & 0xFFFF))" : "numeric"
            case 1184: type = "timestamptz"
            case 2950: type = "uuid"
            case 869: type = "inet"
            case 3802: type = "jsonb"
            default: type = "text"
            }
            columns.append((name, type))
        }
        return columns
    }
}
