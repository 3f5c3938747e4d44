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
                              (.usSSN, "536-90-4399")] {
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

    @Test func decimalPermutationIsABijection() {
        // Every 6-digit string (FF1's smallest decimal domain) maps to a distinct 6-digit string.
        let p = DecimalPermutation(prf: KeyedPRF(key: testKey))
        let width = 6
        var seen = Set<Int>()
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: width)
        defer { buffer.deallocate() }
        for v in 0..<1_000_000 {
            var x = v
            for i in (0..<width).reversed() { buffer[i] = UInt8(x % 10); x /= 10 }
            p.permute(buffer, count: width, tag: 9)
            seen.insert(buffer.reduce(0) { $0 * 10 + Int($1) })
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
        #expect(try TokenKey(string: "a passphrase of some length").bytes.count == 32)
        #expect(throws: KeyError.tooShort(5)) { try TokenKey(string: "short") }
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
}
