import Foundation

/// The report for people: a header that says what ran where, then one table per kind of figure.
enum ReportPrinter {
    static func render(_ report: BenchReport) -> String {
        var out: [String] = []
        let h = report.header
        out.append("maskbench \(h.date)  seed \(h.seed)  \(h.runs) run(s) after \(h.warmup) warm-up, median and spread (max−min)/2")
        out.append("  machine:   \(h.machine.cpu), \(h.machine.cores) cores, \(h.machine.kernel)"
                   + (h.machine.lastLevelCacheBytes.map { ", \($0 >> 20) MiB last-level cache" } ?? "")
                   + (h.machine.stageOneKernel.map { ", stage 1 \($0)" } ?? "")
                   + (h.machine.tokenKernels.map { ", \($0)" } ?? "")
                   + (h.machine.loadAverage.map { String(format: ", load %.2f at start", $0) } ?? ""))
        out.append("  maskbench: \(h.maskbench.build) build, commit \(h.maskbench.commit ?? "unknown")")
        if let m = h.maskd { out.append("  maskd:     \(m.build) build, commit \(m.commit ?? "unknown"), \(m.path)") }
        for w in h.warnings { out.append("  !! \(w)") }

        if !report.measurements.isEmpty {
            out.append("")
            out.append("Throughput")
            out.append(measurementTable(report.measurements).render())
        }
        let stageRows = report.measurements.filter { $0.stages != nil }
        if !stageRows.isEmpty {
            out.append("")
            out.append("Time per stage (by subtraction: runs that stop after each stage; CPU seconds of the process)")
            var t = TextTable(["mode", "format", "corpus", "stage", "CPU s", "share", "ns/byte"])
            for m in stageRows {
                for s in m.stages! {
                    t.add([m.mode, m.format, m.corpus, s.stage, String(format: "%.3f", s.seconds), String(format: "%.0f%%", s.share * 100),
                           String(format: "%.2f", s.nsPerByte)])
                }
            }
            out.append(t.render())
        }
        if !report.baselines.isEmpty {
            out.append("")
            out.append("Baselines (the CSV form of the same corpus; maskd = the engine in process on it)")
            var t = TextTable(["baseline", "corpus", "speed", "spread", "F1", "maskd", "maskd F1", "maskd vs baseline"])
            for b in report.baselines {
                if let skipped = b.skipped {
                    t.add([b.baseline, b.corpus, "skipped: \(skipped)"])
                    continue
                }
                let ratio: String
                if let r = b.maskdRatio {
                    ratio = b.baseline == BaselineKind.readPass.rawValue ? String(format: "%.1f%% of a read pass", r * 100)
                        : r >= 10 ? String(format: "%.0f× faster", r) : String(format: "%.2f×", r)
                } else { ratio = "-" }
                t.add([b.baseline, b.corpus, b.mbPerSecond.map(Format.rate) ?? "-", b.seconds.map(Format.spread) ?? "-",
                       Format.f1(b.quality), b.maskdMBPerSecond.map(Format.rate) ?? "-", Format.f1(b.maskdQuality), ratio])
            }
            out.append(t.render())
        }
        if let rows = report.scaling {
            out.append("")
            out.append("Scaling (time must grow linearly: seconds per MB flat; memory flat)")
            var t = TextTable(["size", "×", "mode", "format", "seconds", "s/MB", "speed", "spread", "peak RSS", "RSS growth"])
            for r in rows {
                let m = r.measurement
                t.add([ByteSize(bytes: m.bytes).description, "\(r.factor)", m.mode, m.format, String(format: "%.3f", m.seconds.median),
                       String(format: "%.4f", r.secondsPerMB), Format.rate(m.mbPerSecond), Format.spread(m.mbPerSecondRuns),
                       Format.bytes(m.peakRSSBytes), Format.bytes(m.rssGrowthBytes)])
            }
            out.append(t.render())
        }
        if let rows = report.threadTable {
            out.append("")
            out.append("Threads")
            // The corpus is named on each row: with several densities, rows differ only in there.
            var t = TextTable(["threads", "mode", "format", "corpus", "speed", "spread", "speedup", "CPU", "peak RSS"])
            for r in rows {
                let m = r.measurement
                t.add(["\(r.threads)", m.mode, m.format, m.corpus, Format.rate(m.mbPerSecond), Format.spread(m.mbPerSecondRuns),
                       String(format: "%.2f×", r.speedup), m.cpuUse.map { String(format: "%.2f", $0) } ?? "-", Format.bytes(m.peakRSSBytes)])
            }
            out.append(t.render())
        }
        if let tokens = report.tokens {
            out.append("")
            out.append("Tokens (public Tokenizer API, one thread): ns/token on distinct values, cache off, one call per value; column: the same values in one appendTokens call (cards, SSNs and secrets FF1 takes several at a time, email MACs sixteen or two at a time, as the engine's column batches make them); repeated: a working set of \(TokenTiming.repeatedWorkingSet) values seen before (the session cache)")
            var t = TextTable(["type", "tokens", "ns/token", "spread", "column", "repeated", "example"], leftColumns: [6])
            for r in tokens {
                t.add([r.type, "\(r.tokens)", String(format: "%.0f", r.nsPerToken.median), Format.spread(r.nsPerToken),
                       r.columnNsPerToken.map { String(format: "%.0f", $0.median) } ?? "-",
                       r.repeatedNsPerToken.map { String(format: "%.0f", $0.median) } ?? "-", r.example])
            }
            out.append(t.render())
        }
        // Each note names its corpus: with several densities, one mode's notes differ only in there.
        let notes = report.measurements.flatMap { m in m.notes.map { "\(m.mode) \(m.format), \(m.corpus): \($0)" } }
            + report.baselines.compactMap { b in b.note.map { "\(b.baseline), \(b.corpus): \($0)" } } + report.notes
        if !notes.isEmpty {
            out.append("")
            out.append("Notes")
            var seen = Set<String>()
            for n in notes where seen.insert(n).inserted { out.append("  - \(n)") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func measurementTable(_ measurements: [Measurement]) -> TextTable {
        var t = TextTable(["mode", "format", "corpus", "threads", "speed", "spread", "rows/s", "CPU", "peak RSS", "p50", "p99", "p999", "findings"])
        for m in measurements {
            let threads = m.parameters["sessions"].map { "\(m.threads) (\($0) sess)" } ?? "\(m.threads)"
            t.add([m.mode, m.format, m.corpus, threads, Format.rate(m.mbPerSecond), Format.spread(m.mbPerSecondRuns),
                   Format.count(m.rowsPerSecond), m.cpuUse.map { String(format: "%.2f", $0) } ?? "-", Format.bytes(m.peakRSSBytes),
                   m.latency.map { Format.micros($0.p50) } ?? "-", m.latency.map { Format.micros($0.p99) } ?? "-",
                   m.latency.map { Format.micros($0.p999) } ?? "-", m.findings.map { "\($0)" } ?? "-"])
        }
        return t
    }
}
