import Testing
@testable import MaskEngine

/// Secrets as people leak them: the probes of issue 12 (weak passwords after strong keywords, every
/// assignment form, credentials in URLs, token formats of many services) must be masked whole, and
/// gitleaks' false-positive shapes (placeholders, documented examples) must not be masked as live keys.
@Suite struct SecretRuleTests {
    /// The value part of each probe must be inside one secret finding.
    static let leaks: [(String, String)] = [
        ("password=P@ssw0rd", "P@ssw0rd"),
        ("password=Welcome1", "Welcome1"),
        ("password=secret123", "secret123"),
        ("password=$ecur3Pass!", "$ecur3Pass!"),
        ("password=%hidden9x", "%hidden9x"),
        ("password={noop}s3cret", "{noop}s3cret"),
        ("password=" + String(repeating: "Ab1", count: 200), String(repeating: "Ab1", count: 200)),
        ("pass=hunter22", "hunter22"),
        ("pw: tr0ub4dor", "tr0ub4dor"),
        ("pwd := \"Sup3rS3cret\"", "Sup3rS3cret"),
        ("accessKey = 'AbCdEf123456GhIj'", "AbCdEf123456GhIj"),
        ("secretKey: q9W8e7R6t5Y4", "q9W8e7R6t5Y4"),
        ("mySecretString = \"open sesame\"", "open sesame"),
        ("clientSecret => \"cs_8f7e6d5c4b3a\"", "cs_8f7e6d5c4b3a"),
        ("some_api_token_123 = 8f14e45fceea167a5a36dedd4bea2543", "8f14e45fceea167a5a36dedd4bea2543"),
        ("DB_PASSWORD ::= \"hunter2hunter2\"", "hunter2hunter2"),
        // A literal compared with a credential-named identifier, whatever the operator's first byte.
        ("if (\"hunter2x\" == password)", "hunter2x"),
        ("\"s3cr3tv\" != dbPassword", "s3cr3tv"),
        ("if ('Tr0ub4dor' := password)", "Tr0ub4dor"),
        ("$dbPass .= 'kitten99'", "kitten99"),
        ("pw -> correcthorse", "correcthorse"),
        ("System.setProperty(\"API_TOKEN\", \"9f8e7d6c5b4a39281706\")", "9f8e7d6c5b4a39281706"),
        ("<adafruitToken>\n    zq3x9y8w7v6u5t4s3r2q1p0o9n8m7l6k\n</adafruitToken>", "zq3x9y8w7v6u5t4s3r2q1p0o9n8m7l6k"),
        ("var stripeToken string = \"Zx8Yw7Vu6Ts5Rq4P\"", "Zx8Yw7Vu6Ts5Rq4P"),
        ("{\"config.ini\": \"TWILIO_TOKEN=a1b2c3d4e5f6a7b8\\nBACKUP_ENABLED=true\"}", "a1b2c3d4e5f6a7b8"),
        ("Server=tcp:db;Database=x;User ID=sa;Password=Tr1cky;pass;", "Tr1cky"),
        ("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bXlrZXk9PQ==abcDEF123;EndpointSuffix=core.windows.net", "bXlrZXk9PQ==abcDEF123"),
        ("postgres://app:S3cr3tPw@db:5432/prod", "app:S3cr3tPw"),
        ("dsn=postgres://u:pw@h/db", "u:pw"),
        ("https://user:pass@10.0.0.5/", "user:pass"),
        ("mongodb+srv://admin:M0ng0Pw@cluster0.example.net/db", "admin:M0ng0Pw"),
        ("redis://:r3d1sPw@cache:6379/0", ":r3d1sPw"),
        ("postgres://user:p@ss@host/db", "user:p@ss"),
        ("jdbc:mysql://db.example.com:3306/app?user=app&password=J4dbcPw", "J4dbcPw"),
        ("glpat-Xk3mP9qR2sT5vW8yZ1bC", "glpat-Xk3mP9qR2sT5vW8yZ1bC"),
        ("npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
        ("pypi-AgEIcHlwaS5vcmcCJDU3OWM2ZjQ0LTk3NzEtNGQ3Ni05YjM0LTk4NmE5MDIyNzBlYQACKlsz",
         "pypi-AgEIcHlwaS5vcmcCJDU3OWM2ZjQ0LTk3NzEtNGQ3Ni05YjM0LTk4NmE5MDIyNzBlYQACKlsz"),
        ("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9"),
        ("sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5uVw8xYz1aB4cD7eF0gH3iJ6kL9mN2oP5q-AA", "sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5uVw8xYz1aB4cD7eF0gH3iJ6kL9mN2oP5q-AA"),
        ("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", "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"),
        ("SK0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef"),
        ("shpat_0123456789abcdef0123456789abcdef", "shpat_0123456789abcdef0123456789abcdef"),
        ("hvs.CAESIJ3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO9qR2tU5wX8", "hvs.CAESIJ3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO9qR2tU5wX8"),
        ("dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        ("xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef", "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef"),
        ("hook https://hooks.slack.com/services/T01234567/B01234567/AbCdEfGhIjKlMnOpQrStUvWx", "T01234567/B01234567/AbCdEfGhIjKlMnOpQrStUvWx"),
        ("ya29.a0AfH6SMBx3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO9", "ya29.a0AfH6SMBx3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO9"),
        ("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", "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"),
        ("bot 1234567890:AAH3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO", "1234567890:AAH3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO"),
        ("MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs", "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"),
        ("path/ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c", "ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c"),
        ("x-AKIAZ7QK3M5N8P2R4T6V", "AKIAZ7QK3M5N8P2R4T6V"),
        ("curl -u admin:s3cretPw https://api.example.com", "admin:s3cretPw"),
        ("docker login --username bob --password Dk3rHubPassw0rd registry.example", "Dk3rHubPassw0rd"),
        ("helm repo add r https://charts.example --username u --password 'S3cret pass!'", "S3cret pass!"),
        ("influx -password Tr0ub4dor&3 -host db", "Tr0ub4dor&3"),
        ("app --client-secret cs_8f7e6d5c4b3a9 --verbose", "cs_8f7e6d5c4b3a9"),
        ("\"deploy --api-token 9f8e7d6c5b4a39281706f5e4\"", "9f8e7d6c5b4a39281706f5e4"),
        ("--PASSWORD  HunterTwo", "HunterTwo"),
        ("password=EXAMPLEs3cret!", "EXAMPLEs3cret!"),  // an example's marker inside a password is a password
        ("license 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 x", "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"),
        ("mc 0123456789abcdef0a1b2c3d4e5f6789-us21", "0123456789abcdef0a1b2c3d4e5f6789-us21"),
        ("Xk3mP9qR2sT5vW.atlasv1.Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5uVw8x",
         "Xk3mP9qR2sT5vW.atlasv1.Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5uVw8x"),
        ("_gitlab_session=0a1b2c3d4e5f60718293a4b5c6d7e8f9", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        ("vault s.Ab3dEf6hIj9kLm2nOp5qRs8t", "s.Ab3dEf6hIj9kLm2nOp5qRs8t"),
        ("client secret oQO1Q~t~1cZaHs43YI1b1GUBRUyyM7EY1SIKTt here", "oQO1Q~t~1cZaHs43YI1b1GUBRUyyM7EY1SIKTt"),
        // detect-secrets' keyword forms.
        ("apikey = m{{h}o)p${e]nob(ody[finds>-_$#thisone}}", "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"),
        ("secrete = A,.:-¨@*¿?!", "A,.:-¨@*¿?!"),
        ("db_pass: hunter22, next", "hunter22"),
        ("if (aws_secret_access_key !== \"s3cr3tV4lue\") {", "s3cr3tV4lue"),
        ("if (\"s3cr3tV4lue\" === my_private_key) {", "s3cr3tV4lue"),
        ("password = @\"s3cr3tV4lue\";", "s3cr3tV4lue"),
        ("char secrete[25] = \"s3cr3tV4lue\";", "s3cr3tV4lue"),
        ("secrete[] = \"s3cr3tV4lue\";", "s3cr3tV4lue"),
        ("aws_secret_access_key: value with quotes and spaces", "value with quotes and spaces"),
        ("password: correct horse battery staple\nuser: bob", "correct horse battery staple"),
        ("host=db password=s3cr3t dbname=prod", "s3cr3t"),
        ("password \"s3cr3tV4lue\";", "s3cr3tV4lue"),
        // SQL: a single-quoted literal after the word, its quotes doubled inside (a query log's
        // `ALTER ROLE … PASSWORD '…'`, a user mapping's option).
        ("ALTER USER bob WITH PASSWORD 'Plaintext-123x';", "Plaintext-123x"),
        ("create role x login password 'it''s-a-s3cret';", "it''s-a-s3cret"),
        ("OPTIONS (user 'remote', password 'fdw-P4ss''word')", "fdw-P4ss''word"),
        ("ALTER ROLE ann PASSWORD '''quoted''-s3cret';", "'quoted''-s3cret"),
        ("password = '''s3cr3tV4lue'''", "s3cr3tV4lue"),
        ("std::string secret(\"s3cr3tV4lue\");", "s3cr3tV4lue"),
        ("secrete.assign(\"s3cr3tV4lue\",17);", "s3cr3tV4lue"),
        ("curl --user 'deploy:pa ss w0rd' https://x", "deploy:pa ss w0rd"),
        ("<add key=\"ClearTextPassword\" value=\"n0tS0s3cret\" />", "n0tS0s3cret"),
        ("hfToken = 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", "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"),
        // Told in a sentence (a support ticket, a chat log).
        ("my password is Hunter2-Secret9", "Hunter2-Secret9"),
        ("Hi, my password is hunter2 and it does not work", "hunter2"),
        ("the new password is: Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("Your temporary password is Xk9#mP2vL7.", "Xk9#mP2vL7"),
        ("My PASSWORD was changed to 'Summer2024!' yesterday", "Summer2024!"),
        ("the pwd is CorrectHorse now", "CorrectHorse"),
        ("her pin is 4821, call back", "4821"),
        ("the api secret is now sk9-ab12cd34ef", "sk9-ab12cd34ef"),
        ("your password has been reset to TempPass123.", "TempPass123"),
        ("my password is \"correct horse battery\" ok", "correct horse battery"),
        // A list of them: every string of it (the first alone was masked, the others passed).
        ("{\"passwords\": [\"alpha\", \"Hunter2-Secret9\"]}", "Hunter2-Secret9"),
        ("{\"password\": [ \"Hunter2-Secret9\" , \"Other-Pass7\" ], \"n\": 1}", "\"Hunter2-Secret9\" , \"Other-Pass7\""),
        ("api_keys = ['k3y0ne-abc', 'k3yTw0-def']", "'k3y0ne-abc', 'k3yTw0-def'"),
        ("{\"api_key\": [\"a\\\"b-c0ffee-9\", \"zz-Top-4242\"]}", "zz-Top-4242"),
        ("eyJ" + String(repeating: "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", count: 20) + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
         "eyJ" + String(repeating: "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", count: 20) + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
    ]

    @Test(arguments: leaks)
    func masked(_ input: String, _ secret: String) {
        let bytes = Array(input.utf8)
        let target = Array(secret.utf8)
        guard let at = (0...(bytes.count - target.count)).first(where: { Array(bytes[$0..<($0 + target.count)]) == target }) else {
            Issue.record("probe text does not contain its secret")
            return
        }
        // A documented example is kept in clear, so it does not count as masking the probe.
        let covering = findings(in: input).filter {
            $0.type == .secret && $0.kind != .documentedExample && $0.start <= at && $0.end >= at + target.count
        }
        #expect(covering.count == 1, "\(input) → \(spans(in: input))")
    }

    /// An object as a credential key's value: its string values are the secrets, its names stay (the
    /// object masked whole renamed them, and a reader of `creds.password` found nothing).
    @Test func anObjectAssignedToACredentialKeyKeepsItsNames() {
        let text = #"{"creds": {"password": "Hunter2-Secret9", "user": "bob", "n": 3, "old": {"pin": "Tr0ub4dor&3"}}, "x": 1}"#
        let found = spans(in: text)
        #expect(found == ["password_assignment:Hunter2-Secret9", "password_assignment:bob", "password_assignment:Tr0ub4dor&3"],
                "\(found)")
        // What only looks like an object is masked whole.
        #expect(spans(in: #"{"creds": {"password: "Hunter2-Secret9"}}"#).contains { $0.contains("Hunter2-Secret9") })
    }

    /// Placeholders, documented examples and ordinary text: no live-secret finding.
    static let notSecrets: [String] = [
        "password=${DB_PASSWORD}", "password: {{ vault_password }}", "password=<redacted>", "password=changeme",
        "password=********", "password=xxxxxxxx", "password: $DB_PASS", "password=%(db_password)s",
        "password = get_password()", "passwd=$(cat /run/secrets/db)", "password = ,.:-¨@*¿?!",
        "password = \"somefakekey\"", "api_key = \"\"", "he said the token \"is\" fine", "secret: ''", "some_key = \"real_secret\"", "password=None", "password: true", "password_min_length=8",
        "password_hint: your pet's name", "token_type: Bearer", "secret_name: prod-db", "api_key=<your-api-key>",
        "token = your_token_here", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "xoxb-xxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
        "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sort_key = created_at", "monkey: banana",
        "the sk-button-primary-hover-state-xl class", "Microsoft.Extensions.DependencyInjection.Abstractions",
        "keyboard=us", "https://example.com/docs/getting-started", "uuid 550e8400-e29b-41d4-a716-446655440000",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "<password>\n hunter2 \n<b>", "time 12:30:45 at 2024-01-01T00:00:00Z",
        "<add key=\"ClearTextPassword\" value=\"\" />", "key=ClearTextPassword", "curl -u admin https://x",
        "ALTER ROLE carol PASSWORD NULL", "password '' and token 'x'",
        "use the --password option to set it", "pass --password to set it", "--password-file /run/secrets/pw",
        "--token-type bearer", "docker login --password $DOCKER_PASSWORD", "--password <password>",
        "--password --user x", "--password - < file", "an e-signature Ab12cd", "a non-secret X9 value",
        "--password ********", "x--password Hunter2x", "passwords: []", "password: [\"${DB_PASSWORD}\"]",
        "the password is correct", "the password is required.", "I changed my password yesterday", "password reset for bob",
        "your password was changed 2024-01-01 at 10:30", "the password is at least 12 characters",
        "the password is Required", "my pin is 12", "the pin is 123456789", "a token is ${TOKEN}", "password is <redacted>",
        "the secret is to listen", "the password is stored as a bcrypt hash", "password is set to expire in 90 days",
        "the token is valid for 3600 seconds", "password was 8 chars", "password is: ********", "the password is https://example.com/reset", "passwords are Hunter2x",
    ]

    @Test(arguments: notSecrets)
    func notMasked(_ input: String) {
        let live = findings(in: input).filter { $0.type == .secret && $0.kind != .documentedExample }
        #expect(live.isEmpty, "\(input) → \(spans(in: input))")
    }

    /// A dominated value is a placeholder only while its other bytes are too few to be a secret: a real
    /// value followed by filler (the PgDump fuzzer's `password=Xk9#mP2$vL7qR4!z)` and 0xFF bytes, or a
    /// query appending `repeat('a', 17)`) is masked, value and filler.
    /// `DocumentedExamples.contains` (memchr for each `E`) answers what a byte-by-byte search for
    /// `EXAMPLE` answers, then the listed keys: on random ranges of texts dense in `EXAMPLE`'s letters,
    /// with the word at the range's edges, cut by them, and absent; and on the listed keys themselves.
    /// Every webhook form, each fixed prefix and a tenant's Teams host, is masked from its path on; the
    /// first-byte gate holds every prefix's first byte.
    @Test func everyWebhookFormIsMasked() {
        let path = "T01234567/B01234567/AbCdEfGhIjKlMnOpQrStUvWx"
        for prefix in WebhookURLRule.prefixes {
            let text = "\(prefix)"
            #expect(WebhookURLRule.mayStartPrefix(text.utf8.first!), "\(text)")
            #expect(spans(in: "hook: https://\(text)\(path) ok") == ["webhook_url:\(path)"], "\(text)")
        }
        #expect(spans(in: "teams https://contoso.webhook.office.com/webhookb2/\(path)") == ["webhook_url:\(path)"])
        #expect(spans(in: "https://hooks.slack.com.evil.example/services/\(path)").isEmpty)
        // A tenant is read up to 109 bytes (a host of 128), of the bytes a URL's user information holds.
        let tenant = String(repeating: "t", count: 109)
        #expect(spans(in: "https://\(tenant).webhook.office.com/webhookb2/\(path)") == ["webhook_url:\(path)"])
        #expect(spans(in: "https://t\(tenant).webhook.office.com/webhookb2/\(path)").isEmpty)
        #expect(spans(in: "https://con\"toso.webhook.office.com/webhookb2/\(path)").isEmpty)
        #expect(spans(in: "https://webhook.office.com/webhookb2/\(path)").isEmpty)
    }

    /// `URLCredentialRule.isUserInfo`, a bit a byte, answers what the list of bytes it replaced answers.
    @Test func userInfoBytesAreTheListedOnes() {
        for b in 0...255 {
            let excluded: Set<Character> = ["/", "@", "\"", "'", "<", ">", "`", "(", ")", "[", "]", "{", "}", "\\"]
            let expected = b > 0x20 && b != 0x7F && !excluded.contains(Character(Unicode.Scalar(UInt8(b))))
            #expect(URLCredentialRule.isUserInfo(UInt8(b)) == expected, "byte \(b)")
        }
    }

    @Test func documentedExampleSearchIsTheByteLoop() {
        var g = StageOneTests.Generator(state: 0xE7A)
        let letters = Array("EXAMPLEEEXAMPLEab_".utf8)
        var answers = Set<Bool>()
        for round in 0..<4000 {
            var text = (0..<Int(g.next() % 60)).map { _ in letters[Int(g.next() % UInt64(letters.count))] }
            if round % 5 == 0 { text += Array("EXAMPLE".utf8) }
            if round % 7 == 0 { text = Array("EXAMPLE".utf8) + text }
            if round % 11 == 0, let key = DocumentedExamples.keys.randomElement() {
                text = Array(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            }
            let start = text.isEmpty ? 0 : Int(g.next() % UInt64(text.count + 1))
            let end = start + Int(g.next() % UInt64(text.count - start + 1))
            let range = round % 3 == 0 ? 0..<text.count : start..<end
            text.withUnsafeBufferPointer { b in
                var expected = false
                var i = range.lowerBound
                while i + 7 <= range.upperBound {
                    if b[i] == UInt8(ascii: "E"), SecretDetector.has(b, i, "EXAMPLE", upper: range.upperBound) { expected = true }
                    i += 1
                }
                expected = expected || DocumentedExamples.isListed(b, range.lowerBound, range.upperBound)
                answers.insert(expected)
                #expect(DocumentedExamples.contains(b, range.lowerBound, range.upperBound) == expected,
                        "\(String(decoding: text, as: UTF8.self)) \(range)")
            }
        }
        #expect(answers == [true, false])
    }

    @Test func aValueFollowedByFillerIsStillASecret() {
        for filler in [String(repeating: "a", count: 17), String(repeating: "=", count: 40)] {
            let input = "password=Xk9#mP2$vL7qR4!z" + filler
            let live = findings(in: input).filter { $0.type == .secret && $0.kind != .documentedExample }
            #expect(live.count == 1 && live.first?.start == 9 && live.first?.end == input.utf8.count, "\(input) → \(spans(in: input))")
        }
        // A token whose body runs on (GitHub's may grow) and ends in filler: the real part is judged.
        let token = "ghp_R2d2C3poLuke0Leia1Han2Chewie3Yoda4Vv"
        for n in [8, 50, 400] {
            let input = token + String(repeating: "a", count: n)
            #expect(findings(in: input).contains { $0.type == .secret && $0.start == 0 }, "\(n) filler bytes")
        }
        #expect(findings(in: "ghp_" + String(repeating: "x", count: 40)).filter { $0.type == .secret }.isEmpty)
        #expect(findings(in: "ghp_1234abcd" + String(repeating: "x", count: 32)).filter { $0.type == .secret }.isEmpty,
                "a partly shown key (a head under 16 bytes) stays a placeholder")
        // Seven other bytes and filler stay a placeholder, as `pplx-xxxx…` and `AIzaaaa…` do.
        #expect(findings(in: "api_key=Q9ZK2mVaaaaaaaaaaaaaaaaaaaaaaaa").filter { $0.type == .secret }.isEmpty)
        #expect(findings(in: "PPLX_API_KEY=pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").filter { $0.type == .secret }.isEmpty)
    }

    /// `fake` marks a placeholder only in a value too short to hold anything else: a real value with
    /// `fake` after it (glued, or after a comma the bare value runs on across, as the CSV fuzzer wrote
    /// it) or before it is masked whole.
    @Test func aRealValueBesideTheWordFakeIsStillASecret() {
        let secret = "2OLPibRiFuy4G4+XXaZEjKlA916QUW8HXJUxcqLp"
        for value in [secret + ",fake", secret + "fake", "fake" + secret, "fake_" + secret] {
            let input = "aws_secret_access_key=" + value
            let live = findings(in: input).filter { $0.type == .secret && $0.kind != .documentedExample }
            #expect(live.count == 1 && live.first?.start == 22 && live.first?.end == input.utf8.count, "\(input) → \(spans(in: input))")
        }
        for placeholder in ["somefakekey", "fake", "fake_key", "FakeToken"] {
            #expect(findings(in: "password=" + placeholder).filter { $0.type == .secret }.isEmpty, "\(placeholder)")
        }
    }

    /// A private key block that starts inside an assignment's value: the value's span runs to the
    /// block's end, so no line of the key is left (the PgDump fuzzer found `password =!A)-----BEGIN …`
    /// masking the BEGIN line and passing the body).
    @Test func aPrivateKeyInsideAnAssignmentValueIsMaskedToItsEnd() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAs9Xq3kLm7Rt2VwZy8PqN4cJ6hB1uF0gT5eW3oYdKaMnS2vXl\n"
            + "Q7rE9tH4jU6iO8pA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT1yU3iO5pA7sD9fG2hJ\n-----END RSA PRIVATE KEY-----"
        for (head, valueStart) in [("password =!A)", 10), ("password=\"", 10), ("secret: x", 8), ("token=", 6)] {
            let input = head + key + " tail"
            let found = findings(in: input).filter { $0.type == .secret }
            let end = input.utf8.count - " tail".utf8.count
            #expect(found.count == 1 && found.first?.start == valueStart && found.first?.end == end, "\(head) → \(spans(in: input))")
        }
    }

    @Test func documentedExamplesAreReportedNotMasked() {
        #expect(spans(in: "AKIAIOSFODNN7EXAMPLE") == ["documented_example:AKIAIOSFODNN7EXAMPLE"])
        let input = Array("id=AKIAIOSFODNN7EXAMPLE".utf8)
        #expect(maskStream(Array("note\n".utf8) + input + [10], format: .csv).output == Array("note\n".utf8) + input + [10])
        let masked = maskStream(Array("note\n".utf8) + input + [10], format: .csv,
                                policy: MaskPolicy(maskDocumentedExamples: true)).output
        #expect(!String(decoding: masked, as: UTF8.self).contains("AKIAIOSFODNN7EXAMPLE"))
    }

    /// gitleaks' sample templates (cmd/generate/config/utils/generate.go): every assignment form, for
    /// service names and random secrets of the shapes its rules use.
    @Test func gitleaksTemplateForms() {
        let templates = [
            "{i}Token=\"{s}\"", "{i}Token = \"{s}\"", "{i}Token={s}", "{i}Token = {s}", "{\n    \"{i}_token\": \"{s}\"\n}",
            "{\"config.ini\": \"{I}_TOKEN={s}\\nBACKUP_ENABLED=true\"}", "<{i}Token>\n    {s}\n</{i}Token>",
            "{i}_token: {s}", "{i}_token: '{s}'", "{i}_token: \"{s}\"", "string {i}Token = \"{s}\";",
            "var {i}Token string = \"{s}\"", "{i}Token := \"{s}\"", "{i}Token := `{s}`", "String {i}Token = \"{s}\";",
            "var {i}Token = \"{s}\"", "${i}Token .= \"{s}\"", "{i}Token = '{s}'", "{i}Token = \"{s}\"",
            "System.setProperty(\"{I}_TOKEN\", \"{s}\")", "  \"{i}Token\" => \"{s}\"", "{i}_TOKEN = \"{s}\"",
            "{i}_TOKEN := \"{s}\"", "{i}_TOKEN ::= \"{s}\"", "{i}_TOKEN :::= \"{s}\"", "{i}_TOKEN ?= \"{s}\"",
        ]
        var g = StageOneTests.Generator(state: 9)
        let alphabets = ["abcdefghijklmnopqrstuvwxyz0123456789", "0123456789abcdef", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"]
        var missed: [String] = []
        var total = 0
        for identifier in ["adafruit", "asana", "bitbucket", "codecov", "datadog", "discord", "fastly", "linear", "mattermost", "zendesk"] {
            for alphabet in alphabets {
                let a = Array(alphabet)
                let secret = String((0..<32).map { _ in a[Int(g.next() % UInt64(a.count))] })
                for t in templates {
                    let text = t.replacingOccurrences(of: "{i}", with: identifier)
                        .replacingOccurrences(of: "{I}", with: identifier.uppercased())
                        .replacingOccurrences(of: "{s}", with: secret)
                    total += 1
                    let bytes = Array(text.utf8), target = Array(secret.utf8)
                    let at = (0...(bytes.count - target.count)).first { Array(bytes[$0..<($0 + target.count)]) == target }!
                    if !findings(in: text).contains(where: { $0.type == .secret && $0.start <= at && $0.end >= at + target.count }) {
                        missed.append(text)
                    }
                }
            }
        }
        #expect(missed.isEmpty, "\(missed.count) of \(total) missed: \(missed.prefix(5))")
    }
}
