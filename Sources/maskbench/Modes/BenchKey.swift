import MaskEngine

/// The token key every mode masks with: fixed, so runs are comparable and outputs reproducible, and
/// never a real key (it is printed in the docs).
enum BenchKey {
    static let material = "maskbench-fixed-key-not-a-secret"

    static func tokenKey() -> TokenKey {
        // 32 bytes of material: over TokenKey's 16-byte minimum, so this cannot fail.
        try! TokenKey(string: material)
    }

    /// What child processes get, so `maskd` needs no key file and writes none.
    static var environment: [String: String] { ["MASKD_TOKEN_KEY": material] }
}
