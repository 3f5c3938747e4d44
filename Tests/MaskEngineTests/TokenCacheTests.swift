import CMaskKernels
import Testing
import WireTestSupport
@testable import MaskEngine

/// The session token cache: a remembered token is always the token the tokenizer makes without one,
/// for every type and every kind of token, whatever the cache evicts; and repeated values are answered
/// from it.
@Suite struct TokenCacheTests {
    /// Every append function the rewriter calls.
    enum Kind: CaseIterable {
        case token, sameSizeBytes, sameSizeCharacters, sameSizeIrreversible, hash
    }

    static let values: [(EntityType, String)] = [
        (.email, "ann@example.com"), (.email, "Ann@Example.com"), (.email, "ann%40example.com"),
        (.creditCard, "4111 1111 1111 1111"), (.creditCard, "4111111111111111"), (.usSSN, "536-90-4399"),
        (.usSSN, "536904399"), (.secret, "ghp_R2d2C3poLuke0Leia1Han2Chewie3Yoda4Vv"),
        (.secret, "AKIAZ7Q3M5R4T6Y8U2W9"), (.secret, "x"), (.secret, ""),
        // Longer than a slot holds: never remembered, still right.
        (.secret, String(repeating: "k9Zq", count: 30)), (.email, String(repeating: "a", count: 60) + "@example.com"),
        // The same bytes as another type: a different token, from a different slot key.
        (.secret, "ann@example.com"), (.usSSN, "4111111111111111"),
    ]

    static func make(_ tokenizer: Tokenizer, _ kind: Kind, _ type: EntityType, _ value: String) -> [UInt8] {
        var out: [UInt8] = Array("prefix|".utf8)
        Array(value.utf8).withUnsafeBufferPointer { v in
            switch kind {
            case .token: tokenizer.appendToken(type, v, to: &out)
            case .sameSizeBytes: tokenizer.appendSameSizeToken(type, v, unit: .byte, to: &out)
            case .sameSizeCharacters: tokenizer.appendSameSizeToken(type, v, unit: .character, to: &out)
            case .sameSizeIrreversible: tokenizer.appendSameSizeToken(type, v, unit: .byte, irreversible: true, to: &out)
            case .hash: tokenizer.appendHash(type, v, to: &out)
            }
        }
        return out
    }

    @Test func rememberedTokensAreTheTokens() {
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let cached = Tokenizer(key: testKey)
        for kind in Kind.allCases {
            for (type, value) in Self.values {
                let expected = Self.make(plain, kind, type, value)
                // A miss, a miss that stores (the second sighting), then twice from the cache.
                for _ in 0..<4 {
                    #expect(Self.make(cached, kind, type, value) == expected, "\(kind) of \(type) \(value)")
                }
            }
        }
        #expect(plain.cache.hits == 0 && plain.cache.stores == 0, "a cache of 0 slots remembers nothing")
        #expect(cached.cache.hits > 0)
    }

    @Test func repeatedValuesAreAnsweredFromTheCache() {
        let tokenizer = Tokenizer(key: testKey)
        let emails = (0..<100).map { "user\($0)@example.com" }
        for e in emails { _ = Self.make(tokenizer, .token, .email, e) }
        // Doorkeeper bits are per hash (32,768 of them): a value whose bit an earlier one set is stored
        // on its first sighting (one such pair among these hundred).
        #expect(tokenizer.cache.stores <= 2, "a value seen once is not remembered")
        for e in emails { _ = Self.make(tokenizer, .token, .email, e) }
        #expect(tokenizer.cache.stores == 100, "each is remembered by its second sighting")
        let before = tokenizer.cache.hits
        for e in emails { _ = Self.make(tokenizer, .token, .email, e) }
        // Four ways in each of 64 sets (the table's first size): five of the hundred in one set evict.
        #expect(tokenizer.cache.hits - before >= 95)
    }

    @Test func collisionsAndEvictionsNeverGiveAnotherValuesToken() {
        // One set of four slots for thousands of values: nearly every lookup finds other values' tokens there.
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let tiny = Tokenizer(key: testKey, cachedTokens: 4)
        var generator = StageOneTests.Generator(state: 0x70CE)
        var seen: [(EntityType, String)] = []
        for _ in 0..<3_000 {
            let value: (EntityType, String)
            if !seen.isEmpty && generator.next() % 3 == 0 {
                value = seen[Int(generator.next() % UInt64(seen.count))]
            } else {
                let digits = String(generator.next() % 10_000_000_000_000_000)
                let type: EntityType = [.email, .creditCard, .usSSN, .secret][Int(generator.next() % 4)]
                value = (type, type == .email ? "u\(digits)@example.com" : digits)
                seen.append(value)
            }
            #expect(Self.make(tiny, .token, value.0, value.1) == Self.make(plain, .token, value.0, value.1))
        }
        #expect(tiny.cache.hits > 0, "repeats that kept their slot are answered")
    }

    @Test func distinctValuesTurnTheCacheAsideAndRepeatedOnesKeepIt() {
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let distinct = Tokenizer(key: testKey)
        let n = TokenCache.window + 100
        for i in 0..<n {
            let value = "customer\(i)@example.com"
            #expect(Self.make(distinct, .token, .email, value) == Self.make(plain, .token, .email, value))
        }
        #expect(distinct.cache.hits == 0)
        #expect(distinct.cache.bypassed == 100, "a window without hits sets the cache aside for the tokens after it")

        let repeated = Tokenizer(key: testKey)
        for i in 0..<(3 * TokenCache.window) {
            let value = "customer\(i % 50)@example.com"
            #expect(Self.make(repeated, .token, .email, value) == Self.make(plain, .token, .email, value))
        }
        #expect(repeated.cache.bypassed == 0)
        #expect(repeated.cache.hits >= 3 * TokenCache.window - 100, "all but each value's first two sightings hit")
    }

    @Test func theTableGrowsOnlyWhereValuesRepeat() {
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        // 1,500 customers in turn: more than the first table holds, all repeating.
        let busy = Tokenizer(key: testKey)
        #expect(busy.cache.slotCount == TokenCache.initialSlotCount)
        for i in 0..<(12 * TokenCache.window) {
            let value = "customer\(i % 1_500)@example.com"
            let token = Self.make(busy, .token, .email, value)
            if i % 97 == 0 { #expect(token == Self.make(plain, .token, .email, value)) }
        }
        #expect(busy.cache.slotCount == Tokenizer.defaultCachedTokens, "grown to its maximum")
        let hitsBefore = busy.cache.hits
        for i in 0..<1_500 { _ = Self.make(busy, .token, .email, "customer\(i)@example.com") }
        #expect(busy.cache.hits - hitsBefore > 1_200, "most of the 1,500 fit the grown table")

        // Distinct values: the table never grows.
        let quiet = Tokenizer(key: testKey)
        for i in 0..<(8 * TokenCache.window) { _ = Self.make(quiet, .token, .email, "once\(i)@example.com") }
        #expect(quiet.cache.slotCount == TokenCache.initialSlotCount)
    }

    @Test func hashesAreNeverZeroAndSeparateVariants() {
        let value: [UInt8] = Array("4111111111111111".utf8)
        value.withUnsafeBufferPointer { v in
            let token = TokenCache.hash(Tokenizer.Variant.token(.creditCard), v)
            #expect(token != 0)
            #expect(token != TokenCache.hash(Tokenizer.Variant.token(.usSSN), v))
            #expect(token != TokenCache.hash(Tokenizer.Variant.hash(.creditCard), v))
        }
        #expect(TokenCache.hash(0, UnsafeBufferPointer(start: nil, count: 0)) != 0)
    }
}

/// Card and SSN tokens made ahead for a column batch, FF1 interleaved: the same tokens as one by one.
@Suite struct PreparedDigitTokenTests {
    static func cards(_ g: inout StageOneTests.Generator, count: Int) -> [String] {
        // Detector shapes, and shapes no FF1 length takes (too many digits, too few), which both paths
        // give the length-keeping token.
        let layouts = ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "3782 822463 10005",
                       "378282246310005", "6011111111111117", "4222222222222", "6200000000000000005", "536-90-4399",
                       "536904399", "536 90 4399", "4111 1111 1111 1111 1111 11", "12345",
                       // The longest digit count FF1 takes (20), one more, and a value of more bytes than
                       // the digit kernel's numeral slots.
                       "41111111111111111111", "411111111111111111111", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"]
        return (0..<count).map { _ in
            // The layout's separators, digits drawn at random (Luhn is not needed to tokenize).
            String(layouts[Int(g.next() % UInt64(layouts.count))].map { $0.isNumber ? Character(String(g.next() % 10)) : $0 })
        }
    }

    /// The public column API: `appendTokens` gives each value the token `appendToken` gives it alone,
    /// for a column longer than one prepared batch (cards and SSNs prepared together, the rest one by
    /// one), with and without the cache, and says where each token ends.
    @Test(arguments: [0, Tokenizer.defaultCachedTokens])
    func aColumnOfTokensIsTheTokensOneByOne(cachedTokens: Int) {
        var g = StageOneTests.Generator(state: 0xC01)
        let count = Tokenizer.tokensPreparedTogether * 2 + 17
        let columns: [(EntityType, [String])] = [
            (.creditCard, Self.cards(&g, count: count)),
            (.usSSN, (0..<count).map { _ in
                String(String(1000 + g.next() % 900).dropFirst()) + "-" + String(String(100 + g.next() % 100).dropFirst())
                    + "-" + String(String(10000 + g.next() % 10000).dropFirst())
            }),
            (.email, (0..<count).map { i in "user\(g.next() % 50).\(i % 3)@example.com" }),
            (.secret, (0..<count).map { _ in "ghp_" + String((0..<36).map { _ in Character(UnicodeScalar(UInt8(97 + g.next() % 26))) }) }),
        ]
        for (type, values) in columns {
            var bytes: [UInt8] = []
            var ranges: [Range<Int>] = []
            for v in values {
                let start = bytes.count
                bytes.append(contentsOf: v.utf8)
                ranges.append(start..<bytes.count)
            }
            let alone = Tokenizer(key: testKey, cachedTokens: 0)
            let column = Tokenizer(key: testKey, cachedTokens: cachedTokens)
            var expected: [UInt8] = [], expectedEnds: [Int] = []
            var got: [UInt8] = [], ends: [Int] = []
            bytes.withUnsafeBufferPointer { b in
                for r in ranges {
                    alone.appendToken(type, UnsafeBufferPointer(rebasing: b[r]), to: &expected)
                    expectedEnds.append(expected.count)
                }
                column.appendTokens(type, of: ranges, in: b, to: &got, ends: &ends)
            }
            #expect(got == expected, "\(type)")
            #expect(ends == expectedEnds, "\(type)")
            if type == .creditCard || type == .usSSN || (type == .email && cachedTokens == 0) {
                #expect(column.prepared.taken > count / 2, "\(type): tokens came from prepared batches")
            }
            #expect(column.prepared.isEmpty && column.prepared.requests.isEmpty, "nothing left for the engine's next batch")
        }
    }

    @Test func preparedTokensAreTheTokensOneByOne() {
        var g = StageOneTests.Generator(state: 0xD1617)
        let values = Self.cards(&g, count: 300)
        var bytes: [UInt8] = []
        var spans: [(EntityType, Range<Int>)] = []
        for v in values {
            let start = bytes.count
            bytes.append(contentsOf: v.utf8)
            spans.append((v.filter(\.isNumber).count == 9 ? .usSSN : .creditCard, start..<bytes.count))
            bytes.append(UInt8(ascii: ","))
        }
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let batched = Tokenizer(key: testKey, cachedTokens: 0)
        bytes.withUnsafeBufferPointer { b in
            for (type, range) in spans { batched.prepared.request(type, UnsafeBufferPointer(rebasing: b[range])) }
            batched.prepareRequested()
            // Asked in order, some skipped (a cell a null action empties), some twice.
            for (i, (type, range)) in spans.enumerated() where i % 7 != 3 {
                var expected: [UInt8] = [], got: [UInt8] = []
                let value = UnsafeBufferPointer(rebasing: b[range])
                plain.appendToken(type, value, to: &expected)
                batched.appendToken(type, value, to: &got)
                #expect(got == expected, "\(String(decoding: value, as: UTF8.self))")
            }
        }
        #expect(batched.prepared.taken > 200, "most tokens came from the prepared batch")
    }

    /// The digit kernel (`mk_digit_tokens`, reached through a prepared batch) gives every value the token
    /// the one-by-one path gives it, whatever its shape: 1 to 40 bytes of digits and separators, runs
    /// of eight digits (read a word at a time) broken anywhere, digit counts the FF1 lengths take and
    /// counts they refuse, cards and SSNs mixed in one batch; values past 64 bytes (past the wide path's
    /// one vector), on each path of the kernel's byte loops.
    @Test(arguments: AcceleratedKernel.letters.availablePaths)
    func digitTokensOfAnyShapeAreTheTokensOneByOne(_ path: KernelPath) {
        var g = StageOneTests.Generator(state: 0xD16175)
        let others = Array(" -./a".utf8)
        var bytes: [UInt8] = []
        var spans: [(EntityType, Range<Int>)] = []
        for _ in 0..<2_000 {
            let start = bytes.count
            let length = 1 + Int(g.next() % (g.next() % 8 == 0 ? 90 : 40))
            let separatorShare = g.next() % 4  // none, few, some, many
            for _ in 0..<length {
                if g.next() % 12 < separatorShare * separatorShare {
                    bytes.append(others[Int(g.next() % UInt64(others.count))])
                } else {
                    bytes.append(UInt8(ascii: "0") + UInt8(g.next() % 10))
                }
            }
            spans.append((g.next() % 2 == 0 ? .creditCard : .usSSN, start..<bytes.count))
        }
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let batched = Tokenizer(key: testKey, cachedTokens: 0)
        bytes.withUnsafeBufferPointer { b in
            var first = 0
            while first < spans.count {
                let batch = spans[first..<min(spans.count, first + Tokenizer.tokensPreparedTogether)]
                for (type, range) in batch { batched.prepared.request(type, UnsafeBufferPointer(rebasing: b[range])) }
                AcceleratedKernel.letters.expectRuns(path) { batched.prepareRequested() }
                for (type, range) in batch {
                    var expected: [UInt8] = [], got: [UInt8] = []
                    let value = UnsafeBufferPointer(rebasing: b[range])
                    plain.appendToken(type, value, to: &expected)
                    batched.appendToken(type, value, to: &got)
                    #expect(got == expected, "\(type) \(String(decoding: value, as: UTF8.self))")
                }
                batched.prepared.removeAll()
                first += batch.count
            }
        }
        #expect(batched.prepared.taken > 500, "many tokens came from the kernel")
    }

    /// One cell can hold millions of findings (a batch of rows is bounded, a cell is not): a preparation
    /// keeps at most `PreparedTokens.maxRequests` of them, and every value past that still gets the token
    /// it would get one by one.
    @Test func aPreparationPastItsCapLeavesTheRestToTheRewrite() {
        let count = PreparedTokens.maxRequests + 1_500
        var bytes: [UInt8] = []
        var spans: [(EntityType, Range<Int>)] = []
        for i in 0..<count {
            let start = bytes.count
            let type: EntityType = i % 2 == 0 ? .email : .creditCard
            let text = type == .email ? "u\(i)@x\(i % 97).example.com" : "4\(String(100_000_000_000_000 + i * 7919))"
            bytes.append(contentsOf: Array(text.utf8))
            spans.append((type, start..<bytes.count))
            bytes.append(UInt8(ascii: " "))
        }
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let batched = Tokenizer(key: testKey, cachedTokens: 0)
        bytes.withUnsafeBufferPointer { b in
            for (type, range) in spans { batched.prepared.request(type, UnsafeBufferPointer(rebasing: b[range])) }
            #expect(batched.prepared.requests.count == PreparedTokens.maxRequests)
            batched.prepareRequested()
            var differing = 0
            for (type, range) in spans {
                var expected: [UInt8] = [], got: [UInt8] = []
                let value = UnsafeBufferPointer(rebasing: b[range])
                plain.appendToken(type, value, to: &expected)
                batched.appendToken(type, value, to: &got)
                if got != expected { differing += 1 }
            }
            #expect(differing == 0)
        }
        #expect(batched.prepared.taken > PreparedTokens.maxRequests / 2, "the requests kept came from the preparation")
    }

    /// One cell with more findings than a preparation holds (a huge document of emails, cards and
    /// SSNs) is rewritten with its tokens made a window at a time: the same bytes as one token at a time,
    /// and every token from a window (past the cap they were all made one by one).
    @Test(arguments: [1, 2])
    func aHugeCellsTokensAreMadeWindowByWindow(_ cellsBefore: Int) {
        let count = 2 * CellRewriter.findingsPerPreparation + 700
        var text = ""
        for i in 0..<count {
            switch i % 3 {
            case 0: text += "u\(i)@x\(i % 97).example.com, "
            case 1: text += "card \(Self.luhnCard(i)); "
            default: text += "ssn \(100 + i % 600)-\(10 + i % 89)-\(1000 + i % 8999) "
            }
        }
        let value = Array(text.utf8)
        let found = findings(in: text)
        #expect(found.count > count - 50)  // SSNs of area 666 are not issued
        let windowed = CellRewriter(policy: .default, tokenizer: Tokenizer(key: testKey, cachedTokens: 0))
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        value.withUnsafeBufferPointer { v in
            // Cells before it ask for their tokens as a batch would; the huge cell asks for none.
            let small = Array("a@b.example.com".utf8)
            small.withUnsafeBufferPointer { s in
                for _ in 0..<cellsBefore { windowed.requestTokens([Finding(start: 0, end: s.count, type: .email)], of: s, actions: windowed.defaultActions) }
            }
            windowed.requestTokens(found, of: v, actions: windowed.defaultActions)
            #expect(windowed.tokenizer.prepared.requests.count == cellsBefore)
            var out: [UInt8] = []
            #expect(windowed.rewrite(v, findings: found[...], as: .cell, into: &out) == .rewritten)
            var expected: [UInt8] = []
            var copied = 0
            for f in found {
                expected += v[copied..<f.start]
                plain.appendToken(f.type, UnsafeBufferPointer(rebasing: v[f.start..<f.end]), to: &expected)
                copied = f.end
            }
            expected += v[copied...]
            #expect(out == expected)
        }
        #expect(windowed.tokenizer.prepared.taken == found.count, "\(windowed.tokenizer.prepared.taken) of \(found.count) from windows")
        #expect(windowed.tokenizer.prepared.requests.isEmpty, "the windows are forgotten after the cell")
    }

    /// A Luhn-valid 16-digit Visa number, distinct for each `i`.
    static func luhnCard(_ i: Int) -> String {
        let payload = Array(String(400_000_000_000_000 + i * 7_919).utf8).map { $0 - 48 }
        let check = payload.withUnsafeBufferPointer { Luhn.checkDigit(payload: $0, count: 15) }
        return String(decoding: (payload + [check]).map { $0 + 48 }, as: UTF8.self)
    }

    /// The digit kernel refuses what no caller may give it, writing nothing: a value reaching past the
    /// bytes, a kind that is neither card nor SSN, plans it cannot index.
    @Test func theDigitKernelRefusesRequestsOutsideItsBytes() {
        let tokenizer = Tokenizer(key: testKey, cachedTokens: 0)
        let bytes = Array("4111111111111111,536-90-4399".utf8)
        var tokens = [UInt8](repeating: 0xEE, count: bytes.count)
        var numerals = [UInt8](repeating: 0, count: 2 * 2 * Int(MK_DIGIT_STRIDE))
        func run(_ requests: [(UInt32, UInt32, UInt8)], plans: UInt32 = UInt32(DigitCipher.lengths.count)) -> Int {
            var r = requests.map { request -> mk_digit_token_request in
                var q = mk_digit_token_request()
                (q.start, q.length, q.kind) = request
                return q
            }
            return mk_digit_tokens(tokenizer.cardDigits.plans, tokenizer.ssnDigits.plans,
                                   UInt32(DigitCipher.lengths.lowerBound), plans, bytes, bytes.count, &tokens, &r,
                                   r.count, &numerals)
        }
        let card = UInt8(MK_DIGIT_CARD), ssn = UInt8(MK_DIGIT_SSN)
        #expect(run([(0, 16, card), (17, 12, ssn)]) == -1, "the SSN reaches one byte past the bytes")
        #expect(run([(0, 16, card), (40, 1, ssn)]) == -1, "a start past the bytes")
        #expect(run([(0, 16, 3)]) == -1, "neither card nor SSN")
        #expect(run([(0, 16, card)], plans: 33) == -1, "more plans than the kernel indexes")
        #expect(tokens.allSatisfy { $0 == 0xEE }, "a refused batch writes no token")
        #expect(run([(0, 16, card), (17, 11, ssn)]) == 2)
        var expected: [UInt8] = []
        bytes.withUnsafeBufferPointer { b in
            tokenizer.appendToken(.creditCard, UnsafeBufferPointer(rebasing: b[0..<16]), to: &expected)
            expected.append(0xEE)
            tokenizer.appendToken(.usSSN, UnsafeBufferPointer(rebasing: b[17..<28]), to: &expected)
        }
        #expect(tokens == expected)
    }

    /// Secrets prepared together (their FF1 strings grouped by count, several side by side) are the
    /// secrets one by one, whatever their shape: 1 to 60 bytes, letters and digits with punctuation and
    /// kept bytes, counts FF1 takes (4 to 40 letters and digits), counts it leaves to the one-by-one path
    /// (fewer, where punctuation is enciphered too; more, where the keystream takes over) and values
    /// with non-ASCII bytes; some asked for twice, some skipped, one never requested. On every path of
    /// the letters kernel that reads and writes the prepared ones (the one-by-one path is Swift's).
    /// Values past FF1's 40 letters and digits (120 and 250 bytes) take the keystream, their seeds and
    /// blocks MACed together; with the keystream's margin taken away, most run short of blocks and are
    /// left to the one-by-one path, which must then give the same tokens too.
    /// The keystream's tokens must come from the batch with the margin: more taken from it than without.
    @Test(arguments: AcceleratedKernel.letters.availablePaths)
    func preparedSecretTokensAreTheTokensOneByOne(path: KernelPath) {
        AcceleratedKernel.letters.expectRuns(path) {
            let withMargin = preparedSecretTokensAreTheTokensOneByOne(streamMargin: 8)
            let without = preparedSecretTokensAreTheTokensOneByOne(streamMargin: -64)
            #expect(withMargin > without + 50, "long secrets prepared from the keystream: \(withMargin) against \(without)")
        }
    }

    /// Returns how many tokens came from the prepared batches.
    func preparedSecretTokensAreTheTokensOneByOne(streamMargin: Int) -> Int {
        var g = StageOneTests.Generator(state: 0x5EC2E7)
        let letters = Array("abcXYZ0189".utf8), marks = Array("-_./+=".utf8), kept = Array(" \"'".utf8)
        var bytes: [UInt8] = []
        var spans: [Range<Int>] = []
        for i in 0..<700 {
            let start = bytes.count
            // Lengths cluster around a few counts (as a column's keys do) with outliers.
            let length = i % 3 == 0 ? 1 + Int(g.next() % 60) : [20, 40, 41, 44, 120, 250][Int(g.next() % 6)]
            let nonASCII = g.next() % 10 == 0
            for k in 0..<length {
                let r = g.next() % 20
                if nonASCII && k == length / 2 {
                    bytes.append(contentsOf: [0xC3, 0xA9])
                } else if r < 15 {
                    bytes.append(letters[Int(g.next() % UInt64(letters.count))])
                } else if r < 19 {
                    bytes.append(marks[Int(g.next() % UInt64(marks.count))])
                } else {
                    bytes.append(kept[Int(g.next() % UInt64(kept.count))])
                }
            }
            spans.append(start..<bytes.count)
        }
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let batched = Tokenizer(key: testKey, cachedTokens: 0)
        batched.prepared.streamMarginBytes = streamMargin
        bytes.withUnsafeBufferPointer { b in
            var first = 0
            while first < spans.count {
                let batch = Array(spans[first..<min(spans.count, first + Tokenizer.tokensPreparedTogether)])
                for range in batch.dropLast() { batched.prepared.request(.secret, UnsafeBufferPointer(rebasing: b[range])) }
                batched.prepareRequested()
                for (i, range) in batch.enumerated() where i % 7 != 3 {
                    for _ in 0..<(i % 10 == 0 ? 2 : 1) {
                        var expected: [UInt8] = [], got: [UInt8] = []
                        let value = UnsafeBufferPointer(rebasing: b[range])
                        plain.appendToken(.secret, value, to: &expected)
                        batched.appendToken(.secret, value, to: &got)
                        #expect(got == expected, "\(String(decoding: value, as: UTF8.self))")
                    }
                }
                batched.prepared.removeAll()
                first += batch.count
            }
        }
        #expect(batched.prepared.taken > 300, "most tokens came from the prepared batches")
        return batched.prepared.taken
    }

    /// Emails prepared two MACs at a time are the emails one by one: literal `@`, URL-encoded,
    /// JSON-escaped and HTML-referenced separators (keys decoded, not the span itself), folded case,
    /// asked for in order with some skipped, some asked twice, and one never requested.
    @Test(arguments: [EmailCase.keep, .fold])
    func preparedEmailTokensAreTheTokensOneByOne(_ emailCase: EmailCase) {
        var g = StageOneTests.Generator(state: 0xE4A11)
        let separators = ["@", "%40", "\\u0040", "&#64;"]
        var key = testKey
        key.emailCase = emailCase
        var bytes: [UInt8] = []
        var spans: [Range<Int>] = []
        for i in 0..<301 {
            let start = bytes.count
            bytes.append(contentsOf: "Us\(g.next() % 1000).\(i)\(separators[i % 4])Mail\(i % 7).example.com".utf8)
            spans.append(start..<bytes.count)
            bytes.append(UInt8(ascii: ","))
        }
        let plain = Tokenizer(key: key, cachedTokens: 0)
        let batched = Tokenizer(key: key, cachedTokens: 0)
        bytes.withUnsafeBufferPointer { b in
            for range in spans.dropLast() { batched.prepared.request(.email, UnsafeBufferPointer(rebasing: b[range])) }
            batched.prepareRequested()
            for (i, range) in spans.enumerated() where i % 7 != 3 {
                for _ in 0..<(i % 10 == 0 ? 2 : 1) {
                    var expected: [UInt8] = [], got: [UInt8] = []
                    let value = UnsafeBufferPointer(rebasing: b[range])
                    plain.appendToken(.email, value, to: &expected)
                    batched.appendToken(.email, value, to: &got)
                    #expect(got == expected, "\(String(decoding: value, as: UTF8.self))")
                }
            }
        }
        #expect(batched.prepared.taken > 200, "most tokens came from the prepared batch")
    }

    @Test func aWireColumnBatchMasksAsRowsAloneDo() {
        var g = StageOneTests.Generator(state: 0xC0FFEE)
        let values = Self.cards(&g, count: 400)
        let header = Wire.rowDescription([("id", 20), ("note", 25), ("card_number", 25)])
        var rows: [[String?]] = []
        for (i, v) in values.enumerated() {
            rows.append(["\(i)", i % 5 == 0 ? "paid with \(v), thanks" : "no card here", i % 9 == 0 ? nil : v])
        }
        var whole = header
        for r in rows { whole += Wire.dataRow(r) }
        whole += Wire.commandComplete
        let batched = Wire.rows(maskStream(whole, workers: 1).output)
        #expect(batched.count == rows.count)
        // Each row in its own result: a batch of one row, whose cards are tokenized one by one.
        for (i, r) in rows.enumerated() where i % 13 == 0 || i < 20 {
            let alone = Wire.rows(maskStream(header + Wire.dataRow(r) + Wire.commandComplete, workers: 1).output)
            #expect(alone.first == batched[i], "row \(i)")
        }
        // Random digits: a card-number cell is masked where its digits pass Luhn (about one in ten) or
        // read as an SSN; enough of them for the batch to have prepared tokens to give.
        let masked = zip(rows, batched).filter { $0.0[2] != nil && $0.0[2] != $0.1[2] }.count
        #expect(masked > 40, "\(masked) card-number cells were tokenized")
    }

    /// CSV records with a card or SSN either in a plain field or in a quoted field with doubled quotes
    /// (decoded into the batch's scratch), never both, and emails beside them: a record alone asks for
    /// one digit token at most, which is made one by one (one gains nothing from interleaving), so a
    /// record alone checks the batch's prepared tokens against the one-by-one path.
    static func csvRecords(_ g: inout StageOneTests.Generator, count: Int) -> [String] {
        let values = Self.cards(&g, count: count)
        return values.enumerated().map { i, v in
            let inNote = i % 3 == 0
            let note = inNote ? "\"she said \"\"my card is \(v)\"\", mail u\(i)@example.com\"" : "\"no \"\"card\"\" here\""
            return "\(i),\(inNote || i % 11 == 0 ? "" : v),\(note),user\(i % 17)@example.org"
        }
    }

    @Test func aCSVRecordBatchMasksAsRecordsAloneDo() {
        var g = StageOneTests.Generator(state: 0xBA7C4)
        let header = "id,card_number,note,email\n"
        let records = Self.csvRecords(&g, count: 600)
        let whole = maskStream(Array((header + records.map { $0 + "\n" }.joined()).utf8), workers: 1)
        #expect(whole.error == nil)
        let lines = String(decoding: whole.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == records.count + 2)
        for (i, r) in records.enumerated() where i % 11 == 0 || i < 30 {
            let alone = maskStream(Array((header + r + "\n").utf8), workers: 1)
            #expect(String(decoding: alone.output, as: UTF8.self) == header + lines[i + 1] + "\n", "record \(i)")
        }
    }

    @Test func aCSVRecordBatchTakesItsDigitTokensPrepared() {
        var g = StageOneTests.Generator(state: 0x5EED)
        let records = Self.csvRecords(&g, count: 300)
        let session = MaskSession(policy: .default, key: testKey)
        let text = Array(records.map { $0 + "\n" }.joined().utf8)
        let header = CSVHeader(names: ["id", "card_number", "note", "email"])
        let masked = text.withUnsafeBufferPointer {
            CSVChunkMasker().mask($0, start: CSVChunkStart(header: header), session: session)
        }
        #expect(masked.error == nil && masked.rows == records.count)
        #expect(session.rewriter.tokenizer.prepared.taken > 50, "\(session.rewriter.tokenizer.prepared.taken) prepared tokens taken")
    }

    @Test func aCopyRowBatchMasksAsRowsAloneDo() {
        var g = StageOneTests.Generator(state: 0xC0B1)
        let values = Self.cards(&g, count: 500)
        // One card or SSN per row, in the plain column or in the escaped note: a row alone makes its
        // one token one by one, the batch makes them together.
        let rows = values.enumerated().map { i, v in
            "\(i)\t\(i % 4 == 0 || i % 7 == 0 ? "\\N" : v)\t" + (i % 4 == 0 ? "line1\\nmy card is \(v)\\tok" : "plain text")
        }
        func dump(_ rows: [String]) -> [UInt8] {
            Array((PgDumpTests.header + "CREATE TABLE public.cards (id integer, card text, note text);\n\n"
                + "COPY public.cards (id, card, note) FROM stdin;\n" + rows.map { $0 + "\n" }.joined() + "\\.\n").utf8)
        }
        let whole = maskStream(dump(rows), workers: 1)
        #expect(whole.error == nil)
        let lines = String(decoding: whole.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasPrefix("COPY public.cards") }) else {
            Issue.record("no COPY line in the output")
            return
        }
        var masked = 0
        for (i, r) in rows.enumerated() where i % 9 == 0 || i < 25 {
            let alone = String(decoding: maskStream(dump([r]), workers: 1).output, as: UTF8.self)
            let row = alone.split(separator: "\n", omittingEmptySubsequences: false)[first + 1]
            #expect(row == lines[first + 1 + i], "row \(i)")
            if row != Substring(r) { masked += 1 }
        }
        #expect(masked > 5, "\(masked) rows were masked")
    }
}
