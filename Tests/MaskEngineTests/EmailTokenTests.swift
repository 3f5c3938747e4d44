import Testing
@testable import MaskEngine

/// Email tokens: keyed on the address as written (case kept unless folding is asked for), one token per
/// address whatever its encoding, and written in the encoding the address was found in.
@Suite struct EmailTokenTests {
    func token(_ value: String, emailCase: EmailCase = .keep) -> String {
        var key = testKey
        key.emailCase = emailCase
        var out: [UInt8] = []
        Array(value.utf8).withUnsafeBufferPointer { Tokenizer(key: key).appendToken(.email, $0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    func localPart(_ token: String) -> Substring { token.prefix(16) }

    @Test func caseIsKeptByDefaultAndFoldedOnRequest() {
        let pairs = [("Ann@x.com", "ann@x.com"), ("ann@X.COM", "ann@x.com"), ("ZOË@EXÄMPLE.COM", "zoë@exämple.com"),
                     ("Иван@Пример.РФ", "иван@пример.рф")]
        for (upper, lower) in pairs {
            #expect(token(upper) != token(lower), "\(upper)")
            #expect(token(upper, emailCase: .fold) == token(lower, emailCase: .fold), "\(upper)")
            #expect(token(lower, emailCase: .fold) == token(lower), "folding leaves lower-case addresses' tokens alone")
        }
    }

    /// Distinct addresses in one column get distinct tokens: a unique column restores.
    @Test func distinctAddressesGetDistinctTokens() {
        var seen: [String: String] = [:]
        for local in ["ann", "Ann", "ANN", "o'brien", "O'Brien", "ann+1", "ann.1", "zoë", "zoe", "用户"] {
            for domain in ["example.com", "Example.com", "exämple.com", "xn--exmple-cua.com"] {
                let address = "\(local)@\(domain)"
                let t = token(address)
                #expect(seen[t] == nil, "\(address) and \(seen[t] ?? "") share \(t)")
                seen[t] = address
            }
        }
    }

    @Test func encodedAddressesKeepTheirEncodingAndShareTheToken() {
        let plain = token("zoë@exämple.com")
        let cases: [(String, String)] = [
            ("zo%C3%AB%40ex%C3%A4mple.com", "%40example.invalid"),
            ("zo\\u00eb\\u0040ex\\u00e4mple.com", "\\u0040example.invalid"),
            ("zo\\u00eb@ex\\u00e4mple.com", "@example.invalid"),
            ("zo&#235;&#64;ex&#xe4;mple.com", "&#64;example.invalid"),
        ]
        for (encoded, suffix) in cases {
            let t = token(encoded)
            #expect(t.hasSuffix(suffix), "\(encoded) → \(t)")
            #expect(localPart(t) == localPart(plain), "\(encoded) is zoë@exämple.com")
        }
        // `%` is a legal local-part character: in a plain address `%41` is not an `A`.
        #expect(localPart(token("user%41@example.com")) != localPart(token("userA@example.com")))
        #expect(localPart(token("user%41%40example.com")) == localPart(token("userA@example.com")))
    }

    /// Masking a URL or JSON document keeps it well formed: the token uses the same `@` as the address.
    @Test func maskedURLAndJSONStayValid() {
        let policy = MaskPolicy()
        let rewriter = CellRewriter(policy: policy, tokenizer: Tokenizer(key: testKey))
        for text in ["https://x.test/u?email=ann%40example.com&t=1", "{\"e\":\"ann\\u0040example.com\"}",
                     "{\"e\":\"zo\\u00eb@example.com\"}", "<a href=\"mailto:ann&#64;example.com\">"] {
            let bytes = Array(text.utf8)
            let found = findings(in: text)
            #expect(found.count == 1, "\(text)")
            var out: [UInt8] = []
            _ = bytes.withUnsafeBufferPointer { rewriter.rewrite($0, findings: found[...], as: .text, into: &out) }
            let masked = String(decoding: out, as: UTF8.self)
            #expect(!masked.contains("ann") && !masked.contains("zo"), "\(masked)")
            #expect(masked.filter { $0 == "\"" }.count == text.filter { $0 == "\"" }.count, "\(masked)")
            #expect(!masked.contains("@") || text.contains("@"), "an encoded address keeps its encoding: \(masked)")
        }
    }

    /// The key's separator is the last literal `@` of the span, and the key is the span itself when it
    /// holds no escape, both read eight bytes at a time: checked against their definitions on random
    /// spans of bytes next to the sought ones in value (`A`, `?`, 0xC0, which XORs to 0x80 with `@`) at
    /// every offset from a word's edge.
    @Test func theSeparatorIsTheLastAtSignAndAnEscapeFreeSpanIsItsOwnKey() {
        var g = StageOneTests.Generator(state: 31)
        let alphabet: [UInt8] = [0x40, 0x41, 0x3F, 0xC0, 0x00, 0x7F, 0x80, 0xFF, 0x61, 0x5C, 0x26, 0x5D, 0x27, 0xA6]
        for _ in 0..<20_000 {
            let count = Int(g.next() % 40)
            let span = (0..<count).map { _ in g.next() % 5 == 0 ? 0x40 : alphabet[Int(g.next() % UInt64(alphabet.count))] }
            let found = span.withUnsafeBufferPointer { EmailAddressKey.separator(in: $0) }
            // And the key is the span itself exactly when the span holds no `\\` or `&` (no escape to decode).
            let itself = span.withUnsafeBufferPointer { EmailAddressKey.isSpanItself($0, separator: 0..<1, emailCase: .keep) }
            #expect(itself == (!span.contains(0x5C) && !span.contains(0x26)), "\(span)")
            if let at = span.lastIndex(of: 0x40) {
                #expect(found == at..<(at + 1), "\(span)")
            } else if let found {
                // No literal `@`: only an escaped one may be found (`%40`, `\\u0040`, `&#64;`), never a byte.
                #expect(found.count > 1, "\(span)")
            }
        }
    }
}
