import CMaskKernels
import Testing

/// AES-128 against FIPS-197, AES-NI against the portable twin, and FF1 against NIST's samples.
@Suite struct FF1Tests {
    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test func aesMatchesFIPS197() {
        var key = mk_aes128_key()
        mk_aes128_init(&key, Self.hex("000102030405060708090a0b0c0d0e0f"))
        var block = Self.hex("00112233445566778899aabbccddeeff")
        mk_aes128_encrypt(&key, &block)
        #expect(block == Self.hex("69c4e0d86a7b0430d8cdb78070b4c55a"))
        var portable = Self.hex("00112233445566778899aabbccddeeff")
        mk_aes128_encrypt_portable(&key, &portable)
        #expect(portable == block)
    }

    @Test func aesNIMatchesPortable() {
        var g = StageOneTests.Generator(state: 5)
        for _ in 0..<200 {
            var key = mk_aes128_key()
            mk_aes128_init(&key, (0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) })
            let block = (0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            var a = block, b = block
            mk_aes128_encrypt(&key, &a)
            mk_aes128_encrypt_portable(&key, &b)
            #expect(a == b)
        }
    }

    @Test(arguments: [("", "0123456789", "2433477484"),
                      ("39383736353433323130", "0123456789", "6124200773")])
    func ff1MatchesNISTSamples(_ tweak: String, _ plain: String, _ cipher: String) {
        var key = mk_aes128_key()
        mk_aes128_init(&key, Self.hex("2B7E151628AED2A6ABF7158809CF4F3C"))
        var digits = plain.map { UInt8($0.wholeNumberValue!) }
        let t = Self.hex(tweak)
        let rc = mk_ff1_encrypt_decimal(&key, t, t.count, &digits, digits.count)
        #expect(rc == 0)
        #expect(digits.map(String.init).joined() == cipher)
    }
}
