import Histogram

/// Round-trip times of one measurement, in nanoseconds, in an HDR histogram (3 significant digits), so
/// p999 over millions of round trips costs a few kilobytes.
struct LatencyRecorder {
    private(set) var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    init() { histogram.autoResize = true }

    mutating func record(seconds: Double) {
        _ = histogram.record(UInt64(max(0, seconds * 1e9).rounded()))
    }

    mutating func merge(_ other: LatencyRecorder) { histogram.add(other.histogram) }

    var count: Int { Int(histogram.totalCount) }

    /// The percentiles a report prints, in microseconds; nil when nothing was recorded.
    var summary: LatencySummary? {
        guard histogram.totalCount > 0 else { return nil }
        func us(_ p: Double) -> Double { Double(histogram.valueAtPercentile(p)) / 1000 }
        return LatencySummary(count: count, p50: us(50), p99: us(99), p999: us(99.9), max: Double(histogram.max) / 1000)
    }
}

/// Latency percentiles of one measurement, in microseconds.
struct LatencySummary: Codable, Equatable {
    var count: Int
    var p50: Double
    var p99: Double
    var p999: Double
    var max: Double
}
