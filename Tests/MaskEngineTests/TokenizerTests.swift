import CMaskKernels
import Testing
@testable import MaskEngine

/// Properties of tokens: determinism, key separation, format preservation, bijectivity, Luhn failure.
@Suite struct TokenizerTests {
    func token(_ type: EntityType, _ value: String, key: TokenKey = testKey) -> String {
        var out: [UInt8] = []
        Array(value.utf8).withUnsafeBufferPointer { Tokenizer(key: key).appendToken(type, $0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func sameValueSameKeySameToken() {
        for (type, value) in [(EntityType.email, "ann@example.com"), (.creditCard, "4111 1111 1111 1111"),
                              (.usSSN, "536-90-4399"), (.secret, "ghp_R2d2C3poLuke0Leia1Han2Chewie3Yoda4Vv")] {
            #expect(token(type, value) == token(type, value))
            #expect(token(type, value) != token(type, value, key: otherKey))
        }
    }

    @Test func emailTokensAreValidReservedEmailsThatKeepCase() {
        let t = token(.email, "Ann.Lee+news@Example.COM")
        // A UNIQUE(email) column may hold both spellings: their tokens must differ too.
        #expect(t != token(.email, "ann.lee+news@example.com"))
        #expect(t.hasSuffix("@example.invalid"))
        #expect(t.utf8.count == 16 + "@example.invalid".utf8.count)
        #expect(t.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567@.".contains($0) })
        #expect(token(.email, "bob@example.com") != t)
        #expect(token(.email, "Zoë@exämple.com") != token(.email, "zoë@exämple.com"))
    }

    @Test(arguments: ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "378282246310005",
                      "3782 822463 10005", "6011111111111117", "4222222222222", "6200000000000000005"])
    func cardTokensKeepLayoutAndFailLuhn(_ card: String) {
        let t = token(.creditCard, card)
        #expect(t.count == card.count)
        for (a, b) in zip(card, t) { #expect(a.isNumber == b.isNumber); if !a.isNumber { #expect(a == b) } }
        let digits = t.compactMap { $0.wholeNumberValue }.map(UInt8.init)
        let valid = digits.withUnsafeBufferPointer { Luhn.isValid(digits: $0, count: digits.count) }
        #expect(!valid, "card token \(t) must fail Luhn")
        #expect(findings(in: t).isEmpty, "a token is not detected again")
    }

    @Test func ssnTokensKeepSeparators() {
        let t = token(.usSSN, "536-90-4399")
        #expect(t.count == 11)
        #expect(Array(t)[3] == "-" && Array(t)[6] == "-")
        #expect(t != "536-90-4399")
        let spaced = token(.usSSN, "536 90 4399")
        #expect(spaced.replacingOccurrences(of: " ", with: "-") == t, "separators do not change the digits")
    }

    @Test func decimalCipherIsABijection() {
        // Every 6-digit string (FF1's smallest decimal domain) maps to a distinct 6-digit string.
        let cipher = FF1Cipher(prf: KeyedPRF(key: testKey))
        let width = 6
        var seen = Set<Int>()
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: width)
        defer { buffer.deallocate() }
        for v in 0..<1_000_000 {
            var x = v
            for i in (0..<width).reversed() { buffer[i] = UInt8(x % 10); x /= 10 }
            cipher.encrypt(buffer, count: width, radix: 10, tweak: (9, 0), tweakLength: 1)
            seen.insert((0..<width).reduce(0) { $0 * 10 + Int(buffer[$1]) })
        }
        #expect(seen.count == 1_000_000)
    }

    @Test func manyCardTokensAreDistinct() {
        var tokens = Set<String>()
        var n = 0
        var payload: UInt64 = 411111111111000
        while n < 2000 {
            payload += 7
            var digits = String(payload).compactMap { $0.wholeNumberValue }.map(UInt8.init)
            let check = digits.withUnsafeBufferPointer { Luhn.checkDigit(payload: $0, count: $0.count) }
            digits.append(check)
            tokens.insert(token(.creditCard, digits.map(String.init).joined()))
            n += 1
        }
        #expect(tokens.count == 2000)
    }

    @Test func keyMaterialForms() throws {
        let hex = try TokenKey(string: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        #expect(hex.bytes == testKey.bytes)
        // Pass-phrases, salts and short material: KeyTests.
    }

    @Test func actionsOnOneCell() {
        let value = "card 4111-1111-1111-1111 for ann@example.com"
        let f = findings(in: value)
        func apply(_ policy: MaskPolicy) -> (String, CellOutcome) {
            var out: [UInt8] = []
            let rewriter = CellRewriter(policy: policy, tokenizer: Tokenizer(key: testKey))
            let outcome = Array(value.utf8).withUnsafeBufferPointer { rewriter.rewrite($0, findings: f[...], as: .cell, into: &out) }
            return (String(decoding: out, as: UTF8.self), outcome)
        }
        #expect(apply(MaskPolicy(email: .redact, creditCard: .partial(keep: 4))).0
                == "card ****-****-****-1111 for ***************")
        let hashed = apply(MaskPolicy(email: .hash, creditCard: .hash)).0
        #expect(hashed.utf8.count == "card ".utf8.count + 32 + " for ".utf8.count + 32)
        #expect(apply(MaskPolicy(email: .null)).1 == .null)
        let tokenized = apply(.default).0
        #expect(!tokenized.contains("4111") && !tokenized.contains("ann@"))
    }

    @Test func secretsAreTokenizedByDefault() throws {
        #expect(MaskPolicy.default.secret == .tokenize)
        let value = "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm3Wv0T"
        let f = findings(in: value)
        try #require(f.count == 1 && f[0].type == .secret)
        var out: [UInt8] = []
        let rewriter = CellRewriter(policy: .default, tokenizer: Tokenizer(key: testKey))
        _ = Array(value.utf8).withUnsafeBufferPointer { rewriter.rewrite($0, findings: f[...], as: .cell, into: &out) }
        let masked = String(decoding: out, as: UTF8.self)
        #expect(masked.utf8.count == value.utf8.count)
        #expect(masked.hasPrefix("aws_secret_access_key="))
        #expect(!masked.contains("*") && !masked.contains("wJalrXUtnFEMI"))
    }

    /// Spans are disjoint by contract; if a detector ever breaks it (equal or overlapping spans), the
    /// rewrite masks their union and keeps every byte outside them, instead of trapping.
    @Test func overlappingSpansAreMaskedAsTheirUnion() {
        let value = Array("card 4111111111111111 and 4300000000000033 end".utf8)
        let rewriter = CellRewriter(policy: .default, tokenizer: Tokenizer(key: testKey))
        let spans: [[Finding]] = [
            [Finding(start: 5, end: 21, type: .creditCard), Finding(start: 26, end: 42, type: .creditCard),
             Finding(start: 26, end: 42, type: .creditCard)],
            [Finding(start: 5, end: 21, type: .creditCard), Finding(start: 10, end: 42, type: .creditCard)],
            [Finding(start: 5, end: 42, type: .creditCard), Finding(start: 26, end: 42, type: .creditCard)],
        ]
        for f in spans {
            for keepingCharacters in [false, true] {
                var out: [UInt8] = []
                value.withUnsafeBufferPointer { v in
                    if keepingCharacters {
                        rewriter.rewriteKeepingCharacters(v, findings: f[...], actions: rewriter.defaultActions, into: &out)
                    } else {
                        _ = rewriter.rewrite(v, findings: f[...], as: .cell, into: &out)
                    }
                }
                let masked = String(decoding: out, as: UTF8.self)
                #expect(masked.hasPrefix("card ") && masked.hasSuffix(" end"), "\(masked)")
                #expect(!masked.contains("4111111111111111") && !masked.contains("4300000000000033"), "\(masked) \(f)")
            }
        }
    }

    @Test func binaryLayoutsGetSameLengthTokensNotAsterisks() throws {
        let value = "\u{1}ann@example.com\u{2}4111-1111-1111-1111\u{3}token=Zm9vYmFyYmF6cXV4MTIz"
        let f = findings(in: value)
        try #require(f.map(\.type) == [.email, .creditCard, .secret])
        func apply(_ policy: MaskPolicy, nullSpansEmpty: Bool = false) -> [UInt8] {
            var out: [UInt8] = []
            let rewriter = CellRewriter(policy: policy, tokenizer: Tokenizer(key: testKey))
            _ = Array(value.utf8).withUnsafeBufferPointer {
                rewriter.rewrite($0, findings: f[...], as: nullSpansEmpty ? .text : .cell, binaryLayout: true, into: &out)
            }
            return out
        }
        let tokens = apply(.default)
        #expect(tokens.count == value.utf8.count)
        let text = String(decoding: tokens, as: UTF8.self)
        #expect(!text.contains("ann@example") && !text.contains("4111") && !text.contains("Zm9v") && !text.contains("*"))
        #expect(Array(tokens)[4] == UInt8(ascii: "@") && text.contains("token="), "punctuation and context kept")
        let hashed = apply(MaskPolicy(email: .hash, creditCard: .hash, secret: .hash))
        #expect(hashed.count == value.utf8.count && hashed != tokens && !hashed.contains(UInt8(ascii: "*")))
        let nulled = apply(MaskPolicy(email: .null), nullSpansEmpty: true)
        #expect(nulled.count == value.utf8.count, "a null span in a binary layout is redacted, not removed")
        #expect(String(decoding: nulled, as: UTF8.self).hasPrefix("\u{1}***************\u{2}"))
    }
}

/// The same-length token of secrets (and of binary layouts and the varchar fallback): its shape,
/// determinism, key separation, and uniqueness, exhaustively on small domains and on random values.
@Suite struct LengthKeepingTokenTests {
    // One per test: a tokenizer's scratch is not shared between threads.
    let tokenizer = Tokenizer(key: testKey)
    let otherTokenizer = Tokenizer(key: otherKey)
    static let lettersAndDigits = Set(LengthKeepingTokenizer.lettersAndDigits)
    static let punctuation = Set(LengthKeepingTokenizer.punctuation)

    func token(_ value: [UInt8], type: EntityType = .secret, unit: LengthKeepingTokenizer.Unit = .byte,
               irreversible: Bool = false, otherKey: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        let t = otherKey ? otherTokenizer : tokenizer
        value.withUnsafeBufferPointer { t.appendSameSizeToken(type, $0, unit: unit, irreversible: irreversible, to: &out) }
        return out
    }

    static func characterCount(_ bytes: [UInt8]) -> Int { bytes.filter { $0 & 0xC0 != 0x80 }.count }

    /// The shape rules: same length; a letter or digit becomes one; kept bytes stay; punctuation stays
    /// unless the value has fewer than 4 letters, digits and non-ASCII bytes, and then becomes
    /// punctuation; non-ASCII bytes become letters or digits; nothing else appears.
    static func checkShape(_ value: [UInt8], _ token: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(token.count == value.count, sourceLocation: sourceLocation)
        let carriers = value.filter { lettersAndDigits.contains($0) || $0 >= 0x80 }.count
        for (v, t) in zip(value, token) {
            if lettersAndDigits.contains(v) || v >= 0x80 {
                #expect(lettersAndDigits.contains(t), sourceLocation: sourceLocation)
            } else if punctuation.contains(v) {
                if carriers >= 4 { #expect(t == v, sourceLocation: sourceLocation) } else {
                    #expect(punctuation.contains(t), sourceLocation: sourceLocation)
                }
            } else {
                #expect(t == v, "kept byte \(v)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [
        ("AWS secret key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm3Wv0T"),
        ("GitHub token: the prefix is enciphered too", "ghp_R2d2C3poLuke0Leia1Han2Chewie3Yoda4Vv"),
        ("JWT: dots kept", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
        ("weak password", "P@ssw0rd"),
        ("password with marks at both ends", "$ecur3Pass!"),
        ("exactly four letters and digits: punctuation kept", "ab-1-2!"),
        ("three letters: punctuation enciphered", "a!b@c#"),
        ("punctuation only", "!@#$%^&*"),
        ("one letter", "x"),
        ("one mark", "%"),
        ("kept bytes: space, quotes, comma, backslash", "pass word,\"x'\\y"),
        ("longer than FF1's 40: keystream", String(repeating: "k8Zq", count: 30)),
        ("41 letters and digits", String(repeating: "a", count: 41)),
        ("non-ASCII: each byte becomes a letter or digit", "contraseña-ñandú"),
        ("non-ASCII bytes carry the secret too", "ñ!é?"),
    ])
    func secretTokenShapes(_ name: String, _ value: String) {
        let v = Array(value.utf8)
        let t = token(v)
        Self.checkShape(v, t)
        #expect(t != v, "\(name): the token is not the value")
        #expect(t == token(v), "\(name): deterministic")
        #expect(t.allSatisfy { $0 < 0x80 }, "\(name): ASCII only")
        let escapables: [UInt8] = Array("\"',\\\t\n\r".utf8)
        for b in escapables { #expect(t.filter { $0 == b }.count == v.filter { $0 == b }.count, "\(name): no new \(b)") }
    }

    @Test func characterUnitsKeepTheCharacterCount() {
        for value in ["contraseña", "ñ", "日本語のパスワード12", "a€b", "Ann@exämple.com", "\u{1F600}x\u{1F600}"] {
            let v = Array(value.utf8)
            let t = token(v, unit: .character)
            #expect(Self.characterCount(t) == value.unicodeScalars.count && t.count == value.unicodeScalars.count,
                    "\(value): one ASCII byte per character")
            #expect(t.allSatisfy { $0 < 0x80 })
            #expect(token(v, unit: .character) == t)
        }
        // ASCII values give the same token whichever the unit.
        let ascii = Array("S3cr3t-Pw".utf8)
        #expect(token(ascii, unit: .character) == token(ascii))
        // A stray continuation byte starts no character and adds none.
        let stray: [UInt8] = [0x80, 0x61, 0x62]
        #expect(token(stray, unit: .character).count == 2)
    }

    /// Exhaustive: every string of length 1 to 4 over letters, a digit, kept bytes and punctuation (2,800
    /// values, mixing every class pattern and both sides of the 4-carrier rule), and every 1- and
    /// 2-character printable ASCII string (9,120), gets its own token.
    @Test func smallDomainsAreMappedInjectively() {
        let symbols = Array("aZ7-!, ".utf8)
        var values: [[UInt8]] = [[]]
        var all: [[UInt8]] = []
        for _ in 1...4 {
            values = values.flatMap { prefix in symbols.map { prefix + [$0] } }
            all += values
        }
        for a in UInt8(0x20)...0x7E {
            all.append([a])
            for b in UInt8(0x20)...0x7E { all.append([a, b]) }
        }
        var tokens: [[UInt8]: [UInt8]] = [:]
        for v in all {
            let t = token(v)
            Self.checkShape(v, t)
            if let earlier = tokens[t], earlier != v {
                Issue.record("\(String(decoding: v, as: UTF8.self)) and \(String(decoding: earlier, as: UTF8.self)) share a token")
            }
            tokens[t] = v
        }
        #expect(Set(all).count == tokens.count)
    }

    static func randomValue(_ g: inout StageOneTests.Generator, nonASCII: Bool) -> [UInt8] {
        let length = 1 + Int(g.next() % 64)
        let pool = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+=!@#$%".utf8)
        var v: [UInt8] = []
        while v.count < length {
            if nonASCII && g.next() % 8 == 0 { v += Array("é".utf8) } else { v.append(pool[Int(g.next() % UInt64(pool.count))]) }
        }
        return v
    }

    /// 10^5 random distinct values of every length up to 64 (so FF1, the single-symbol permutations and
    /// the keystream all take part) give 10^5 distinct tokens, each of the right shape. The shape is
    /// checked on the first 10^4 in the order they were drawn (the set's own order changes from process
    /// to process, so which values were checked did too, and the test failed now and then), and not on
    /// a value holding an escape (a backslash escape, `%28`): those are tokenized as the characters they
    /// encode, whose letters and digits, not the raw bytes', decide whether the punctuation is kept
    /// (`=dQ%28e#%` has three once `%28` is `(`).
    @Test func randomValuesGetDistinctTokens() {
        var g = StageOneTests.Generator(state: 7)
        var seen = Set<[UInt8]>()
        var values: [[UInt8]] = []
        while values.count < 100_000 {
            let v = Self.randomValue(&g, nonASCII: false)
            if seen.insert(v).inserted { values.append(v) }
        }
        var tokens = Set<[UInt8]>()
        var checked = 0
        for (i, v) in values.enumerated() {
            let t = token(v)
            if i < 10_000 && !v.withUnsafeBufferPointer({ LengthKeepingTokenizer.holdsEscapes($0) }) {
                Self.checkShape(v, t)
                checked += 1
            }
            tokens.insert(t)
        }
        #expect(checked > 9_000, "most values hold no escape")
        #expect(tokens.count == values.count)
    }

    /// Values with non-ASCII bytes go through the keystream: collisions are possible in principle
    /// (62^-m), so this is a sample of long-enough values (m ≥ 12, under 2^-71 per pair), in byte and
    /// character units.
    @Test func nonASCIIValuesGetDistinctTokens() {
        var g = StageOneTests.Generator(state: 8)
        var values = Set<[UInt8]>()
        while values.count < 20_000 {
            let v = Self.randomValue(&g, nonASCII: true)
            if v.contains(where: { $0 >= 0x80 }) && Self.characterCount(v) >= 12 { values.insert(v) }
        }
        var bytes = Set<[UInt8]>(), characters = Set<[UInt8]>()
        for v in values {
            bytes.insert(token(v))
            characters.insert(token(v, unit: .character))
        }
        #expect(bytes.count == values.count && characters.count == values.count)
    }

    @Test func differentKeysAndTypesGiveDifferentTokens() {
        var g = StageOneTests.Generator(state: 9)
        var sameUnderOtherKey = 0, sameAcrossTypes = 0, sameAsDigest = 0
        for _ in 0..<2_000 {
            var v = Self.randomValue(&g, nonASCII: false)
            while v.filter({ Self.lettersAndDigits.contains($0) }).count < 8 { v += Array("q7".utf8) }
            let t = token(v)
            if token(v, otherKey: true) == t { sameUnderOtherKey += 1 }
            if token(v, type: .email) == t { sameAcrossTypes += 1 }
            let digest = token(v, irreversible: true)
            Self.checkShape(v, digest)
            if digest == t { sameAsDigest += 1 }
        }
        #expect(sameUnderOtherKey == 0 && sameAcrossTypes == 0 && sameAsDigest == 0)
    }

    /// A token shares a run of 4 letters or digits with its own value no more often than chance: about
    /// 37 × 37 / 62^4 ≈ 9·10^-5 per 40-character secret anywhere, 37 / 62^4 at the same place.
    @Test func tokensShareNoMoreOfTheirValueThanChance() {
        var g = StageOneTests.Generator(state: 10)
        let alphabet = LengthKeepingTokenizer.lettersAndDigits
        var anywhere = 0, samePlace = 0
        let trials = 10_000
        for _ in 0..<trials {
            let v = (0..<40).map { _ in alphabet[Int(g.next() % 62)] }
            let t = token(v)
            let runs = Set((0...36).map { Array(v[$0..<$0 + 4]) })
            if (0...36).contains(where: { runs.contains(Array(t[$0..<$0 + 4])) }) { anywhere += 1 }
            if (0...36).contains(where: { v[$0..<$0 + 4] == t[$0..<$0 + 4] }) { samePlace += 1 }
        }
        // Expected about 0.9 and 0.03 in 10^4 trials; a Poisson count above 8 has odds under 10^-5.
        #expect(anywhere <= 8 && samePlace <= 2, "anywhere \(anywhere), same place \(samePlace)")
    }

    /// The varchar fallback: spans keep their character count, and two values that differ only in
    /// case (or in one character) still differ, so a UNIQUE varchar column restores.
    @Test func varcharFallbackKeepsCharactersAndUniqueness() {
        let rewriter = CellRewriter(policy: .default, tokenizer: tokenizer)
        func fallback(_ value: String) -> String {
            let f = findings(in: value)
            var out: [UInt8] = []
            Array(value.utf8).withUnsafeBufferPointer { rewriter.rewriteKeepingCharacters($0, findings: f[...], actions: rewriter.defaultActions, into: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        let upper = fallback("Ann@x.com"), lower = fallback("ann@x.com"), other = fallback("ann@x.org")
        #expect(upper.count == 9 && lower.count == 9 && other.count == 9)
        #expect(upper != lower && lower != other && upper != "Ann@x.com")
        #expect(Array(lower)[3] == "@" && Array(lower)[5] == ".", "the address keeps its shape")
        let card = fallback("card 4111-1111-1111-1111")
        #expect(card.count == 24 && !card.contains("4111-1111") && card.hasPrefix("card "))
        // Spans with non-ASCII characters: one output character per character, whatever the action.
        let value = "pw=contraseña; mail é@exämple.com"
        let spans = [Finding(start: 3, end: 14, type: .secret), Finding(start: 21, end: 36, type: .email)]
        for policy in [MaskPolicy.default, MaskPolicy(email: .hash, secret: .hash),
                       MaskPolicy(email: .redact, secret: .partial(keep: 2))] {
            var out: [UInt8] = []
            let r = CellRewriter(policy: policy, tokenizer: tokenizer)
            Array(value.utf8).withUnsafeBufferPointer { r.rewriteKeepingCharacters($0, findings: spans[...], actions: r.defaultActions, into: &out) }
            let masked = String(decoding: out, as: UTF8.self)
            #expect(masked.count == value.count && masked.hasPrefix("pw=") && masked.contains("; mail "))
            #expect(!masked.contains("contrase") && !masked.contains("xämple"))
        }
    }
}

/// Faster ways to the same tokens: prepared digit ciphers, tokens written in place.
@Suite struct TokenShortcutTests {
    @Test func digitCipherIsTheFF1ItPrepares() {
        let cipher = FF1Cipher(prf: KeyedPRF(key: testKey))
        var g = StageOneTests.Generator(state: 1013)
        for tweak: UInt8 in [2, 3] {
            let digits = DigitCipher(cipher: cipher, tweak: tweak)
            for count in DigitCipher.lengths {
                let values = Int(g.next() % 20) + 1
                let stride = count + Int(g.next() % 3)
                let plain = (0..<(stride * values)).map { _ in UInt8(g.next() % 10) }
                var expected = plain, single = plain, batch = plain
                for k in 0..<values {
                    expected.withUnsafeMutableBufferPointer {
                        cipher.encrypt($0.baseAddress! + k * stride, count: count, radix: 10, tweak: (tweak, 0), tweakLength: 1)
                    }
                    single.withUnsafeMutableBufferPointer { digits.encrypt($0.baseAddress! + k * stride, count: count) }
                }
                batch.withUnsafeMutableBufferPointer {
                    digits.encrypt(batch: $0.baseAddress!, count: count, stride: stride, values: values)
                }
                #expect(single == expected, "tweak \(tweak), \(count) digits")
                #expect(batch == expected, "tweak \(tweak), \(count) digits, batch of \(values), stride \(stride)")
                #expect(expected != plain)
            }
        }
    }

    /// Tokens are written straight into the caller's buffer: after what it already holds, the same
    /// bytes as into an empty buffer, for every call and type.
    @Test func tokensAreAppendedAfterWhatTheBufferHolds() {
        let tokenizer = Tokenizer(key: testKey)
        let values: [(EntityType, String)] = [
            (.email, "ann@example.com"), (.email, "ann%40example.com"), (.creditCard, "4111 1111 1111 1111"),
            (.creditCard, "6200000000000000005"), (.usSSN, "536-90-4399"), (.secret, "ghp_R2d2C3poLuke0Leia1Han2"),
            (.secret, "Zoë-pässwörd-42"), (EntityType(customIndex: 0), "ID-0042"),
        ]
        for (type, value) in values {
            Array(value.utf8).withUnsafeBufferPointer { v in
                let calls: [(inout [UInt8]) -> Void] = [
                    { tokenizer.appendToken(type, v, to: &$0) },
                    { tokenizer.appendHash(type, v, to: &$0) },
                    { tokenizer.appendSameSizeToken(type, v, unit: .byte, to: &$0) },
                    { tokenizer.appendSameSizeToken(type, v, unit: .character, to: &$0) },
                    { tokenizer.appendSameSizeToken(type, v, unit: .byte, irreversible: true, to: &$0) },
                    { tokenizer.appendSameSizeToken(type, v, unit: .character, irreversible: true, to: &$0) },
                ]
                for (i, call) in calls.enumerated() {
                    var alone: [UInt8] = []
                    call(&alone)
                    var after: [UInt8] = [9, 9, 9]
                    call(&after)
                    #expect(after == [9, 9, 9] + alone, "\(type), call \(i)")
                    #expect(!alone.isEmpty && alone != Array(value.utf8), "\(type), call \(i)")
                }
            }
        }
    }
}

/// The byte loops around a length-keeping token's FF1, in C (`mk_letters_numerals`, `mk_letters_write`),
/// against their meaning written out here, on any bytes and on every path the CPU has.
@Suite struct LettersKernelTests {
    /// The tokenizer's class codes: a letter or digit's numeral (0...61), a mark's numeral + 64, 0xFE
    /// for kept bytes, 0xFF for bytes of 0x80 and above (LengthKeepingTokenizer's table, rebuilt here).
    static let classes: [UInt8] = {
        var table = [UInt8](repeating: 0xFE, count: 256)
        for b in 0x80...0xFF { table[b] = 0xFF }
        for (i, b) in LengthKeepingTokenizer.lettersAndDigits.enumerated() { table[Int(b)] = UInt8(i) }
        for (i, b) in LengthKeepingTokenizer.punctuation.enumerated() { table[Int(b)] = 64 + UInt8(i) }
        return table
    }()
    static let symbols = LengthKeepingTokenizer.lettersAndDigits + LengthKeepingTokenizer.punctuation.prefix(2)

    /// What `mk_letters_numerals` returns: the numerals, or nil for a non-ASCII byte or too many.
    static func numerals(_ value: [UInt8], limit: Int) -> [UInt8]? {
        if value.contains(where: { $0 >= 0x80 }) { return nil }
        let numerals = value.map { classes[Int($0)] }.filter { $0 < 64 }
        return numerals.count > limit ? nil : numerals
    }

    /// Values of 0 to 200 bytes (past one and three 64-byte steps), each drawn from one of four mixes:
    /// any byte, letters and digits only, ASCII with marks and kept bytes, letters with one non-ASCII
    /// byte placed anywhere; limits around the count, so that refusals at the limit are tried.
    @Test(arguments: AcceleratedKernel.letters.availablePaths)
    func lettersKernelsKeepTheirMeaningOnAnyBytes(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0x1E77E5)
        let letters = LengthKeepingTokenizer.lettersAndDigits
        AcceleratedKernel.letters.expectRuns(path) {
            for round in 0..<4000 {
                let length = Int(g.next() % 201)
                var value: [UInt8] = (0..<length).map { _ in
                    switch round % 4 {
                    case 0: UInt8(truncatingIfNeeded: g.next())
                    case 1: letters[Int(g.next() % 62)]
                    default: UInt8(truncatingIfNeeded: g.next() % 128)
                    }
                }
                if round % 4 == 3 && length > 0 { value[Int(g.next() % UInt64(length))] = 0x80 | UInt8(g.next() % 128) }
                let count = value.filter { $0 < 0x80 && Self.classes[Int($0)] < 64 }.count
                let limit = max(0, count + Int(g.next() % 5) - 2)
                var out = [UInt8](repeating: 0xAA, count: limit + 64)
                let got = mk_letters_numerals(value, value.count, Self.classes, &out, limit)
                let expected = Self.numerals(value, limit: limit)
                #expect(got == (expected.map { $0.count } ?? -1), "round \(round): \(value)")
                if let expected { #expect(Array(out.prefix(expected.count)) == expected, "round \(round)") }
                #expect(out[limit...].allSatisfy { $0 == 0xAA }, "round \(round): nothing past the limit")

                // The token: each letter or digit from the next numeral, every other byte as it was.
                let enciphered = (0..<count).map { _ in UInt8(g.next() % 62) }
                var token = [UInt8](repeating: 0, count: value.count)
                mk_letters_write(value, value.count, Self.classes, Self.symbols, enciphered, &token)
                var k = 0
                let want: [UInt8] = value.map { b in
                    guard b < 0x80 && Self.classes[Int(b)] < 64 else { return b }
                    defer { k += 1 }
                    return Self.symbols[Int(enciphered[k])]
                }
                #expect(token == want, "round \(round): \(value)")
            }
        }
    }

    /// Numerals from keystream bytes: each byte below the rejection bound gives byte % radix, the rest
    /// are skipped, and the draw stops right after the `want`-th numeral. Radices from 2 to 256 (62 and
    /// 28 the tokenizer's), runs of 0 to 64 bytes (a block pair's) and beyond, wants below, at and above
    /// what the bytes hold.
    @Test(arguments: AcceleratedKernel.letters.availablePaths)
    func keystreamNumeralsAreTheRejectionRule(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0x5EED)
        AcceleratedKernel.letters.expectRuns(path) {
            for round in 0..<6000 {
                let radix = [62, 28, 2, 3, 10, 61, 128, 200, 255, 256][round % 10]
                let available = Int(g.next() % 150)
                // Bytes dense in rejections half of the time.
                let bytes: [UInt8] = (0..<available).map { _ in
                    round % 2 == 0 ? UInt8(truncatingIfNeeded: g.next()) : UInt8(240 + g.next() % 16)
                }
                let limit = 256 - 256 % radix
                let accepted = bytes.filter { Int($0) < limit }.count
                let want = max(1, accepted + Int(g.next() % 9) - 4)
                var expected: [UInt8] = []
                var expectedConsumed = 0
                for b in bytes where expected.count < want {
                    expectedConsumed += 1
                    if Int(b) < limit { expected.append(UInt8(Int(b) % radix)) }
                }
                var out = [UInt8](repeating: 0xAA, count: want + 64)
                var consumed = 0
                let made = mk_letters_from_keystream(bytes, bytes.count, UInt32(radix), &out, want, &consumed)
                #expect(made == expected.count, "round \(round), radix \(radix)")
                #expect(consumed == expectedConsumed, "round \(round), radix \(radix)")
                #expect(Array(out.prefix(made)) == expected, "round \(round), radix \(radix)")
                #expect(out[want...].allSatisfy { $0 == 0xAA }, "round \(round): nothing past the room")
            }
        }
    }
}
