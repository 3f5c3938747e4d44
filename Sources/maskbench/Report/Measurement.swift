/// One mode measured on one corpus: the figures of its runs, as the table prints them and `--json`
/// writes them.
struct Measurement: Codable {
    /// engine, pipe, socket, proxy (and proxy-direct for the same query straight to PostgreSQL).
    var mode: String
    var format: String
    var density: String?
    var corpus: String
    var threads: Int
    /// Mode settings beyond threads (sessions, cut bytes, pipelining depth, transports).
    var parameters: [String: String] = [:]
    var bytes: Int
    var rows: Int
    var seconds: SampleStats
    /// Throughput of the median run.
    var mbPerSecond: Double
    var gbPerSecond: Double
    var rowsPerSecond: Double
    /// Throughput of each run (MB/s), for the spread.
    var mbPerSecondRuns: SampleStats
    /// CPU seconds over wall seconds of the process doing the work (1.0 = one core busy), median.
    var cpuUse: Double?
    /// Peak resident set of the process doing the work, largest over the runs.
    var peakRSSBytes: Int?
    /// For the in-process engine: how much the peak exceeded the resident set before the run (the
    /// input is mapped into maskbench, so its pages are part of the peak).
    var rssGrowthBytes: Int?
    var latency: LatencySummary?
    var findings: Int?
    var outputBytes: Int?
    /// Time per stage by subtraction (see `StageBreakdown`), when measured.
    var stages: [StageTime]?
    var notes: [String] = []

    init(mode: String, format: String, density: String?, corpus: String, threads: Int, samples: [RunSample]) {
        precondition(!samples.isEmpty)
        self.mode = mode
        self.format = format
        self.density = density
        self.corpus = corpus
        self.threads = threads
        bytes = samples[0].bytes
        rows = samples[0].rows
        seconds = SampleStats(samples.map(\.seconds))
        let median = max(seconds.median, 1e-9)
        mbPerSecond = Double(bytes) / median / 1e6
        gbPerSecond = Double(bytes) / median / 1e9
        rowsPerSecond = Double(rows) / median
        mbPerSecondRuns = SampleStats(samples.map { Double($0.bytes) / max($0.seconds, 1e-9) / 1e6 })
        let cpu = samples.compactMap { s in s.cpuSeconds.map { $0 / max(s.seconds, 1e-9) } }
        cpuUse = cpu.isEmpty ? nil : SampleStats(cpu).median
        peakRSSBytes = samples.compactMap(\.peakRSS).max()
        findings = samples.last?.findings
        outputBytes = samples.last?.outputBytes
    }
}

/// Seconds spent in one stage of the engine, from runs that stop after successive stages.
struct StageTime: Codable {
    var stage: String
    var seconds: Double
    var share: Double
    /// Nanoseconds per input byte.
    var nsPerByte: Double
}
