/// What one baseline measured on one corpus.
struct BaselineResult {
    /// The baseline's name as reports print it (`read`, `pcre2`, `presidio`).
    var name: String
    /// Input bytes processed per run: the whole corpus, or the sample a slow baseline took.
    var bytes: Int
    /// Wall-clock seconds of each measured run (warm-up runs excluded), in run order.
    var seconds: [Double]
    /// Detection quality against the corpus's labels, when labels were given and the baseline detects.
    var quality: DetectionQuality?
    /// Why the baseline did not run (then `seconds` is empty), or nil.
    var skipped: String?
    /// What exactly was run, for the report's footnotes (sample size, engine configuration).
    var note: String?
    /// CPU seconds of each measured run, matching `seconds` (the measuring thread's for the in-process
    /// baselines, the Python process's for Presidio), or empty when not measured. On a shared machine
    /// bytes / CPU seconds varies far less than bytes / wall seconds.
    var cpuSeconds: [Double] = []
}
