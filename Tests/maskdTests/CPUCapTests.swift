import Foundation
import Testing

/// `MASKD_CPU` caps every kernel at what an older CPU has (`avx512bw`: AVX-512 without VBMI, VBMI2, VAES;
/// `avx2`; `portable`: no vector or crypto instructions). Each kernel's paths are compared with its
/// portable twin block by block in the engine's own tests; this compares the whole pipe, every kernel
/// together, as the users of such CPUs run it: the same output and report, byte for byte, under each cap
/// as without one. (A cap the CPU already lacks runs what the default runs: still a valid comparison.)
@Suite struct CPUCapTests {
    static let corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Corpora").standardized

    /// Files of every format, each large enough for the eight-block groups and stage 1's lanes, with
    /// cards, SSNs, emails and secrets to tokenize.
    static let inputs = ["samples/credentials.csv", "samples/payments.wire", "samples/events.csv", "samples/users.wire",
                         "independent/messages.csv"]

    static func masked(_ input: Data, cap: String?) throws -> (output: Data, report: Data) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("cap-report-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: report) }
        var environment = ["MASKD_TOKEN_KEY": PipeCommandTests.hexKey]
        if let cap { environment["MASKD_CPU"] = cap }
        let run = try PipeCommandTests.run(["pipe", "-q", "--threads", "1", "--report", report.path], stdin: input,
                                           environment: environment)
        #expect(run.status == 0, "MASKD_CPU=\(cap ?? "-"): \(run.stderr)")
        return (run.stdout, try Data(contentsOf: report))
    }

    @Test(arguments: ["avx512bw", "avx2", "portable"])
    func everyCapMasksTheSameBytes(_ cap: String) throws {
        for name in Self.inputs {
            let input = try Data(contentsOf: Self.corpora.appendingPathComponent(name))
            let plain = try Self.masked(input, cap: nil), capped = try Self.masked(input, cap: cap)
            #expect(!plain.report.isEmpty, "\(name) has findings")
            #expect(capped.output == plain.output, "MASKD_CPU=\(cap) output differs on \(name)")
            #expect(capped.report == plain.report, "MASKD_CPU=\(cap) report differs on \(name)")
        }
    }
}
