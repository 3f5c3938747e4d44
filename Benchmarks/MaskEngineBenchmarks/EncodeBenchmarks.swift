import Benchmark
import MaskEngine

/// Encode: `CellRewriter.rewrite` of 1,000 rows of the dense mixed table whose findings are known (found
/// once in setup), each row's masked cells appended to one output buffer, as a masker writes a row.
/// Every cell with a finding is tokenized under the default policy.
enum EncodeBenchmarks {
    final class State {
        let batch: CellBatch
        /// Per row, the cells (indices into `batch.bounds`) that have findings.
        var rows: [Range<Int>] = []
        /// Per cell, its findings' range in `findings`.
        var cellFindings: [Range<Int>] = []
        var findings: [Finding] = []
        let rewriter = CellRewriter(policy: .default, tokenizer: Tokenizer(key: BenchmarkKey.key))
        var out: [UInt8] = []

        init(table: SampleTable) {
            var cells: [String] = []
            var rows: [Range<Int>] = []
            for row in table.rows {
                let first = cells.count
                cells += row.compactMap { $0 }
                rows.append(first..<cells.count)
            }
            batch = CellBatch(cells)
            let index = StageOneIndex(structural: (UInt8(ascii: ","), 0, 0, 0))
            index.reset(batch.bytes)
            let scanner = CellScanner()
            for range in batch.bounds {
                let first = findings.count
                scanner.scan(batch.bytes, lower: range.lowerBound, upper: range.upperBound, index: index,
                             context: ColumnContext(), into: &findings)
                cellFindings.append(first..<findings.count)
            }
            self.rows = rows
            out.reserveCapacity(64 * 1_024)
        }
    }

    static func register() {
        Benchmark("Encode.RewriteRows.1000Rows", configuration: SuiteConfiguration.make(units: .kilo)) { (_, state: State) in
            var written = 0
            for row in state.rows {
                state.out.removeAll(keepingCapacity: true)
                for cell in row {
                    let spans = state.cellFindings[cell]
                    if spans.isEmpty { continue }
                    let value = UnsafeBufferPointer(rebasing: state.batch.bytes[state.batch.bounds[cell]])
                    _ = state.rewriter.rewrite(value, findings: state.findings[spans], as: .cell, into: &state.out)
                }
                written &+= state.out.count
            }
            blackHole(written)
        } setup: {
            var table = SampleTable.mixed(targetBytes: 400_000, seed: 23)
            table = SampleTable(columns: table.columns, rows: Array(table.rows.prefix(1_000)))
            precondition(table.rows.count == 1_000)
            let state = State(table: table)
            precondition(state.findings.count >= 2_000, "the mixed rows hold at least an email and a name's worth of PII each")
            return state
        }
    }
}
