import Foundation
import MaskEngine
import Synchronization

/// The engine in process: MaskEngine's `StreamMasker` reading the corpus from memory and writing into
/// a sink that only counts, on N worker threads. What it measures is the engine and nothing around it.
enum EngineMode {
    static func measure(_ corpus: Corpus, format: CorpusFormat, threads: Int, runs: Int, warmup: Int,
                        stages: Bool = false) throws -> Measurement {
        guard let plain = corpus.files[format] else { throw BenchError.failed("the corpus has no \(format) form") }
        // An LZ4 input is read compressed, as `maskd pipe` would read it; the engine decompresses it.
        let file = try MappedFile(path: corpus.compressedFile ?? plain)
        var options = StreamMasker.Options()
        options.format = format.inputFormat
        options.workers = threads
        let key = BenchKey.tokenKey()
        let label = "engine \(format) \(threads)t"
        let samples = try MeasuredRuns.collect(label: label, bytesPerRun: file.bytes.count, runs: runs, warmup: warmup) { _, bar in
            try runOnce(file: file, options: options, key: key, bar: bar)
        }
        // The runs agree (`MeasuredRuns`); one that wrote nothing did not mask at all.
        guard (samples[0].outputBytes ?? 0) > 0 else { throw BenchError.failed("the engine wrote nothing for \(file.path)") }
        var measurement = Measurement(mode: "engine", format: format.rawValue, density: corpus.density?.rawValue,
                                      corpus: corpus.label, threads: threads, samples: samples)
        measurement.rssGrowthBytes = samples.compactMap(\.rssGrowth).max()
        if stages {
            // The same input, stopped after each stage in turn; the full run closes the list. CPU
            // seconds, not wall: on a shared machine they move far less between runs. Medians as the
            // table's (`SampleStats`), so the stages add up to the full run's median.
            func cpuMedian(_ runs: [RunSample]) -> Double { SampleStats(runs.map { $0.cpuSeconds ?? $0.seconds }).median }
            var medians: [Double] = []
            for stage in [PipelineStage.decode, .stageOne, .detect] {
                var partial = options
                partial.stopAfter = stage
                let stageSamples = try MeasuredRuns.collect(label: "\(label) to \(stage)", bytesPerRun: file.bytes.count,
                                                            runs: runs, warmup: warmup) { _, bar in
                    let sample = try runOnce(file: file, options: partial, key: key, bar: bar)
                    // A partial run writes nothing and masks nothing: anything else means the engine
                    // did not stop where asked, and the subtraction would be meaningless.
                    guard sample.outputBytes == 0, sample.findings == 0 else {
                        throw BenchError.failed("the engine stopped after \(stage) still wrote \(sample.outputBytes ?? -1) bytes and \(sample.findings ?? -1) findings")
                    }
                    return sample
                }
                medians.append(cpuMedian(stageSamples))
            }
            medians.append(cpuMedian(samples))
            measurement.stages = StageBreakdown.stages(names: ["decode", "stage 1", "detection", "tokens and encoding"],
                                                       medians: medians, bytes: file.bytes.count)
        }
        measurement.notes.append("in process: memory source, counting sink, maskd's heap settings, \(threads) worker thread(s) plus the reader; peak RSS includes the mapped input (\(file.bytes.count / 1_000_000) MB)")
        return measurement
    }

    static func runOnce(file: MappedFile, options: StreamMasker.Options, key: TokenKey, bar: ProgressBar) throws -> RunSample {
        let sink = CountingSink()
        let input = file.bytes
        var offset = 0
        let source: StreamMasker.Source = { buffer in
            let n = min(buffer.count, input.count - offset)
            if n > 0 {
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + n)]))
                offset += n
                bar.done.add(n, ordering: .relaxed)
            }
            return n
        }
        let masker = StreamMasker(policy: .default, key: key, options: options)
        ResourceUsage.resetPeakRSS()
        let rssBefore = ResourceUsage.statusField("VmRSS") ?? 0
        let cpu0 = ResourceUsage.selfCPUSeconds()
        let t0 = ResourceUsage.now()
        let summary: StreamSummary
        do {
            summary = try masker.run(source: source, sink: { bytes in sink.add(bytes.count) })
        } catch {
            throw BenchError.failed("the engine refused \(file.path): \(error)")
        }
        let seconds = ResourceUsage.now() - t0
        let cpu = ResourceUsage.selfCPUSeconds() - cpu0
        let peak = ResourceUsage.statusField("VmHWM")
        var sample = RunSample(seconds: seconds, cpuSeconds: cpu, peakRSS: peak, bytes: summary.bytesIn, rows: summary.rows,
                               outputBytes: sink.total, findings: summary.counts.reduce(0, +) + summary.outsideRowFindings)
        sample.rssGrowth = peak.map { max(0, $0 - rssBefore) }
        return sample
    }
}

/// A sink that counts the bytes written to it; the pipeline calls it from its one consumer thread.
final class CountingSink: Sendable {
    private let count = Atomic<Int>(0)

    func add(_ n: Int) { count.add(n, ordering: .relaxed) }
    var total: Int { count.load(ordering: .relaxed) }
}

extension CorpusFormat {
    var inputFormat: InputFormat {
        switch self {
        case .csv: .csv
        case .wire: .wire
        case .pgdump: .pgdump
        case .copy: .copy
        case .lines: .lines
        }
    }
}
