import Benchmark
import MaskEngine

/// What a session costs before its first byte: `maskd serve` and `maskd proxy` create one per
/// connection, and `maskd pipe` one per worker. The default policy under one key; a session prepares
/// its tokenizer (FF1 for every digit-token length, the length-keeping permutations) and its scanner.
enum SessionBenchmarks {
    static func register() {
        Benchmark("Session.Create", configuration: SuiteConfiguration.make(units: .one)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(MaskSession(policy: .default, key: BenchmarkKey.key))
            }
        }
    }
}
