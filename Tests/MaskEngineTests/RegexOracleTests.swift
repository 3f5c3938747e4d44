import CPCRE2
import Testing
@testable import MaskEngine

/// A naive oracle per rule, written as a PCRE2 regular expression (the "regex engine" way), run on
/// seeded random texts: the hand-written validators must find exactly the same spans.
@Suite struct RegexOracleTests {
    /// All non-overlapping matches of `pattern` in `subject`, as byte ranges (PCRE2 with JIT).
    static func matches(_ pattern: String, in subject: [UInt8]) -> [Range<Int>] {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let code = pattern.withCString { p in
            pcre2_compile_8(UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), Int(bitPattern: UInt(bitPattern: -1)),
                            0, &errorCode, &errorOffset, nil)
        }
        guard let code else { Issue.record("pattern does not compile: \(pattern)"); return [] }
        defer { pcre2_code_free_8(code) }
        pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE))
        let data = pcre2_match_data_create_from_pattern_8(code, nil)
        defer { pcre2_match_data_free_8(data) }
        var result: [Range<Int>] = []
        var start = 0
        while start <= subject.count {
            let rc = subject.withUnsafeBufferPointer { pcre2_match_8(code, $0.baseAddress, $0.count, start, 0, data, nil) }
            if rc < 0 { break }
            let ovector = pcre2_get_ovector_pointer_8(data)!
            let range = Int(ovector[0])..<Int(ovector[1])
            result.append(range)
            start = max(range.upperBound, range.lowerBound + 1)
        }
        return result
    }

    static let awsPattern = "(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA)[A-Z0-9]{16}(?![A-Za-z0-9])"
    /// SSNs that need no context: one separator kind (continued only by the same one), or hyphen and
    /// space mixed (continued by no separator at all).
    static let ssnPatterns = [
        "(?<![A-Za-z0-9])(?<![0-9]-)[0-9]{3}-[0-9]{2}-[0-9]{4}(?![A-Za-z0-9])(?!-[0-9])",
        "(?<![A-Za-z0-9])(?<![0-9] )[0-9]{3} [0-9]{2} [0-9]{4}(?![A-Za-z0-9])(?! [0-9])",
        "(?<![A-Za-z0-9])(?<![0-9][-. ])[0-9]{3}(?:-[0-9]{2} | [0-9]{2}-)[0-9]{4}(?![A-Za-z0-9])(?![-. ][0-9])",
    ]
    /// A keyword (group 1) and exactly `words` words after it, then the number (after `\K`): the bare
    /// and dotted shapes that need an announcing word, which must start their digit group. A run glued
    /// to a letter (`x12`) is an identifier and starts no group, so only a run that follows no letter,
    /// then a joiner, puts the number inside a group (lookbehinds of fixed length, one per run length).
    static func announcedSSNPatterns(words: Int) -> [String] {
        let gap = "[^A-Za-z0-9\\n\\r;|]+"
        let keyword = "(?i:(?<![A-Za-z0-9])(ssns?|ss(?=#)|soc\(gap)sec|social\(gap)security)(?![A-Za-z0-9]))"
        let lead = keyword + "(?:\(gap)[A-Za-z0-9]+){\(words)}\(gap)\\K"
        let startsGroup = (1...40).map { "(?<!^[0-9]{\($0)}[-. ])(?<![^A-Za-z0-9][0-9]{\($0)}[-. ])" }.joined()
        return [
            lead + startsGroup + "[0-9]{9}(?![A-Za-z0-9])(?![-. ][0-9])",
            lead + startsGroup + "(?<![0-9]\\.)[0-9]{3}\\.[0-9]{2}\\.[0-9]{4}(?![A-Za-z0-9])(?!\\.[0-9])",
            lead + "(?<![0-9][-. ])[0-9]{3}(?:\\.[0-9]{2}[- ]|[- ][0-9]{2}\\.)[0-9]{4}(?![A-Za-z0-9])(?![-. ][0-9])",
        ]
    }

    /// Every match of `pattern` after each keyword occurrence (its group 1), so that one keyword may
    /// announce several numbers and a number may follow several keywords.
    static func matchesAfterEachKeyword(_ pattern: String, in subject: [UInt8]) -> Set<Range<Int>> {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let code = pattern.withCString { p in
            pcre2_compile_8(UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), Int(bitPattern: UInt(bitPattern: -1)),
                            0, &errorCode, &errorOffset, nil)
        }
        guard let code else { Issue.record("pattern does not compile: \(pattern)"); return [] }
        defer { pcre2_code_free_8(code) }
        let data = pcre2_match_data_create_from_pattern_8(code, nil)
        defer { pcre2_match_data_free_8(data) }
        var result: Set<Range<Int>> = []
        var start = 0
        while start <= subject.count {
            let rc = subject.withUnsafeBufferPointer { pcre2_match_8(code, $0.baseAddress, $0.count, start, 0, data, nil) }
            if rc < 0 { break }
            let ovector = pcre2_get_ovector_pointer_8(data)!
            result.insert(Int(ovector[0])..<Int(ovector[1]))
            start = Int(ovector[2]) + 1
        }
        return result
    }

    /// Random texts from fragments that sit near the rules' edges.
    static func texts(count: Int, seed: UInt64, fragments: [String]) -> [[UInt8]] {
        var g = StageOneTests.Generator(state: seed)
        return (0..<count).map { _ in
            var text = ""
            for _ in 0..<Int(g.next() % 12 + 1) {
                var piece = fragments[Int(g.next() % UInt64(fragments.count))]
                if piece.contains("#") {
                    piece = String(piece.map { $0 == "#" ? Character(String(g.next() % 10)) : $0 })
                }
                text += piece
            }
            return Array(text.utf8)
        }
    }

    func found(_ text: [UInt8], _ type: EntityType) -> [Range<Int>] {
        findings(in: String(decoding: text, as: UTF8.self)).filter { $0.type == type }.map { $0.start..<$0.end }
    }

    @Test func awsAccessKeyIDsAgreeWithTheRegex() {
        let fragments = ["AKIA", "ASIA", "ABIA", "AKIB", "ZZ", "7", "Q2W3E4R5T6Y7U8I9", "Q2W3E4R5T6Y7U8I", "x", " ", "-", ".", "_",
                         "=", "AKIAQ2W3E4R5T6Y7U8I9", "aws_access_key_id=", "\"", "a"]
        for text in Self.texts(count: 3000, seed: 1, fragments: fragments) {
            #expect(found(text, .secret) == Self.matches(Self.awsPattern, in: text), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func formattedSSNsAgreeWithTheRegexAndTheIssuanceRules() {
        let fragments = ["###-##-####", "### ## ####", "###-##-", "##", "#", "-", " ", "x", ".", "/", "(", ")", "666-", "9##-",
                         "000", "-00-", "0000", "ssn: ", "### ##-####", "###.##.####", "#########", "social security ",
                         "soc sec", "lesson ", "no. ", ";", "\n", "SS", "#########-"]
        var compared = 0
        var announced = 0
        for text in Self.texts(count: 6000, seed: 2, fragments: fragments) {
            // Texts fit in the look-back window of `AnnouncingWords`, which the patterns do not model.
            if text.count > AnnouncingWords.maxBytes { continue }
            var candidates = Set(Self.ssnPatterns.flatMap { Self.matches($0, in: text) })
            let unannounced = candidates.count
            for words in 0..<AnnouncingWords.maxWords {
                for pattern in Self.announcedSSNPatterns(words: words) {
                    candidates.formUnion(Self.matchesAfterEachKeyword(pattern, in: text))
                }
            }
            if candidates.count > unannounced { announced += 1 }
            let issuable = candidates.sorted { $0.lowerBound < $1.lowerBound }.filter { r in
                let digits = text[r].filter { $0 >= 48 && $0 <= 57 }.map { Int($0 - 48) }
                let area = digits[0] * 100 + digits[1] * 10 + digits[2]
                let group = digits[3] * 10 + digits[4]
                let serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8]
                return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
            }
            // Cards take precedence over SSNs; texts where a card is found are not compared.
            if !found(text, .creditCard).isEmpty { continue }
            #expect(found(text, .usSSN) == issuable, "\(String(decoding: text, as: UTF8.self))")
            compared += 1
        }
        #expect(compared > 3000)
        #expect(announced > 100, "texts with an announced SSN: \(announced)")
    }
}
