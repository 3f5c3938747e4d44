import _CryptoExtras
import Crypto
import Foundation
import Synchronization

/// Pass-phrase keys: scrypt under a stored salt, then the same HKDF step as a random key.
///
/// Why scrypt with N = 2^15, r = 8, p = 1: each guess at the phrase costs 32 MiB of memory and about a
/// tenth of a second of one core (Benchmarks/RESULTS.md, "Key derivation"), which is what makes an offline
/// guess from one known value/token pair expensive; the salt makes every deployment's guesses separate
/// work. The parameters are part of the derivation: changing them changes every token, so they are fixed
/// here, not configurable.
extension TokenKey {
    /// Pass-phrases under 16 bytes are refused: even stretched, a phrase that short (a password, a word
    /// or two) falls to a dictionary; 16 also was the minimum for all key material before salts existed.
    public static let minimumPassPhraseBytes = 16
    /// 128 bits of salt: enough that no two deployments share one by chance.
    public static let minimumSaltBytes = 16
    /// The salt `maskd key salt` prints and a `.salt` file holds.
    public static let generatedSaltBytes = 16

    static let scryptRounds = 1 << 15
    static let scryptBlockSize = 8
    static let scryptParallelism = 1

    /// Stretches `passPhrase` with scrypt under `salt`; the same phrase and salt give the same key on
    /// every machine. Repeated calls in one process with the same inputs cost nothing after the first.
    public init(passPhrase: some DataProtocol, salt: some DataProtocol) throws(KeyError) {
        let phrase = Array(passPhrase), salt = Array(salt)
        guard phrase.count >= Self.minimumPassPhraseBytes else { throw KeyError.passPhraseTooShort(phrase.count) }
        guard salt.count >= Self.minimumSaltBytes else {
            throw KeyError.badSalt("has \(salt.count) bytes; at least \(Self.minimumSaltBytes) are needed")
        }
        let stretched = try PassPhraseCache.shared.stretched(phrase: phrase, salt: salt)
        self.init(derivingFrom: stretched)
    }

    /// A fresh random salt, as hex digits (what a `.salt` file holds).
    public static func generateSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        return hexEncode((0..<generatedSaltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Reads a salt written as hex digits (a `.salt` file or `MASKD_TOKEN_SALT`).
    public static func salt(hex text: String) throws(KeyError) -> [UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let salt = hexDecode(trimmed) else { throw KeyError.badSalt("is not hex digits") }
        guard salt.count >= minimumSaltBytes else {
            throw KeyError.badSalt("has \(salt.count) bytes; at least \(minimumSaltBytes) (\(2 * minimumSaltBytes) hex digits) are needed")
        }
        return salt
    }
}

/// scrypt results already computed in this process, so tests, reloads and every custom type's key
/// construction pay the 32 MiB / ~0.1 s once per phrase and salt. Keyed by a SHA-256 of the inputs, so
/// the table holds no phrase; the stretched values are as secret as the key itself, and stay in memory
/// only as long as the process does, like the key.
final class PassPhraseCache: Sendable {
    static let shared = PassPhraseCache()
    private let entries = Mutex<[[UInt8]: [UInt8]]>([:])
    /// How many times scrypt actually ran: lets a test see that the cache works without timing it.
    private let derivations = Atomic<Int>(0)
    var derivationCount: Int { derivations.load(ordering: .relaxed) }

    func stretched(phrase: [UInt8], salt: [UInt8]) throws(KeyError) -> [UInt8] {
        var hasher = SHA256()
        // Length-prefixed, so (phrase, salt) pairs that concatenate alike do not collide.
        withUnsafeBytes(of: UInt64(phrase.count).littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: phrase)
        hasher.update(data: salt)
        let id = Array(hasher.finalize())
        if let known = entries.withLock({ $0[id] }) { return known }
        let stretched: [UInt8]
        do {
            stretched = try KDF.Scrypt.deriveKey(
                from: phrase, salt: salt, outputByteCount: 32, rounds: TokenKey.scryptRounds,
                blockSize: TokenKey.scryptBlockSize, parallelism: TokenKey.scryptParallelism
            ).withUnsafeBytes { Array($0) }
        } catch {
            throw KeyError.derivationFailed
        }
        derivations.add(1, ordering: .relaxed)
        entries.withLock { $0[id] = stretched }
        return stretched
    }
}
