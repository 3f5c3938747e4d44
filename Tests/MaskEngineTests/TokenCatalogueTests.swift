import CMaskKernels
import Testing
@testable import MaskEngine

/// Every rule of the catalogue, on a token built from its own definition (a true positive) and on the
/// near misses that must not match it: a placeholder body, a body one character short, a token glued
/// to a letter.
@Suite struct TokenCatalogueTests {
    static func body(_ segment: TokenSegment, _ g: inout StageOneTests.Generator, count: Int? = nil) -> String {
        let pool: String
        switch segment.alphabet {
        case .alnum, .word, .alnumDash, .base64URL, .base64URLDot, .base64: pool = "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7"
        case .upperAlnum, .upperAlnumDash: pool = "A3D6G9K2N5Q8T1W4Z7"
        case .lowerAlnum: pool = "a3d6g9k2n5q8t1w4z7"
        case .hex: pool = "0a1B2c3D4e5F6789"
        case .lowerHex: pool = "0a1b2c3d4e5f6789"
        case .letters: pool = "aBcDeFgHiJkLmNoPqRsT"
        case .digits: pool = "0123456789"
        }
        let chars = Array(pool)
        return String((0..<(count ?? segment.minimum)).map { _ in chars[Int(g.next() % UInt64(chars.count))] })
    }

    static func token(_ rule: TokenRule, _ g: inout StageOneTests.Generator, shortBy: Int = 0) -> String {
        var t = rule.prefix.description + body(rule.first, &g, count: rule.first.minimum - shortBy)
        if let second = rule.second { t += String(UnicodeScalar(rule.separator2)) + body(second, &g) }
        if let third = rule.third { t += String(UnicodeScalar(rule.separator3)) + body(third, &g) }
        return t
    }

    static func kinds(in text: String) -> [String] {
        findings(in: text).filter { $0.type == .secret }.map(\.kind.name)
    }

    @Test(arguments: TokenCatalogue.rules.indices)
    func rule(_ index: Int) {
        let rule = TokenCatalogue.rules[index]
        let name = rule.name.description
        var g = StageOneTests.Generator(state: UInt64(index) &+ 77)
        let live = Self.token(rule, &g)
        // Alone, inside text, and as an assignment's value, the whole token is found with this rule's name.
        for text in [live, "key: \(live) end", "token=\"\(live)\""] {
            let spans = spans(in: text)
            #expect(spans.contains("\(name):\(live)"), "\(name): \(text) → \(spans)")
        }
        // Near misses.
        let placeholder = rule.prefix.description + String(repeating: "x", count: max(rule.first.minimum, 20))
        #expect(!Self.kinds(in: placeholder).contains(name), "\(name) placeholder \(placeholder)")
        if rule.first.minimum > 1 && rule.first.maximum == rule.first.minimum && rule.second == nil {
            let short = Self.token(rule, &g, shortBy: 1)
            #expect(!Self.kinds(in: short + " ").contains(name), "\(name) short \(short)")
        }
        #expect(!Self.kinds(in: "q" + live).contains(name) || rule.prefix.utf8Start[0] == UInt8(ascii: "_"),
                "\(name) glued to a letter")
    }

    /// The prefilter of `match`: a rule's prefix word matches the first 8 bytes of a candidate exactly
    /// when the candidate starts with the rule's prefix (its first 8 bytes), also where fewer than 8
    /// bytes are left before `upper`.
    @Test func prefixWordsMatchExactlyThePrefixes() {
        let index = TokenCatalogue.index
        for (k, ruleIndex) in TokenCatalogue.sorted.enumerated() {
            let prefix = Array(TokenCatalogue.rules[Int(ruleIndex)].prefix.description.utf8)
            let word = index.words[k]
            #expect(Int(word.rule) == Int(ruleIndex))
            let needed = min(8, prefix.count)
            for kept in 0...prefix.count {
                let bytes = Array("xx".utf8) + prefix[..<kept]
                bytes.withUnsafeBufferPointer { b in
                    let head = TokenCatalogue.head(b, 2, b.count)
                    #expect((head & word.mask == word.word) == (kept >= needed), "\(prefix) cut to \(kept)")
                }
            }
            // One byte changed inside the word: no match.
            for i in 0..<needed {
                var bytes = prefix + Array("AAAAAAAA".utf8)
                bytes[i] ^= 0x01
                bytes.withUnsafeBufferPointer { b in
                    #expect(TokenCatalogue.head(b, 0, b.count) & word.mask != word.word)
                }
            }
        }
    }

    /// The pair table (`words(startingWith:)`, what stage 1 and `match` walk) holds, for every two-byte
    /// start in `pairs`, exactly the words that begin with it, in catalogue order (the order in which a
    /// walk over all of them would meet them): the first word that matches a start is the same either way.
    /// A pair that no prefix starts with has no words (its probe ends at an empty slot).
    @Test func pairGroupsHoldEachPairsWordsInOrder() {
        let index = TokenCatalogue.index
        var pairsSeen = 0
        for pair in 1..<65536 {
            guard index.pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else {
                #expect(index.words(startingWith: pair).count == 0, "pair \(pair) starts no prefix")
                continue
            }
            pairsSeen += 1
            let expected = index.words.indices.filter { Int(index.words[$0].word & 0xFFFF) == pair }
            let group = index.words(startingWith: pair)
            #expect(Array(Int(group.start)..<(Int(group.start) + Int(group.count))) == expected, "pair \(pair)")
            let rules = expected.map { Int(index.words[$0].rule) }
            #expect(rules == rules.sorted(), "pair \(pair): catalogue order")
        }
        #expect(pairsSeen > 50 && pairsSeen <= TokenCatalogue.rules.count)
        // Every rule is reached through its pair.
        for (k, ruleIndex) in TokenCatalogue.sorted.enumerated() {
            let prefix = Array(TokenCatalogue.rules[Int(ruleIndex)].prefix.description.utf8)
            let group = index.words(startingWith: Int(prefix[0]) | Int(prefix[1]) << 8)
            #expect((Int(group.start)..<(Int(group.start) + Int(group.count))).contains(k), "\(prefix)")
        }
    }

    /// The triple table (`mk_prefix_triple_bit`, which stage 1 asks with the pair's bit) has the bit of
    /// every prefix's first three bytes, and of every third byte after a two-byte prefix, so it never
    /// drops a start that a prefix begins; and it is sparse enough to drop most starts that only share a
    /// prefix's pair, as the `_` words of a PII-free table do ("dark_mode": 'da' of "dapi").
    @Test func triplesHoldEveryPrefixStartAndLittleElse() {
        let stageOne = TokenCatalogue.index.stageOne.pointee
        let triples = UnsafeBufferPointer(start: stageOne.triples, count: Int(MK_PREFIX_TRIPLE_BITS) / 64)
        func has(_ bytes: [UInt8]) -> Bool {
            let head = UInt64(bytes[0]) | UInt64(bytes[1]) << 8 | UInt64(bytes.count > 2 ? bytes[2] : 0) << 16
            let bit = Int(mk_prefix_triple_bit(head))
            return triples[bit >> 6] & (1 << UInt64(bit & 63)) != 0
        }
        for rule in TokenCatalogue.rules {
            let prefix = Array(rule.prefix.description.utf8)
            if prefix.count >= 3 {
                #expect(has(prefix), "\(rule.name)")
            } else {
                for third in 0...255 { #expect(has(prefix + [UInt8(third)]), "\(rule.name) then \(third)") }
            }
        }
        let set = triples.reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(set * 20 < Int(MK_PREFIX_TRIPLE_BITS), "\(set) bits set")
        let pairOnly = ["dark", "beta", "audit", "page", "session", "duration"].filter { word in
            let bytes = Array(word.utf8)
            return TokenCatalogue.index.mayStartPrefix(bytes.withUnsafeBufferPointer { $0 }, 0, bytes.count) && has(bytes)
        }
        #expect(pairOnly.count <= 1, "\(pairOnly) pass the triples")
    }

    @Test func namesAreSnakeCaseAndKindsRoundTrip() {
        for (i, rule) in TokenCatalogue.rules.enumerated() {
            let name = rule.name.description
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
            #expect(SecretKind(rawValue: SecretKind.catalogueBase + UInt16(i)).name == name)
        }
    }

    /// Each alphabet's byte set (what a segment's loop tests) holds exactly the bytes its doc comment
    /// names, all 256 bytes checked.
    @Test func alphabetByteSetsMatchTheirDefinitions() {
        let upper = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8), lower = Set("abcdefghijklmnopqrstuvwxyz".utf8)
        let digits = Set("0123456789".utf8)
        let alnum = upper.union(lower).union(digits)
        let definitions: [(TokenAlphabet, Set<UInt8>)] = [
            (.alnum, alnum), (.upperAlnum, upper.union(digits)), (.lowerAlnum, lower.union(digits)),
            (.hex, digits.union("abcdefABCDEF".utf8)), (.lowerHex, digits.union("abcdef".utf8)),
            (.letters, upper.union(lower)), (.digits, digits), (.word, alnum.union("_".utf8)),
            (.alnumDash, alnum.union("-".utf8)), (.upperAlnumDash, upper.union(digits).union("-".utf8)),
            (.base64URL, alnum.union("_-".utf8)), (.base64URLDot, alnum.union("_.=-".utf8)),
            (.base64, alnum.union("+/=".utf8)),
        ]
        #expect(definitions.count == (0...255).compactMap { TokenAlphabet(rawValue: UInt8($0)) }.count,
                "every alphabet has a definition here")
        for (alphabet, members) in definitions {
            for b in 0...255 {
                #expect(alphabet.bytes.contains(UInt8(b)) == members.contains(UInt8(b)), "\(alphabet) byte \(b)")
            }
        }
    }
}
