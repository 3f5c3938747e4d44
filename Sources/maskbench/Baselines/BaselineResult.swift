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
}
