/// Incoming-webhook URLs, whose path is the credential: anyone holding
/// `https://hooks.slack.com/services/T…/B…/…` can post to the channel. Slack, Discord and Microsoft
/// Teams (`*.webhook.office.com/webhookb2/…`, `outlook.office.com/webhook/…`).
///
/// Runs at the `:` of `https://`; the span is the path after the service's fixed prefix, to the end of
/// the URL, so the host stays readable.
enum WebhookURLRule {
    static let prefixes: [StaticString] = [
        "hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/",
        "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "canary.discord.com/api/webhooks/",
        "ptb.discord.com/api/webhooks/", "outlook.office.com/webhook/",
    ]

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, colon: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard colon + 3 < upper, bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else { return nil }
        let host = colon + 3
        var pathStart: Int? = nil
        for p in prefixes where SecretDetector.has(bytes, host, p, upper: upper) {
            pathStart = host + p.utf8CodeUnitCount
            break
        }
        if pathStart == nil {
            // `<tenant>.webhook.office.com/webhookb2/`
            var slash = host
            while slash < upper && slash - host < 128 && bytes[slash] != UInt8(ascii: "/") && URLCredentialRule.isUserInfo(bytes[slash]) { slash += 1 }
            let suffix: StaticString = ".webhook.office.com/webhookb2/"
            let hostSuffix = slash - 19
            if hostSuffix > host, SecretDetector.has(bytes, hostSuffix, suffix, upper: upper) {
                pathStart = hostSuffix + suffix.utf8CodeUnitCount
            }
        }
        guard let start = pathStart else { return nil }
        var end = start
        while end < upper && isPathByte(bytes[end]) { end += 1 }
        guard end - start >= 20 else { return nil }
        return (start..<end, .webhookURL)
    }

    /// What a URL path holds in text: no whitespace, quotes, angle brackets or closing parenthesis.
    @inline(__always)
    static func isPathByte(_ b: UInt8) -> Bool {
        b > 0x20 && b != 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "'") && b != UInt8(ascii: "<")
            && b != UInt8(ascii: ">") && b != UInt8(ascii: "`") && b != UInt8(ascii: ")")
    }
}
