import MaskEngine

/// The fixed token key of every benchmark, so tokens (and their costs) are the same in every run.
enum BenchmarkKey {
    static let key = try! TokenKey(string: "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff")
}
