import ArgumentParser
import Foundation

/// `maskbench run`: every chosen mode on every chosen corpus form, then the baselines and the token
/// costs, in one report.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Measure maskd's throughput (and latency where there are round trips) on a corpus, with baselines.",
        discussion: """
            Each figure is the median of --runs runs after --warmup unmeasured ones, with its spread. The \
            corpus is generated once by Corpora/generate.py and kept in the cache directory. The default run \
            (the engine in process, one thread, a 64 MB dense corpus as CSV and as a wire stream, the read and \
            PCRE2 baselines, token costs) takes about a minute once the corpus exists.

            Examples:
              maskbench run
              maskbench run --mode engine,pipe --format csv,wire,pgdump --density none,sparse,dense
              maskbench run --mode socket --sessions 2 --cut 64KB --depth 8 --threads 2
              maskbench run --mode proxy --size 32MB
              maskbench run --input capture.wire.lz4 --mode engine,pipe --baselines none
              maskbench run --json > figures.json
            """)

    @OptionGroup(title: "Corpus") var corpus: CorpusOptions
    @OptionGroup(title: "Measurement") var measure: MeasureOptions

    @Option(help: ArgumentHelp("Modes, a comma list of engine (in process), pipe (maskd pipe), socket (maskd serve), proxy (maskd proxy + PostgreSQL).", valueName: "list"))
    var mode = CommaList<BenchMode>([.engine])

    @Option(help: ArgumentHelp("Worker threads of the engine, maskd pipe, maskd serve and maskd proxy.", valueName: "n"))
    var threads = 1

    @Option(help: ArgumentHelp("Baselines on the CSV form, a comma list of read, pcre2, presidio, or none.", valueName: "list"))
    var baselines = "read,pcre2"

    @Flag(name: .customLong("no-tokens"), help: "Skip the nanoseconds-per-token figures.")
    var noTokens = false

    @Flag(name: .customLong("no-stages"),
          help: "Skip the time per stage of engine runs (it reruns the engine stopped after decode, stage 1 and detection).")
    var noStages = false

    @OptionGroup(title: "Socket mode") var socket: SocketOptions
    @OptionGroup(title: "Proxy mode") var proxy: ProxyOptions

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        _ = try baselineKinds()
    }

    func baselineKinds() throws -> [BaselineKind] {
        if baselines == "none" { return [] }
        return try baselines.split(separator: ",").map {
            guard let kind = BaselineKind(rawValue: String($0)) else {
                throw ValidationError("--baselines: \($0) is not one of read, pcre2, presidio, none")
            }
            return kind
        }
    }

    func run() throws {
        try guarded {
            let session = try BenchSession(measure: measure, seed: corpus.seed, modes: mode.items)
            let kinds = try baselineKinds()
            var extra: Set<CorpusFormat> = []
            if !kinds.isEmpty { extra.insert(.csv) }
            if mode.items.contains(.socket) { extra.insert(.wire) }
            if mode.items.contains(.proxy) { extra.formUnion([.csv, .wire]) }
            let corpora = try corpus.corpora(extra: corpus.input == nil ? extra : [])
            let chosenFormats = corpus.input == nil ? corpus.format.items : nil
            for c in corpora {
                let formats = chosenFormats.map { f in c.formats.filter { f.contains($0) } } ?? c.formats
                try measureModes(on: c, formats: formats, session: session)
                if !kinds.isEmpty {
                    var maskdCSV = session.report.measurements.first { $0.mode == "engine" && $0.format == "csv" && $0.corpus == c.label }
                    if maskdCSV == nil && c.files[.csv] != nil {
                        Diagnostics.note("measuring the engine on the CSV form too, for the baselines to be compared with")
                        maskdCSV = try EngineMode.measure(c, format: .csv, threads: threads, runs: measure.runs, warmup: measure.warmup)
                        session.report.measurements.append(maskdCSV!)
                    }
                    session.report.baselines += BaselineRunner.compare(kinds, corpus: c, maskd: maskdCSV, runs: measure.runs, warmup: measure.warmup)
                }
            }
            if !noTokens {
                Diagnostics.note("timing tokens")
                session.report.tokens = TokenTiming.measure(valuesPerType: 100_000, runs: measure.runs, warmup: measure.warmup)
            }
            try session.print()
        }
    }

    private func measureModes(on c: Corpus, formats: [CorpusFormat], session: BenchSession) throws {
        for m in mode.items {
            switch m {
            case .engine:
                for f in formats {
                    session.report.measurements.append(try EngineMode.measure(c, format: f, threads: threads, runs: measure.runs,
                                                                              warmup: measure.warmup, stages: !noStages))
                }
            case .pipe:
                let maskd = try session.requireMaskd()
                for f in formats {
                    session.report.measurements.append(try PipeMode.measure(c, format: f, threads: threads, maskd: maskd, runs: measure.runs, warmup: measure.warmup))
                }
            case .socket:
                guard c.files[.wire] != nil else {
                    session.report.notes.append("socket mode skipped for \(c.label): it streams a wire form, and this input is \(c.formats.map(\.rawValue).joined(separator: ","))")
                    continue
                }
                session.report.measurements.append(try SocketMode.measure(c, threads: threads, options: socket, maskd: try session.requireMaskd(),
                                                                          runs: measure.runs, warmup: measure.warmup))
            case .proxy:
                guard c.files[.csv] != nil else {
                    session.report.notes.append("proxy mode skipped for \(c.label): it loads a CSV form into PostgreSQL, and this input is \(c.formats.map(\.rawValue).joined(separator: ","))")
                    continue
                }
                session.report.measurements += try ProxyMode.measure(c, threads: threads, options: proxy, maskd: try session.requireMaskd(),
                                                                     runs: measure.runs, warmup: measure.warmup)
            }
        }
    }
}
