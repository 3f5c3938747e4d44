/// Warm-up runs, then measured runs, of one mode on one corpus, with a progress bar.
enum MeasuredRuns {
    /// Calls `body(run, bar)` `warmup + runs` times and returns the samples of the last `runs`. `body`
    /// advances `bar.done` by the bytes it has masked, if it can tell.
    ///
    /// Every run masks the same bytes with the same key, so every run, warm-up included, must report
    /// the same output bytes and findings (where the mode can tell): runs that disagree did different
    /// work, and their median would mean nothing. That fails the measurement.
    static func collect(label: String, bytesPerRun: Int, runs: Int, warmup: Int,
                        _ body: (_ run: Int, _ bar: ProgressBar) throws -> RunSample) throws -> [RunSample] {
        let bar = ProgressBar(label: label, total: bytesPerRun * (runs + warmup), runs: runs + warmup)
        defer { bar.finish() }
        var samples: [RunSample] = []
        var first: RunSample? = nil
        for index in 0..<(warmup + runs) {
            bar.beginRun(index, perRun: bytesPerRun)
            let sample = try body(index, bar)
            if let first, sample.outputBytes != first.outputBytes || sample.findings != first.findings {
                throw BenchError.failed("\(label): run \(index + 1) wrote \(sample.outputBytes.map(String.init) ?? "?") bytes with \(sample.findings.map(String.init) ?? "?") findings, run 1 \(first.outputBytes.map(String.init) ?? "?") with \(first.findings.map(String.init) ?? "?")")
            }
            first = first ?? sample
            if index >= warmup { samples.append(sample) }
        }
        return samples
    }
}
