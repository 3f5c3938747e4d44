import Foundation
import FuzzTargets
import Testing

/// Every seed and every minimised fail case goes through the same target body libFuzzer runs: a fixed
/// bug stays fixed, and a seed that stopped parsing shows up here first.
@Suite struct FuzzReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The files of `Fuzz/<kind>/<target>/`, sorted (none if the directory does not exist).
    static func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func seedsAndFailCasesAreClean(_ name: String) throws {
        let target = try #require(FuzzTarget.all.first { $0.name == name })
        let seeds = Self.inputs("Corpus", target)
        #expect(!seeds.isEmpty, "every target has seeds in Fuzz/Corpus/\(name)/")
        for file in seeds + Self.inputs("FailCases", target) {
            let verdict = target.run(Array(try Data(contentsOf: file)))
            #expect(verdict == .clean, "\(file.lastPathComponent): \(verdict)")
        }
    }
}
