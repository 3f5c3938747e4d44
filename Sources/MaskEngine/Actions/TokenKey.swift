import Crypto
import Foundation

/// The secret key behind tokens and keyed hashes.
///
/// Key material (a key file's bytes, or the `MASKD_TOKEN_KEY` string) goes through HKDF-SHA256 with a
/// fixed label, so a hex key, a raw 32-byte file and a passphrase all give a uniform 256-bit key, and the
/// key used for tokens is never the bytes an operator typed. The key is never printed or logged.
public struct TokenKey: Sendable {
    /// The derived 256-bit key (kept as bytes: `SymmetricKey` is not `Sendable`).
    let bytes: [UInt8]
    var symmetric: SymmetricKey { SymmetricKey(data: bytes) }
    /// Whether email tokens tell addresses apart by case (`keep`, the default) or fold case first.
    /// Part of the key's settings because it changes which token an address gets, like the key does.
    public var emailCase: EmailCase = .keep

    /// Derives the key from raw material; refuses material shorter than 16 bytes.
    public init(material: some DataProtocol) throws(KeyError) {
        guard material.count >= 16 else { throw KeyError.tooShort(material.count) }
        bytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(material)),
            info: Array("maskd token key v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    /// Reads key material from a string: 64 hex digits are decoded, anything else is used as is.
    public init(string: String) throws(KeyError) {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let decoded = Self.hexDecode(trimmed) {
            try self.init(material: decoded)
        } else {
            try self.init(material: Array(trimmed.utf8))
        }
    }

    /// A fresh random key's material, as 64 hex digits.
    /// The key of a custom type's tokens: HMAC-SHA256 of `custom-type:` and the type's name under this
    /// key. Keyed by the name, not the detector's position, so reordering a policy's detectors keeps
    /// every token; and apart from every built-in type, so a custom value never shares a token with an
    /// email, card, SSN or secret.
    public func derived(forCustomType name: String) -> TokenKey {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(("custom-type:" + name).utf8), using: symmetric)
        var key = try! TokenKey(material: Array(mac))  // 32 bytes: over the 16-byte minimum
        key.emailCase = emailCase
        return key
    }

    public static func generateMaterial() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    static func hexDecode(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count / 2)
        var high: UInt8? = nil
        for c in s.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: return nil
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return high == nil ? out : nil
    }
}

/// Why a key could not be used.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    case tooShort(Int)

    public var description: String {
        switch self {
        case .tooShort(let n): "the token key has \(n) bytes of material; at least 16 are needed"
        }
    }
}
