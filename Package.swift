// swift-tools-version: 6.1
import PackageDescription

// The system libraries are found through pkg-config; `scripts/bootstrap` installs their Debian
// packages when they are missing, so a fresh machine needs no manual step.

// maskd's release build links the Swift runtime and Foundation in: loading them as a dozen shared
// libraries and resolving their symbols cost every `maskd pipe` about 7 ms before its first byte
// (Benchmarks/RESULTS.md, with libpq's 6 ms, which `LibPQ` now loads only when a catalog is read).
// Only the runtime and Foundation are linked in; the system libraries stay shared. `-static-stdlib`
// alone leaves out what Foundation's static archives need from each other (SwiftPM's
// `--static-swift-stdlib` compiles every module for it instead, which would rebuild everything and
// split the release build in two), so they are named here. Debug builds, the tests', link as before.
#if os(Linux) && compiler(>=6.0)
let maskdLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-lFoundation", "-lCoreFoundation", "-lFoundationInternationalization",
                  "-lFoundationEssentials", "-l_FoundationICU", "-l_FoundationCollections", "-l_FoundationCShims"],
                 .when(configuration: .release)),
]
#else
let maskdLinkerSettings: [LinkerSetting] = []
#endif

let package = Package(
    name: "maskd",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MaskEngine", targets: ["MaskEngine"]),
        .library(name: "MaskdService", targets: ["MaskdService"]),
        .executable(name: "maskd", targets: ["maskd"]),
        .executable(name: "maskbench", targets: ["maskbench"]),
        // The bodies of the fuzz targets, for the libFuzzer shims of the separate Fuzz/ package.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Policy files: YAML with the line and column of every node, for errors that say where.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The daemon's sockets (Unix and TCP), its metrics endpoint (NIOHTTP1), logs and metrics.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // maskbench's latency percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Tests only: a real driver that prepares statements and asks for binary results.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Benchmarks/: allocation budgets per benchmark (`Benchmarks/check-allocations`). Naming the trait
        // list replaces the package's defaults, which would also pull in its Swift 6.3 ARC runtime
        // interposer; malloc counts are all the thresholds need.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Stage-1 byte classification: AVX2 with a scalar twin, chosen at run time.
        .target(name: "CMaskKernels"),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8",
                       providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4",
                       providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .target(
            name: "MaskEngine",
            dependencies: [
                "CMaskKernels",
                "CLZ4",
                "CPCRE2",
                .product(name: "Crypto", package: "swift-crypto"),
                // scrypt, for pass-phrase keys (TokenKey.swift).
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `maskd serve` and `maskd proxy`: sockets, event loops, signals, metrics. No masking logic of its
        // own: every byte is masked by MaskEngine's per-session wire state machine.
        .target(
            name: "MaskdService",
            dependencies: [
                "MaskEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "maskd",
            dependencies: [
                "MaskEngine",
                "MaskdService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: maskdLinkerSettings
        ),
        // The benchmark tool: the engine in process, `maskd pipe`/`serve`/`proxy` as child processes, and
        // the baselines (a plain read pass, a hand-written PCRE2 masker, Presidio) on the same bytes.
        .executableTarget(
            name: "maskbench",
            dependencies: [
                "MaskEngine",
                "CPCRE2",
                "CLibPQ",
                // LZ4 inputs (--input FILE.lz4) are decompressed once for the socket and proxy modes.
                "CLZ4",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // package-benchmark suites: wall clock, throughput and malloc counts of each engine stage; the
        // malloc counts are gated by the thresholds in Benchmarks/Thresholds/.
        .executableTarget(
            name: "MaskEngineBenchmarks",
            dependencies: [
                "MaskEngine",
                "CMaskKernels",
                // The wire streams are built with the tests' message builders.
                "WireTestSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MaskEngineBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // The fuzz targets' bodies (FUZZING.md; the differential ones: Fuzz/DIFFERENTIAL.md). They live here,
        // not in Fuzz/, so the plain test run replays Fuzz/Corpus and Fuzz/FailCases through the very code
        // libFuzzer runs; only the Fuzz/ package (its own build, with --sanitize=fuzzer) turns them into
        // fuzzers. CMaskKernels: the differential targets call the kernels' paths directly.
        .target(name: "FuzzTargets", dependencies: ["MaskEngine", "CMaskKernels", "CLZ4"], path: "Fuzz/Targets"),
        // PostgreSQL message builders and readers that the engine's and the daemon's tests share.
        .target(name: "WireTestSupport", path: "Tests/WireTestSupport"),
        .testTarget(
            name: "MaskEngineTests",
            dependencies: ["MaskEngine", "CMaskKernels", "CPCRE2", "WireTestSupport",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Runs the built `maskd` binary as a user would: golden files, exit codes, fail-closed output.
        .testTarget(
            name: "maskdTests",
            dependencies: ["maskd", "maskbench", "MaskEngine"],
            resources: [.copy("Golden")]
        ),
        // Replays Fuzz/Corpus and Fuzz/FailCases through the fuzz targets' bodies; checks the oracle itself.
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzTargets", "MaskEngine"]),
        // The daemon and the proxy in process and as binaries, against a real PostgreSQL, with a real driver.
        .testTarget(
            name: "MaskdServiceTests",
            dependencies: [
                "MaskdService", "MaskEngine", "maskd", "WireTestSupport",
                // LibPQTests compares what maskd declares of libpq (it opens it at run time) with its header.
                "CLibPQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
