import MaskEngine

/// The token key every mode masks with: fixed, so runs are comparable and outputs reproducible, and
/// never a real key (it is printed in the docs).
enum BenchKey {
    // The hex of the 32 ASCII bytes "maskbench-fixed-key-not-a-secret", the pass-phrase this key was
    // before pass-phrases were salted: as a key it derives exactly what that phrase did, so every
    // recorded output digest still holds, and no child process pays for scrypt.
    static let material = "6d61736b62656e63682d66697865642d6b65792d6e6f742d612d736563726574"

    static func tokenKey() -> TokenKey {
        // 64 hex digits: a 32-byte key, so this cannot fail.
        try! TokenKey(string: material)
    }

    /// What child processes get, so `maskd` needs no key file and writes none.
    static var environment: [String: String] { ["MASKD_TOKEN_KEY": material] }
}
