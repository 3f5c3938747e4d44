import Benchmark

/// What every benchmark here records, and the one metric that is gated.
///
/// (`memoryLeaked` is not among them: package-benchmark's malloc interposer on Linux does not produce
/// it, and says so on every run.)
///
/// Wall clock and throughput are reported but never checked: on a shared 2-core machine they move by
/// tens of percent from run to run. `mallocCountTotal` is exact (the same code on the same input makes
/// the same allocations), so it is the threshold `Benchmarks/check-allocations` enforces: an
/// allocation added per cell, row or token multiplies by the cells in an iteration and fails the check.
enum SuiteConfiguration {
    static let metrics: [BenchmarkMetric] = [
        .wallClock, .throughput, .mallocCountTotal, .peakMemoryResident,
    ]

    /// A configuration whose iteration does `units` units of work (cells, tokens, rows, bytes), so the
    /// scaled figures are per unit. `mallocTolerance` is how many allocations per iteration above or
    /// below the committed threshold still pass: 0 where the count is exact, a little more where the
    /// run starts threads.
    static func make(units: BenchmarkScalingFactor, mallocTolerance: Int = 0,
                     maxDuration: Duration = .seconds(1)) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: metrics,
            warmupIterations: 2,
            scalingFactor: units,
            maxDuration: maxDuration,
            maxIterations: 1_000,
            thresholds: [.mallocCountTotal: BenchmarkThresholds(absolute: [.p90: mallocTolerance])]
        )
    }
}
