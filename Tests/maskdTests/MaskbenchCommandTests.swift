import Foundation
import Testing

/// `maskbench` run as a user runs it: the built binary on tiny corpora, its `--json` object and its exit
/// codes. Never a timing: figures are only checked to exist and to agree with each other.
@Suite(.serialized) struct MaskbenchCommandTests {
    /// SwiftPM builds maskbench beside the test bundle, like maskd.
    static let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("maskbench")
    /// One cache for every run of the suite: the tiny corpus is generated once and kept (entries are keyed
    /// by the generator's hash and written by rename, so a stale or half-written one is never read), and
    /// test runs leave no new directory behind.
    static let cache = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-test-cache")
    /// Tests build in debug, which maskbench refuses to time without this flag.
    static let debugFlag = ["--allow-debug"]

    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = cache.path
        process.environment = env
        // Both into files: a pipe that nobody reads could fill up and stall a long run.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-out-\(UUID())")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-err-\(UUID())")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: try Data(contentsOf: out),
                   stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let tiny = ["--size", "200KB", "--density", "none", "--runs", "2", "--warmup", "0", "--no-tokens", "--no-progress"]

    @Test func jsonHasTheHeaderAndOneMeasurementPerModeAndFormat() throws {
        let result = try Self.run(["run", "--json", "--mode", "engine,pipe", "--format", "csv,wire", "--baselines", "read"]
                                  + Self.tiny + Self.debugFlag)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.object(result.stdout)
        let header = try #require(report["header"] as? [String: Any])
        #expect(header["seed"] as? Int == 42)
        #expect(header["runs"] as? Int == 2)
        let machine = try #require(header["machine"] as? [String: Any])
        #expect((machine["cores"] as? Int ?? 0) >= 1)
        #expect(!(machine["cpu"] as? String ?? "").isEmpty)
        let maskbench = try #require(header["maskbench"] as? [String: Any])
        #expect(["debug", "release"].contains(maskbench["build"] as? String))
        #expect(header["maskd"] != nil, "the pipe mode ran maskd, so the header names it")

        let measurements = try #require(report["measurements"] as? [[String: Any]])
        let pairs = Set(measurements.map { "\($0["mode"] ?? "")/\($0["format"] ?? "")" })
        #expect(pairs == ["engine/csv", "engine/wire", "pipe/csv", "pipe/wire"])
        for m in measurements {
            #expect((m["bytes"] as? Int ?? 0) > 100_000)
            #expect((m["mbPerSecond"] as? Double ?? 0) > 0)
            let seconds = try #require(m["seconds"] as? [String: Any])
            #expect((seconds["samples"] as? [Double])?.count == 2, "one sample per measured run")
            #expect((m["peakRSSBytes"] as? Int ?? 0) > 0)
        }
        // The same rows in every form and mode; no PII in a `none` corpus.
        let rows = Set(measurements.compactMap { $0["rows"] as? Int })
        #expect(rows.count == 1 && rows.first! > 100)
        for m in measurements where m["mode"] as? String == "engine" { #expect(m["findings"] as? Int == 0) }
        // The engine's time per stage (not turned off here), in pipeline order; the pipe mode has none.
        for m in measurements {
            let stages = (m["stages"] as? [[String: Any]])?.map { $0["stage"] as? String }
            if m["mode"] as? String == "engine" {
                #expect(stages == ["decode", "stage 1", "detection", "tokens and encoding"])
            } else {
                #expect(stages == nil)
            }
        }

        let baselines = try #require(report["baselines"] as? [[String: Any]])
        #expect(baselines.map { $0["baseline"] as? String } == ["read"])
        #expect((baselines.first?["maskdRatio"] as? Double ?? 0) > 0)
        // Where Linux names the caches, the header carries the largest, and a 200 KB corpus sits in it: the
        // read pass must say it measured cache, not the memory ceiling.
        if FileManager.default.fileExists(atPath: "/sys/devices/system/cpu/cpu0/cache/index0/size") {
            #expect((machine["lastLevelCacheBytes"] as? Int ?? 0) >= 1 << 20)
            #expect((baselines.first?["note"] as? String ?? "").contains("reads cache, not memory"))
        }
        // The stage-1 kernel the figures come from.
        #expect(["AVX-512BW", "AVX2", "scalar"].contains(machine["stageOneKernel"] as? String ?? "none"))
        // And the token kernels.
        let tokenKernels = machine["tokenKernels"] as? String ?? ""
        #expect(["FF1 VAES", "FF1 AES-NI", "FF1 portable"].contains { tokenKernels.hasPrefix($0) }, "\(tokenKernels)")
        #expect(["MACs AVX-512", "MACs SHA-NI", "MACs portable"].contains { tokenKernels.hasSuffix($0) }, "\(tokenKernels)")
        #expect([", letters VBMI2, ", ", letters portable, "].contains { tokenKernels.contains($0) }, "\(tokenKernels)")
    }

    @Test func theTableNamesTheMachineAndEveryMode() throws {
        let result = try Self.run(["run", "--mode", "engine", "--format", "wire", "--baselines", "none"] + Self.tiny + Self.debugFlag)
        #expect(result.status == 0, "\(result.stderr)")
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(text.contains("machine:"))
        #expect(text.contains("Throughput"))
        #expect(text.contains("engine  wire"))
    }

    @Test func aGivenFileIsMeasuredInItsDetectedFormat() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-input-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        var csv = "id,email,note\n"
        for i in 0..<2000 { csv += "\(i),user\(i)@example.com,\"a note, with a comma\"\n" }
        try Data(csv.utf8).write(to: file)
        let result = try Self.run(["run", "--json", "--input", file.path, "--baselines", "none", "--runs", "1", "--warmup", "0",
                                   "--no-tokens", "--no-progress"] + Self.debugFlag)
        #expect(result.status == 0, "\(result.stderr)")
        let measurements = try #require(try Self.object(result.stdout)["measurements"] as? [[String: Any]])
        #expect(measurements.count == 1)
        #expect(measurements.first?["format"] as? String == "csv")
        #expect(measurements.first?["rows"] as? Int == 2000)
        #expect(measurements.first?["findings"] as? Int == 2000, "one email per row")
    }

    /// JSON Lines and COPY text, which maskd never detects, are measured in the format given.
    @Test(arguments: ["lines", "copy"])
    func aGivenFileIsMeasuredInTheFormatNamed(_ format: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-input-\(UUID()).\(format)")
        defer { try? FileManager.default.removeItem(at: file) }
        let text = (0..<1500).map { format == "lines" ? #"{"id": \#($0), "email": "user\#($0)@example.com", "note": "a \"quote\""}"#
                                                     : "\($0)\tuser\($0)@example.com\ta \"quote\"\\ttab" }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: file)
        let result = try Self.run(["run", "--json", "--input", file.path, "--input-format", format, "--baselines", "none",
                                   "--runs", "1", "--warmup", "0", "--no-tokens", "--no-progress"] + Self.debugFlag)
        #expect(result.status == 0, "\(result.stderr)")
        let measurements = try #require(try Self.object(result.stdout)["measurements"] as? [[String: Any]])
        #expect(measurements.first?["format"] as? String == format)
        #expect(measurements.first?["rows"] as? Int == 1500)
        #expect(measurements.first?["findings"] as? Int == 1500, "one email per line")
    }

    @Test(arguments: [["run", "--runs", "0"], ["run", "--format", "xml"], ["run", "--format", "lines"], ["run", "--density", "some"], ["run", "--size", "-3MB"], ["run", "--size", "50KB"],
                      ["run", "--baselines", "grep"], ["scaling", "--factors", "1,x"], ["threads", "--mode", "proxy"]])
    func badUsageExits64(_ arguments: [String]) throws {
        let result = try Self.run(arguments + ["--no-progress"])
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }

    /// A daemon that answers Hello with a frame header claiming 4 GiB: maskbench refuses the header
    /// before allocating anything for it, and says so.
    @Test(.timeLimit(.minutes(2)))
    func anOversizedFrameFromTheDaemonFailsTheRunWithoutAllocatingIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maskbench-fake-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fake = directory.appendingPathComponent("maskd")
        try Data("""
            #!/usr/bin/env python3
            import socket, sys, time
            path = sys.argv[sys.argv.index("--socket") + 1]
            s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(8)
            while True:
                c, _ = s.accept()
                try:
                    if c.recv(8):  # a Hello header: answer with a Welcome of 0xFFFFFFFF bytes
                        c.sendall(bytes([0x68, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]))
                        time.sleep(5)
                except OSError:
                    pass
                c.close()
            """.utf8).write(to: fake)
        chmod(fake.path, 0o755)
        let result = try Self.run(["run", "--mode", "socket", "--format", "wire", "--maskd", fake.path, "--baselines", "none"]
                                  + Self.tiny + Self.debugFlag)
        #expect(result.status != 0, "\(result.stderr)")
        #expect(result.stderr.contains("exceeds the limit of 1073741824"), "\(result.stderr)")
    }

    @Test func aMissingInputExits66() throws {
        let result = try Self.run(["run", "--input", "/nonexistent/maskbench-input.csv", "--no-progress"] + Self.debugFlag)
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("/nonexistent/maskbench-input.csv"))
    }

    @Test func aMissingMaskdExits69() throws {
        let result = try Self.run(["run", "--mode", "pipe", "--maskd", "/nonexistent/maskd"] + Self.tiny + Self.debugFlag)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("/nonexistent/maskd"), "69 for the missing maskd, not for something else missing")
    }

    #if DEBUG
    @Test func aDebugBuildIsRefusedWithoutTheFlag() throws {
        let result = try Self.run(["run", "--mode", "engine"] + Self.tiny)
        #expect(result.status == 69)
        #expect(result.stderr.contains("DEBUG build"))
    }
    #endif

    @Test func everySubcommandHasHelp() throws {
        for sub in ["run", "scaling", "threads", "corpus"] {
            let result = try Self.run(["help", sub])
            #expect(result.status == 0)
            #expect(result.stdout.count > 200, "\(sub) --help")
        }
    }
}
