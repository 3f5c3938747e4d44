import ArgumentParser
import Foundation

/// `maskbench threads`: throughput at 1, 2, … up to twice the cores, with the speedup over one thread.
struct ThreadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads",
        abstract: "Throughput from 1 thread up to twice the cores, with the speedup over one.",
        discussion: """
            Examples:
              maskbench threads
              maskbench threads --mode pipe --format csv --size 256MB
              maskbench threads --mode socket --max-threads 4
            """)

    @OptionGroup(title: "Corpus") var corpus: CorpusOptions
    @OptionGroup(title: "Measurement") var measure: MeasureOptions

    @Option(help: ArgumentHelp("engine, pipe or socket (socket: as many sessions as threads).", valueName: "mode"))
    var mode = BenchMode.engine

    @Option(name: .customLong("max-threads"), help: ArgumentHelp("Highest thread count (default: twice the cores).", valueName: "n"))
    var maxThreads: Int?

    @OptionGroup(title: "Socket mode") var socket: SocketOptions

    func validate() throws {
        guard mode != .proxy else { throw ValidationError("--mode must be engine, pipe or socket for the thread table") }
        if let maxThreads, maxThreads < 1 { throw ValidationError("--max-threads must be at least 1") }
    }

    func run() throws {
        try guarded {
            let session = try BenchSession(measure: measure, seed: corpus.seed, modes: [mode])
            let top = maxThreads ?? 2 * ProcessInfo.processInfo.activeProcessorCount
            var counts = [1]
            while counts.last! < top { counts.append(min(top, counts.last! < 4 ? counts.last! + 1 : counts.last! * 2)) }
            var rows: [ThreadRow] = []
            for c in try corpus.corpora(extra: mode == .socket ? [.wire] : []) {
                let formats = mode == .socket ? [CorpusFormat.wire] : c.formats.filter { corpus.input != nil || corpus.format.items.contains($0) }
                for f in formats {
                    var one: Double? = nil
                    for n in counts {
                        let m: Measurement
                        switch mode {
                        case .engine: m = try EngineMode.measure(c, format: f, threads: n, runs: measure.runs, warmup: measure.warmup)
                        case .pipe: m = try PipeMode.measure(c, format: f, threads: n, maskd: try session.requireMaskd(), runs: measure.runs, warmup: measure.warmup)
                        default:
                            var options = socket
                            options.sessions = socket.sessions ?? n
                            m = try SocketMode.measure(c, threads: n, options: options, maskd: try session.requireMaskd(), runs: measure.runs, warmup: measure.warmup)
                        }
                        if one == nil { one = m.mbPerSecond }
                        rows.append(ThreadRow(threads: n, measurement: m, speedup: m.mbPerSecond / max(one!, 1e-12)))
                    }
                }
            }
            session.report.threadTable = rows
            try session.print()
        }
    }
}
