import MaskEngine

/// The fixed token key of every benchmark (64 hex digits: a key, not a pass-phrase that would need a
/// salt), so tokens and their costs are the same in every run.
enum BenchmarkKey {
    static let key = try! TokenKey(string: "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff")
}
