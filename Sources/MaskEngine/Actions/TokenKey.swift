import Crypto
import Foundation

/// The secret key behind tokens and keyed hashes.
///
/// Two kinds of input make a key (`KeyMaterial` tells them apart):
/// - a **key**: 32 or more random bytes (64 hex digits, or a binary key file). It goes through
///   HKDF-SHA256 with a fixed label, so the key used for tokens is never the bytes an operator holds.
///   Being random already, it needs no stretching: this is the derivation every release has used, and
///   existing tokens depend on it.
/// - a **pass-phrase**: anything else. A phrase can be guessed, and one known value/token pair is enough
///   to test guesses offline, so it is first stretched with scrypt under a stored salt
///   (`TokenKey+PassPhrase.swift`), then derived like a key.
///
/// The key, its material and the derived bytes are never printed or logged; `description` hides them.
public struct TokenKey: Sendable, CustomStringConvertible {
    /// The derived 256-bit key (kept as bytes: `SymmetricKey` is not `Sendable`).
    let bytes: [UInt8]
    var symmetric: SymmetricKey { SymmetricKey(data: bytes) }
    /// Whether email tokens tell addresses apart by case (`keep`, the default) or fold case first.
    /// Part of the key's settings because it changes which token an address gets, like the key does.
    public var emailCase: EmailCase = .keep

    /// Random key bytes under this count are refused: below 256 bits a key is not a key.
    public static let minimumKeyBytes = 32

    /// Derives the key from random key bytes (at least `minimumKeyBytes`).
    public init(key: some DataProtocol) throws(KeyError) {
        guard key.count >= Self.minimumKeyBytes else { throw KeyError.keyTooShort(key.count) }
        self.init(derivingFrom: Array(key))
    }

    /// The one HKDF step every key goes through (a pass-phrase's scrypt output included).
    init(derivingFrom material: [UInt8]) {
        bytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material),
            info: Array("maskd token key v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    /// A key from text: 64 hex digits are a key; anything else is a pass-phrase, which needs `salt`
    /// (without one this throws `KeyError.passPhraseNeedsSalt`).
    public init(string: String, salt: [UInt8]? = nil) throws(KeyError) {
        try self.init(material: KeyMaterial(text: string), salt: salt)
    }

    /// A key from classified material; a pass-phrase needs `salt`.
    public init(material: KeyMaterial, salt: [UInt8]?) throws(KeyError) {
        switch material {
        case .key(let key):
            try self.init(key: key)
        case .passPhrase(let phrase):
            guard let salt else { throw KeyError.passPhraseNeedsSalt }
            try self.init(passPhrase: phrase, salt: salt)
        }
    }

    /// The key of a custom type's tokens: HMAC-SHA256 of `custom-type:` and the type's name under this
    /// key. Keyed by the name, not the detector's position, so reordering a policy's detectors keeps
    /// every token; and apart from every built-in type, so a custom value never shares a token with an
    /// email, card, SSN or secret.
    public func derived(forCustomType name: String) -> TokenKey {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(("custom-type:" + name).utf8), using: symmetric)
        var key = TokenKey(derivingFrom: Array(mac))
        key.emailCase = emailCase
        return key
    }

    /// A fresh random key, as 64 hex digits (what `maskd key new` prints and the default key file holds).
    public static func generateMaterial() -> String {
        hexEncode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// Never the key: a value printed by mistake (an interpolated error, a debug dump) shows nothing.
    public var description: String { "TokenKey(<secret>)" }

    /// Lower-case hex, two digits a byte. Not `String(format:)` per byte: each call went through
    /// Foundation's formatter and its locale lookups, ~1.8 M instructions for a 32-byte key (6 % of a
    /// `maskd pipe` run on empty input that makes its default key).
    static func hexEncode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
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

/// Why a key could not be used. No case carries key material: only counts and names.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    /// Random key bytes shorter than `TokenKey.minimumKeyBytes`.
    case keyTooShort(Int)
    /// A pass-phrase shorter than `TokenKey.minimumPassPhraseBytes` (its length in bytes).
    case passPhraseTooShort(Int)
    /// A pass-phrase was given with no salt to stretch it with.
    case passPhraseNeedsSalt
    /// A salt shorter than `TokenKey.minimumSaltBytes` (its length in bytes), or not hex.
    case badSalt(String)
    /// scrypt itself failed (it should not, with fixed parameters: memory exhausted).
    case derivationFailed

    public var description: String {
        switch self {
        case .keyTooShort(let n):
            "the token key has \(n) bytes; a key needs at least \(TokenKey.minimumKeyBytes) (64 hex digits; `maskd key new` makes one)"
        case .passPhraseTooShort(let n):
            "the pass-phrase has \(n) bytes; at least \(TokenKey.minimumPassPhraseBytes) are needed (or use a 64-hex-digit key from `maskd key new`)"
        case .passPhraseNeedsSalt:
            "the token key is not 64 hex digits, so it is a pass-phrase, and a pass-phrase needs a salt"
        case .badSalt(let why):
            "the salt \(why)"
        case .derivationFailed:
            "scrypt could not derive the key from the pass-phrase (out of memory?)"
        }
    }
}
