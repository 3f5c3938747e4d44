import Foundation
import MaskEngine

/// What a reader needs to judge the figures: which builds ran, from which commit, on what machine,
/// when, with which seed and how many runs.
struct ReportHeader: Codable {
    var tool = "maskbench"
    var command: String
    var date: String
    var seed: Int
    var runs: Int
    var warmup: Int
    var maskbench: BinaryInfo
    var maskd: BinaryInfo?
    var machine: MachineInfo
    /// Loud warnings (a debug build, a noisy machine) that also head the table.
    var warnings: [String] = []
}

/// One binary that was measured: its path, build configuration and the commit of its source tree.
struct BinaryInfo: Codable {
    var path: String
    /// release or debug.
    var build: String
    /// The commit checked out in the source tree the binary sits in (`.build/…` inside a git
    /// checkout), with `-dirty` when the tree has changes; nil when not in a checkout.
    var commit: String?

    /// maskbench itself: the configuration is known at compile time.
    static func current() -> BinaryInfo {
        let path = CommandLine.executablePath
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        return BinaryInfo(path: path, build: build, commit: GitCommit.of(binaryAt: path))
    }

    /// Another binary of the package (maskd): SwiftPM puts debug builds under `…/debug/` and release
    /// builds under `…/release/`; any other place is reported as it is called.
    static func of(_ path: String) -> BinaryInfo {
        let resolved = (path as NSString).resolvingSymlinksInPath
        let parts = resolved.split(separator: "/")
        let build = parts.contains("debug") ? "debug" : parts.contains("release") ? "release" : "unknown"
        return BinaryInfo(path: resolved, build: build, commit: GitCommit.of(binaryAt: resolved))
    }
}

extension CommandLine {
    /// The absolute path of the running executable.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
    }
}

/// The git commit of the checkout a binary was built in.
enum GitCommit {
    static func of(binaryAt path: String) -> String? {
        var directory = (path as NSString).deletingLastPathComponent
        // Climb out of .build/<triple>/<configuration> to the checkout.
        while directory != "/" && !directory.isEmpty {
            if FileManager.default.fileExists(atPath: directory + "/.git") { break }
            directory = (directory as NSString).deletingLastPathComponent
        }
        guard directory != "/", !directory.isEmpty,
              let head = try? SetupCommand.run(["git", "-C", directory, "rev-parse", "--short=12", "HEAD"])
        else { return nil }
        let dirty = (try? SetupCommand.run(["git", "-C", directory, "status", "--porcelain", "--untracked-files=no"]))
            .map { !$0.isEmpty } ?? false
        return head.trimmingCharacters(in: .whitespacesAndNewlines) + (dirty ? "-dirty" : "")
    }
}

/// The machine the figures come from.
struct MachineInfo: Codable {
    var cpu: String
    var cores: Int
    var kernel: String
    var memoryBytes: Int?
    /// 1-minute load average when the run started: a busy machine gives slower, noisier figures.
    var loadAverage: Double?
    /// The largest CPU cache (Linux's sysfs; nil where it does not say): a corpus that fits in it is read
    /// from cache, so the read pass is then no memory ceiling.
    var lastLevelCacheBytes: Int?
    /// The stage-1 kernel maskd runs here (`AVX-512BW`, `AVX2`, `scalar`): the widest the CPU has, unless
    /// MASKD_STAGE1 or MASKD_CPU caps it; `maskd pipe` children inherit the same environment.
    var stageOneKernel: String?
    /// The token kernels maskd runs here (`FF1 VAES, letters VBMI2, MACs AVX-512`, ...): token figures differ most
    /// between CPUs by these.
    var tokenKernels: String?

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let system = withUnsafeBytes(of: &uts.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
        return MachineInfo(cpu: model, cores: ProcessInfo.processInfo.activeProcessorCount, kernel: "\(system) \(release)",
                           memoryBytes: Int(ProcessInfo.processInfo.physicalMemory), loadAverage: load,
                           lastLevelCacheBytes: lastLevelCache(), stageOneKernel: StageOneIndex.kernelName,
                           tokenKernels: Tokenizer.kernelName)
    }

    /// The size of CPU 0's highest-level cache from `/sys/devices/system/cpu/cpu0/cache/index*/`
    /// (`level` 3, `size` "32768K"), or nil.
    static func lastLevelCache() -> Int? {
        let directory = "/sys/devices/system/cpu/cpu0/cache"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        var best: (level: Int, bytes: Int)? = nil
        for entry in entries where entry.hasPrefix("index") {
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(directory)/\(entry)/\(name)", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let level = read("level").flatMap({ Int($0) }), let size = read("size"), !size.isEmpty else { continue }
            let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
            let bytes = units[size.last!].map { unit in Int(size.dropLast()).map { $0 * unit } } ?? Int(size)
            guard let bytes else { continue }
            if best == nil || level > best!.level || (level == best!.level && bytes > best!.bytes) { best = (level, bytes) }
        }
        return best?.bytes
    }
}
