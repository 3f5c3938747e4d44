import ArgumentParser
import MaskEngine

/// `maskbench`: reproducible throughput, latency and quality figures for maskd, with baselines
/// measured in the same run on the same bytes.
@main
struct Maskbench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maskbench",
        abstract: "Measure maskd's throughput, latency and detection quality against baselines on the same bytes.",
        discussion: """
            Exit status: 0 success, 64 bad usage, 66 an input file cannot be read, 69 something needed is \
            missing (maskd, python3, PostgreSQL) or is a debug build, 70 a measurement failed, 130 interrupted.
            docs/maskbench.md explains every figure.
            """,
        subcommands: [RunCommand.self, ScalingCommand.self, ThreadsCommand.self, CorpusCommand.self],
        defaultSubcommand: RunCommand.self)

    static func main() {
        ChildRegistry.installSignalHandling()
        // The engine mode masks in this process: with maskd's allocator settings, as maskd would.
        MallocTuning.apply()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
