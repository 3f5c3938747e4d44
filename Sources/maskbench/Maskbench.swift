import ArgumentParser

/// `maskbench`: reproducible throughput, latency and quality figures for maskd, with baselines
/// measured in the same run on the same bytes.
@main
struct Maskbench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maskbench",
        abstract: "Measure maskd's throughput, latency and detection quality against baselines on the same bytes."
    )
}
