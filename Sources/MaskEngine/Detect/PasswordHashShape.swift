/// Password hashes by their shape, wherever they stand: a column named `hash`, a log line, a JSON
/// document, a role's verifier in a dump. A hash is not the password, but a wordlist cracks most of them
/// (and a `pass-the-hash` login needs none), so it is a secret like the password it stands for.
///
/// The shapes, each a scheme that says what it is, then `$`-separated fields whose last is the hash:
///
/// | format | example |
/// |---|---|
/// | modular crypt (bcrypt, sha512crypt, yescrypt, argon2, scrypt, md5crypt, phpass, passlib) | `$2b$12$R9h/cIPz…`, `$6$salt$…`, `$y$j9T$…`, `$argon2id$v=19$m=65536,t=3,p=4$…`, `$P$B…` |
/// | Django | `pbkdf2_sha256$870000$salt$…`, `bcrypt_sha256$$2b$12$…`, `argon2$argon2id$…` |
/// | Werkzeug | `pbkdf2:sha256:600000$salt$…`, `scrypt:32768:8:1$salt$…` |
/// | PostgreSQL SCRAM verifiers | `SCRAM-SHA-256$4096:salt$stored:server` |
///
/// Stage 1 marks a `$` after a letter or digit (every shape has one: the `$` after its scheme, bcrypt's
/// `$2b$`); the scheme is read back from it and must be a known one, and the last field must hold 16 or
/// more characters, so shell variables (`$HOME$PATH`), prices (`US$5`) and template text stay.
enum PasswordHashShape {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The hash around the `$` at `dollar`, inside `lower..<upper`. Found from the `$` that ends its
    /// scheme's name (stage 1's first candidate in it) and from those before it; a later one, after a
    /// salt of `/` and `.`, may not see back to the scheme, but the cursor is past it by then.
    static func match(_ bytes: Bytes, dollar: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        // Back over the scheme's bytes to where the hash can start.
        var start = dollar
        while start > lower && dollar - start < maximumReach && isSchemeByte(bytes[start - 1]) { start -= 1 }
        if start > lower && bytes[start - 1] == UInt8(ascii: ":") {
            // Werkzeug's `method:…:iterations$`: the colons belong to the scheme.
            var colonStart = start - 1
            while colonStart > lower && dollar - colonStart < maximumReach
                    && (isSchemeByte(bytes[colonStart - 1]) || bytes[colonStart - 1] == UInt8(ascii: ":")) {
                colonStart -= 1
            }
            if let fields = werkzeugFields(bytes, start: colonStart, dollar: dollar) {
                return span(bytes, start: colonStart, fields: fields, upper: upper)
            }
        }
        guard let firstDollar = firstDollar(bytes, from: start, through: dollar) else { return nil }
        if firstDollar > start {
            // A named scheme before the first `$` (Django, SCRAM); else a modular crypt string may start
            // at that `$` when nothing word-like is glued before it.
            if isNamedScheme(bytes, start..<firstDollar) {
                return span(bytes, start: start, fields: firstDollar, upper: upper)
            }
            guard !ASCII.isAlnum(bytes[firstDollar - 1]) else { return nil }
        }
        guard let fields = modularCryptFields(bytes, dollar: firstDollar, upper: upper) else { return nil }
        return span(bytes, start: firstDollar, fields: fields, upper: upper)
    }

    /// How far back from the `$` stage 1 marked the scheme may start (`bcrypt_sha256$$2b$12` is 21).
    static let maximumReach = 40
    /// The shortest last field taken for a hash (phpass has 31 characters after its `$P$`, md5crypt
    /// 22, SCRAM's keys 44 each; a salt alone is 8 to 22).
    static let minimumHash = 16
    /// A longer run is no hash of these formats (sha512crypt, the longest, is 106 with its rounds).
    static let maximumLength = 512

    /// Letters, digits and `_ - .`: a scheme's name (`pbkdf2_sha256`, `SCRAM-SHA-256`), and a modular
    /// crypt id's `$` found by `firstDollar`.
    @inline(__always)
    static func isSchemeByte(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "$") || b == UInt8(ascii: ".")
    }

    /// The bytes of a hash's fields: base64 (standard, crypt's `./`, and `=` padding), hex, and the
    /// parameters' `=` `,` `:` (`m=65536,t=3,p=4`, `4096:salt`), and `$` between them.
    @inline(__always)
    static func isFieldByte(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: "$") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "=") || b == UInt8(ascii: ",") || b == UInt8(ascii: ":")
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    private static func firstDollar(_ bytes: Bytes, from start: Int, through end: Int) -> Int? {
        var i = start
        while i <= end {
            if bytes[i] == UInt8(ascii: "$") { return i }
            i += 1
        }
        return nil
    }

    /// The schemes written before the first `$`: Django's hashers and PostgreSQL's SCRAM verifiers.
    static let namedSchemes: [[UInt8]] = [
        "pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256", "bcrypt", "scrypt", "sha1", "md5", "crypt",
        "SCRAM-SHA-256", "SCRAM-SHA-1",
    ].map { Array($0.utf8) }

    /// The ids between a modular crypt string's first two `$`: bcrypt (`2`, `2a`, `2b`, `2x`, `2y`),
    /// md5crypt (`1`, Apache's `apr1`), sha256/sha512crypt (`5`, `6`), yescrypt and gost-yescrypt
    /// (`y`, `gy`), scrypt (`7`, `scrypt`), argon2, phpass and Drupal (`P`, `H`, `S`), SunMD5 (`md5`),
    /// NetBSD's `sha1`, and passlib's `pbkdf2*` and `bcrypt-sha256`.
    static let cryptIDs: [[UInt8]] = [
        "1", "2", "2a", "2b", "2x", "2y", "5", "6", "7", "y", "gy", "apr1", "md5", "sha1", "scrypt",
        "argon2i", "argon2d", "argon2id", "P", "H", "S", "pbkdf2", "pbkdf2-sha1", "pbkdf2-sha256", "pbkdf2-sha512",
        "bcrypt-sha256",
    ].map { Array($0.utf8) }

    private static func equals(_ bytes: Bytes, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        var i = 0
        while i < word.count {
            if bytes[range.lowerBound + i] != word[i] { return false }
            i += 1
        }
        return true
    }

    private static func isNamedScheme(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        namedSchemes.contains { equals(bytes, range, $0) }
    }

    /// Where a modular crypt string starting with the `$` at `dollar` has its fields (after its id's
    /// closing `$`), when the id is a known one.
    private static func modularCryptFields(_ bytes: Bytes, dollar: Int, upper: Int) -> Int? {
        var close = dollar + 1
        while close < upper && close - dollar <= 14 && bytes[close] != UInt8(ascii: "$") { close += 1 }
        guard close < upper, bytes[close] == UInt8(ascii: "$"),
              cryptIDs.contains(where: { equals(bytes, (dollar + 1)..<close, $0) }) else { return nil }
        return close
    }

    /// Where Werkzeug's `pbkdf2:sha256:600000$…` or `scrypt:32768:8:1$…` has its `$` (the one at
    /// `dollar`), when `start` begins one.
    private static func werkzeugFields(_ bytes: Bytes, start: Int, dollar: Int) -> Int? {
        var colon = start
        while colon < dollar && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < dollar else { return nil }
        if equals(bytes, start..<colon, pbkdf2) {
            var second = colon + 1
            while second < dollar && bytes[second] != UInt8(ascii: ":") { second += 1 }
            guard second < dollar, digestNames.contains(where: { equals(bytes, (colon + 1)..<second, $0) }),
                  numbers(bytes, (second + 1)..<dollar) == 1 else { return nil }
            return dollar
        }
        if equals(bytes, start..<colon, scrypt), numbers(bytes, (colon + 1)..<dollar) == 3 { return dollar }
        return nil
    }

    private static let pbkdf2 = Array("pbkdf2".utf8)
    private static let scrypt = Array("scrypt".utf8)
    private static let digestNames: [[UInt8]] = ["sha1", "sha256", "sha512"].map { Array($0.utf8) }

    /// How many `:`-separated numbers `range` holds, or 0 when it holds anything else or an empty one.
    private static func numbers(_ bytes: Bytes, _ range: Range<Int>) -> Int {
        var count = 0, digits = 0
        for i in range {
            if ASCII.isDigit(bytes[i]) {
                digits += 1
            } else if bytes[i] == UInt8(ascii: ":") && digits > 0 {
                count += 1
                digits = 0
            } else {
                return 0
            }
        }
        return digits > 0 ? count + 1 : 0
    }

    /// The finding of the hash whose scheme starts at `start` and whose fields begin after the `$` at
    /// `fields`. The fields run over field bytes (not ending in `,` or `:`, punctuation of the text
    /// around it), and the last (after the last `$`) must hold `minimumHash` characters or more. The
    /// finding is the salt and hash: the scheme and the parameter fields before them (`12`, `v=19`,
    /// `m=65536,t=3,p=4`, `rounds=5000`) say nothing of the password, and kept, the token is a hash of the
    /// same format (`$2b$12$` and 53 characters of bcrypt's alphabet), which an application can parse.
    private static func span(_ bytes: Bytes, start: Int, fields: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        var end = fields + 1
        var lastDollar = fields
        while end < upper && end - start <= maximumLength && isFieldByte(bytes[end]) {
            if bytes[end] == UInt8(ascii: "$") { lastDollar = end }
            end += 1
        }
        guard end - start <= maximumLength else { return nil }
        while end > lastDollar + 1 && (bytes[end - 1] == UInt8(ascii: ",") || bytes[end - 1] == UInt8(ascii: ":")) { end -= 1 }
        guard end - lastDollar - 1 >= minimumHash else { return nil }
        var secret = fields + 1
        while secret < lastDollar {
            var next = secret
            while bytes[next] != UInt8(ascii: "$") { next += 1 }
            guard isParameters(bytes, secret..<next) else { break }
            secret = next + 1
        }
        return (secret..<end, .passwordHash)
    }

    /// A field of parameters: empty, a number (bcrypt's cost, PBKDF2's iterations), or `name=number`
    /// pairs joined by `,` (`v=19`, `m=65536,t=3,p=4`, `rounds=5000`, `ln=16,r=8,p=1`).
    private static func isParameters(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        if range.allSatisfy({ ASCII.isDigit(bytes[$0]) }) { return true }
        var i = range.lowerBound
        while i < range.upperBound {
            let name = i
            while i < range.upperBound && ASCII.isAlpha(bytes[i]) { i += 1 }
            guard i > name, i < range.upperBound, bytes[i] == UInt8(ascii: "=") else { return false }
            i += 1
            let number = i
            while i < range.upperBound && ASCII.isDigit(bytes[i]) { i += 1 }
            guard i > number else { return false }
            if i < range.upperBound {
                guard bytes[i] == UInt8(ascii: ",") else { return false }
                i += 1
                guard i < range.upperBound else { return false }
            }
        }
        return true
    }
}
