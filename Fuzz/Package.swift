// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for every parser of untrusted bytes (FUZZING.md) and the differential targets
// (Fuzz/DIFFERENTIAL.md). A package of its own, so that `swift build` at the root never builds them;
// build with `Fuzz/run`, which runs
//   swift build -c debug --sanitize=fuzzer --sanitize=address --disable-dead-strip -Xswiftc -sanitize=fuzzer,address
// (without --disable-dead-strip the fuzzers run with no coverage; without the -Xswiftc flag the Swift
// code has none either: swiftc keeps only the last -sanitize= flag). Each executable is a one-line shim
// over a body in the root package's FuzzTargets library, which the root's plain test run also replays
// over Corpus/ and FailCases/. A new target: a body in Targets/, a shim in Sources/Fuzz<Name>/, a line
// in `fuzzTargets` or `differentialTargets` below and in `run`.
let fuzzTargets = ["WireStream", "WireSession", "Sidecar", "CSV", "PgDump", "CopyText", "CopyStream", "Lines", "LZ4", "Policy"]
// Each SIMD or AES-NI kernel against its portable twin, each detector against a slow reference written
// for the test (Targets/Reference/).
let differentialTargets = ["DifferentialStageOne", "DifferentialCSVSplit", "DifferentialFF1", "DifferentialCards",
                           "DifferentialSSN", "DifferentialEmail", "DifferentialSecrets"]

let package = Package(
    name: "maskd-fuzz",
    dependencies: [.package(name: "maskd", path: "..")],
    targets: (fuzzTargets + differentialTargets).map { name in
        .executableTarget(name: "Fuzz\(name)", dependencies: [.product(name: "FuzzTargets", package: "maskd")])
    }
)
