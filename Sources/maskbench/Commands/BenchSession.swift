import ArgumentParser
import Foundation

/// One maskbench invocation: its header, the checks before anything is measured (debug builds, the
/// maskd binary), the report it fills, and how the report is printed.
final class BenchSession {
    let measure: MeasureOptions
    var report: BenchReport
    private(set) var maskdPath: String?

    init(measure: MeasureOptions, seed: Int, modes: [BenchMode]) throws {
        self.measure = measure
        measure.apply()
        let iso = ISO8601DateFormatter()
        report = BenchReport(header: ReportHeader(
            command: CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "),
            date: iso.string(from: Date()), seed: seed, runs: measure.runs, warmup: measure.warmup,
            maskbench: BinaryInfo.current(), maskd: nil, machine: MachineInfo.current()))
        if modes.contains(where: \.runsMaskdBinary) {
            let path = try MaskdBinary.locate(measure.maskd)
            maskdPath = path
            report.header.maskd = BinaryInfo.of(path)
        }
        try checkBuilds(modes: modes)
        if let load = report.header.machine.loadAverage, load > Double(report.header.machine.cores) * 0.5 {
            warn(String(format: "the machine was busy when the run started (load %.2f on %d cores): figures are slower and noisier than on an idle machine", load, report.header.machine.cores))
        }
    }

    /// Debug builds are 10–50× slower and their figures mislead: refused unless --allow-debug, and then
    /// flagged in the header of every report.
    private func checkBuilds(modes: [BenchMode]) throws {
        var debug: [String] = []
        if modes.contains(.engine) && report.header.maskbench.build == "debug" { debug.append("maskbench (the engine mode runs in it)") }
        if let maskd = report.header.maskd, maskd.build == "debug" { debug.append("maskd (\(maskd.path))") }
        guard !debug.isEmpty else { return }
        let message = "\(debug.joined(separator: " and ")) is a DEBUG build: its figures are not the engine's. Build with `swift build -c release --product maskbench` and `--product maskd`"
        guard measure.allowDebug else { throw BenchError.unavailable(message + ", or pass --allow-debug") }
        warn("DEBUG BUILD: " + message)
    }

    func warn(_ message: String) {
        report.header.warnings.append(message)
        Diagnostics.warning(message)
    }

    func requireMaskd() throws -> String {
        if let maskdPath { return maskdPath }
        let path = try MaskdBinary.locate(measure.maskd)
        maskdPath = path
        report.header.maskd = BinaryInfo.of(path)
        return path
    }

    /// Prints the report (tables, or JSON with --json) on stdout.
    func print() throws {
        let text = measure.json ? try report.json() + "\n" : ReportPrinter.render(report)
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

extension ParsableCommand {
    /// Runs `body`, maps maskbench's errors to their exit codes, and always stops what was started.
    func guarded(_ body: () throws -> Void) throws {
        defer { ChildRegistry.shared.stopAll() }
        do {
            try body()
        } catch let error as BenchError {
            Diagnostics.error(error.description)
            throw error.exitCode
        }
    }
}
