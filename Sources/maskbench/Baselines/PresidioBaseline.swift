import Foundation

/// Runs Benchmarks/presidio-baseline.py (Microsoft Presidio's analyzer and anonymizer on a sample of
/// the corpus) and reads back its timings and spans. Skipped, with the reason, when Python cannot
/// import `presidio_analyzer`.
///
/// `MASKBENCH_PYTHON` names the interpreter (default `python3` on PATH), for a virtual environment;
/// `MASKBENCH_PRESIDIO_SCRIPT` the script, else it is looked for as Benchmarks/presidio-baseline.py
/// above the working directory and above the maskbench executable.
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

    /// The script, from the environment or found above the working directory or the executable.
    private static func scriptPath() -> String? {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["MASKBENCH_PRESIDIO_SCRIPT"] {
            return fm.fileExists(atPath: path) ? path : nil
        }
        let starts = [fm.currentDirectoryPath, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path]
        for start in starts {
            var dir = URL(fileURLWithPath: start).standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent("Benchmarks/presidio-baseline.py").path
                if fm.fileExists(atPath: candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }

    /// Runs `program` (looked up on PATH) with `arguments`; its exit status and both outputs.
    private static func runProcess(_ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Foundation.Pipe(), err = Foundation.Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stderr on another thread while stdout is read here, so neither pipe fills and blocks.
        let errorBytes = ErrorDrain(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = errorBytes.wait()
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ErrorDrain: @unchecked Sendable {
    // @unchecked: `data` is written once by the thread and read only after `done` is signalled.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
