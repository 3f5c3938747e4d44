/// A value the leak oracle splices into fuzzed input where it forms a whole cell, field or word: the
/// text that is spliced, and the part of it (`needle`) that must never appear in any output.
///
/// Every canary is a valid, real-looking value of its type (Luhn-valid cards in their networks' ranges,
/// an SSN outside the never-issued blocks, secrets in their services' exact shapes), and the replay
/// tests check that the engine masks each one when it is the whole of a CSV cell: a canary the engine
/// does not recognise would make the oracle blind, not strict.
public struct Canary: Sendable {
    /// What it stands for, in findings: `email`, `card_visa`, `secret_github_token`, …
    public let name: String
    /// The bytes spliced in (for some secrets, with the key name that makes them one).
    public let text: [UInt8]
    /// The bytes that must not reach any output: the value itself, never its key name.
    public let needle: [UInt8]
    /// Whether the value is found by the digit path (cards, SSNs), which the engine does not run on a
    /// dump's script text (sequence values and OIDs there only look like numbers).
    public let isDigits: Bool

    init(_ name: String, _ text: String, needle: String? = nil, digits: Bool = false) {
        self.name = name
        self.text = Array(text.utf8)
        self.needle = Array((needle ?? text).utf8)
        self.isDigits = digits
    }

    /// One of each type the engine promises to mask: an email, a card of each major network, an SSN,
    /// and one secret of each kind `SecretKind` lists (but `documented_example`, kept by design, and
    /// `pattern_limit`, which only custom detectors produce), plus two of the token catalogue's.
    public static let all: [Canary] = [
        Canary("email", "maria.gonzalez@fastmail.fm"),
        Canary("card_visa", "4539198344417476", digits: true),
        Canary("card_mastercard", "5425661435545822", digits: true),
        Canary("card_mastercard_2series", "2223284201195010", digits: true),
        Canary("card_amex", "374243669791190", digits: true),
        Canary("card_discover", "6011952178347932", digits: true),
        Canary("card_jcb", "3566748411144102", digits: true),
        Canary("card_diners", "36222618916728", digits: true),
        Canary("card_unionpay", "6212867477669140", digits: true),
        Canary("ssn", "536-90-4399", digits: true),
        Canary("secret_aws_access_key_id", "AKIAD5J3NQM6TH5ZB48U"),
        Canary("secret_aws_secret_access_key", "aws_secret_access_key=2OLPibRiFuy4G4+XXaZEjKlA916QUW8HXJUxcqLp",
               needle: "2OLPibRiFuy4G4+XXaZEjKlA916QUW8HXJUxcqLp"),
        Canary("secret_github_token", "ghp_kDETXgOwcICuaWdIympIgwGSY77k6rBdlW9e"),
        Canary("secret_slack_token", "xoxb-179183098388-9638125711189-oo58giEJEuyGePQ44xh5Gv2r"),
        Canary("secret_stripe_key", "sk_live_BOvE0mJ484S48BjW8JIWSAtT"),
        Canary("secret_google_api_key", "AIzaFLBvpGFhAsBYGoDDbzNeJECQrDgJxa1J-5E"),
        Canary("secret_jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI5ODc2NTQzMjEwIn0.Qm9WdGxlc0FyZU5vdFNlY3JldHNCdXRUaGlzSXM",
               needle: "eyJzdWIiOiI5ODc2NTQzMjEwIn0.Qm9WdGxlc0FyZU5vdFNlY3JldHNCdXRUaGlzSXM"),
        Canary("secret_private_key",
               "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAs9Xq3kLm7Rt2VwZy8PqN4cJ6hB1uF0gT5eW3oYdKaMnS2vXl\nQ7rE9tH4jU6iO8pA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT1yU3iO5pA7sD9fG2hJ\n-----END RSA PRIVATE KEY-----",
               needle: "MIIEpQIBAAKCAQEAs9Xq3kLm7Rt2VwZy8PqN4cJ6hB1uF0gT5eW3oYdKaMnS2vXl"),
        Canary("secret_password_assignment", "password=Xk9#mP2$vL7qR4!z", needle: "Xk9#mP2$vL7qR4!z"),
        Canary("secret_url_credentials", "postgres://billing:Vq7rT2xPw9@db.internal:5432/prod", needle: "Vq7rT2xPw9"),
        Canary("secret_telegram_bot_token", "5937261480:AAXpCEyGjFl6gdyK26CijxV6zXnU8BSQ_Ng"),
        Canary("secret_webhook_url", "https://hooks.slack.com/services/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",
               needle: "T04HX2K9Q/B05QZ7M3L/oo58giEJEuyGePQ44xh5Gv2r"),
        Canary("secret_discord_bot_token", "MTklNODi520rE5tIdjdHbRtF.ULVwqd.AiqDNZ8SwSFTQ3obfNIvMzzoCXK4oX"),
        Canary("secret_maxmind_license_key", "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"),
        Canary("secret_mailchimp_api_key", "f83c3169009b831460788576a9b156bf-us14"),
        Canary("secret_terraform_token",
               "yp9yIJX6uF68Nc.atlasv1.F28RlHnqzgsBH-5qWgnGV21q4ClswscCTf07I8PjUhmi2ogviaNfrWta57_cLkIF"),
        Canary("secret_azure_client_secret", "sRL8Q~aEaTopYW5LSQdGrKNB4di4RX2G1zdW8F"),
        Canary("secret_gitlab_token", "glpat-Hq3vX9kLm2Tz8RwY5nBc"),
        Canary("secret_npm_token", "npm_Z4kq9WmX2vT7pR3sL8nY6bH1cJ5dF0gA2eQw"),
        // A password hash keeps its scheme and cost: the salt and hash must not pass.
        Canary("secret_password_hash", "$2b$12$pesR9SMEEQ0iVQX10ZLP6Pf0Eu6okpFn1bxavDqcWA20peQIn8Vnp", needle: "pesR9SMEEQ0iVQX10ZLP6Pf0Eu6okpFn1bxavDqcWA20peQIn8Vnp"),
        Canary("secret_postgres_md5_password", "md5743c9125e48150e4bd29eeb0b585fb17"),
    ]

    /// The canary a marker's selector byte picks; digit canaries are swapped for the email where the
    /// engine does not look for digits.
    static func pick(_ selector: UInt8, digitsScanned: Bool = true) -> Canary {
        let canary = all[Int(selector) % all.count]
        return canary.isDigits && !digitsScanned ? all[0] : canary
    }
}
