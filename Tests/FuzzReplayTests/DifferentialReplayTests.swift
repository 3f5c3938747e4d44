import Foundation
import FuzzTargets
import Testing

/// The differential targets in the plain test run: their seeds and minimised fail cases replayed (a
/// disagreement once found and fixed stays fixed), and a few thousand pseudo-random inputs each, so that
/// the kernels, the detectors and their references are compared on every run even without libFuzzer.
@Suite struct DifferentialReplayTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ kind: String, _ name: String) -> [URL] {
        let directory = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0) }
    }

    static var names: [String] { differentialTargets.map { $0.name } }

    static func target(_ name: String) -> (any DifferentialTarget.Type)? { differentialTargets.first { $0.name == name } }

    @Test(arguments: names)
    func seedsAndFailCasesAgree(_ name: String) throws {
        let target = try #require(Self.target(name))
        let seeds = Self.inputs("Corpus", name)
        #expect(!seeds.isEmpty, "every target has seeds in Fuzz/Corpus/\(name)/")
        for file in seeds + Self.inputs("FailCases", name) {
            let bytes = try [UInt8](Data(contentsOf: file))
            let mismatch = bytes.withUnsafeBytes { target.mismatch(in: $0) }
            #expect(mismatch == nil, "\(file.lastPathComponent): \(mismatch?.description ?? "")")
        }
    }

    @Test(arguments: names)
    func randomInputsAgree(_ name: String) throws {
        let target = try #require(Self.target(name))
        var state: UInt64 = 0x5EED
        // DIFFERENTIAL_ROUNDS runs longer (Fuzz/DIFFERENTIAL.md records such runs).
        let rounds = ProcessInfo.processInfo.environment["DIFFERENTIAL_ROUNDS"].flatMap { Int($0) } ?? 3000
        for round in 0..<rounds {
            let length = Int(next(&state) % 600)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: next(&state)) }
            let mismatch = bytes.withUnsafeBytes { target.mismatch(in: $0) }
            #expect(mismatch == nil, "round \(round): \(mismatch?.description ?? "")")
            if mismatch != nil { return }
        }
    }
}

/// SplitMix64.
private func next(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E3779B97F4A7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
    return z ^ (z >> 31)
}
