import Testing
@testable import MaskEngine

/// Password hashes are secrets by their shape, wherever they stand (a column named `hash`, a sentence,
/// a JSON document): the salt and hash are masked, the scheme and its parameters kept, so the token is
/// a hash of the same format. Text that only shares a `$` with them is not.
@Suite struct PasswordHashTests {
    /// Each hash, and the part of it that must be one finding (the salt and hash).
    static let hashes: [(String, String)] = [
        ("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", "R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"),
        ("$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a", ".vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a"),
        ("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"),
        ("$6$rounds=5000$saltsalt$Y9lGfNrM5eQF8b0QH8kQ2hWvYc3y0Ue4p8Zp0j9m7T2oJ0c", "saltsalt$Y9lGfNrM5eQF8b0QH8kQ2hWvYc3y0Ue4p8Zp0j9m7T2oJ0c"),
        ("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7", "j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7"),
        ("$1$./ab$/Kx.9Pq2Zr7mVt3Lw8Ns4Q", "./ab$/Kx.9Pq2Zr7mVt3Lw8Ns4Q"),
        ("$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", "r31.....$HqJZimcKQFAMYayBlzkrA/"),
        ("$P$BqyVmQ3QxY0e1VgZ1lK0qv3kH7m5mM1", "BqyVmQ3QxY0e1VgZ1lK0qv3kH7m5mM1"),
        ("$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", "aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"),
        ("pbkdf2_sha256$870000$Xh3LbZ5G1Q2w$JmO0Ufb1gV3c9p2JQK6dl4sVxqX0X2wS4kq6vyzE3c8=", "Xh3LbZ5G1Q2w$JmO0Ufb1gV3c9p2JQK6dl4sVxqX0X2wS4kq6vyzE3c8="),
        ("bcrypt_sha256$$2b$12$LZSJchsWG/MQ1u3lPsdiyuT9Rp1PrLUfb8uHmT8dq0aYJtG2kmGhS", "2b$12$LZSJchsWG/MQ1u3lPsdiyuT9Rp1PrLUfb8uHmT8dq0aYJtG2kmGhS"),
        ("argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2g$Qm9vbUJvb21Cb29tQm9vbQ", "argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2g$Qm9vbUJvb21Cb29tQm9vbQ"),
        ("pbkdf2:sha256:600000$Fq0bS9xB$2c8e8f1a9c6d0b4f1f8e3a7b5c2d9e0f1a2b3c4d", "Fq0bS9xB$2c8e8f1a9c6d0b4f1f8e3a7b5c2d9e0f1a2b3c4d"),
        ("scrypt:32768:8:1$kcJ1Jy3dLmN8$0a1b2c3d4e5f60718293a4b5c6d7e8f9", "kcJ1Jy3dLmN8$0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        ("SCRAM-SHA-256$4096:c2FsdHNhbHQ=$aGVsbG9oZWxsb2hlbGxvaGVsbG8=:d29ybGR3b3JsZHdvcmxk",
         "c2FsdHNhbHQ=$aGVsbG9oZWxsb2hlbGxvaGVsbG8=:d29ybGR3b3JsZHdvcmxk"),
    ]

    /// Where the hashes stand: alone, in a sentence, as a JSON value, after a key no rule knows.
    static let contexts: [(String, String)] = [("", ""), ("the old hash was ", ", rotate it."), ("{\"h\": \"", "\"}"),
                                               ("digest=", "\n"), ("'", "'"), ("hash:", ",next:field,more"),
                                               ("", "$x rest")]

    @Test(arguments: hashes)
    func eachShapeIsMaskedFromItsSalt(_ hash: String, _ secret: String) {
        for (before, after) in Self.contexts {
            let text = before + hash + after
            let found = spans(in: text)
            #expect(found == ["password_hash:" + secret], "\(text) → \(found)")
        }
    }

    /// Texts with a `$` after a letter or digit that are no hash: unknown schemes, a hash field too short,
    /// prices, variables, a scheme with a word glued before it.
    static let notHashes: [String] = [
        "US$5 and $12.50", "price: $1,234.56", "$HOME$PATH", "a$b$c", "${FOO}$BAR", "cost 5$ each",
        "$1$short$abc", "$2b$12$", "$2b$12$tooShortHash", "pbkdf2_sha256$870000$salt$short",
        "$unknown$abcdefghijklmnopqrstuvwxyz", "x$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "pbkdf2:md5:1000$salt$abcdefghijklmnopqrstuvwxyz", "scrypt:1:2$salt$abcdefghijklmnopqrstuvwxyz", "^foo$bar$",
        "md5 d41d8cd98f00b204e9800998ecf8427e", "MD5D41D8CD98F00B204E9800998ECF8427E",
    ]

    @Test(arguments: notHashes)
    func textThatOnlySharesADollarIsNotMasked(_ text: String) {
        let found = spans(in: text)
        #expect(found.isEmpty, "\(text) → \(found)")
    }

    /// Stage 1 anchors a scheme's `$` only with 16 hash field bytes after it (a hash's shortest last
    /// field): a hash of exactly that, ending its value and the buffer, and one cut by the value's end
    /// one byte short (then no hash); and in a CSV stream, whose batch classifies its values together.
    @Test func theShortestLastFieldIsStillAHash() {
        let shortest = "pbkdf2_sha256$AbCdEfGhIjKlMnOp"
        #expect(spans(in: shortest) == ["password_hash:AbCdEfGhIjKlMnOp"], "\(spans(in: shortest))")
        #expect(spans(in: String(shortest.dropLast())).isEmpty)
        let csv = "id,digest\n1,\(shortest)"
        let (output, report, _, error) = maskStream(Array(csv.utf8))
        #expect(error == nil && !String(decoding: output, as: UTF8.self).contains("AbCdEfGhIjKlMnOp"), "\(report)")
    }

    /// A hash with a long run of field bytes glued after it is cut at the run's limit, not refused:
    /// the hash at its start is masked (fail closed).
    @Test func aHashWithALongRunGluedOnIsStillMasked() {
        let hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        let found = findings(in: hash + "/" + String(repeating: "a", count: 600))
        #expect(found.count == 1 && found.first?.start == 7 && (found.first?.end ?? 0) > hash.utf8.count, "\(found)")
    }

    /// PostgreSQL's md5 verifier: `md5` and 32 lower-case hex digits (the catalogue's rule).
    @Test func postgresMD5VerifiersAreMasked() {
        let verifier = "md5a3556571e93b0d20722ba62be61e8c2d"
        #expect(spans(in: "rolpassword " + verifier) == ["postgres_md5_password:" + verifier])
        #expect(spans(in: verifier + "0").isEmpty)   // 33 hex digits: no verifier
    }

    /// Through the pipeline, in a column no name announces: the token keeps the scheme and parameters,
    /// the length and bcrypt's alphabet, differs from the hash, and is the same for the same hash.
    @Test func aMaskedHashIsAHashOfTheSameFormat() throws {
        let hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        let input = Array("id,hash\n1,\(hash)\n2,\(hash)\n".utf8)
        let result = maskStream(input, format: .csv)
        #expect(result.error == nil)
        let rows = String(decoding: result.output, as: UTF8.self).split(separator: "\n").dropFirst()
        let tokens = rows.map { String($0.split(separator: ",")[1]) }
        #expect(tokens.count == 2 && tokens[0] == tokens[1])
        let token = try #require(tokens.first)
        #expect(token != hash && token.hasPrefix("$2b$12$") && token.utf8.count == hash.utf8.count)
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        #expect(token.utf8.dropFirst(7).allSatisfy(alphabet.contains), "\(token)")
    }

    /// Where a key or a column's name says the value is a password and the value is a hash, the hash's
    /// salt and hash are the finding (its scheme kept, the token a hash too); a value that is more than a
    /// hash stays one whole finding.
    @Test func aHashAssignedOrInACredentialColumnKeepsItsScheme() throws {
        let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        #expect(spans(in: "{\"password_hash\": \"\(bcrypt)\"}") == ["password_hash:" + bcrypt.dropFirst(7)])
        let scram = "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$aGVsbG9oZWxsb2hlbGxvaGVsbG8=:d29ybGR3b3JsZHdvcmxk"
        #expect(spans(in: "ALTER ROLE bob PASSWORD '\(scram)';") == ["password_hash:" + scram.dropFirst(19)])
        #expect(spans(in: "password=\(bcrypt)x!") == ["password_assignment:\(bcrypt)x!"])

        let input = Array("id,encrypted_password\n1,\(bcrypt)\n2,hunter2\n".utf8)
        let result = maskStream(input, format: .csv)
        #expect(result.error == nil)
        let rows = String(decoding: result.output, as: UTF8.self).split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
        let token = try #require(rows.first)
        #expect(token != bcrypt && token.hasPrefix("$2b$12$") && token.utf8.count == bcrypt.utf8.count, "\(token)")
        #expect(rows.count == 2 && rows[1] != "hunter2" && rows[1].utf8.count == 7)

        // A JSON document in a credential column: its string values are the secrets, a hash among them
        // keeps its scheme.
        let document = Array("id,secrets\n1,\"{\"\"old\"\": \"\"\(bcrypt)\"\", \"\"pin\"\": \"\"4711\"\"}\"\n".utf8)
        let masked = String(decoding: maskStream(document, format: .csv).output, as: UTF8.self)
        #expect(masked.contains("{\"\"old\"\": \"\"$2b$12$") && !masked.contains(bcrypt) && !masked.contains("4711"), "\(masked)")
    }

    /// A column of a type that cannot hold PII is skipped only when its text cannot hold a hash: money's
    /// `$1,234.56` is plain, a hash is not (`mk_plain_typed_text`'s rule, `PlainTypedTextTests`), and a
    /// `$` that is a cell's first byte is no text anchor whatever the byte before it.
    @Test func aLeadingDollarIsNoTextAnchor() {
        let bytes = Array("a$1,234.56|x$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".utf8)
        bytes.withUnsafeBufferPointer { b in
            let index = StageOneIndex()
            index.reset(b)
            #expect(!index.hasTextAnchor(b, 1, 10))
            #expect(index.hasTextAnchor(b, 12, b.count))
        }
    }
}
