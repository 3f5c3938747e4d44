import Benchmark
import MaskEngine

/// A policy's custom detector (PCRE2, JIT) over one 1 MiB cell: a cell of legitimate dense matches,
/// and a hostile cell that costs just under the match limit at each start position. These are the
/// figures `PatternScratch.defaultCellBudget` and `defaultStartsPerCall` are chosen from:
///
///     swift package benchmark --target MaskEngineBenchmarks --filter 'CustomDetector.*'
///
/// `Dense` must be scanned to the end (65,536 findings) well inside the budget; `Hostile` must be given
/// up (the scan returns false: the caller masks the cell whole) a little after the budget, not after
/// the 13 s or more it takes unbounded. Each iteration checks its outcome.
enum CustomDetectorBenchmarks {
    final class State {
        let detector: CustomDetector
        let cell: [UInt8]
        let scratch = PatternScratch()
        let expectFinished: Bool
        var findings: [Finding] = []

        init(pattern: String, cell: [UInt8], expectFinished: Bool) {
            // Sound to force-try: both patterns are fixed here and compile.
            detector = try! CustomDetector(spec: CustomDetectorSpec(name: "bench", pattern: pattern),
                                           type: EntityType(customIndex: 0))
            self.cell = cell
            self.expectFinished = expectFinished
            findings.reserveCapacity(70_000)
        }

        @inline(__always)
        func scan() -> Bool {
            findings.removeAll(keepingCapacity: true)
            return cell.withUnsafeBufferPointer {
                detector.scan($0, lower: 0, upper: $0.count, scratch: scratch, into: &findings)
            }
        }
    }

    static func register() {
        // 65,536 employee numbers of 16 bytes each: 1 MiB.
        let dense = Array(String(repeating: "id EMP-123456 ; ", count: 65_536).utf8)
        // Runs of 14 `a` then `!`: `(a+)+$` backtracks just under the match limit at every run.
        let hostile = Array(String(repeating: String(repeating: "a", count: 14) + "!", count: (1 << 20) / 15).utf8)
        let cases: [(String, String, [UInt8], Bool)] = [
            ("Dense", "EMP-[0-9]{6}", dense, true),
            ("Hostile", "(a+)+$", hostile, false),
        ]
        for (name, pattern, cell, finishes) in cases {
            Benchmark("CustomDetector.\(name).1MiBCell",
                      configuration: SuiteConfiguration.make(units: .one, maxDuration: .seconds(3))) { (_, state: State) in
                let finished = state.scan()
                precondition(finished == state.expectFinished && (!finished || state.findings.count == 65_536),
                             "unexpected outcome: finished \(finished), \(state.findings.count) findings")
                blackHole(finished)
            } setup: {
                State(pattern: pattern, cell: cell, expectFinished: finishes)
            }
        }
    }
}
