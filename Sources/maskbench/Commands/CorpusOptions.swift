import ArgumentParser
import Foundation

/// Which bytes to measure: a generated corpus (size, density, seed, forms) or the user's file.
struct CorpusOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Size of the generated corpus's CSV form (KB/MB/GB are decimal, KiB/MiB/GiB binary). The wire and pg_dump forms hold the same rows.", valueName: "size"))
    var size = ByteSize(bytes: 64_000_000)

    @Option(help: ArgumentHelp("PII density of the generated corpus, a comma list of none (no PII), sparse (~1 value per 4 KB), dense (~1 per 170 B).", valueName: "list"))
    var density = CommaList<Density>([.dense])

    @Option(help: ArgumentHelp("Forms of the generated corpus to measure, a comma list of csv, wire, pgdump.", valueName: "list"))
    var format = CommaList<CorpusFormat>([.csv, .wire])

    @Option(help: "Seed of the generated corpus.")
    var seed = 42

    @Option(help: ArgumentHelp("Measure this file instead of a generated corpus: CSV, a pg_dump script or a backend message stream, LZ4-compressed or not (the format is detected as maskd detects it).", valueName: "file"))
    var input: String?

    @Option(name: .customLong("input-format"), help: ArgumentHelp("With --input: the format, instead of detecting it (copy is never detected, lines only for JSON Lines).", valueName: "csv|wire|pgdump|copy|lines"))
    var inputFormat: CorpusFormat?

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("Where generated corpora are kept (default $XDG_CACHE_HOME/maskbench or ~/.cache/maskbench).", valueName: "dir"))
    var cacheDir: String?

    @Option(help: ArgumentHelp("Corpora/generate.py to generate with (default: found in the checkout above maskbench or the working directory).", valueName: "path"))
    var generator: String?

    @Option(name: .customLong("gen-jobs"), help: ArgumentHelp("Processes that generate a corpus (default: the number of cores).", valueName: "n"))
    var genJobs: Int?

    func validate() throws {
        if size.bytes < 100_000 { throw ValidationError("--size must be at least 100KB") }
        if input != nil && inputFormat == nil && format.items != [.csv, .wire] {
            throw ValidationError("--format chooses the forms of a generated corpus; with --input, the format is detected (or give --input-format)")
        }
        if let genJobs, genJobs < 1 { throw ValidationError("--gen-jobs must be at least 1") }
        if input == nil, let other = format.items.first(where: { !CorpusFormat.generated.contains($0) }) {
            throw ValidationError("--format \(other): generated corpora come as csv, wire or pgdump; measure a \(other) file with --input FILE --input-format \(other)")
        }
        if input == nil && inputFormat != nil { throw ValidationError("--input-format goes with --input") }
    }

    func cache() throws -> CorpusCache { try CorpusCache(directory: cacheDir, generator: generator) }

    /// The corpora to measure, each in `formats` plus `extra` (forms another step needs).
    func corpora(size: ByteSize? = nil, extra: Set<CorpusFormat> = []) throws -> [Corpus] {
        let cache = try cache()
        if let input { return [try cache.input(path: input, format: inputFormat)] }
        let jobs = genJobs ?? ProcessInfo.processInfo.activeProcessorCount
        return try density.items.map {
            try cache.corpus(density: $0, size: size ?? self.size, seed: seed, formats: Set(format.items).union(extra), jobs: jobs)
        }
    }
}
