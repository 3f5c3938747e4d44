import Foundation

/// What an operator handed over as the token key: random key bytes, or a pass-phrase to be stretched.
///
/// The rule is by form, so the same input is read the same way everywhere:
/// - text that is exactly 64 hex digits (surrounding whitespace ignored) is a 32-byte key;
/// - a file that is not text (invalid UTF-8, or control bytes other than whitespace) and holds at least
///   32 bytes is a binary key, used byte for byte;
/// - anything else is a pass-phrase (surrounding whitespace trimmed, so a trailing newline does not
///   count). A 44-character base64 key is therefore a pass-phrase: write keys as hex.
public enum KeyMaterial: Sendable, Equatable {
    case key([UInt8])
    case passPhrase([UInt8])

    /// Reads an environment variable's or a command line's text.
    public init(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.utf8.count == 64, let decoded = TokenKey.hexDecode(trimmed) {
            self = .key(decoded)
        } else {
            self = .passPhrase(Array(trimmed.utf8))
        }
    }

    /// Reads a key file's bytes.
    public init(file: some DataProtocol) {
        let bytes = Array(file)
        if let text = String(validating: bytes, as: UTF8.self), !Self.hasControlBytes(bytes) {
            self.init(text: text)
        } else if bytes.count >= TokenKey.minimumKeyBytes {
            self = .key(bytes)
        } else {
            self = .passPhrase(bytes)
        }
    }

    /// Whether the material must be stretched with a salt.
    public var isPassPhrase: Bool {
        if case .passPhrase = self { return true }
        return false
    }

    /// Control bytes (NUL, escape…) mark a binary file; tab, CR and LF are ordinary in text.
    private static func hasControlBytes(_ bytes: [UInt8]) -> Bool {
        bytes.contains { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
    }
}
