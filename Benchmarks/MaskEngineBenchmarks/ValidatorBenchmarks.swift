import Benchmark
import MaskEngine

/// Stage 2 per detector: 1,000 cells that each hold exactly one value of one kind, in a few words of
/// context, scanned by `CellScanner.scan` (the validators' public entry point, the one the maskers
/// call), so each benchmark times one validator's path from its stage-1 candidates to its finding.
/// `NoPII` holds the numbers, dates and ids that reach the validators and must be rejected.
///
/// Each benchmark checks itself: setup scans once and requires as many findings as cells, all of the
/// expected type (none for `NoPII`), and every measured iteration must find the same count again.
enum ValidatorBenchmarks {
    final class State {
        let batch: CellBatch
        let expected: Int
        let scanner = CellScanner()
        let index = StageOneIndex(structural: (UInt8(ascii: ","), 0, 0, 0))
        var findings: [Finding] = []

        init(_ cells: [String], type: EntityType?) {
            batch = CellBatch(cells)
            expected = type == nil ? 0 : cells.count
            findings.reserveCapacity(cells.count * 2)
            _ = scanAll()
            precondition(findings.count == expected && findings.allSatisfy { $0.type == type },
                         "expected \(expected) findings of \(type.map(String.init(describing:)) ?? "no type"), got \(findings.map(\.description))")
        }

        /// Scans every cell and returns the number of findings; the findings of the last pass stay in
        /// `findings` (offsets relative to their cells).
        @inline(__always)
        func scanAll() -> Int {
            findings.removeAll(keepingCapacity: true)
            index.reset(batch.bytes)
            let context = ColumnContext()
            for range in batch.bounds {
                scanner.scan(batch.bytes, lower: range.lowerBound, upper: range.upperBound, index: index,
                             context: context, into: &findings)
            }
            return findings.count
        }
    }

    static func register() {
        let cases: [(String, EntityType?, (inout SampleValues) -> String)] = [
            ("Email", .email, { "reach \($0.name()) at \($0.email()) after five" }),
            ("Card", .creditCard, { "paid with \($0.card()) on \($0.timestamp())" }),
            ("SSN", .usSSN, { "ssn on file \($0.ssn()) verified" }),
            ("PrefixToken", .secret, { "rotate \($0.prefixedToken()) today" }),
            ("Assignment", .secret, { "config \($0.assignment()) region=eu" }),
            ("URLCredentials", .secret, { "dsn \($0.urlCredentials()) pool 5" }),
            ("NoPII", nil, { "order \($0.random.below(100_000)) of \($0.amount()) at \($0.timestamp()) id \($0.uuid())" }),
        ]
        for (name, type, make) in cases {
            Benchmark("Validate.\(name).1000Cells", configuration: SuiteConfiguration.make(units: .kilo)) { (_, state: State) in
                let found = state.scanAll()
                precondition(found == state.expected)
                blackHole(found)
            } setup: {
                var values = SampleValues(seed: 0x5EED_0000 &+ UInt64(name.utf8.count))
                let cells = (0..<1_000).map { _ in make(&values) }
                return State(cells, type: type)
            }
        }
    }
}
