import ArgumentParser
import Foundation

/// `maskbench scaling`: the same corpus at 1×, 10×, 100× a base size. Time must grow linearly with
/// the input (seconds per MB flat) and memory must not grow at all.
struct ScalingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Time and memory at multiples of a base size (time must grow linearly, memory stay flat).",
        discussion: """
            Each size is its own generated corpus (same seed and density, more rows), so nothing repeats \
            that a cache could exploit. The first run generates them (100 × 4 MB takes a few minutes).

            Examples:
              maskbench scaling
              maskbench scaling --base 8MB --factors 1,4,16 --mode pipe --format wire
            """)

    @OptionGroup(title: "Corpus") var corpus: CorpusOptions
    @OptionGroup(title: "Measurement") var measure: MeasureOptions

    @Option(help: ArgumentHelp("The 1× size.", valueName: "size"))
    var base = ByteSize(bytes: 4_000_000)

    @Option(help: ArgumentHelp("Multiples of the base size, a comma list.", valueName: "list"))
    var factors = "1,10,100"

    @Option(help: ArgumentHelp("engine or pipe.", valueName: "mode"))
    var mode = BenchMode.engine

    @Option(help: ArgumentHelp("Worker threads.", valueName: "n"))
    var threads = 1

    func validate() throws {
        guard mode == .engine || mode == .pipe else { throw ValidationError("--mode must be engine or pipe for the scaling table") }
        guard let list = parsedFactors(), !list.isEmpty, list.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--factors must be a comma list of whole numbers ≥ 1, e.g. 1,10,100")
        }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if corpus.input != nil { throw ValidationError("the scaling table generates its corpora; --input is not used") }
    }

    func parsedFactors() -> [Int]? {
        let parts = factors.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return parts.contains(nil) ? nil : parts.map { $0! }
    }

    func run() throws {
        try guarded {
            let session = try BenchSession(measure: measure, seed: corpus.seed, modes: [mode])
            var rows: [ScalingRow] = []
            for factor in parsedFactors()! {
                for c in try corpus.corpora(size: base * factor) {
                    for f in corpus.format.items {
                        let m = try mode == .engine
                            ? EngineMode.measure(c, format: f, threads: threads, runs: measure.runs, warmup: measure.warmup)
                            : PipeMode.measure(c, format: f, threads: threads, maskd: try session.requireMaskd(), runs: measure.runs, warmup: measure.warmup)
                        rows.append(ScalingRow(factor: factor, measurement: m, secondsPerMB: m.seconds.median / (Double(m.bytes) / 1e6)))
                    }
                }
            }
            session.report.scaling = rows
            session.report.notes.append("engine peak RSS includes the mapped input; RSS growth is what the engine itself added, and must stay flat")
            try session.print()
        }
    }
}
