import Glibc

/// Incoming-webhook URLs, whose path is the credential: anyone holding
/// `https://hooks.slack.com/services/T…/B…/…` can post to the channel. Slack, Discord and Microsoft
/// Teams (`*.webhook.office.com/webhookb2/…`, `outlook.office.com/webhook/…`).
///
/// Runs at the `:` of `https://`; the span is the path after the service's fixed prefix, to the end of
/// the URL, so the host stays readable.
enum WebhookURLRule {
    /// The fixed prefixes, host and path; `mayStartPrefix` holds their first bytes.
    static let prefixes: [StaticString] = [
        "hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/",
        "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "canary.discord.com/api/webhooks/",
        "ptb.discord.com/api/webhooks/", "outlook.office.com/webhook/",
    ]

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, colon: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard colon + 3 < upper, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else { return nil }
        let host = colon + 3
        var pathStart: Int? = nil
        // Most URLs are no webhook: the hosts' first letters rule out the fixed prefixes without a compare.
        if mayStartPrefix(bytes[host]) {
            for p in prefixes where SecretDetector.has(bytes, host, p, upper: upper) {
                pathStart = host + p.utf8CodeUnitCount
                break
            }
        }
        if pathStart == nil {
            // `<tenant>.webhook.office.com/webhookb2/`: the host's end is its first `/`, found by memchr (a
            // vector scan; a byte loop testing each host byte was 7 % of a table of URLs), and the tenant is
            // read only where the host ends with the suffix, which almost no URL does.
            let suffix: StaticString = ".webhook.office.com/webhookb2/"
            let hostEnd = min(upper, host + 129)  // a host of up to 128 bytes
            // Sound: `host..<hostEnd` lies in `bytes`, whose base is non-nil (`bytes[colon]` was read).
            if let hit = memchr(bytes.baseAddress! + host, Int32(UInt8(ascii: "/")), hostEnd - host) {
                let slash = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - bytes.baseAddress!
                let hostSuffix = slash - 19
                if hostSuffix > host, SecretDetector.has(bytes, hostSuffix, suffix, upper: upper),
                   (host..<hostSuffix).allSatisfy({ URLCredentialRule.isUserInfo(bytes[$0]) }) {
                    pathStart = hostSuffix + suffix.utf8CodeUnitCount
                }
            }
        }
        guard let start = pathStart else { return nil }
        var end = start
        while end < upper && isPathByte(bytes[end]) { end += 1 }
        guard end - start >= 20 else { return nil }
        return (start..<end, .webhookURL)
    }

    /// Whether `b` is the first byte of one of `prefixes` (a test checks it against them).
    @inline(__always)
    static func mayStartPrefix(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "h") || b == UInt8(ascii: "d") || b == UInt8(ascii: "c") || b == UInt8(ascii: "p")
            || b == UInt8(ascii: "o")
    }

    /// What a URL path holds in text: no whitespace, quotes, angle brackets or closing parenthesis.
    @inline(__always)
    static func isPathByte(_ b: UInt8) -> Bool {
        b > 0x20 && b != 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "'") && b != UInt8(ascii: "<")
            && b != UInt8(ascii: ">") && b != UInt8(ascii: "`") && b != UInt8(ascii: ")")
    }
}
