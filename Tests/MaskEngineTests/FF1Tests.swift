import CMaskKernels
import Foundation
import Testing
@testable import MaskEngine

/// AES-128 against FIPS-197, AES-NI against the portable twin, and FF1 against NIST's samples, an
/// independent reference (Tests/Vectors/ff1_reference.py) and its own inverse, on both AES paths and
/// both round loops (64-bit and 128-bit), alone, prepared and batched. Each AES path is forced with
/// the kernel path hook and every call asserts the path it ran; on a CPU without AES-NI the
/// comparisons with it are reported as skipped (KernelPathTests.cpuRunsAESNI), not passed.
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

    static func decrypt(_ cipher: String, radix: Int, tweak: String, key: mk_aes128_key = nistKey) -> (Int32, String) {
        var key = key
        var x = numerals(cipher)
        let t = hex(tweak)
        let rc = mk_ff1_decrypt(&key, t, t.count, UInt32(radix), &x, x.count)
        return (rc, text(x))
    }

    /// `raw` expanded as a key of `path` (forced while the key is expanded: the key keeps its path).
    static func key(_ raw: [UInt8], on path: KernelPath) -> mk_aes128_key? {
        AcceleratedKernel.aes.withPath(path) {
            var key = mk_aes128_key()
            mk_aes128_init(&key, raw)
            return key
        }
    }

    /// The path a call runs on a key expanded on `path`: a `.wide` key runs VAES only for batches of two or
    /// more strings of a small plan whose moduli are both at least 2^13 (the vector rounds' quotient
    /// estimate needs it), and AES-NI for everything else.
    static func expectedPath(_ path: KernelPath, batchOf values: Int = 1, plan: mk_ff1_plan? = nil) -> KernelPath {
        guard path == .wide else { return path }
        if let plan, values > 1, plan.modulus.0 >= 1 << 13, plan.modulus.1 >= 1 << 13 { return .wide }
        return .accelerated
    }

    /// The AES path that `body` ran (nil: no AES entry point ran).
    static func ranPath(_ body: () -> Void) -> KernelPath? {
        AcceleratedKernel.aes.resetLastPath()
        body()
        return AcceleratedKernel.aes.lastPath
    }

    /// What `body` returns, expecting it to have run the AES path `path`.
    static func onPath<Result>(_ path: KernelPath, sourceLocation: SourceLocation = #_sourceLocation,
                               _ body: () -> Result) -> Result {
        AcceleratedKernel.aes.resetLastPath()
        let result = body()
        #expect(AcceleratedKernel.aes.lastPath == path, "AES ran \(String(describing: AcceleratedKernel.aes.lastPath))",
                sourceLocation: sourceLocation)
        return result
    }

    @Test(arguments: AcceleratedKernel.aes.availablePaths)
    func aesMatchesFIPS197(_ path: KernelPath) throws {
        var key = try #require(Self.key(Self.hex("000102030405060708090a0b0c0d0e0f"), on: path))
        var block = Self.hex("00112233445566778899aabbccddeeff")
        #expect(Self.ranPath { mk_aes128_encrypt(&key, &block) } == Self.expectedPath(path))
        #expect(block == Self.hex("69c4e0d86a7b0430d8cdb78070b4c55a"))
    }

    @Test(.requires(.aes)) func aesNIMatchesPortable() throws {
        var g = StageOneTests.Generator(state: 5)
        for _ in 0..<200 {
            let raw = (0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            var unforced = mk_aes128_key()
            mk_aes128_init(&unforced, raw)
            #expect(unforced.uses_aesni == 1, "a key made without forcing takes AES-NI where the CPU has it")
            var fast = try #require(Self.key(raw, on: .accelerated))
            var slow = try #require(Self.key(raw, on: .portable))
            #expect(fast.uses_aesni == 1 && slow.uses_aesni == 0)
            let block = (0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            var a = block, b = block, c = block
            #expect(Self.ranPath { mk_aes128_encrypt(&fast, &a) } == .accelerated)
            #expect(Self.ranPath { mk_aes128_encrypt(&slow, &b) } == .portable)
            #expect(Self.ranPath { mk_aes128_encrypt_portable(&fast, &c) } == .portable)
            #expect(a == b && b == c)
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

    /// Known answers for the b = 4 layout (NUM(B) in 4 bytes, d = 8) that card payloads use: radix 10
    /// at 15 to 18 digits (16- to 19-digit cards less the check digit), and 19 (b = 5, d = 12) on the
    /// far side of the boundary, under the tokenizer's one-byte tweaks (0x02 cards, 0x03 SSNs) and a
    /// two-byte one, with NIST's sample key. Made by `python3 Tests/Vectors/ff1_reference.py` (the
    /// lines after "# cardLengthVectors"), an implementation written from SP 800-38G's steps with
    /// unbounded integers that first passes NIST's nine samples.
    static let cardLengthVectors: [(String, String, String)] = [
        ("02", "577463706433044", "387141824388282"),
        ("02", "529403940290779", "803101020809182"),
        ("03", "434546157682949", "706379620302436"),
        ("03", "041085372445771", "713284909429891"),
        ("5301", "270770717917023", "894621613675222"),
        ("5301", "650806957813511", "339203601777353"),
        ("02", "8130601062432903", "8993878548416428"),
        ("02", "8311246606777400", "1351064030239633"),
        ("03", "0364861316141762", "8416456749134537"),
        ("03", "6322668362572636", "5323482319446972"),
        ("5301", "0749411473873978", "3228162791075442"),
        ("5301", "2781150717085821", "1064776710429630"),
        ("02", "56461337300356993", "79543805182269438"),
        ("02", "04060283388480998", "12845240092126172"),
        ("03", "37975272130154120", "29741654292931317"),
        ("03", "29135396121710922", "43665951207117935"),
        ("5301", "23605166419693575", "76322305613139289"),
        ("5301", "60531366093685086", "27884142907812652"),
        ("02", "502635260606702023", "610866205346877403"),
        ("02", "949960018802599198", "379004745821790842"),
        ("03", "472964996812904447", "636548026990864843"),
        ("03", "514649701156474340", "251692147840487389"),
        ("5301", "703162935691405256", "367781586509083691"),
        ("5301", "945323808140081431", "465269623208042579"),
        ("02", "1775001461569763934", "9270237662900088296"),
        ("02", "2322651203261446556", "6593382192633219674"),
        ("03", "3537080507868691823", "3412443203963437330"),
        ("03", "8302024357072357655", "1357200068585199885"),
        ("5301", "3460603620399209183", "0260684914212458674"),
        ("5301", "9364070545533084245", "4983749008720140180"),
    ]

    /// NIST's sample key expanded on every AES path this CPU has: the portable twin, and AES-NI when the
    /// CPU has it.
    static var keysOfEveryPath: [(path: KernelPath, key: mk_aes128_key)] {
        AcceleratedKernel.aes.availablePaths.compactMap { path in
            key(hex("2B7E151628AED2A6ABF7158809CF4F3C"), on: path).map { (path, $0) }
        }
    }

    @Test(arguments: cardLengthVectors)
    func ff1MatchesTheReferenceAtCardLengths(_ tweak: String, _ plain: String, _ cipher: String) {
        for (path, key) in Self.keysOfEveryPath {
            #expect(Self.onPath(Self.expectedPath(path)) { Self.encrypt(plain, radix: 10, tweak: tweak, key: key) } == (0, cipher))
            #expect(Self.onPath(Self.expectedPath(path)) { Self.decrypt(cipher, radix: 10, tweak: tweak, key: key) } == (0, plain))
            // Prepared, alone and in batches that fill a whole group of lanes, part of one, and more.
            var key = key
            var plan = mk_ff1_plan()
            let t = Self.hex(tweak)
            #expect(mk_ff1_prepare(&plan, &key, t, t.count, 10, plain.count) == 0)
            var x = Self.numerals(plain)
            #expect(Self.onPath(Self.expectedPath(path)) { mk_ff1_encrypt_prepared(&plan, &x) } == 0)
            #expect(Self.text(x) == cipher)
            for values in [1, 3, 8, 11] {
                let stride = plain.count + 3
                var many = [UInt8](repeating: 77, count: stride * values)
                for k in 0..<values { many.replaceSubrange(k * stride..<(k * stride + plain.count), with: Self.numerals(plain)) }
                #expect(Self.onPath(Self.expectedPath(path, batchOf: values, plan: plan)) {
                    mk_ff1_encrypt_prepared_batch(&plan, &many, stride, values)
                } == 0)
                for k in 0..<values {
                    #expect(Self.text(Array(many[k * stride..<(k * stride + plain.count)])) == cipher, "batch of \(values)")
                    #expect(many[(k * stride + plain.count)..<((k + 1) * stride)].allSatisfy { $0 == 77 },
                            "the bytes between strings are not touched")
                }
            }
        }
    }

    /// Known answers on both sides of the switch between the kernel's round loops: for each radix, the
    /// two longest lengths whose halves stay below 2^48 (64-bit rounds, also prepared) and the two
    /// shortest past them (128-bit rounds). Made by `python3 Tests/Vectors/ff1_reference.py` (the lines
    /// after "# boundaryVectors").
    static let boundaryVectors: [(Int, String, String, String)] = [
        (10, "02", "852884836221733888273016127", "257706065591401636958577569"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "220845513440942562369405149", "188151851599642371798133174"),
        (10, "02", "4971132578561056650967694253", "7400808229283908167041754520"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "7939232249698869607840100055", "6102364860362308030667634189"),
        (10, "02", "19787179172319335068604905661", "93498584825496974710442706965"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "37510132391234532960199168049", "47836841575727062694963488599"),
        (10, "02", "212116887957644732076394130261", "486440088715720211454737547092"),
        (10, "0102030405060708090a0b0c0d0e0f1011121314", "560589235828830072975103010236", "697169608750554981332046609757"),
        (28, "02", "31efmn5q33l92kohr", "eirp8l2lg1r4h152c"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "7d8bl2iqh857madci", "8mjm712jpi0nr2000"),
        (28, "02", "hhnabpbqr6rj5ofg2p", "hobcjh7l70ppfemn0b"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "7nj5rll9dq27p8ifdk", "bmn9bdfb974llcmqmo"),
        (28, "02", "mpgp8e2c39j81cqnbpd", "mc7mhmgl1gfamjilel9"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "58qmarlkk5phcr2n1hk", "8m2jkberenehfceopk5"),
        (28, "02", "03nqadrg4799d59lo5aa", "9kab6qna035kch3oa8m7"),
        (28, "0102030405060708090a0b0c0d0e0f1011121314", "f2d1j7hk0eahmjrj9mdn", "kemfi7o75i8dcpqb1ofo"),
        (36, "02", "mnay3trep52t8jed1", "cgmse2m5fp37hilo9"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "oiq4v1n5abp61n6ev", "d42kdrh2shakqtg7e"),
        (36, "02", "6uh42vwdtx6kvqt697", "upwqh8nk9i9mgf9e26"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "u9ku07s1c7gt5u5ffh", "zvb4nj5auh98skgb5n"),
        (36, "02", "hfxym8s01675znsxd3a", "prkmfr2ez7978dro7kx"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "4ilra07a30fqqd2uc71", "socgja59jks3t13dqs9"),
        (36, "02", "r8esznzcpno67z5vlz7i", "507gx4mxos7dxuqeesq1"),
        (36, "0102030405060708090a0b0c0d0e0f1011121314", "jfpjm0yqbxproegdiihp", "ycmq46n9ebw8kenaovy5"),
        (62, "02", "FGWnPQVG2Ltlt5n", "ANtxaTLwIrbHIDU"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "TdYpoA9ebmPkXxX", "KFlULbiOsaBkPbC"),
        (62, "02", "oRmzO4G9P6kxfTO1", "LE1XH0l9meFhyTin"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "jeoUb9UP6KN5e3pG", "BYOVKgObtrrZd6Dt"),
        (62, "02", "jfP81CNtz6yjX7f2J", "3wdwUMtyZOj4iq42X"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "LEHsLMLARpjXKtNQs", "wnqLdg4vx0kEdgswl"),
        (62, "02", "cfD9OWR9RFwjPgBqZs", "RNN9mTCh4sU3xq5tHn"),
        (62, "0102030405060708090a0b0c0d0e0f1011121314", "ni13puGNmqovAvwaAv", "HaPcANBJ2EIqla6XMj"),
    ]

    @Test(arguments: boundaryVectors)
    func ff1MatchesTheReferenceWhereTheRoundLoopsMeet(_ radix: Int, _ tweak: String, _ plain: String, _ cipher: String) {
        Self.expectKnownAnswer(radix, tweak, plain, cipher)
    }

    /// Expects a known answer on every AES path: encryption, decryption, and the prepared plan of its
    /// domain (`mk_ff1_prepare` while the halves stay below 2^48, `mk_ff1_prepare_wide` past that; each
    /// refuses the other's lengths).
    static func expectKnownAnswer(_ radix: Int, _ tweak: String, _ plain: String, _ cipher: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let t = hex(tweak)
        let smallDomain = pow(Double(radix), Double(plain.count - plain.count / 2)) < pow(2, 48)
        for (path, var key) in keysOfEveryPath {
            #expect(onPath(expectedPath(path)) { encrypt(plain, radix: radix, tweak: tweak, key: key) } == (0, cipher), "\(path)",
                    sourceLocation: sourceLocation)
            #expect(onPath(expectedPath(path)) { decrypt(cipher, radix: radix, tweak: tweak, key: key) } == (0, plain), "\(path)",
                    sourceLocation: sourceLocation)
            var plan = mk_ff1_plan()
            var wide = mk_ff1_wide_plan()
            #expect((mk_ff1_prepare(&plan, &key, t, t.count, UInt32(radix), plain.count) == 0) == smallDomain,
                    sourceLocation: sourceLocation)
            #expect((mk_ff1_prepare_wide(&wide, &key, t, t.count, UInt32(radix), plain.count) == 0) == !smallDomain,
                    sourceLocation: sourceLocation)
            var x = numerals(plain)
            let rc = onPath(expectedPath(path)) { smallDomain ? mk_ff1_encrypt_prepared(&plan, &x) : mk_ff1_encrypt_wide(&wide, &x) }
            #expect(rc == 0 && text(x) == cipher, "\(smallDomain ? "small" : "wide") plan, \(path)",
                    sourceLocation: sourceLocation)
        }
    }

    /// VAES batches (sixteen FF1s in vector registers, their quotients estimated in doubles) give what
    /// AES-NI and the portable AES give one string at a time: random keys, tweaks and digits at every
    /// length a card or SSN has and around them, batches of 2 to 40 (part of a group, whole groups, and
    /// more), and digit strings at the extremes (all 0s, all 9s), where NUM(S)'s reduction starts from
    /// the largest and smallest halves.
    @Test(.requires(.aes, .wide)) func vaesBatchesMatchOneByOne() throws {
        var g = StageOneTests.Generator(state: 0xFF1)
        for round in 0..<120 {
            let raw = (0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let tweak = (0..<Int(g.next() % 3)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let n = [9, 12, 13, 14, 15, 16, 17, 18, 19, 8, 10, 11, 20, 24, 28][round % 15]
            let values = Int(g.next() % 39) + 2
            var plain = (0..<(n * values)).map { _ in UInt8(g.next() % 10) }
            if round % 10 == 0 { plain = [UInt8](repeating: round % 20 == 0 ? 0 : 9, count: n * values) }
            var wideKey = try #require(Self.key(raw, on: .wide))
            var slowKey = try #require(Self.key(raw, on: .portable))
            #expect(wideKey.uses_vaes == 1 && slowKey.uses_vaes == 0)
            var expected = plain
            for k in 0..<values {
                expected.withUnsafeMutableBufferPointer { e in
                    _ = mk_ff1_encrypt(&slowKey, tweak, tweak.count, 10, e.baseAddress! + k * n, n)
                }
            }
            var plan = mk_ff1_plan()
            #expect(mk_ff1_prepare(&plan, &wideKey, tweak, tweak.count, 10, n) == 0)
            var batch = plain
            let ran = Self.ranPath { #expect(mk_ff1_encrypt_prepared_batch(&plan, &batch, n, values) == 0) }
            #expect(ran == .wide, "\(n) digits, \(values) values")
            #expect(batch == expected, "\(n) digits, \(values) values, round \(round)")
        }
    }

    /// Wide batches on the vector path (eight or sixteen strings a group, halves and remainders in 52-bit
    /// limbs, quotients estimated from doubles) give what the portable AES gives one string at a time:
    /// random keys, tweaks and numerals at every wide length of the tokenizer's radices, batches of 2 to
    /// 40 (part of a group, one or two registers, whole groups and more), and strings of all zeros and of
    /// all radix - 1, where the halves and NUM(S)'s reduction start from their extremes.
    @Test(.requires(.aes, .wide)) func vectorWideBatchesMatchOneByOne() throws {
        var g = StageOneTests.Generator(state: 0x1F3A)
        for round in 0..<160 {
            let radix = [62, 28, 36, 10][round % 4]
            let longest = Int(mk_ff1_max_count(UInt32(radix)))
            let shortestWide = (2...longest).first { n in pow(Double(radix), Double(n - n / 2)) >= pow(2, 48) }!
            let n = shortestWide + Int(g.next() % UInt64(longest - shortestWide + 1))
            let raw = (0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let tweak = (0..<Int(g.next() % 3)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let values = Int(g.next() % 39) + 2
            var plain = (0..<(n * values)).map { _ in UInt8(g.next() % UInt64(radix)) }
            if round % 10 == 0 { plain = [UInt8](repeating: round % 20 == 0 ? 0 : UInt8(radix - 1), count: n * values) }
            var wideKey = try #require(Self.key(raw, on: .wide))
            var slowKey = try #require(Self.key(raw, on: .portable))
            var expected = plain
            for k in 0..<values {
                expected.withUnsafeMutableBufferPointer { e in
                    _ = mk_ff1_encrypt(&slowKey, tweak, tweak.count, UInt32(radix), e.baseAddress! + k * n, n)
                }
            }
            var plan = mk_ff1_wide_plan()
            #expect(mk_ff1_prepare_wide(&plan, &wideKey, tweak, tweak.count, UInt32(radix), n) == 0)
            var batch = plain
            let ran = Self.ranPath { #expect(mk_ff1_encrypt_wide_batch(&plan, &batch, n, values) == 0) }
            #expect(ran == .wide, "radix \(radix), \(n) numerals, \(values) values")
            #expect(batch == expected, "radix \(radix), \(n) numerals, \(values) values, round \(round)")
        }
    }

    /// The kernel's two round loops (64-bit halves below 2^48, 128-bit above) and its two AES paths
    /// agree with each other at every length: encrypting with a forced path, preparing (a small or a
    /// wide plan), and batching all give what the reference-checked default gives, and decryption
    /// inverts each.
    @Test func preparedBatchedAndPortablePathsAgreeAtEveryLength() {
        var g = StageOneTests.Generator(state: 48)
        for radix in [10, 28, 36, 62] {
            for n in 2...Int(mk_ff1_max_count(UInt32(radix))) {
                let tweak = (0..<(n % 3)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                let values = Int(g.next() % 12) + 1
                let plain = (0..<(n * values)).map { _ in UInt8(g.next() % UInt64(radix)) }
                var expected = plain
                var key = Self.nistKey
                for k in 0..<values {
                    expected.withUnsafeMutableBufferPointer { e in
                        _ = mk_ff1_encrypt(&key, tweak, tweak.count, UInt32(radix), e.baseAddress! + k * n, n)
                    }
                }
                for (path, var key) in Self.keysOfEveryPath {
                    var one = plain
                    let ran = Self.ranPath {
                        for k in 0..<values {
                            one.withUnsafeMutableBufferPointer { o in
                                _ = mk_ff1_encrypt(&key, tweak, tweak.count, UInt32(radix), o.baseAddress! + k * n, n)
                            }
                        }
                    }
                    #expect(ran == Self.expectedPath(path), "radix \(radix), \(n) numerals")
                    #expect(one == expected, "radix \(radix), \(n) numerals, \(path)")
                    var plan = mk_ff1_plan()
                    let smallDomain = pow(Double(radix), Double(n - n / 2)) < pow(2, 48)
                    #expect((mk_ff1_prepare(&plan, &key, tweak, tweak.count, UInt32(radix), n) == 0) == smallDomain,
                            "radix \(radix), \(n) numerals: prepared exactly when the halves stay below 2^48")
                    if smallDomain {
                        var batch = plain
                        #expect(mk_ff1_encrypt_prepared_batch(&plan, &batch, n, values) == 0)
                        #expect(batch == expected, "radix \(radix), \(n) numerals, batch of \(values)")
                    }
                    var wide = mk_ff1_wide_plan()
                    #expect((mk_ff1_prepare_wide(&wide, &key, tweak, tweak.count, UInt32(radix), n) == 0) == !smallDomain,
                            "radix \(radix), \(n) numerals: a wide plan exactly where the small one is refused")
                    if !smallDomain {
                        var each = plain
                        let ranWide = Self.ranPath {
                            for k in 0..<values {
                                each.withUnsafeMutableBufferPointer { e in
                                    _ = mk_ff1_encrypt_wide(&wide, e.baseAddress! + k * n)
                                }
                            }
                        }
                        #expect(ranWide == Self.expectedPath(path), "radix \(radix), \(n) numerals, wide plan")
                        #expect(each == expected, "radix \(radix), \(n) numerals, wide plan, \(path)")
                        // 1 to 12 strings: groups of eight and four side by side, and the one or two left alone.
                        var batch = plain
                        let ranBatch = Self.ranPath { #expect(mk_ff1_encrypt_wide_batch(&wide, &batch, n, values) == 0) }
                        // Two or more strings on a VAES key take the vector rounds (IFMA limbs).
                        #expect(ranBatch == (path == .wide && values > 1 ? .wide : Self.expectedPath(path)),
                                "radix \(radix), \(n) numerals, wide batch of \(values)")
                        #expect(batch == expected, "radix \(radix), \(n) numerals, wide batch of \(values), \(path)")
                        var bad = plain
                        bad[bad.count - 1] = UInt8(radix)
                        let before = bad
                        #expect(mk_ff1_encrypt_wide_batch(&wide, &bad, n, values) == -1, "a numeral at the radix refuses the batch")
                        #expect(bad == before, "no string of a refused batch is touched")
                    }
                    for k in 0..<values {
                        one.withUnsafeMutableBufferPointer { o in
                            _ = mk_ff1_decrypt(&key, tweak, tweak.count, UInt32(radix), o.baseAddress! + k * n, n)
                        }
                    }
                    #expect(one == plain)
                }
            }
        }
    }

    /// The length-keeping tokenizer's prepared instances (small and wide plans, made on first use,
    /// and the unprepared cipher once the set is full) encipher as the cipher does, for every length
    /// of radix 62 and 28 under more tweaks than the set keeps.
    @Test func preparedInstancesEncipherAsTheCipherDoes() {
        let cipher = FF1Cipher(prf: KeyedPRF(key: TokenKey(derivingFrom: Array("prepared instances".utf8))))
        var instances = PreparedFF1Instances(cipher: cipher)
        var g = StageOneTests.Generator(state: 256)
        var met = Set<[Int]>()
        for round in 0..<3 {
            for tweak in 0..<UInt8(6) {
                for radix in [62, 28] {
                    for n in 2...FF1Cipher.maximumCount(radix: radix) {
                        met.insert([Int(tweak), radix, n])
                        var expected = (0..<n).map { _ in UInt8(g.next() % UInt64(radix)) }
                        var got = expected
                        let t = (0x40 | tweak, UInt8(ascii: radix == 62 ? "A" : "P"))
                        cipher.encrypt(&expected, count: n, radix: radix, tweak: t, tweakLength: 2)
                        instances.encrypt(&got, count: n, radix: radix, tweak: t)
                        #expect(got == expected, "round \(round), tweak \(tweak), radix \(radix), \(n) numerals")
                    }
                }
            }
        }
        #expect(met.count > PreparedFF1Instances.capacity, "some instances took the unprepared path")
    }

    @Test func aBatchWithABadNumeralOrStrideIsRefusedWhole() {
        var key = Self.nistKey
        var plan = mk_ff1_plan()
        #expect(mk_ff1_prepare(&plan, &key, [2], 1, 10, 9) == 0)
        let good = Self.numerals("123456789")
        var batch = good + good + Self.numerals("12345678a") + good
        let before = batch
        #expect(mk_ff1_encrypt_prepared_batch(&plan, &batch, 9, 4) == -1)
        #expect(batch == before, "no string of a refused batch is touched")
        #expect(mk_ff1_encrypt_prepared_batch(&plan, &batch, 8, 2) == -1, "strings may not overlap")
        #expect(mk_ff1_encrypt_prepared_batch(&plan, &batch, 9, 0) == 0)
        #expect(batch == before)
        #expect(mk_ff1_prepare(&plan, &key, [2], 1, 10, 29) == -1, "10^15 is past 2^48: mk_ff1_encrypt's")
        #expect(mk_ff1_prepare(&plan, &key, [2], 1, 10, 28) == 0)
        #expect(mk_ff1_prepare(&plan, &key, [2], 1, 62, 17) == -1)
        #expect(mk_ff1_prepare(&plan, &key, [2], 1, 62, 16) == 0)
        #expect(mk_ff1_prepare(&plan, &key, [2], 1, 10, 1) == -1)
        var wide = mk_ff1_wide_plan()
        #expect(mk_ff1_prepare_wide(&wide, &key, [2], 1, 62, 16) == -1, "the small plan's length")
        #expect(mk_ff1_prepare_wide(&wide, &key, [2], 1, 62, 41) == -1, "past mk_ff1_max_count")
        #expect(mk_ff1_prepare_wide(&wide, &key, [2], 1, 62, 17) == 0)
        var long = Self.numerals(String(repeating: "1", count: 16)) + [62]
        let untouched = long
        #expect(mk_ff1_encrypt_wide(&wide, &long) == -1)
        #expect(long == untouched, "a refused string is not touched")
        var pair = Self.numerals(String(repeating: "1", count: 34))
        #expect(mk_ff1_encrypt_wide_batch(&wide, &pair, 16, 2) == -1, "wide strings may not overlap")
        #expect(mk_ff1_encrypt_wide_batch(&wide, &pair, 17, 0) == 0)
        #expect(pair == Self.numerals(String(repeating: "1", count: 34)), "nothing touched")
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
