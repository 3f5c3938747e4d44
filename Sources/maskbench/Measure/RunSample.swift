/// What one measured run of a mode yields.
struct RunSample {
    /// Wall-clock seconds of the work (process start to exit for a child).
    var seconds: Double
    /// User + system CPU seconds of the process doing the work, over the same interval.
    var cpuSeconds: Double?
    /// Peak resident set of the process doing the work, in bytes.
    var peakRSS: Int?
    /// Input bytes the run masked (after LZ4 decompression).
    var bytes: Int
    /// Rows the run masked.
    var rows: Int
    /// Output bytes written.
    var outputBytes: Int?
    /// Values masked, when the mode can tell.
    var findings: Int?
    /// How far the peak RSS rose above the RSS before the run (in-process modes).
    var rssGrowth: Int? = nil
}
