/// Warm-up runs, then measured runs, of one mode on one corpus, with a progress bar.
enum MeasuredRuns {
    /// Calls `body(run, bar)` `warmup + runs` times and returns the samples of the last `runs`. `body`
    /// advances `bar.done` by the bytes it has masked, if it can tell.
    static func collect(label: String, bytesPerRun: Int, runs: Int, warmup: Int,
                        _ body: (_ run: Int, _ bar: ProgressBar) throws -> RunSample) throws -> [RunSample] {
        let bar = ProgressBar(label: label, total: bytesPerRun * (runs + warmup), runs: runs + warmup)
        defer { bar.finish() }
        var samples: [RunSample] = []
        for index in 0..<(warmup + runs) {
            bar.beginRun(index, perRun: bytesPerRun)
            let sample = try body(index, bar)
            if index >= warmup { samples.append(sample) }
        }
        return samples
    }
}
