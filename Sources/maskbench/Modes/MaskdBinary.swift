import Foundation

/// Finds the maskd binary the child-process modes run: `--maskd PATH`, else the `maskd` beside
/// maskbench's own executable (SwiftPM builds both into the same directory).
enum MaskdBinary {
    static func locate(_ explicit: String?) throws -> String {
        if let explicit {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw BenchError.unavailable("--maskd \(explicit) is not an executable file") }
            return explicit
        }
        let beside = (CommandLine.executablePath as NSString).deletingLastPathComponent + "/maskd"
        guard FileManager.default.isExecutableFile(atPath: beside) else {
            throw BenchError.unavailable("no maskd beside maskbench (\(beside)); build it with `swift build -c release --product maskd`, or give --maskd PATH")
        }
        return beside
    }
}
