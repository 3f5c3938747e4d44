import Foundation
import MaskEngine

/// `maskd serve` as a child process, driven as a proxy drives it: N sessions at once, each streaming
/// the wire corpus in S frames of `--cut` bytes with up to `--depth` frames unanswered. The latency of
/// each cut is the time from writing its S frame to reading its M frame.
enum SocketMode {
    static func measure(_ corpus: Corpus, threads: Int, options: SocketOptions, maskd: String, runs: Int, warmup: Int) throws -> Measurement {
        guard let wire = corpus.files[.wire] else { throw BenchError.failed("the socket mode needs a wire form") }
        let file = try MappedFile(path: wire)
        let sessions = options.sessions ?? threads
        let directory = try TemporaryDirectory(prefix: "maskbench-serve")
        let socketPath = directory.path + "/maskd.sock"
        let log = directory.path + "/serve.log"
        let daemon = try ChildProcess([maskd, "serve", "--socket", socketPath, "--threads", "\(threads)", "--log-level", "warning"],
                                      stderr: .file(path: log, append: false), environment: BenchKey.environment)
        defer {
            daemon.stop(signal: SIGTERM, grace: 5)
            directory.remove()
        }
        try waitForSocket(socketPath, daemon: daemon, log: log)

        // One probe session learns the limits maskd grants.
        let probe = try SidecarConnection(socketPath: socketPath)
        try probe.open(table: corpus.table)
        let welcome = probe.welcome!
        var cut = min(options.cut.bytes, Int(welcome.maxFramePayload))
        cut = min(cut, file.bytes.count)
        let depth = max(1, min(options.depth, Int(welcome.maxInFlightBytes) / max(cut, 1)))
        var notes: [String] = []
        if cut != options.cut.bytes && cut != file.bytes.count { notes.append("cut lowered to maskd's frame limit, \(cut) bytes") }
        if depth != options.depth { notes.append("depth lowered to \(depth): maskd allows \(welcome.maxInFlightBytes) bytes in flight") }

        var latency = LatencyRecorder()
        var findings = 0
        let samples = try MeasuredRuns.collect(label: "socket \(sessions) sess \(threads)t", bytesPerRun: file.bytes.count * sessions,
                                               runs: runs, warmup: warmup) { run, bar in
            let cpu0 = daemon.cpuSecondsSoFar()
            let t0 = ResourceUsage.now()
            let results = try streamSessions(sessions, file: file, socketPath: socketPath, table: corpus.table, cut: cut, depth: depth, bar: bar)
            let seconds = ResourceUsage.now() - t0
            let cpu1 = daemon.cpuSecondsSoFar()
            if run >= warmup {
                for r in results { latency.merge(r.latency) }
            }
            findings = results.reduce(0) { $0 + $1.findings }
            return RunSample(seconds: seconds, cpuSeconds: zip2(cpu0, cpu1).map { $1 - $0 }, peakRSS: daemon.peakRSSSoFar(),
                             bytes: file.bytes.count * sessions, rows: corpus.rows * sessions,
                             outputBytes: results.reduce(0) { $0 + $1.outputBytes }, findings: findings)
        }
        var m = Measurement(mode: "socket", format: "wire", density: corpus.density?.rawValue, corpus: corpus.label, threads: threads, samples: samples)
        m.parameters = ["sessions": "\(sessions)", "cut": "\(cut)", "depth": "\(depth)"]
        m.latency = latency.summary
        m.notes = notes + ["maskd serve --threads \(threads); \(sessions) session(s) × the whole wire form, \(cut)-byte S frames, depth \(depth); latency = S frame written to M frame read; CPU and RSS are the daemon's (CPU from /proc, 10 ms ticks)"]
        return m
    }

    private static func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
        guard let a, let b else { return nil }
        return (a, b)
    }

    /// Waits until the daemon accepts on its socket (bind comes a moment before listen).
    static func waitForSocket(_ path: String, daemon: ChildProcess, log: String) throws {
        let deadline = ResourceUsage.now() + 20
        while ResourceUsage.now() < deadline {
            if daemon.hasExited {
                throw BenchError.failed("maskd serve exited \(daemon.exitStatus ?? -1): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            if let probe = try? SidecarConnection(socketPath: path) { _ = probe; return }
            usleep(20_000)
        }
        throw BenchError.failed("maskd serve did not accept on \(path) within 20 s")
    }

    struct SessionResult: Sendable {
        var latency = LatencyRecorder()
        var outputBytes = 0
        var findings = 0
        var error: String?
    }

    /// Streams the file through `count` sessions at once; returns when all have ended.
    static func streamSessions(_ count: Int, file: MappedFile, socketPath: String, table: String, cut: Int, depth: Int,
                               bar: ProgressBar) throws -> [SessionResult] {
        let results = ResultSlots(count: count)
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    results.set(i, try streamOne(file: file, socketPath: socketPath, table: table, cut: cut, depth: depth, bar: bar))
                } catch {
                    results.set(i, SessionResult(error: "\(error)"))
                }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let all = results.all
        if let failed = all.first(where: { $0.error != nil }) { throw BenchError.failed(failed.error!) }
        return all
    }

    /// One session: a writer thread sends the cuts, at most `depth` ahead; this thread reads the answers.
    static func streamOne(file: MappedFile, socketPath: String, table: String, cut: Int, depth: Int, bar: ProgressBar) throws -> SessionResult {
        let connection = try SidecarConnection(socketPath: socketPath)
        try connection.open(table: table)
        let frames = (file.bytes.count + cut - 1) / cut
        let window = DispatchSemaphore(value: depth)
        let sent = SendTimes(depth: depth)
        let writerDone = DispatchSemaphore(value: 0)
        let writerError = ResultSlots(count: 1)
        let writer = Thread {
            defer { writerDone.signal() }
            for i in 0..<frames {
                window.wait()
                let start = i * cut
                let piece = UnsafeRawBufferPointer(rebasing: file.bytes[start..<min(start + cut, file.bytes.count)])
                sent.set(i, ResourceUsage.now())
                do { try connection.sendServerBytes(piece) } catch {
                    writerError.set(0, SessionResult(error: "\(error)"))
                    return
                }
            }
            do { try connection.send(SidecarFrames.data(.end, [UInt8]())) } catch {
                writerError.set(0, SessionResult(error: "\(error)"))
            }
        }
        writer.start()
        var result = SessionResult()
        do {
            for i in 0..<frames {
                let (kind, length) = try connection.readFrame()
                guard kind == .masked else { throw BenchError.failed("expected an M frame, got \(kind)") }
                result.latency.record(seconds: ResourceUsage.now() - sent.get(i))
                result.outputBytes += length
                bar.done.add(min(cut, file.bytes.count - i * cut), ordering: .relaxed)
                window.signal()
            }
            let (kind, _) = try connection.readFrame()
            guard kind == .ended else { throw BenchError.failed("expected the x frame after End, got \(kind)") }
            result.findings = Int(connection.endedCounters.findings)
        } catch {
            // Unblock the writer so it can see the socket fail, then report the reader's error.
            shutdown(connection.fd, Int32(SHUT_RDWR))
            for _ in 0..<depth { window.signal() }
            writerDone.wait()
            throw error
        }
        writerDone.wait()
        if let e = writerError.all.first?.error { throw BenchError.failed(e) }
        return result
    }
}

/// Send times of the frames in flight, indexed by frame number modulo the depth: the window semaphore
/// orders the writer's store of frame i + depth after the reader's load of frame i.
final class SendTimes: @unchecked Sendable {
    private let times: UnsafeMutableBufferPointer<Double>
    init(depth: Int) { times = .allocate(capacity: depth); times.initialize(repeating: 0) }
    deinit { times.deallocate() }
    func set(_ frame: Int, _ t: Double) { times[frame % times.count] = t }
    func get(_ frame: Int) -> Double { times[frame % times.count] }
}

/// Results written by worker threads, read after they are joined.
final class ResultSlots: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var slots: [SocketMode.SessionResult?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: SocketMode.SessionResult) { lock.withLock { slots[i] = r } }
    var all: [SocketMode.SessionResult] { lock.withLock { slots.compactMap { $0 } } }
}

/// A directory of maskbench's own under the temporary directory, removed on exit whatever happens.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String
    private let cleanup: Int

    init(prefix: String) throws {
        var template = Array((NSTemporaryDirectory() + prefix + ".XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchError.failed("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        self.path = path
        cleanup = ChildRegistry.shared.addCleanup { try? FileManager.default.removeItem(atPath: path) }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
        ChildRegistry.shared.removeCleanup(cleanup)
    }
}
