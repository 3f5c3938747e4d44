/// Realistic cell values, one maker per kind: the PII each detector must find (emails, cards, SSNs,
/// prefixed tokens, assignments, URL credentials) and the ordinary values around them (names, words,
/// ids, amounts, timestamps, UUIDs) that it must pass over.
///
/// Every PII maker returns exactly one detectable value, so a benchmark over N such cells can state
/// that it expects N findings and fail when a detector stops finding them.
struct SampleValues {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    static let firstNames = ["james", "mary", "priya", "wei", "aisha", "omar", "yuki", "olga", "carlos", "lucia",
                             "mateo", "sofia", "liam", "emma", "noah", "kwame", "amara", "grace", "henry", "ingrid"]
    static let lastNames = ["smith", "garcia", "chen", "okafor", "novak", "tanaka", "silva", "kowalski", "nguyen",
                            "haddad", "johansson", "rossi", "murphy", "patel", "kim", "muller", "dubois", "ivanova"]
    static let domains = ["example.com", "mail.example.org", "corp.example.net", "shop.example.io", "uni.example.edu"]
    static let words = ["order", "shipped", "customer", "called", "about", "the", "invoice", "refund", "pending",
                        "review", "account", "updated", "address", "delivery", "window", "please", "confirm",
                        "ticket", "closed", "warehouse", "payment", "received", "thanks", "schedule", "next", "week"]
    static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    static let tokenPrefixes = ["ghp_", "gho_", "glpat-", "xoxb-", "sk-proj-", "AKIA"]
    static let assignmentKeys = ["password", "api_key", "secret", "db_password", "auth_token", "client_secret"]
    static let urlSchemes = ["postgres", "mysql", "redis", "https", "mongodb+srv", "amqp"]
    static let userAgents = [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "okhttp/4.12.0", "curl/8.5.0", "python-requests/2.31.0",
    ]

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(Unicode.Scalar(UInt8(48 + random.below(10)))) })
    }

    mutating func alphanumeric(_ count: Int) -> String {
        String(decoding: (0..<count).map { _ in random.pick(Self.alphanumerics) }, as: UTF8.self)
    }

    mutating func name() -> String { "\(random.pick(Self.firstNames)) \(random.pick(Self.lastNames))" }

    mutating func email() -> String {
        "\(random.pick(Self.firstNames)).\(random.pick(Self.lastNames))\(random.below(100))@\(random.pick(Self.domains))"
    }

    /// A Visa number (issuer range 4), Luhn-valid, grouped by 4 with spaces, hyphens or nothing.
    mutating func card() -> String {
        var payload = [4] + (0..<14).map { _ in random.below(10) }
        payload.append(Self.luhnCheckDigit(payload))
        let plain = payload.map(String.init).joined()
        let separator = random.pick(["", " ", "-"])
        if separator.isEmpty { return plain }
        return stride(from: 0, to: 16, by: 4).map { i in
            String(plain[plain.index(plain.startIndex, offsetBy: i)..<plain.index(plain.startIndex, offsetBy: i + 4)])
        }.joined(separator: separator)
    }

    static func luhnCheckDigit(_ payload: [Int]) -> Int {
        var sum = 0
        for (i, d) in payload.reversed().enumerated() {
            let doubled = i % 2 == 0 ? d * 2 : d
            sum += doubled > 9 ? doubled - 9 : doubled
        }
        return (10 - sum % 10) % 10
    }

    /// An issuable SSN (area 001–665 but not 666, group 01–99, serial 0001–9999), as AAA-GG-SSSS.
    mutating func ssn() -> String {
        let area = 1 + random.below(665)
        let group = 1 + random.below(99)
        let serial = 1 + random.below(9999)
        return pad(area, 3) + "-" + pad(group, 2) + "-" + pad(serial, 4)
    }

    /// A vendor-prefixed token whose body has the length and alphabet its rule asks for.
    mutating func prefixedToken() -> String {
        switch random.pick(Self.tokenPrefixes) {
        case "ghp_": return "ghp_" + alphanumeric(36)
        case "gho_": return "gho_" + alphanumeric(36)
        case "glpat-": return "glpat-" + alphanumeric(20)
        case "xoxb-": return "xoxb-" + digits(11) + "-" + digits(12) + "-" + alphanumeric(24)
        case "sk-proj-": return "sk-proj-" + alphanumeric(48)
        default: return "AKIA" + String(alphanumeric(16).uppercased().map { $0.isLetter || $0.isNumber ? $0 : "Q" })
        }
    }

    /// `key=value` or `key: value` with a high-entropy value.
    mutating func assignment() -> String {
        random.pick(Self.assignmentKeys) + random.pick(["=", ": ", " = "]) + alphanumeric(10 + random.below(14))
    }

    /// A connection URL with a user and a password.
    mutating func urlCredentials() -> String {
        "\(random.pick(Self.urlSchemes))://\(random.pick(Self.firstNames)):\(alphanumeric(12))@db\(random.below(10)).example.internal:5432/app"
    }

    mutating func sentence(words count: Int) -> String {
        (0..<count).map { _ in random.pick(Self.words) }.joined(separator: " ")
    }

    mutating func userAgent() -> String { random.pick(Self.userAgents) }

    /// A small jsonb value as PostgreSQL prints it.
    mutating func event() -> String {
        "{\"action\": \"\(random.pick(Self.words))\", \"count\": \(random.below(1_000)), \"ok\": \(random.below(2) == 0)}"
    }

    mutating func amount() -> String { "\(random.below(100_000)).\(pad(random.below(100), 2))" }

    mutating func timestamp() -> String {
        "2024-\(pad(1 + random.below(12), 2))-\(pad(1 + random.below(28), 2)) \(pad(random.below(24), 2)):\(pad(random.below(60), 2)):\(pad(random.below(60), 2))+00"
    }

    mutating func uuid() -> String {
        let hex = Array("0123456789abcdef")
        let chars = (0..<32).map { _ in hex[random.below(16)] }
        let s = String(chars)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
            String(s[s.index(s.startIndex, offsetBy: r.lowerBound)..<s.index(s.startIndex, offsetBy: r.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
