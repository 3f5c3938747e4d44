import Foundation

/// Everything one maskbench invocation measured: the object `--json` prints, and what the tables
/// are drawn from.
struct BenchReport: Codable {
    var header: ReportHeader
    var measurements: [Measurement] = []
    var baselines: [BaselineComparison] = []
    var tokens: [TokenTiming.Result]? = nil
    var scaling: [ScalingRow]? = nil
    var threadTable: [ThreadRow]? = nil
    var notes: [String] = []

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// One baseline beside maskd on the same CSV corpus.
struct BaselineComparison: Codable {
    var baseline: String
    var corpus: String
    /// Bytes each baseline run processed (a slow baseline may take a sample).
    var bytes: Int
    var seconds: SampleStats?
    var mbPerSecond: Double?
    var quality: DetectionQuality?
    var skipped: String?
    var note: String?
    /// maskd's figure it is compared with: the engine on the CSV form, same corpus.
    var maskdMBPerSecond: Double?
    var maskdThreads: Int?
    var maskdQuality: DetectionQuality?
    /// maskd's throughput over the baseline's: 0.25 = maskd runs at 25% of a read pass; 40 = 40×.
    var maskdRatio: Double?
}

/// One line of the scaling table: the same corpus at a multiple of the base size.
struct ScalingRow: Codable {
    var factor: Int
    var measurement: Measurement
    /// Seconds per MB of input (median run): flat when time grows linearly.
    var secondsPerMB: Double
}

/// One line of the thread table.
struct ThreadRow: Codable {
    var threads: Int
    var measurement: Measurement
    /// Throughput over the one-thread figure.
    var speedup: Double
}
