import Testing
@testable import MaskEngine

/// At an `@`, `CellScanner` asks the email rule first and the URL-credential rule only where
/// `URLCredentialRule.cannotMatch` (read from the email's local part) does not rule it out, though
/// credentials claim the `@` whenever they match: so `cannotMatch` must never be true where `match`
/// would succeed. Checked at every `@` of random texts of URL and address pieces, local parts longer
/// than the rule's walk among them.
@Suite struct URLCredentialOrderTests {
    static let pieces = ["https://", "postgres://", "redis://", "s3://", "mailto:", "//", ":", "/", "user", "pass", "ann",
                         "O'Neil", "a.b", "%40", "\\u0040", "&#64;", "\\", "\"", "'", " ", ",", "=", "(", "[", "<", "@",
                         "@", "@example.com", "@db:5432/prod", ".co.uk", "zoë", "用户", "x+y", "!#$&*^~-", "?q=1", "#frag"]

    @Test func cannotMatchNeverHidesCredentials() {
        var g = StageOneTests.Generator(state: 37)
        var (emailsOnly, credentials, bothAsked) = (0, 0, 0)
        for round in 0..<40_000 {
            var text = ""
            for _ in 0..<(2 + Int(g.next() % 12)) { text += Self.pieces[Int(g.next() % UInt64(Self.pieces.count))] }
            // Now and then a local part around the rule's 512-byte walk.
            if round % 50 == 0 { text = "https://" + String(repeating: "a", count: 495 + Int(g.next() % 25)) + "@example.com" }
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { b in
                for at in b.indices where b[at] == UInt8(ascii: "@") {
                    guard let email = EmailDetector.match(b, at: at, lower: 0, upper: b.count) else { continue }
                    let urlMatch = URLCredentialRule.match(b, at: at, lower: 0, upper: b.count)
                    if URLCredentialRule.cannotMatch(b, at: at, afterLocalPartFrom: email.lowerBound, lower: 0) {
                        emailsOnly += 1
                        #expect(urlMatch == nil, "\(text) at \(at)")
                    } else {
                        bothAsked += 1
                        if urlMatch != nil { credentials += 1 }
                    }
                }
            }
        }
        // The check ran both ways: addresses the shortcut decided, and credentials it left to the rule.
        #expect(emailsOnly > 500 && bothAsked > 1_000 && credentials > 300, "\(emailsOnly) \(bothAsked) \(credentials)")
    }
}
