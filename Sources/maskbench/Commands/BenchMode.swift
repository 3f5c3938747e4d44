import ArgumentParser

/// Where maskd runs while it is measured.
enum BenchMode: String, CaseIterable, ExpressibleByArgument, Codable {
    /// MaskEngine in maskbench's own process.
    case engine
    /// `maskd pipe` as a child process.
    case pipe
    /// `maskd serve` as a child process, driven over its socket protocol.
    case socket
    /// `maskd proxy` in front of a throwaway PostgreSQL, against the same query straight to it.
    case proxy

    /// Whether the figures come from the maskd binary (rather than maskbench's own build).
    var runsMaskdBinary: Bool { self != .engine }
}
