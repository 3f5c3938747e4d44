import Crypto
import Foundation
import Testing
@testable import MaskEngine

/// Token keys: what counts as a key and what as a pass-phrase, how each is derived, and that no
/// key material ever shows in a description or an error.
@Suite struct KeyTests {
    static let hexKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    static let phrase = "correct horse battery staple"
    static let salt: [UInt8] = Array(0..<16)

    @Test func aHexKeyKeepsTheDerivationEveryReleaseUsed() throws {
        // Expected value computed outside Swift (Python's hmac: HKDF-SHA256, empty salt, info
        // "maskd token key v1"), so a change to the derivation of keys cannot pass unnoticed.
        let key = try TokenKey(string: Self.hexKey + "\n")
        #expect(TokenKey.hexEncode(key.bytes) == "8cf6e3cdf4e3a47754d15c4b191068c7a00d2a27a47ab1157024294bc1564bf8")
    }

    @Test func aPassPhraseIsStretchedWithScryptUnderItsSalt() throws {
        // Expected value from Python's hashlib.scrypt (OpenSSL; N=2^15, r=8, p=1, 32 bytes) followed by
        // the same HKDF step: a second implementation pins the parameters.
        let key = try TokenKey(passPhrase: Array(Self.phrase.utf8), salt: Self.salt)
        #expect(TokenKey.hexEncode(key.bytes) == "42fa99155bbdc2554d36e83d09d8b7308e7491f3c1356db21db1430368c41c79")
        // Not the unsalted derivation of before: one known value/token pair no longer checks a guess cheaply.
        #expect(key.bytes != TokenKey(derivingFrom: Array(Self.phrase.utf8)).bytes)
    }

    @Test func theSamePhraseUnderAnotherSaltIsAnotherKey() throws {
        let a = try TokenKey(string: Self.phrase, salt: Self.salt)
        let b = try TokenKey(string: Self.phrase, salt: Array(repeating: 0xA5, count: 16))
        #expect(a.bytes != b.bytes)
        #expect(a.bytes == (try TokenKey(passPhrase: Array(Self.phrase.utf8), salt: Self.salt)).bytes)
    }

    @Test func repeatedConstructionRunsScryptOnce() throws {
        let salt: [UInt8] = Array(repeating: 0x3C, count: 20)
        _ = try TokenKey(string: "a phrase only this test uses", salt: salt)
        let before = PassPhraseCache.shared.derivationCount
        for _ in 0..<5 { _ = try TokenKey(string: "a phrase only this test uses", salt: salt) }
        #expect(PassPhraseCache.shared.derivationCount == before)
    }

    @Test(arguments: [
        ("64 hex digits", Array((hexKey + "\n").utf8), true),
        ("upper-case hex", Array(hexKey.uppercased().utf8), true),
        ("63 hex digits", Array(hexKey.dropLast().utf8), false),
        ("66 hex digits", Array((hexKey + "ab").utf8), false),
        ("a phrase", Array("a pass-phrase that is long enough\n".utf8), false),
        ("base64 of 32 bytes", Array("ASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8=".utf8), false),
        ("32 binary bytes", [0] + Array(repeating: 0x9F, count: 31), true),
        ("20 binary bytes", [0] + Array(repeating: 0x9F, count: 19), false),
    ] as [(String, [UInt8], Bool)])
    func keyFilesAreKeysOnlyWhenRandomBytesOrHex(_ name: String, _ file: [UInt8], _ isKey: Bool) {
        #expect(KeyMaterial(file: file).isPassPhrase == !isKey, "\(name)")
    }

    @Test func aPassPhraseWithoutSaltIsRefused() {
        #expect(throws: KeyError.passPhraseNeedsSalt) { try TokenKey(string: Self.phrase) }
    }

    @Test func shortPhrasesSaltsAndKeysAreRefused() {
        #expect(throws: KeyError.passPhraseTooShort(15)) { try TokenKey(string: "fifteen chars!!", salt: Self.salt) }
        #expect(throws: KeyError.keyTooShort(31)) { try TokenKey(key: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: KeyError.self) { try TokenKey(string: Self.phrase, salt: Array(repeating: 1, count: 15)) }
        #expect(throws: KeyError.self) { try TokenKey.salt(hex: "00112233445566778899aabbccddee") }
        #expect(throws: KeyError.self) { try TokenKey.salt(hex: "not hex at all, not hex at all!!") }
        #expect((try? TokenKey.salt(hex: TokenKey.generateSalt()))?.count == TokenKey.generatedSaltBytes)
    }

    @Test func sixteenBytesIsTheShortestPhrase() throws {
        _ = try TokenKey(string: "sixteen bytes!!!", salt: Self.salt)
    }

    @Test func neitherDescriptionsNorErrorsShowKeyMaterial() throws {
        let key = try TokenKey(string: Self.phrase, salt: Self.salt)
        let secrets = [Self.phrase, TokenKey.hexEncode(key.bytes), TokenKey.hexEncode(Self.salt)]
        var texts = ["\(key)", String(describing: key), String(reflecting: KeyError.passPhraseNeedsSalt)]
        for attempt in [{ try TokenKey(string: "fifteen chars!!", salt: Self.salt) },
                        { try TokenKey(string: Self.phrase) },
                        { try TokenKey(string: Self.phrase, salt: [1, 2, 3]) }] as [() throws -> TokenKey] {
            do { _ = try attempt() } catch { texts.append("\(error)") }
        }
        #expect(texts.count == 6)
        for text in texts {
            for secret in secrets { #expect(!text.contains(secret), "\(text)") }
        }
    }

    @Test func aFreshKeyIsSixtyFourHexDigitsAndRandom() {
        let a = TokenKey.generateMaterial(), b = TokenKey.generateMaterial()
        #expect(a.count == 64 && TokenKey.hexDecode(a)?.count == 32)
        #expect(a != b)
        #expect(!KeyMaterial(text: a).isPassPhrase)
    }
}
