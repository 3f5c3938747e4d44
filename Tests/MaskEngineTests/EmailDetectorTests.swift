import Testing
@testable import MaskEngine

/// The email rule (docs/detection/emails.md): every character an address can have, every encoding it
/// is found in, the punctuation and code around it that is not part of it, and the shapes that are not
/// addresses at all. Each case lists exactly the spans a scan must report.
@Suite struct EmailDetectorTests {
    static let localParts: [(String, [String])] = [
        ("o'brien@example.com", ["email:o'brien@example.com"]),
        ("Contact: o'brien@example.com.", ["email:o'brien@example.com"]),
        ("d'angelo.smith+news@example.co.uk", ["email:d'angelo.smith+news@example.co.uk"]),
        ("user.name+tag+sorting@example.com", ["email:user.name+tag+sorting@example.com"]),
        ("!def!xyz%abc@example.com", ["email:def!xyz%abc@example.com"]),
        ("$A12345@example.com", ["email:A12345@example.com"]),
        ("_somename@example.com", ["email:_somename@example.com"]),
        ("mailhost!username@example.org", ["email:mailhost!username@example.org"]),
        ("user%example.com@example.org", ["email:user%example.com@example.org"]),
        ("user-@example.org", ["email:user-@example.org"]),
        ("r&d*team^x~y#1@example.org", ["email:r&d*team^x~y#1@example.org"]),
        ("an overlong.local.part.with.many.dots.and.more.than.sixty.four.characters.in.it@example.com",
         ["email:overlong.local.part.with.many.dots.and.more.than.sixty.four.characters.in.it@example.com"]),
        ("\"john..doe\"@example.org", ["email:\"john..doe\"@example.org"]),
        ("to \" \"@example.org", ["email:\" \"@example.org"]),
        ("\"Abc@def\"@example.com", ["email:\"Abc@def\"@example.com"]),
        ("\"Fred \\\"Q\\\" Bloggs\"@example.com", ["email:\"Fred \\\"Q\\\" Bloggs\"@example.com"]),
        ("zoë@exämple.com", ["email:zoë@exämple.com"]),
        ("hans.m端ller@test.com", ["email:hans.m端ller@test.com"]),
        ("test|123@m端ller.com", ["email:123@m端ller.com"]),
        ("Ünsal.Çelik@örnek.com.tr", ["email:Ünsal.Çelik@örnek.com.tr"]),
        ("用户@例子.广告", ["email:用户@例子.广告"]),
        ("иван.петров@пример.рф", ["email:иван.петров@пример.рф"]),
        ("δοκιμή@παράδειγμα.δοκιμή", ["email:δοκιμή@παράδειγμα.δοκιμή"]),
        ("अजय@डाटा.भारत", ["email:अजय@डाटा.भारत"]),
        ("θσερ@εχαμπλε.ψομ", ["email:θσερ@εχαμπλε.ψομ"]),
        ("4111@example.com", ["email:4111@example.com"]),
    ]

    static let domains: [(String, [String])] = [
        ("user@xn--e1afmkfd.xn--p1ai", ["email:user@xn--e1afmkfd.xn--p1ai"]),
        ("ann@xn--exmple-cua.com", ["email:ann@xn--exmple-cua.com"]),
        ("ann@example.xn--fiqs8s,", ["email:ann@example.xn--fiqs8s"]),
        ("ann@例子。广告", ["email:ann@例子。广告"]),
        ("postmaster@[123.123.123.123]", ["email:postmaster@[123.123.123.123]"]),
        ("_test@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]", ["email:_test@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]"]),
        ("long.email-address-with-hyphens@and.subdomains.example.com",
         ["email:long.email-address-with-hyphens@and.subdomains.example.com"]),
        ("a@b.com1", ["email:a@b.com"]),
        ("x@example.travelersinsurance", ["email:x@example.travelersinsurance"]),
    ]

    /// An address is often found encoded: URL query strings, JSON written with escapes, HTML.
    static let encodings: [(String, [String])] = [
        ("https://x.test/unsubscribe?email=ann%40example.com&t=1", ["email:ann%40example.com"]),
        ("?to=ann%2Bnews%40example.com", ["email:ann%2Bnews%40example.com"]),
        ("?to=o%27brien%40example.com", ["email:o%27brien%40example.com"]),
        ("?q=zo%C3%AB%40ex%C3%A4mple.com", ["email:zo%C3%AB%40ex%C3%A4mple.com"]),
        ("?q=hello%20ann%40example.com", ["email:ann%40example.com"]),
        ("?q=hello%20ann@example.com", ["email:ann@example.com"]),
        ("{\"email\":\"ann\\u0040example.com\"}", ["email:ann\\u0040example.com"]),
        ("{\"e\":\"zo\\u00eb@ex\\u00e4mple.com\"}", ["email:zo\\u00eb@ex\\u00e4mple.com"]),
        ("{\"e\":\"\\u7528\\u6237\\u0040\\u4f8b\\u5b50.\\u5e7f\\u544a\"}", ["email:\\u7528\\u6237\\u0040\\u4f8b\\u5b50.\\u5e7f\\u544a"]),
        ("{\"note\":\"line one\\nann@example.com\"}", ["email:ann@example.com"]),
        // JSON in a JSON string, or in a COPY text row: every backslash doubled.
        ("{\"log\":\"{\\\"e\\\":\\\"ann\\\\u0040example.com\\\"}\"}", ["email:ann\\\\u0040example.com"]),
        ("1\t{\"e\": \"zo\\\\u00eb@ex\\\\u00e4mple.com\", \"n\": \"a\\\\nbob@example.org\"}\n",
         ["email:zo\\\\u00eb@ex\\\\u00e4mple.com", "email:bob@example.org"]),
        ("{\"note\":\"tab\\tann@example.com\"}", ["email:ann@example.com"]),
        ("{\"note\":\"say \\\"ann@example.com\\\"\"}", ["email:ann@example.com"]),
        ("<a href=\"mailto:ann&#64;example.com\">", ["email:ann&#64;example.com"]),
        ("ann&#x40;example.com", ["email:ann&#x40;example.com"]),
        ("o&#39;brien&#64;example.com", ["email:o&#39;brien&#64;example.com"]),
    ]

    /// Quotes, markup and separators around an address are not part of it.
    static let surroundings: [(String, [String])] = [
        ("'ann@example.com'", ["email:ann@example.com"]),
        ("('o''brien@example.com')", ["email:o''brien@example.com"]),
        ("VALUES (1, 'ann@example.com', E'bob@example.org')", ["email:ann@example.com", "email:bob@example.org"]),
        ("{'email': u'ann@example.com'}", ["email:ann@example.com"]),
        ("**ann@example.com**", ["email:ann@example.com"]),
        ("`ann@example.com`", ["email:ann@example.com"]),
        ("--ann@example.com", ["email:ann@example.com"]),
        ("...ann@example.com", ["email:ann@example.com"]),
        ("email=ann@example.com", ["email:ann@example.com"]),
        ("https://example.com/unsubscribe/ann@example.com", ["email:ann@example.com"]),
        ("1|ann@example.com|x", ["email:ann@example.com"]),
        ("{{ann@example.com}}", ["email:ann@example.com"]),
        ("«ann@example.com»", ["email:ann@example.com"]),
        ("“zoë@exämple.com”", ["email:zoë@exämple.com"]),
        ("联系：用户@例子.广告，谢谢", ["email:用户@例子.广告"]),
        ("请发邮件到ann@example.com或者打电话", ["email:ann@example.com"]),
        ("邮箱zhangsan2020@qq.com", ["email:zhangsan2020@qq.com"]),
        ("张三2020@例子.中国", ["email:张三2020@例子.中国"]),
        ("メールはyamada@example.jpまで", ["email:yamada@example.jp"]),
        ("이메일hong@example.kr로", ["email:hong@example.kr"]),
        ("メール：山田@例え.テスト。", ["email:山田@例え.テスト"]),
        ("ann@example.com。", ["email:ann@example.com"]),
        ("\u{00A0}ann@example.com\u{00A0}", ["email:ann@example.com"]),
        ("git@github.com:org/repo.git", ["email:git@github.com"]),
        // Fail closed: an address glued to a parenthesis is still an address (so `A@B.transpose()` in
        // code is masked too).
        ("ann@example.com(work)", ["email:ann@example.com"]),
    ]

    /// Shapes with an `@` that are not addresses.
    static let negatives: [(String, [String])] = [
        ("ping @alice and @bob", []),
        ("root@localhost", []),
        ("name@host", []),
        ("a@b.c", []),
        ("user@example.c0m", []),
        ("x@y", []),
        ("@app.route(\"/\")", []),
        ("@Override public void run()", []),
        ("ssh deploy@192.168.0.1", []),
        ("npm i left-pad@1.3.0", []),
        ("image@sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904", []),
        ("'@example.com", []),
        ("...@example.com", []),
        ("!!@example.com", []),
        ("😀@example.com", []),
        ("ann@😀.com", []),
        ("ann@exa mple.com", []),
        ("ann@example..com", []),
        ("ann%40localhost", []),
        ("\\u0040example.com", []),
        ("100%40 of it", []),
        ("&#64;example.com", []),
        ("postmaster@[300.1.1.1]", []),
        ("x\"y\"@example.com", []),
    ]

    @Test(arguments: localParts + domains)
    func grammar(_ input: String, _ expected: [String]) {
        #expect(spans(in: input) == expected, "\(input)")
    }

    @Test(arguments: encodings)
    func encoded(_ input: String, _ expected: [String]) {
        #expect(spans(in: input) == expected, "\(input)")
    }

    @Test(arguments: surroundings)
    func surrounded(_ input: String, _ expected: [String]) {
        #expect(spans(in: input) == expected, "\(input)")
    }

    @Test(arguments: negatives)
    func notAnAddress(_ input: String, _ expected: [String]) {
        #expect(spans(in: input) == expected, "\(input)")
    }

    /// Seeded random texts of address pieces, scripts, escapes and punctuation: every finding is whole
    /// characters, holds one `@` in some form, holds no space, and findings are ordered and disjoint.
    @Test func findingsAreWholeAddressesOnRandomText() {
        let pieces = ["ann", "O'", "zoë", "用户", "рф", "@", "%40", "\\u0040", "&#64;", ".", "..", "com", "xn--p1ai", "-", "_",
                      "+", "'", "\"", " ", "\u{00A0}", "，", "。", "%C3%AB", "\\u00eb", "\\", "\\n", "&", "#", ";", "[", "]",
                      "1", "192.0.2.1", "😀", "(", ")", "=", "/", "|", "\u{FFFD}", "\u{0301}"]
        var g = StageOneTests.Generator(state: 12)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int(g.next() % 14 + 1) { text += pieces[Int(g.next() % UInt64(pieces.count))] }
            let bytes = Array(text.utf8)
            let found = findings(in: text)
            var previousEnd = 0
            for f in found where f.type == .email {
                #expect(f.start >= previousEnd && f.start < f.end && f.end <= bytes.count, "\(text)")
                previousEnd = f.end
                let span = Array(bytes[f.start..<f.end])
                #expect(String(validating: span, as: UTF8.self) != nil, "\(text): a span cuts a character")
                #expect(!span.contains(32), "\(text): a span holds a space")
                let separator = span.withUnsafeBufferPointer { EmailAddressKey.separator(in: $0) }
                #expect(separator != nil, "\(text): a span without an @")
            }
        }
    }

    /// On ASCII text of unquoted addresses, the detector finds exactly what a regular expression of the
    /// same grammar finds: a local part of `[A-Za-z0-9._+-]` after its leading dots and hyphens, with a
    /// letter or digit; a domain whose last label that starts with 2 to 63 letters ends the address.
    @Test func asciiAddressesAgreeWithTheRegex() {
        let local = "A-Za-z0-9._+\\-"
        let pattern = "(?<![\(local)])[.\\-]*\\K(?=[._+\\-]*[A-Za-z0-9])[A-Za-z0-9_+][\(local)]*"
            + "@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,63}"
        let fragments = ["ann", "b", "com", "io", "9", ".", "..", "-", "_", "+", "@", "@", " ", ",", "/", "=", "c0m", "a.b",
                         "Q", "org1", "-x"]
        var compared = 0
        for text in RegexOracleTests.texts(count: 5000, seed: 3, fragments: fragments) {
            let found = findings(in: String(decoding: text, as: UTF8.self)).filter { $0.type == .email }
            // A scan clips a span that reaches back into the previous one (`a@b.com@c.org` gives
            // `a@b.com` and `@c.org`); a regex has no such rule, so those texts are not compared.
            if found.contains(where: { text[$0.start] == UInt8(ascii: "@") }) { continue }
            compared += 1
            #expect(found.map { $0.start..<$0.end } == RegexOracleTests.matches(pattern, in: text),
                    "\(String(decoding: text, as: UTF8.self))")
        }
        #expect(compared > 4000)
    }

    /// Read forward from the start or backward from the end, a text is the same characters.
    @Test func charactersReadTheSameBothWays() {
        let pieces = ["a", "\\\\u0041", "\\\\", "é", "用", "😀", "%", "%4", "%41", "%C3%AB", "%AB", "%E4%BD%A0", "\\u00eb", "\\ud83d\\ude00", "\\udc00",
                      "\\u12", "&#64;", "&#x40;", "&#", ";", "&", "#", "x", "4", "0", "\\n", " ", "\u{00A0}"]
        var g = StageOneTests.Generator(state: 21)
        for _ in 0..<5000 {
            var text = ""
            for _ in 0..<Int(g.next() % 10 + 1) { text += pieces[Int(g.next() % UInt64(pieces.count))] }
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { b in
                var forward: [EncodedCharacter] = []
                var i = 0
                while i < b.count { let c = EncodedCharacter.at(b, i, upper: b.count); forward.append(c); i = c.end }
                var backward: [EncodedCharacter] = []
                i = b.count
                while i > 0 { let c = EncodedCharacter.before(b, i, lower: 0); backward.append(c); i = c.start }
                let f = forward.map { "\($0.start)-\($0.end):\($0.scalar)" }
                let r = backward.reversed().map { "\($0.start)-\($0.end):\($0.scalar)" }
                #expect(f == r, "\(text)")
            }
        }
    }

    /// A long run of local-part characters with many `@` and no domain costs linear time: each
    /// backward scan stops at the previous `@`.
    @Test func manySeparatorsWithoutDomainsStayLinear() {
        let text = String(repeating: "aaaaaaaa@", count: 20_000) + String(repeating: "é", count: 50_000) + "@x"
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(findings(in: text).isEmpty) }
        #expect(elapsed < .seconds(2) * sanitizerSlowdown)
    }
}
