import Foundation

/// Runs Benchmarks/presidio-baseline.py (Microsoft Presidio's analyzer and anonymizer on a sample of
/// the corpus) and reads back its timings and spans. Skipped, with the reason, when Python cannot
/// import `presidio_analyzer`.
///
/// `MASKBENCH_PYTHON` names the interpreter (default `python3` on PATH), for a virtual environment;
/// `MASKBENCH_PRESIDIO_SCRIPT` the script, else it is looked for as Benchmarks/presidio-baseline.py
/// above the maskbench executable and above the working directory.
enum PresidioBaseline {
    /// The sample Presidio masks: at about 0.1–0.2 MB/s it cannot take a whole corpus.
    static let sampleRows = 2_000
    static let sampleBytes = 500_000
    /// Caps on timed and warm-up runs: each takes seconds.
    static let maxRuns = 3
    static let maxWarmup = 1

    static let notInstalled = "presidio-analyzer is not installed (pip install presidio-analyzer presidio-anonymizer)"

    /// The script's JSON on stdout.
    private struct Output: Decodable {
        struct Span: Decodable {
            var row, column, start, end: Int
            var type: String
        }
        var bytes: Int
        var rows: Int
        var cells: Int
        var seconds: [Double]
        var cpu_seconds: [Double]?
        var engine: String
        var entities: [String]
        var presidio_version: String
        var spans: [Span]
    }

    static func run(csvPath: String, labelsPath: String?, runs: Int, warmup: Int) throws -> BaselineResult {
        let python = ProcessInfo.processInfo.environment["MASKBENCH_PYTHON"] ?? "python3"
        func skipped(_ reason: String) -> BaselineResult {
            BaselineResult(name: BaselineKind.presidio.rawValue, bytes: 0, seconds: [], quality: nil, skipped: reason,
                           note: "looked for with `\(python)` (MASKBENCH_PYTHON names another interpreter, e.g. a virtual environment's)")
        }
        guard let importCheck = try? runProcess(python, ["-c", "import presidio_analyzer, presidio_anonymizer"]),
              importCheck.status == 0 else {
            return skipped(notInstalled)
        }
        guard let script = scriptPath() else {
            return skipped("Benchmarks/presidio-baseline.py not found (run maskbench from the repository, or set MASKBENCH_PRESIDIO_SCRIPT)")
        }
        let timedRuns = min(runs, maxRuns), warmupRuns = min(warmup, maxWarmup)
        let result = try runProcess(python, [script, "--csv", csvPath, "--max-rows", "\(sampleRows)", "--max-bytes", "\(sampleBytes)",
                                             "--runs", "\(timedRuns)", "--warmup", "\(warmupRuns)"])
        guard result.status == 0 else {
            let tail = String(decoding: result.stderr.suffix(2000), as: UTF8.self)
            throw LoadedFile.ReadError(description: "presidio-baseline.py exited with status \(result.status): \(tail)")
        }
        let output = try JSONDecoder().decode(Output.self, from: result.stdout)
        var quality: DetectionQuality? = nil
        if let labelsPath {
            let found = output.spans.compactMap { s in
                ScoredType(name: Array(s.type.utf8)).map { ScoredSpan(row: s.row, column: s.column, start: s.start, end: s.end, type: $0) }
            }
            quality = SpanScorer.score(found: found, labels: try Baselines.labels(at: labelsPath), rowLimit: output.rows)
        }
        return BaselineResult(
            name: BaselineKind.presidio.rawValue, bytes: output.bytes, seconds: output.seconds, quality: quality, skipped: nil,
            note: "Presidio \(output.presidio_version), \(output.engine), entities \(output.entities.joined(separator: ", ")) (it has no API-key or token recognizers), analyze+anonymize per non-empty cell, 1 process; sample: the first \(output.rows) rows (\(output.bytes) bytes, \(output.cells) cells; at most \(sampleRows) rows or \(sampleBytes) bytes); \(timedRuns) timed run(s) after \(warmupRuns) warm-up, model loading excluded; quality scored on the sample's rows",
            cpuSeconds: output.cpu_seconds ?? [])
    }

    /// The script, from the environment or found in the checkout as the generator is.
    private static func scriptPath() -> String? {
        if let path = ProcessInfo.processInfo.environment["MASKBENCH_PRESIDIO_SCRIPT"] {
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        return CorpusCache.findInCheckout("Benchmarks/presidio-baseline.py")
    }

    /// Runs `program` (a path, or a name looked up on PATH) with `arguments`; its exit status and both
    /// outputs. A `ChildProcess`, so an error, a Ctrl-C or a SIGTERM stops it with maskbench's other
    /// children; its outputs go to files, which never fill up and stall it as an undrained pipe would.
    private static func runProcess(_ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let directory = try TemporaryDirectory(prefix: "maskbench-presidio")
        defer { directory.remove() }
        let out = directory.path + "/stdout", err = directory.path + "/stderr"
        let child = try ChildProcess([program] + arguments, stdout: .file(path: out, append: false),
                                     stderr: .file(path: err, append: false))
        let status = child.wait()
        return (status, FileManager.default.contents(atPath: out) ?? Data(), FileManager.default.contents(atPath: err) ?? Data())
    }
}
