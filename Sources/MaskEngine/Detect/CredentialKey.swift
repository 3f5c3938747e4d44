/// Whether a key (`db_password`, `AWS_SECRET_ACCESS_KEY`, `clientSecret`, `x-api-key`, `adafruitToken`)
/// names a credential, and how strongly.
///
/// The key is split into lower-case words at `_`, `-`, `.`, `$` and camelCase humps. A **strong** key
/// names its value as a secret outright (`password`, `passwd`, `pwd`, `pw`, `pass`, `passphrase`,
/// `secret`, `credentials`, `api_key`, `access_key`, `private_key`, `auth_token`, `dsn`,
/// `connection_string`, `account_key`…): its value is masked whatever it looks like. A **weak** key
/// (`token`, `key`, `auth`, `api`…) may name a credential or not (`sort_key`, `page_token`), so its value
/// must also look random. A key whose last word says it describes the credential rather than holds it
/// (`password_hint`, `token_type`, `secret_name`, `key_id`, `password_expires_at`) is not a credential.
enum CredentialKey {
    enum Strength { case weak, strong }

    /// How strongly the key `bytes[start..<end]` (at most 96 bytes) names a credential, or nil.
    static func strength(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Strength? {
        guard end > start, end - start <= 96 else { return nil }
        // Lower-cased copy with word breaks as single `_`, on the stack.
        var folded = InlineArray<128, UInt8>(repeating: 0)
        var n = 0
        var previousLower = false
        for i in start..<end where n < 126 {
            let b = bytes[i]
            if b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "$") {
                if n > 0 && folded[n - 1] != 95 { folded[n] = 95; n += 1 }
                previousLower = false
                continue
            }
            let upper = b &- 65 < 26
            if upper && previousLower && n > 0 { folded[n] = 95; n += 1 }
            folded[n] = ASCII.lower(b)
            n += 1
            previousLower = b &- 97 < 26 || ASCII.isDigit(b)
        }
        while n > 0 && folded[n - 1] == 95 { n -= 1 }
        guard n > 0 else { return nil }
        // Walk the words.
        var strongest: Strength? = nil
        var wordStart = 0
        var lastWord = (0, 0)
        var previousWord = (0, 0)
        var i = 0
        while i <= n {
            if i == n || folded[i] == 95 {
                if i > wordStart {
                    previousWord = lastWord
                    lastWord = (wordStart, i)
                    let s = classify(folded, wordStart, i, previous: previousWord)
                    if s == .strong { strongest = .strong } else if s == .weak && strongest == nil { strongest = .weak }
                }
                wordStart = i + 1
            }
            i += 1
        }
        guard let strongest else { return nil }
        if describesCredential(folded, lastWord.0, lastWord.1) { return nil }
        return strongest
    }

    static func word(_ f: InlineArray<128, UInt8>, _ s: Int, _ e: Int, is literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard e - s == n else { return false }
        for k in 0..<n where f[s + k] != literal.utf8Start[k] { return false }
        return true
    }

    static func contains(_ f: InlineArray<128, UInt8>, _ s: Int, _ e: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard e - s >= n else { return false }
        var i = s
        while i + n <= e {
            var ok = true
            for k in 0..<n where f[i + k] != literal.utf8Start[k] { ok = false; break }
            if ok { return true }
            i += 1
        }
        return false
    }

    static let strongInside: [StaticString] = [
        "password", "passwd", "passphrase", "secret", "credential", "apikey", "accesskey", "privatekey",
        "accountkey", "sharedaccesskey", "connectionstring", "connstr", "authtoken", "accesstoken",
        "refreshtoken", "authorization", "pgpass", "mysqlpwd", "sessiontoken",
    ]
    static let strongWords: [StaticString] = ["pwd", "pw", "pass", "creds", "dsn", "passcode", "pin", "psk", "sas"]
    /// `api_key`, `access_token`: a weak word made strong by the word before it.
    static let strongPairsFirst: [StaticString] = ["api", "access", "private", "secret", "auth", "refresh", "session",
                                                   "bearer", "bot", "oauth", "personal", "client", "account", "shared",
                                                   "master", "signing", "encryption", "deploy", "admin", "service"]
    static let weakWords: [StaticString] = ["token", "key", "auth", "api", "access", "bearer", "apitoken", "sig",
                                            "signature", "salt", "hmac", "license", "cert", "session", "sessionid", "cookie", "sid"]
    static let weakInside: [StaticString] = ["token", "apikey"]

    static func classify(_ f: InlineArray<128, UInt8>, _ s: Int, _ e: Int, previous: (Int, Int)) -> Strength? {
        for k in strongInside where contains(f, s, e, k) { return .strong }
        for k in strongWords where word(f, s, e, is: k) { return .strong }
        let isWeak = weakWords.contains { word(f, s, e, is: $0) }
        if isWeak {
            // `api_key`, `access_token`, `client_secret` (secret is strong anyway).
            if previous.1 > previous.0, word(f, s, e, is: "key") || word(f, s, e, is: "token") {
                for p in strongPairsFirst where word(f, previous.0, previous.1, is: p) { return .strong }
            }
            return .weak
        }
        for k in weakInside where contains(f, s, e, k) { return .weak }
        return nil
    }

    static let describingWords: [StaticString] = [
        "type", "types", "expires", "expiry", "expiration", "expire", "at", "length", "len", "count", "hint", "policy",
        "name", "names", "url", "uri", "endpoint", "file", "path", "enabled", "required", "min", "max", "format",
        "version", "field", "label", "header", "id", "ids", "changed", "updated", "created", "reset", "prompt",
        "strength", "rotation", "ttl", "size", "algorithm", "alg", "kind", "mode", "provider", "store", "manager",
    ]

    static func describesCredential(_ f: InlineArray<128, UInt8>, _ s: Int, _ e: Int) -> Bool {
        // The last word is the credential word itself (`db_password`): it holds the value.
        for k in describingWords where word(f, s, e, is: k) { return true }
        return false
    }
}
