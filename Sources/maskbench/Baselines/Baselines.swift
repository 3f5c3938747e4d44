#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs maskbench's baselines on a CSV corpus and scores detection quality, for the report to set
/// beside maskd's own figures.
enum Baselines {
    /// Runs `kind` on the CSV at `csvPath`: `warmup` untimed runs, then `runs` timed ones (Presidio
    /// caps both, see `PresidioBaseline`). With `labelsPath` (Corpora/generate.py's `NAME.labels.jsonl`
    /// for that CSV), a detecting baseline is also scored, from one extra untimed run that records its
    /// spans, so recording costs nothing in the timings.
    static func run(_ kind: BaselineKind, csvPath: String, labelsPath: String?, runs: Int, warmup: Int) throws -> BaselineResult {
        precondition(runs >= 1 && warmup >= 0)
        switch kind {
        case .readPass:
            return try readPass(csvPath: csvPath, runs: runs, warmup: warmup)
        case .naiveRegex:
            return try naiveRegex(csvPath: csvPath, labelsPath: labelsPath, runs: runs, warmup: warmup)
        case .presidio:
            return try PresidioBaseline.run(csvPath: csvPath, labelsPath: labelsPath, runs: runs, warmup: warmup)
        }
    }

    /// maskd's detection quality on the same CSV with the same scorer: the engine in process with
    /// `maskd pipe`'s defaults, its findings report read back (`MaskdFindings`).
    static func maskdQuality(csvPath: String, labelsPath: String) throws -> DetectionQuality {
        let labelled = try labels(at: labelsPath)
        return SpanScorer.score(found: try MaskdFindings.spans(csvPath: csvPath), labels: labelled)
    }

    /// The labelled spans of a `NAME.labels.jsonl` file. Every scoring path comes here, so the scorer's
    /// and the CSV reader's self-check runs here first (microseconds): a broken scorer throws rather
    /// than report a wrong F1.
    static func labels(at path: String) throws -> [ScoredSpan] {
        try BaselineSelfCheck.require()
        let file = try LoadedFile(path: path)
        do {
            return try SpanLines.parse(file.bytes)
        } catch let error as SpanLines.MalformedLine {
            throw LoadedFile.ReadError(description: "\(path): \(error)")
        }
    }

    // MARK: - The baselines in process

    /// Passes shorter than this are repeated within one run, so a small corpus is not timed at the
    /// clock's resolution; a run's figure is then the mean of its passes.
    private static let minimumRunSeconds = 0.02

    private static func readPass(csvPath: String, runs: Int, warmup: Int) throws -> BaselineResult {
        let file = try LoadedFile(path: csvPath)
        var checksum = ReadPass.checksum(file.bytes)
        let once = seconds { checksum = ReadPass.checksum(file.bytes) }
        let passes = max(1, Int((minimumRunSeconds / max(once, 1e-9)).rounded(.up)))
        var checksums = Set<UInt64>()
        let (timings, cpu) = measure(runs: runs, warmup: warmup) {
            for _ in 0..<passes { checksum = ReadPass.checksum(file.bytes) }
            checksums.insert(checksum)
        }
        // Printing the checksum keeps the sums observable, so the optimiser cannot drop the passes.
        let agreement = checksums.count == 1 ? "every pass agreed" : "PASSES DISAGREED: \(checksums.count) sums"
        // A file the last-level cache holds is read from cache on every pass after the first: its figure
        // is the cache's bandwidth, several times memory's, and maskd's percentage of it says little.
        // Half the cache, because the cache holds more than the file (here an 8 MB file read at 82 GB/s,
        // a 32 MB one at 8.5 GB/s, with a 32 MiB L3).
        var cached = ""
        if let cache = MachineInfo.lastLevelCache(), file.bytes.count <= cache / 2 {
            cached = "; the file fits in the \(cache >> 20) MiB last-level cache, so this reads cache, not memory"
                + " (a --size past the cache measures memory)"
        }
        return BaselineResult(
            name: BaselineKind.readPass.rawValue, bytes: file.bytes.count, seconds: timings.map { $0 / Double(passes) },
            quality: nil, skipped: nil,
            note: "sum of 64-bit words, 4×SIMD4<UInt64> accumulators, file in memory, 1 thread, \(passes) pass(es) per run; checksum \(String(checksum, radix: 16)) (\(agreement))\(cached)",
            cpuSeconds: cpu.map { $0 / Double(passes) })
    }

    private static func naiveRegex(csvPath: String, labelsPath: String?, runs: Int, warmup: Int) throws -> BaselineResult {
        let file = try LoadedFile(path: csvPath)
        let masker = try NaiveRegexMasker()
        var output: [UInt8] = []
        output.reserveCapacity(file.bytes.count + file.bytes.count / 4)
        let (timings, cpu) = measure(runs: runs, warmup: warmup) {
            _ = masker.mask(file.bytes, into: &output, recording: false)
        }
        var quality: DetectionQuality? = nil
        if let labelsPath {
            let found = masker.mask(file.bytes, into: &output, recording: true)
            quality = SpanScorer.score(found: found, labels: try labels(at: labelsPath))
        }
        let patterns = NaiveRegexMasker.patterns.count
        return BaselineResult(
            name: BaselineKind.naiveRegex.rawValue, bytes: file.bytes.count, seconds: timings, quality: quality, skipped: nil,
            note: "hand-written CSV reader + \(patterns) PCRE2-JIT patterns per cell (email, card 13–19 digits + Luhn, SSN with dashes, \(patterns - 3) secret patterns), matches replaced by \(String(decoding: NaiveRegexMasker.mask, as: UTF8.self)), 1 thread, in memory; output \(output.count) bytes; \(masker.matchErrors) match errors",
            cpuSeconds: cpu)
    }

    /// Times `body`: `warmup` calls untimed, then `runs` timed; wall and this thread's CPU seconds
    /// per timed call.
    static func measure(runs: Int, warmup: Int, _ body: () -> Void) -> (wall: [Double], cpu: [Double]) {
        for _ in 0..<warmup { body() }
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<runs {
            let cpuStart = threadCPUSeconds()
            wall.append(seconds(body))
            cpu.append(threadCPUSeconds() - cpuStart)
        }
        return (wall, cpu)
    }

    /// CPU time the calling thread has used, in seconds.
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Wall-clock seconds of one call of `body`, on the monotonic clock.
    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
