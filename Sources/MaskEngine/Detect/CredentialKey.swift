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
    typealias Folded = UnsafeMutableBufferPointer<UInt8>

    /// How strongly the key `bytes[start..<end]` (at most 96 bytes) names a credential, or nil.
    ///
    /// This runs at every `=`, `:` and `",` stage 1 marks, so it is written for speed: the folded key
    /// lives on the stack, and keywords are compared by a switch on the byte where they would start,
    /// with no table walked per word.
    static func strength(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Strength? {
        guard end > start, end - start <= 96 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 200) { folded -> Strength? in
            // Lower-cased copy with each word break as one `_`.
            var n = 0
            var previousLower = false
            var letters = 0
            for i in start..<end {
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
                if ASCII.isAlpha(b) { letters += 1 }
                previousLower = b &- 97 < 26 || ASCII.isDigit(b)
            }
            while n > 0 && folded[n - 1] == 95 { n -= 1 }
            // `02T09` (the hour of a timestamp before `:`) has no keyword: every keyword has 2+ letters.
            guard n > 1, letters >= 2 else { return nil }
            var strongest: Strength? = nil
            var wordStart = 0
            var last = (0, 0)
            var previous = (0, 0)
            for i in 0...n where i == n || folded[i] == 95 {
                if i > wordStart {
                    previous = last
                    last = (wordStart, i)
                    switch classify(folded, wordStart, i, previous: previous) {
                    case .strong?: strongest = .strong
                    case .weak?: if strongest == nil { strongest = .weak }
                    case nil: break
                    }
                }
                wordStart = i + 1
            }
            guard let strongest, !describesCredential(folded, last.0, last.1) else { return nil }
            return strongest
        }
    }

    /// Whether `f[at..<end]` starts with `literal`.
    @inline(__always)
    static func has(_ f: Folded, _ at: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end - at >= n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where f[at + k] != p[k] { return false }
        return true
    }

    /// Whether the word `f[s..<e]` is exactly `literal`.
    @inline(__always)
    static func word(_ f: Folded, _ s: Int, _ e: Int, is literal: StaticString) -> Bool {
        e - s == literal.utf8CodeUnitCount && has(f, s, e, literal)
    }

    /// Strong keywords that count anywhere inside a word (`dbpassword`, `mysecretstring`).
    static func containsStrong(_ f: Folded, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i + 5 <= e {
            switch f[i] {
            case UInt8(ascii: "p"):
                if has(f, i, e, "passw") || has(f, i, e, "passphrase") || has(f, i, e, "privatekey") || has(f, i, e, "pgpass") { return true }
            case UInt8(ascii: "s"):
                if has(f, i, e, "secret") || has(f, i, e, "sharedaccesskey") || has(f, i, e, "sessiontoken") { return true }
            case UInt8(ascii: "c"):
                if has(f, i, e, "credential") || has(f, i, e, "connectionstring") || has(f, i, e, "connstr") { return true }
            case UInt8(ascii: "a"):
                if has(f, i, e, "apikey") || has(f, i, e, "accesskey") || has(f, i, e, "accountkey") || has(f, i, e, "authtoken")
                    || has(f, i, e, "accesstoken") || has(f, i, e, "authorization") { return true }
            case UInt8(ascii: "r"):
                if has(f, i, e, "refreshtoken") { return true }
            case UInt8(ascii: "m"):
                if has(f, i, e, "mysqlpwd") { return true }
            default: break
            }
            i += 1
        }
        return false
    }

    /// Words that are strong on their own: `pwd`, `pw`, `pass`, `creds`, `dsn`, `passcode`, `pin`,
    /// `psk`, `sas`.
    static func isStrongWord(_ f: Folded, _ s: Int, _ e: Int) -> Bool {
        switch e - s {
        case 2: return word(f, s, e, is: "pw")
        case 3: return word(f, s, e, is: "pwd") || word(f, s, e, is: "dsn") || word(f, s, e, is: "pin")
            || word(f, s, e, is: "psk") || word(f, s, e, is: "sas")
        case 4: return word(f, s, e, is: "pass")
        case 5: return word(f, s, e, is: "creds")
        case 8: return word(f, s, e, is: "passcode")
        default: return false
        }
    }

    /// Words that may name a credential: `token`, `key`, `auth`, `api`, `access`, `bearer`, `apitoken`,
    /// `sig`, `signature`, `salt`, `hmac`, `license`, `cert`, `session`, `sessionid`, `cookie`, `sid`.
    static func isWeakWord(_ f: Folded, _ s: Int, _ e: Int) -> Bool {
        switch e - s {
        case 3: return word(f, s, e, is: "key") || word(f, s, e, is: "api") || word(f, s, e, is: "sig") || word(f, s, e, is: "sid")
        case 4: return word(f, s, e, is: "auth") || word(f, s, e, is: "salt") || word(f, s, e, is: "hmac") || word(f, s, e, is: "cert")
        case 5: return word(f, s, e, is: "token")
        case 6: return word(f, s, e, is: "access") || word(f, s, e, is: "bearer") || word(f, s, e, is: "cookie")
        case 7: return word(f, s, e, is: "license") || word(f, s, e, is: "session")
        case 8: return word(f, s, e, is: "apitoken")
        case 9: return word(f, s, e, is: "signature") || word(f, s, e, is: "sessionid")
        default: return false
        }
    }

    /// `api_key`, `access_token`, `client_secret`: `key` or `token` after one of these is strong.
    static func makesKeyStrong(_ f: Folded, _ s: Int, _ e: Int) -> Bool {
        switch e - s {
        case 3: return word(f, s, e, is: "api") || word(f, s, e, is: "bot")
        case 4: return word(f, s, e, is: "auth")
        case 5: return word(f, s, e, is: "oauth") || word(f, s, e, is: "admin")
        case 6: return word(f, s, e, is: "access") || word(f, s, e, is: "secret") || word(f, s, e, is: "bearer")
            || word(f, s, e, is: "client") || word(f, s, e, is: "shared") || word(f, s, e, is: "master") || word(f, s, e, is: "deploy")
        case 7: return word(f, s, e, is: "private") || word(f, s, e, is: "refresh") || word(f, s, e, is: "session")
            || word(f, s, e, is: "account") || word(f, s, e, is: "signing") || word(f, s, e, is: "service")
        case 8: return word(f, s, e, is: "personal")
        case 10: return word(f, s, e, is: "encryption")
        default: return false
        }
    }

    static func classify(_ f: Folded, _ s: Int, _ e: Int, previous: (Int, Int)) -> Strength? {
        if containsStrong(f, s, e) || isStrongWord(f, s, e) { return .strong }
        if isWeakWord(f, s, e) {
            if previous.1 > previous.0, word(f, s, e, is: "key") || word(f, s, e, is: "token"),
               makesKeyStrong(f, previous.0, previous.1) { return .strong }
            return .weak
        }
        // `adafruitToken` is split at its hump, but `adafruittoken` and `xapikey` are not.
        var i = s
        while i + 5 <= e {
            if f[i] == UInt8(ascii: "t") && has(f, i, e, "token") { return .weak }
            i += 1
        }
        return nil
    }

    /// Whether the key's last word says it describes the credential rather than holds it
    /// (`password_hint`, `token_type`, `secret_name`, `key_id`, `password_expires_at`).
    static func describesCredential(_ f: Folded, _ s: Int, _ e: Int) -> Bool {
        switch e - s {
        case 2: return word(f, s, e, is: "at") || word(f, s, e, is: "id")
        case 3: return word(f, s, e, is: "len") || word(f, s, e, is: "url") || word(f, s, e, is: "uri") || word(f, s, e, is: "min")
            || word(f, s, e, is: "max") || word(f, s, e, is: "ids") || word(f, s, e, is: "ttl") || word(f, s, e, is: "alg")
        case 4: return word(f, s, e, is: "type") || word(f, s, e, is: "hint") || word(f, s, e, is: "name") || word(f, s, e, is: "file")
            || word(f, s, e, is: "path") || word(f, s, e, is: "size") || word(f, s, e, is: "kind") || word(f, s, e, is: "mode")
        case 5: return word(f, s, e, is: "types") || word(f, s, e, is: "count") || word(f, s, e, is: "names") || word(f, s, e, is: "field")
            || word(f, s, e, is: "label") || word(f, s, e, is: "reset") || word(f, s, e, is: "store")
        case 6: return word(f, s, e, is: "expiry") || word(f, s, e, is: "length") || word(f, s, e, is: "policy") || word(f, s, e, is: "format")
            || word(f, s, e, is: "header") || word(f, s, e, is: "expire") || word(f, s, e, is: "prompt")
        case 7: return word(f, s, e, is: "expires") || word(f, s, e, is: "enabled") || word(f, s, e, is: "version") || word(f, s, e, is: "changed")
            || word(f, s, e, is: "updated") || word(f, s, e, is: "created") || word(f, s, e, is: "manager")
        case 8: return word(f, s, e, is: "endpoint") || word(f, s, e, is: "required") || word(f, s, e, is: "strength") || word(f, s, e, is: "rotation")
            || word(f, s, e, is: "provider")
        case 9: return word(f, s, e, is: "algorithm")
        case 10: return word(f, s, e, is: "expiration")
        default: return false
        }
    }
}
