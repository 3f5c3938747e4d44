import Benchmark

/// The package-benchmark entry point: every suite of the engine's stages, from decoding a wire chunk
/// to a whole `StreamMasker` run. Names have no spaces (the thresholds files are named after them).
///
///     swift package benchmark --target MaskEngineBenchmarks          # figures
///     Benchmarks/check-allocations                                   # the gated malloc counts
let benchmarks: @Sendable () -> Void = {
    DecodeBenchmarks.register()
    StageOneBenchmarks.register()
    ValidatorBenchmarks.register()
    TokenBenchmarks.register()
    EncodeBenchmarks.register()
    EndToEndBenchmarks.register()
    CustomDetectorBenchmarks.register()
    SessionBenchmarks.register()
}
