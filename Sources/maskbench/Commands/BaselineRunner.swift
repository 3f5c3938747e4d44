/// Runs the baselines on a corpus's CSV form and sets maskd's engine figure on the same CSV beside
/// each one, with both F1 scores from the same scorer.
enum BaselineRunner {
    static func compare(_ kinds: [BaselineKind], corpus: Corpus, maskd: Measurement?, runs: Int, warmup: Int) -> [BaselineComparison] {
        guard let csv = corpus.files[.csv] else {
            return kinds.map { BaselineComparison(baseline: $0.rawValue, corpus: corpus.label, bytes: 0,
                                                  skipped: "the baselines run on CSV and this corpus has no CSV form") }
        }
        var maskdQuality: DetectionQuality? = nil
        if let labels = corpus.labelsPath, kinds.contains(where: { $0 != .readPass }) {
            Diagnostics.note("scoring maskd's findings on \(corpus.label) against the labels")
            do { maskdQuality = try Baselines.maskdQuality(csvPath: csv, labelsPath: labels) } catch {
                Diagnostics.warning("maskd's quality could not be scored: \(error)")
            }
        }
        return kinds.map { kind in
            Diagnostics.note("baseline \(kind.rawValue) on \(corpus.label)")
            var row = BaselineComparison(baseline: kind.rawValue, corpus: corpus.label, bytes: 0)
            do {
                let result = try Baselines.run(kind, csvPath: csv, labelsPath: corpus.labelsPath, runs: runs, warmup: warmup)
                row.bytes = result.bytes
                row.skipped = result.skipped
                row.note = result.note
                row.quality = result.quality
                if result.skipped == nil, !result.seconds.isEmpty {
                    let stats = SampleStats(result.seconds)
                    row.seconds = stats
                    row.mbPerSecond = Double(result.bytes) / max(stats.median, 1e-12) / 1e6
                }
            } catch {
                row.skipped = "failed: \(error)"
            }
            if let maskd, let speed = row.mbPerSecond {
                row.maskdMBPerSecond = maskd.mbPerSecond
                row.maskdThreads = maskd.threads
                row.maskdRatio = maskd.mbPerSecond / speed
                if kind != .readPass { row.maskdQuality = maskdQuality }
            }
            return row
        }
    }
}
