// swift-tools-version: 6.1
import PackageDescription

// The system libraries are found through pkg-config; `scripts/bootstrap` installs their Debian
// packages when they are missing, so a fresh machine needs no manual step.
let package = Package(
    name: "maskd",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MaskEngine", targets: ["MaskEngine"]),
        .executable(name: "maskd", targets: ["maskd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "maskd",
            dependencies: [
                "MaskEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "MaskEngineTests",
            dependencies: ["MaskEngine", "CMaskKernels", "CPCRE2", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Runs the built `maskd` binary as a user would: golden files, exit codes, fail-closed output.
        .testTarget(
            name: "maskdTests",
            dependencies: ["maskd", "MaskEngine"],
            resources: [.copy("Golden")]
        ),
    ]
)
