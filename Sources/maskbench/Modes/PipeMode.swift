import Foundation

/// `maskd pipe` as a child process, as a user runs it: the corpus file on its stdin, its stdout a
/// pipe that maskbench drains and counts. Times process start to exit; CPU and peak RSS are the
/// child's own (wait4).
enum PipeMode {
    static func measure(_ corpus: Corpus, format: CorpusFormat, threads: Int, maskd: String, runs: Int, warmup: Int) throws -> Measurement {
        guard let plain = corpus.files[format], let plainBytes = corpus.bytes[format] else { throw BenchError.failed("the corpus has no \(format) form") }
        let file = corpus.compressedFile ?? plain
        let samples = try MeasuredRuns.collect(label: "pipe \(format) \(threads)t", bytesPerRun: plainBytes, runs: runs, warmup: warmup) { _, bar in
            try runOnce(maskd: maskd, file: file, format: format, threads: threads, bytes: plainBytes, rows: corpus.rows, bar: bar)
        }
        var measurement = Measurement(mode: "pipe", format: format.rawValue, density: corpus.density?.rawValue, corpus: corpus.label,
                                      threads: threads, samples: samples)
        measurement.notes.append("maskd pipe --threads \(threads) --format \(format) < file | maskbench (counts the output); timed from spawn to exit")
        return measurement
    }

    static func runOnce(maskd: String, file: String, format: CorpusFormat, threads: Int, bytes: Int, rows: Int,
                        bar: ProgressBar) throws -> RunSample {
        let input = open(file, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw BenchError.noInput("cannot open \(file)") }
        defer { close(input) }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw BenchError.failed("pipe: \(String(cString: strerror(errno)))") }
        // Close-on-exec, so no other child inherits the write end and keeps the pipe open.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let log = NSTemporaryDirectory() + "maskbench-pipe-\(getpid()).log"
        defer { unlink(log) }
        let t0 = ResourceUsage.now()
        let child: ChildProcess
        do {
            child = try ChildProcess([maskd, "pipe", "--quiet", "--format", format.rawValue, "--threads", "\(threads)"],
                                     stdin: .descriptor(input), stdout: .descriptor(fds[1]), stderr: .file(path: log, append: false),
                                     environment: BenchKey.environment)
        } catch {
            close(fds[0]); close(fds[1])
            throw error
        }
        close(fds[1])
        var output = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fds[0], buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output += n
            bar.done.add(n, ordering: .relaxed)
        }
        close(fds[0])
        let status = child.wait()
        let seconds = ResourceUsage.now() - t0
        guard status == 0 else {
            let message = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw BenchError.failed("maskd pipe exited \(status) on \(file): \(message.suffix(2000))")
        }
        let figures = ResourceUsage.childFigures(child.usage)
        return RunSample(seconds: seconds, cpuSeconds: figures.cpu, peakRSS: figures.peakRSS, bytes: bytes, rows: rows,
                         outputBytes: output, findings: nil)
    }
}
