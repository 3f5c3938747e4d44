import CMaskKernels
import Testing

/// AES-128 against FIPS-197, AES-NI against the portable twin, and FF1 against NIST's samples, an
/// independent reference (Tests/Vectors/ff1_reference.py) and its own inverse.
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

    /// The numeral text of FF1 samples and reference vectors: 0-9, then a-z, then A-Z.
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static func numerals(_ s: String) -> [UInt8] { s.map { UInt8(alphabet.firstIndex(of: $0)!) } }
    static func text(_ x: [UInt8]) -> String { String(x.map { alphabet[Int($0)] }) }

    static let nistKey: mk_aes128_key = {
        var key = mk_aes128_key()
        mk_aes128_init(&key, hex("2B7E151628AED2A6ABF7158809CF4F3C"))
        return key
    }()

    static func encrypt(_ plain: String, radix: Int, tweak: String, key: mk_aes128_key = nistKey) -> (Int32, String) {
        var key = key
        var x = numerals(plain)
        let t = hex(tweak)
        let rc = mk_ff1_encrypt(&key, t, t.count, UInt32(radix), &x, x.count)
        return (rc, text(x))
    }

    static func decrypt(_ cipher: String, radix: Int, tweak: String) -> (Int32, String) {
        var key = nistKey
        var x = numerals(cipher)
        let t = hex(tweak)
        let rc = mk_ff1_decrypt(&key, t, t.count, UInt32(radix), &x, x.count)
        return (rc, text(x))
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

    /// NIST's FF1 samples 1-3: the AES-128 ones (4-6 and 7-9 repeat them with AES-192 and AES-256,
    /// which maskd does not use; the reference script checks all nine). Sample 3 is radix 36 with an
    /// 11-byte tweak, so Q spans two blocks.
    @Test(arguments: [(10, "", "0123456789", "2433477484"),
                      (10, "39383736353433323130", "0123456789", "6124200773"),
                      (36, "3737373770717273373737", "0123456789abcdefghi", "a9tv40mll9kdu509eum")])
    func ff1MatchesNISTSamples(_ radix: Int, _ tweak: String, _ plain: String, _ cipher: String) {
        #expect(Self.encrypt(plain, radix: radix, tweak: tweak) == (0, cipher))
        #expect(Self.decrypt(cipher, radix: radix, tweak: tweak) == (0, plain))
    }

    /// Vectors from the unbounded-integer reference: radix 10, 28, 36 and 62, tweaks of 2 and 20 bytes,
    /// the shortest lengths, lengths where NUM(S) needs a second AES block (d > 16), and the longest.
    static let referenceVectors: [(Int, String, String, String)] = [
        (10, "5301", "661157", "531284"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "509295", "123063"),
        (10, "5301", "5459479639187268306", "9464372565639209709"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "5898027141271164257", "2555711012709204854"),
        (10, "5301", "674426425138934026351089590362712990", "525295265614115287319582155096358262"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "870262894305401783442620843601881879", "124559510599747088703737218666891521"),
        (10, "5301", "640646775236919594209339412915067086733395412894510086545461667973295827", "847771198832774033331817133495083480730844453992781508124507275184710740"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "444361157944928400038541270401863602225693124608878078420470929804480051", "657740393671425993784573007449321686148092149726577610955272648476512428"),
        (36, "5301", "4ro9", "c4q0"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "s7ic", "91hb"),
        (36, "5301", "cbiwfp514hloaaiygjw", "1nd91noqizrhpn0rwi9"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "1lhkf641l893kn189d8", "qm7p6mmoqqzzh96qohs"),
        (36, "5301", "y2pwg10z2tgrbu2fvisa7ro9al1yf2210alfk", "mm8wx6pdm691ibyiqjakq3v6pn3u3ytreeoci"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "su6vqeq45f7weqw2xq2zlugs368bqnn2ljlyq", "2mnk8dcwxz9onjh9hc8s7dyolq60qbo92ppx6"),
        (36, "5301", "01ih05u4iplacwpegnu88ccxay67ejdvofen4w2pa2072p", "6fwn4eja3t1ozla2wqavu5l2vl0dacuu7ge1pks7grakhn"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "t6mtnvbsy8pxwyqbn2ndt2r7ogzvp1ra172ihdontqhpfw", "c701y1pwdwgt7sse3muuowme97rqjf0ax3st46gv02187a"),
        (28, "5301", "pl", "3r"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "h1", "ql"),
        (28, "5301", "9qn6a", "ll9b3"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "go985", "n94ii"),
        (28, "5301", "5dh6j2hefagq687f9k9m6p92egfg415caloi4cjc9obqh0ng", "g0c0foaopmb3665dg9hnprmoqm0hghi8pfaqmkb15ffr8p45"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "1q4oloer3b9cneifra11q0r9l05g3o1f147biopjkkb6akdd", "kdo57n8og0meq2f839qb00kfhr0788df59fijkl5ijr74m9g"),
        (62, "5301", "nn", "SU"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "12", "FP"),
        (62, "5301", "Wtp", "1D1"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "bj7", "FSu"),
        (62, "5301", "7ojo", "CFQx"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "2Tnw", "mYnm"),
        (62, "5301", "8yqnd", "leOUC"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "sbTfo", "kFdbG"),
        (62, "5301", "MybwzdKL05w7cjSP", "ukIe5cwvIJaZajPQ"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "3IO1pW1kUZkMZQf0", "MTKOQEIEYYsEqeo1"),
        (62, "5301", "GeiFKkKpp9qlQqMET3PdB", "AKR4H0ZG8u8ioV87egBTX"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "GSNYOTGcTj609XIZwr0vn", "S31r87EnbwwgwUxNaDdJ3"),
        (62, "5301", "lz4YzOrjHbsWtmuoPG6MgJzb9Q4R2PSi", "AXyodAtyygWTPxNA3IIQcc1YT1BPJlKy"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "Z4gVvifvYI8EO5RrA3JTNQ6TNr504W17", "CwykzvSTFm1Ki2KRTQzVlwhIPHRPMKEE"),
        (62, "5301", "d9SoZ6IsacJTHnQQ6yeDMsyqn9dYfXKxE", "deBZ4qt7FGVy6WecH9VLUqpr0W2NuMbCy"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "bgKHJiWWXQQrHFUhoN1bjmRZTIIGKj3T7", "7IexmCXP3pizATjaT9Vtpy2qbIPGM1XeI"),
        (62, "5301", "7DtVwPEKFeoQJQmDTAL8PjPASYLBu5qufnMoEfK", "QKhJdtmLhsQTIKfrUbycyTGizdbRpZv6VmcGpnU"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "8QRSFukoPJpaHu5C08CBjlLQPzSh1QIDqnecKIy", "z2GK3GbHZcdVJX28E3PAWqrUzZTtOMmTGjO2zE9"),
        (62, "5301", "LizMdh4yyl8tFe4UzIunm3jSHyDWV4upFK5EQyFz", "pinFqLZO2gfiGwRXJfFgUa0mVoArP2hHvkFzRWzy"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "lN6uwWvmig0r8LXBADtnjeVn2qTTCDImTUqbkXwV", "oGkhWicmATfsv16LUQKySIVj88faBtIdHEtwfISe"),
    ]

    @Test(arguments: referenceVectors)
    func ff1MatchesTheReference(_ radix: Int, _ tweak: String, _ plain: String, _ cipher: String) {
        #expect(Self.encrypt(plain, radix: radix, tweak: tweak) == (0, cipher))
        #expect(Self.decrypt(cipher, radix: radix, tweak: tweak) == (0, plain))
    }

    @Test func lengthLimitsKeepEveryHalfBelow2To120() {
        #expect(mk_ff1_max_count(10) == 72)
        #expect(mk_ff1_max_count(28) == 48)
        #expect(mk_ff1_max_count(36) == 46)
        #expect(mk_ff1_max_count(62) == 40)
        #expect(mk_ff1_max_count(1) == 0 && mk_ff1_max_count(256) == 0)
        for radix in [10, 28, 62] {
            let limit = Int(mk_ff1_max_count(UInt32(radix)))
            #expect(Self.encrypt(String(repeating: "1", count: limit), radix: radix, tweak: "01").0 == 0)
            #expect(Self.encrypt(String(repeating: "1", count: limit + 1), radix: radix, tweak: "01").0 == -1)
        }
    }

    @Test func argumentsOutOfRangeAreRefusedAndLeaveTheNumeralsAlone() {
        #expect(Self.encrypt("7", radix: 10, tweak: "") == (-1, "7"), "FF1 needs two numerals")
        #expect(Self.encrypt("0a", radix: 10, tweak: "") == (-1, "0a"), "a numeral at or above the radix")
        #expect(Self.encrypt("0123", radix: 10, tweak: String(repeating: "ab", count: 65)) == (-1, "0123"),
                "a tweak over 64 bytes")
    }

    /// Decryption inverts encryption at every length of every radix the tokenizer uses, on random
    /// numerals: each FF1 instance is a permutation.
    @Test func decryptInvertsEncryptAtEveryLength() {
        var g = StageOneTests.Generator(state: 62)
        var key = Self.nistKey
        for radix in [10, 28, 36, 62] {
            for n in 2...Int(mk_ff1_max_count(UInt32(radix))) {
                for tweakLength in [0, 2, 15, 33] {
                    let tweak = (0..<tweakLength).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                    let plain = (0..<n).map { _ in UInt8(g.next() % UInt64(radix)) }
                    var x = plain
                    #expect(mk_ff1_encrypt(&key, tweak, tweak.count, UInt32(radix), &x, n) == 0)
                    #expect(x.allSatisfy { Int($0) < radix })
                    #expect(mk_ff1_decrypt(&key, tweak, tweak.count, UInt32(radix), &x, n) == 0)
                    #expect(x == plain, "radix \(radix), \(n) numerals, tweak of \(tweakLength) bytes")
                }
            }
        }
    }

    /// Every 2-numeral string of radix 62 (FF1's smallest instance the tokenizer uses) maps to a
    /// distinct one: a permutation, checked exhaustively.
    @Test func radix62PairsArePermuted() {
        var key = Self.nistKey
        var seen = Set<Int>()
        for v in 0..<(62 * 62) {
            var x: [UInt8] = [UInt8(v / 62), UInt8(v % 62)]
            _ = mk_ff1_encrypt(&key, [0x43, 0x41], 2, 62, &x, 2)
            seen.insert(Int(x[0]) * 62 + Int(x[1]))
        }
        #expect(seen.count == 62 * 62)
    }
}
