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

    /// The hash whose scheme's name ends at the `$` at `dollar`, inside `lower..<upper`: a modular
    /// crypt id after a `$` (`$2b`), a named scheme after no letter or digit (`pbkdf2_sha256`), or
    /// Werkzeug's iterations after its method (`pbkdf2:sha256:600000`). That `$` is stage 1's first
    /// candidate in every hash (a crypt string's first `$` has no letter or digit before it), so other
    /// `$` are rejected after reading back over one word: stage 2 sees every `$` after a letter or digit
    /// (prices, shell variables), and most are no hash.
    static func match(_ bytes: Bytes, dollar: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        found(bytes, dollar: dollar, lower: lower, upper: upper).map { ($0.secret, .passwordHash) }
    }

    /// The salt and hash of `lower..<upper` when it is one hash and nothing else: the part of a value
    /// to mask when a credential column or a `password=` assignment holds a hash, so that its token is
    /// a hash of the same format too (an application that reads it as bcrypt's fails on `$x9$41$…`).
    static func wholeValue(_ bytes: Bytes, lower: Int, upper: Int) -> Range<Int>? {
        // The `$` that ends the scheme's name: within the longest scheme's reach of the start.
        var d = lower + 1
        while d < upper && d - lower <= maximumReach {
            if bytes[d] == UInt8(ascii: "$") && ASCII.isAlnum(bytes[d - 1]) {
                guard let hash = found(bytes, dollar: d, lower: lower, upper: upper),
                      hash.start == lower && hash.secret.upperBound == upper else { return nil }
                return hash.secret
            }
            d += 1
        }
        return nil
    }

    /// The hash whose scheme's name ends at `dollar`: where its scheme starts, and its salt and hash.
    private static func found(_ bytes: Bytes, dollar: Int, lower: Int, upper: Int) -> (start: Int, secret: Range<Int>)? {
        var word = dollar
        while word > lower && dollar - word <= longestName && isNameByte(bytes[word - 1]) { word -= 1 }
        let length = dollar - word
        guard length > 0, length <= longestName else { return nil }
        let before = word > lower ? bytes[word - 1] : 0
        if before == UInt8(ascii: "$") {
            // A modular crypt id; nothing word-like glued before its first `$` (`x$2b$…` is no hash).
            guard word - 1 == lower || !ASCII.isAlnum(bytes[word - 2]),
                  Packed.isOne(of: cryptIDs, bytes, word..<dollar) else { return nil }
            return span(bytes, start: word - 1, fields: dollar, upper: upper)
        }
        if before == UInt8(ascii: ":") {
            // Werkzeug's `method:…:iterations$`: the colons belong to the scheme, which starts after a
            // byte of no name or after a colon (`hash:pbkdf2:sha256:600000$…`).
            var start = word - 1
            while start > lower && dollar - start < maximumReach && (isNameByte(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: ":")) {
                start -= 1
            }
            while start < word {
                if (start == lower || !isNameByte(bytes[start - 1])) && werkzeugScheme(bytes, start: start, dollar: dollar) {
                    return span(bytes, start: start, fields: dollar, upper: upper)
                }
                while start < word && bytes[start] != UInt8(ascii: ":") { start += 1 }
                start += 1
            }
        }
        guard Packed.isOne(of: namedSchemes, bytes, word..<dollar) else { return nil }
        return span(bytes, start: word, fields: dollar, upper: upper)
    }

    /// The longest scheme name or crypt id (`pbkdf2_sha256`, `SCRAM-SHA-256`, `pbkdf2-sha512`).
    static let longestName = 13
    /// How far back from its `$` Werkzeug's scheme may start (`pbkdf2:sha512:1000000` is 21).
    static let maximumReach = 32
    /// The shortest last field taken for a hash (phpass has 31 characters after its `$P$`, md5crypt
    /// 22, SCRAM's keys 44 each; a salt alone is 8 to 22).
    static let minimumHash = 16
    /// The most of a run read as a hash (sha512crypt, the longest format, is 106 with its rounds).
    static let maximumLength = 512

    /// Letters, digits, `_` and `-`: the bytes of scheme names and crypt ids.
    @inline(__always)
    static func isNameByte(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    /// The bytes of a hash's fields: base64 (standard, crypt's `./`, and `=` padding), hex, and the
    /// parameters' `=` `,` `:` (`m=65536,t=3,p=4`, `4096:salt`), and `$` between them.
    @inline(__always)
    static func isFieldByte(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == UInt8(ascii: "$") || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "=") || b == UInt8(ascii: ",") || b == UInt8(ascii: ":")
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    /// The schemes written before the first `$`: Django's hashers and PostgreSQL's SCRAM verifiers.
    static let namedSchemes = Packed.all([
        "pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256", "bcrypt", "scrypt", "sha1", "md5", "crypt",
        "SCRAM-SHA-256", "SCRAM-SHA-1",
    ])

    /// The ids between a modular crypt string's first two `$`: bcrypt (`2`, `2a`, `2b`, `2x`, `2y`),
    /// md5crypt (`1`, Apache's `apr1`), sha256/sha512crypt (`5`, `6`), yescrypt and gost-yescrypt
    /// (`y`, `gy`), scrypt (`7`, `scrypt`), argon2, phpass and Drupal (`P`, `H`, `S`), SunMD5 (`md5`),
    /// NetBSD's `sha1`, and passlib's `pbkdf2*` and `bcrypt-sha256`.
    static let cryptIDs = Packed.all([
        "1", "2", "2a", "2b", "2x", "2y", "5", "6", "7", "y", "gy", "apr1", "md5", "sha1", "scrypt",
        "argon2i", "argon2d", "argon2id", "P", "H", "S", "pbkdf2", "pbkdf2-sha1", "pbkdf2-sha256", "pbkdf2-sha512",
        "bcrypt-sha256",
    ])

    /// A name of at most 16 bytes as two little-endian words and its length: a scheme is compared in
    /// three integer compares per known name (an array of byte arrays cost a reference count per name,
    /// 9 % of a file of shell text, whose `$HOME$PATH` each asks).
    struct Packed {
        var low: UInt64 = 0, high: UInt64 = 0, count: Int = 0

        init(_ bytes: Bytes, _ range: Range<Int>) {
            count = range.count
            guard count <= 16 else { return }
            for (i, at) in range.enumerated() {
                if i < 8 { low |= UInt64(bytes[at]) << (8 * i) } else { high |= UInt64(bytes[at]) << (8 * (i - 8)) }
            }
        }

        static func all(_ names: [String]) -> Names {
            let packed = names.map { name in
                let bytes = Array(name.utf8)
                return bytes.withUnsafeBufferPointer { Packed($0, 0..<bytes.count) }
            }
            return Names(packed: packed, lengths: packed.reduce(0) { $0 | (1 << UInt32($1.count)) })
        }

        /// Whether `range` of `bytes` is one of `names`: most ranges asked are of a length no name has
        /// (`US$5`, `a$b`), answered by one bit.
        @inline(__always)
        static func isOne(of names: Names, _ bytes: Bytes, _ range: Range<Int>) -> Bool {
            guard range.count < 32, names.lengths & (1 << UInt32(range.count)) != 0 else { return false }
            let word = Packed(bytes, range)
            for name in names.packed where name.low == word.low && name.high == word.high && name.count == word.count {
                return true
            }
            return false
        }
    }

    /// Known names, and a bit per length among them.
    struct Names {
        let packed: [Packed]
        let lengths: UInt32
    }

    /// Whether `start..<dollar` is Werkzeug's `pbkdf2:sha256:600000` or `scrypt:32768:8:1`.
    private static func werkzeugScheme(_ bytes: Bytes, start: Int, dollar: Int) -> Bool {
        var colon = start
        while colon < dollar && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < dollar else { return false }
        if Packed.isOne(of: pbkdf2, bytes, start..<colon) {
            var second = colon + 1
            while second < dollar && bytes[second] != UInt8(ascii: ":") { second += 1 }
            guard second < dollar, Packed.isOne(of: digestNames, bytes, (colon + 1)..<second),
                  numbers(bytes, (second + 1)..<dollar) == 1 else { return false }
            return true
        }
        return Packed.isOne(of: scrypt, bytes, start..<colon) && numbers(bytes, (colon + 1)..<dollar) == 3
    }

    private static let pbkdf2 = Packed.all(["pbkdf2"])
    private static let scrypt = Packed.all(["scrypt"])
    private static let digestNames = Packed.all(["sha1", "sha256", "sha512"])

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
    /// `fields`. The fields run over field bytes, the last (after the last `$`) up to a `,` and not
    /// ending in `:` (punctuation of the text around it), and must hold `minimumHash` characters or more;
    /// a run is read up to `maximumLength` bytes (which bounds what each candidate reads). The
    /// finding is the salt and hash: the scheme and the parameter fields before them (`12`, `v=19`,
    /// `m=65536,t=3,p=4`, `rounds=5000`) say nothing of the password, and kept, the token is a hash of the
    /// same format (`$2b$12$` and 53 characters of bcrypt's alphabet), which an application can parse.
    private static func span(_ bytes: Bytes, start: Int, fields: Int, upper: Int) -> (start: Int, secret: Range<Int>)? {
        var end = fields + 1
        var lastDollar = fields
        // A run past `maximumLength` is cut there, not refused: the hash is at its start, and the rest
        // is text glued on (refused, a hash with a long run of field bytes after it passed in clear).
        while end < upper && end - start < maximumLength && isFieldByte(bytes[end]) {
            if bytes[end] == UInt8(ascii: "$") { lastDollar = end }
            end += 1
        }
        // A hash holds no `,` (parameters do, before it): the text around it goes on after one.
        var comma = lastDollar + 1
        while comma < end && bytes[comma] != UInt8(ascii: ",") { comma += 1 }
        end = comma
        while end > lastDollar + 1 && bytes[end - 1] == UInt8(ascii: ":") { end -= 1 }
        // A short last field after the hash (`…$x`, text glued on) is not the hash: the hash ends at the
        // `$` before it, when the field before that is long enough (else there is no hash).
        while end - lastDollar - 1 < minimumHash {
            guard lastDollar > fields else { return nil }
            end = lastDollar
            lastDollar -= 1
            while bytes[lastDollar] != UInt8(ascii: "$") { lastDollar -= 1 }
        }
        var secret = fields + 1
        while secret < lastDollar {
            var next = secret
            while bytes[next] != UInt8(ascii: "$") { next += 1 }
            guard isParameters(bytes, secret..<next) else {
                // SCRAM's `4096:salt`: the iteration count is a parameter too.
                var digits = secret
                while digits < next && ASCII.isDigit(bytes[digits]) { digits += 1 }
                if digits > secret && digits < next && bytes[digits] == UInt8(ascii: ":") { secret = digits + 1 }
                break
            }
            secret = next + 1
        }
        return (start, secret..<end)
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
