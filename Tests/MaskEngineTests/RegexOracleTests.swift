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
    static let ssnPatterns = [
        "(?<![A-Za-z0-9])(?<![0-9]-)[0-9]{3}-[0-9]{2}-[0-9]{4}(?![A-Za-z0-9])(?!-[0-9])",
        "(?<![A-Za-z0-9])(?<![0-9] )[0-9]{3} [0-9]{2} [0-9]{4}(?![A-Za-z0-9])(?! [0-9])",
    ]

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
                         "000", "-00-", "0000", "ssn: "]
        for text in Self.texts(count: 3000, seed: 2, fragments: fragments) {
            let candidates = Self.ssnPatterns.flatMap { Self.matches($0, in: text) }.sorted { $0.lowerBound < $1.lowerBound }
            let issuable = candidates.filter { r in
                let digits = text[r].filter { $0 >= 48 && $0 <= 57 }.map { Int($0 - 48) }
                let area = digits[0] * 100 + digits[1] * 10 + digits[2]
                let group = digits[3] * 10 + digits[4]
                let serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8]
                return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
            }
            // Cards take precedence over SSNs; texts where a card is found are not compared.
            if !found(text, .creditCard).isEmpty { continue }
            #expect(found(text, .usSSN) == issuable, "\(String(decoding: text, as: UTF8.self))")
        }
    }
}
