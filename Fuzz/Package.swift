// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets (FUZZING.md, DIFFERENTIAL.md). A package of its own, so that `swift build` at the
// root never builds them; build with
//   swift build -c debug --sanitize=fuzzer --sanitize=address --disable-dead-strip
// (without --disable-dead-strip the fuzzers run with no coverage). Each executable is a one-line shim
// over a body in the root package's FuzzTargets library, which the root's plain test run also replays
// over Corpus/ and FailCases/.
// The differential targets: each SIMD or AES-NI kernel against its portable twin, each detector against
// a slow reference written for the test (Targets/Reference/).
let differentialTargets = ["DifferentialStageOne", "DifferentialCSVSplit", "DifferentialFF1", "DifferentialCards",
                           "DifferentialSSN", "DifferentialEmail", "DifferentialSecrets"]

let package = Package(
    name: "maskd-fuzz",
    dependencies: [.package(name: "maskd", path: "..")],
    targets: differentialTargets.map { name in
        .executableTarget(name: "Fuzz\(name)", dependencies: [.product(name: "FuzzTargets", package: "maskd")])
    }
)
