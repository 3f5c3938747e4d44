import Foundation
import MaskEngine

/// Generated corpora, kept between runs: one directory per (seed, size, density, generator version)
/// under `$XDG_CACHE_HOME/maskbench` (or `~/.cache/maskbench`, or `--cache-dir`), written by
/// Corpora/generate.py into a temporary directory and renamed into place when complete, so an
/// interrupted generation is never mistaken for a corpus. The pg_dump form is made from the CSV by
/// Benchmarks/csv-to-pgdump.py the first time it is asked for.
struct CorpusCache {
    let directory: String
    let generator: String
    let pgdumpConverter: String
    /// Hash of both scripts: a changed generator makes new directories, never reuses stale bytes.
    let generatorHash: String

    init(directory: String?, generator: String?) throws {
        let env = ProcessInfo.processInfo.environment
        self.directory = directory
            ?? env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 + "/maskbench" }
            ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.cache/maskbench")
        guard let script = generator ?? Self.findInCheckout("Corpora/generate.py") else {
            throw BenchError.unavailable("cannot find Corpora/generate.py: run maskbench from the maskd checkout, or give --generator PATH")
        }
        guard FileManager.default.isReadableFile(atPath: script) else { throw BenchError.unavailable("cannot read the generator \(script)") }
        self.generator = script
        let root = ((script as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        pgdumpConverter = root + "/Benchmarks/csv-to-pgdump.py"
        var hash = FNV1a()
        for path in [script, pgdumpConverter] {
            if let data = FileManager.default.contents(atPath: path) { hash.add(data) }
        }
        generatorHash = String(hash.value, radix: 16)
    }

    /// A file of the maskd checkout, looked for above the executable (`.build/…/maskbench`), then above
    /// the working directory.
    static func findInCheckout(_ relative: String) -> String? {
        for start in [(CommandLine.executablePath as NSString).deletingLastPathComponent, FileManager.default.currentDirectoryPath] {
            var directory = start
            while !directory.isEmpty {
                let candidate = directory + "/" + relative
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                if directory == "/" { break }
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        return nil
    }

    /// What a generated corpus's directory records once it is complete.
    struct Metadata: Codable {
        var table: String
        var rows: Int
        var seed: Int
        var density: Density
        var targetBytes: Int
        var generatorHash: String
    }

    /// The corpus of `density`, about `size` of CSV, from `seed`, in `formats`; generated (with
    /// `jobs` processes) only when the cache does not hold it yet.
    func corpus(density: Density, size: ByteSize, seed: Int, formats: Set<CorpusFormat>, jobs: Int) throws -> Corpus {
        let name = "\(density.rawValue)-\(size)-seed\(seed)-\(generatorHash)"
        let path = directory + "/" + name
        let table = density.table
        if !FileManager.default.fileExists(atPath: path + "/corpus.json") {
            try generate(into: path, density: density, size: size, seed: seed, jobs: jobs)
        }
        guard let data = FileManager.default.contents(atPath: path + "/corpus.json"),
              let metadata = try? JSONDecoder().decode(Metadata.self, from: data) else {
            throw BenchError.failed("the cached corpus \(path) is damaged: delete that directory and run again")
        }
        if formats.contains(.pgdump) && !FileManager.default.fileExists(atPath: "\(path)/\(table).sql") {
            try makePgDump(in: path, table: table)
        }
        var files: [CorpusFormat: String] = [:]
        var bytes: [CorpusFormat: Int] = [:]
        for format in formats {
            let file = "\(path)/\(table).\(format.fileExtension)"
            files[format] = file
            bytes[format] = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        }
        return Corpus(label: "\(density.rawValue) \(size) seed \(seed)", density: density, table: table, files: files,
                      compressedFile: nil, labelsPath: "\(path)/\(table).labels.jsonl", rows: metadata.rows, bytes: bytes)
    }

    private func generate(into path: String, density: Density, size: ByteSize, seed: Int, jobs: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let partial = path + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: partial)
        let cleanup = ChildRegistry.shared.addCleanup { try? FileManager.default.removeItem(atPath: partial) }
        defer { ChildRegistry.shared.removeCleanup(cleanup) }
        ProgressBar.clearLine()
        Diagnostics.note("generating the \(density.rawValue) corpus of \(size) (seed \(seed)) with \(jobs) processes, once: it is kept in \(path)")
        let started = ResourceUsage.now()
        let output = try SetupCommand.run(["python3", generator, "--out", partial, "--seed", "\(seed)",
                                           "--target-mb", "\(Double(size.bytes) / 1e6)", "--density", density.rawValue,
                                           "--jobs", "\(jobs)", "--formats", "csv,wire"])
        // generate.py prints `TABLE: N rows, X MB csv`.
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(density.table + ":") }),
              let rows = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw BenchError.failed("unexpected output from \(generator):\n\(output)")
        }
        let metadata = Metadata(table: density.table, rows: rows, seed: seed, density: density, targetBytes: size.bytes,
                                generatorHash: generatorHash)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(metadata).write(to: URL(fileURLWithPath: partial + "/corpus.json"))
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            // Another maskbench finished the same corpus first: use that one.
            guard FileManager.default.fileExists(atPath: path + "/corpus.json") else { throw error }
            try? FileManager.default.removeItem(atPath: partial)
        }
        Diagnostics.note(String(format: "generated in %.0f s", ResourceUsage.now() - started))
    }

    private func makePgDump(in path: String, table: String) throws {
        let partial = "\(path)/\(table).sql.partial-\(getpid())"
        let cleanup = ChildRegistry.shared.addCleanup { unlink(partial) }
        defer { ChildRegistry.shared.removeCleanup(cleanup) }
        Diagnostics.note("writing the pg_dump form of \(path) (once)")
        try SetupCommand.run(["python3", pgdumpConverter, "\(path)/\(table).csv", partial, table])
        guard rename(partial, "\(path)/\(table).sql") == 0 else { throw BenchError.failed("cannot rename \(partial)") }
    }

    /// The user's file: its format detected as maskd detects it, LZ4 decompressed once into the cache
    /// (for the row count and for the socket and proxy modes).
    func input(path: String, format: CorpusFormat?) throws -> Corpus {
        guard FileManager.default.isReadableFile(atPath: path) else { throw BenchError.noInput("cannot read \(path)") }
        let absolute = (path as NSString).standardizingPath.hasPrefix("/") ? (path as NSString).standardizingPath
            : FileManager.default.currentDirectoryPath + "/" + path
        let raw = try MappedFile(path: absolute)
        var plainPath = absolute
        var compressed: String? = nil
        if LZ4Input.isLZ4(raw.bytes) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let attributes = try FileManager.default.attributesOfItem(atPath: absolute)
            let stamp = "\((attributes[.size] as? Int) ?? 0)-\(Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0))"
            var hash = FNV1a()
            hash.add(Data((absolute + stamp).utf8))
            plainPath = "\(directory)/input-\(String(hash.value, radix: 16)).plain"
            if !FileManager.default.fileExists(atPath: plainPath) {
                Diagnostics.note("decompressing \(path) once into \(plainPath)")
                _ = try LZ4Input.decompress(raw.bytes, to: plainPath + ".partial")
                guard rename(plainPath + ".partial", plainPath) == 0 else { throw BenchError.failed("cannot rename into \(plainPath)") }
            }
            compressed = absolute
        }
        let plain = try MappedFile(path: plainPath)
        let detected = format ?? plain.bytes.withMemoryRebound(to: UInt8.self) { b in
            switch InputFormat.detect(UnsafeBufferPointer(rebasing: b.prefix(64 * 1024))) {
            case .wire: CorpusFormat.wire
            case .pgdump: CorpusFormat.pgdump
            case .lines: CorpusFormat.lines
            // `detect` never answers `copy` (it reads as CSV too): anything else is CSV.
            case .csv, .copy: CorpusFormat.csv
            }
        }
        let name = (absolute as NSString).lastPathComponent
        let table = name.split(separator: ".").first.map(String.init) ?? "input"
        return Corpus(label: name, density: nil, table: table, files: [detected: plainPath], compressedFile: compressed,
                      labelsPath: nil, rows: RowCounter.count(plain.bytes, format: detected),
                      bytes: [detected: plain.bytes.count])
    }
}

/// FNV-1a, 64 bits: a cache key, not a security boundary.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ data: Data) {
        for b in data { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    }
}
