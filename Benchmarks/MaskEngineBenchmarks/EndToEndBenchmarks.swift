import Benchmark
import MaskEngine

/// End to end: `StreamMasker.run` over 4 MB of the dense mixed table, as CSV and as a wire stream, from
/// an in-memory source to a sink that discards, with one worker. Everything a `maskd pipe` run does
/// but the file I/O.
///
/// The reader, the worker and the consumer are still three threads, and how often one waits for
/// another moves the allocation count by a few (286–287 for CSV, 623–625 for wire, seen over runs):
/// hence a tolerance of 10, far below what one allocation per row (20,000 rows) or per chunk adds.
enum EndToEndBenchmarks {
    final class State: @unchecked Sendable {
        let input: UnsafeBufferPointer<UInt8>
        let format: InputFormat
        var position = 0

        init(format: InputFormat) {
            self.format = format
            let table = SampleTable.mixed(targetBytes: 4_000_000)
            input = CellBatch.permanentCopy(format == .csv ? table.csv : table.wire)
        }

        /// One whole run; returns its summary.
        func run() throws -> StreamSummary {
            position = 0
            var options = StreamMasker.Options()
            options.format = format
            options.workers = 1
            let masker = StreamMasker(policy: .default, key: BenchmarkKey.key, options: options)
            return try masker.run(source: { [self] buffer in
                let n = min(buffer.count, input.count - position)
                buffer.copyMemory(from: UnsafeRawBufferPointer(start: input.baseAddress! + position, count: n))
                position += n
                return n
            }, sink: { bytes in blackHole(bytes.count) })
        }
    }

    static func register() {
        for format in [InputFormat.csv, .wire] {
            let name = format == .csv ? "CSV" : "Wire"
            Benchmark("EndToEnd.StreamMasker.\(name).Mixed.4MB",
                      configuration: SuiteConfiguration.make(units: .one, mallocTolerance: 10, maxDuration: .seconds(2))) { (_, state: State) in
                let summary = try! state.run()
                blackHole(summary.bytesOut)
            } setup: {
                let state = State(format: format)
                let summary = try state.run()
                precondition(summary.bytesIn == state.input.count && summary.rows > 10_000
                             && summary.count(.email) > summary.rows,
                             "the whole input must be read and its emails found")
                return state
            }
        }
    }
}
