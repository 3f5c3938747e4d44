/// `password = value`, `passwd: value`, `"api_key": "value"`, `token=value`, `Authorization: Bearer value`:
/// a keyword-named key, `=` or `:`, then a value that is long and random enough to be a credential.
///
/// The key is read backwards from the `=`/`:` (past spaces and a closing quote) and must end with one of
/// the keywords; the value must be at least 8 bytes with a Shannon entropy of at least 3.0 bits per
/// byte and two character classes, and must not be a placeholder (`${VAR}`, `<secret>`, `****`,
/// `changeme`, `null`). `aws_secret_access_key` with 40 base64 characters reports
/// `aws_secret_access_key`; a value that is itself a known token reports that token's kind.
enum AssignmentRule {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func match(_ bytes: Bytes, at position: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        // The key, read backwards.
        var k = position - 1
        while k >= lower && ASCII.isSpace(bytes[k]) { k -= 1 }
        if k >= lower && (bytes[k] == UInt8(ascii: "\"") || bytes[k] == UInt8(ascii: "'")) { k -= 1 }
        let keyEnd = k + 1
        while k >= lower && keyEnd - k <= 64 && ASCII.isIdentifier(bytes[k]) { k -= 1 }
        let keyStart = k + 1
        guard keyEnd - keyStart >= 3, let keyword = endingKeyword(bytes, keyStart, keyEnd) else { return nil }
        // The value.
        var v = position + 1
        while v < upper && ASCII.isSpace(bytes[v]) { v += 1 }
        var quote: UInt8 = 0
        if v < upper && (bytes[v] == UInt8(ascii: "\"") || bytes[v] == UInt8(ascii: "'")) { quote = bytes[v]; v += 1 }
        if keyword.utf8CodeUnitCount == 13 {  // "authorization"
            for scheme: StaticString in ["Bearer ", "Basic ", "Token ", "bearer "]
            where SecretDetector.has(bytes, v, scheme, upper: upper) {
                v += scheme.utf8CodeUnitCount
                break
            }
        }
        if let specific = SecretDetector.specific(bytes, start: v, lower: lower, upper: upper) { return specific }
        var e = v
        let limit = min(upper, v + 512)
        if quote != 0 {
            while e < limit && bytes[e] != quote && bytes[e] != UInt8(ascii: "\n") {
                e += bytes[e] == UInt8(ascii: "\\") && e + 1 < limit ? 2 : 1
            }
            e = min(e, limit)
        } else {
            while e < limit && !terminatesBareValue(bytes[e]) && !startsQueryParameter(bytes, e, limit) { e += 1 }
        }
        guard e - v >= 8, !isPlaceholder(bytes, v, e), looksRandom(bytes, v, e) else { return nil }
        let isAWSSecret = e - v == 40 && contains(bytes, keyStart, keyEnd, "aws")
            && (v..<e).allSatisfy { ASCII.isBase64(bytes[$0]) }
        return (v..<e, isAWSSecret ? .awsSecretAccessKey : .passwordAssignment)
    }

    @inline(__always)
    static func terminatesBareValue(_ b: UInt8) -> Bool {
        switch b {
        case 9, 10, 13, 32, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ")"),
             UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"),
             UInt8(ascii: ">"):
            return true
        default: return false
        }
    }

    /// `&name=` ends a URL query value; a lone `&` is part of a password.
    @inline(__always)
    static func startsQueryParameter(_ bytes: Bytes, _ at: Int, _ limit: Int) -> Bool {
        guard bytes[at] == UInt8(ascii: "&") else { return false }
        var i = at + 1
        while i < limit && (ASCII.isAlnum(bytes[i]) || bytes[i] == UInt8(ascii: "_")) { i += 1 }
        return i > at + 1 && i < limit && bytes[i] == UInt8(ascii: "=")
    }

    /// The keyword the key ends with, or nil; compared in lower case, `-` equal to `_`. `db_password`,
    /// `AWS_SECRET_ACCESS_KEY` and `x-api-key` match. A switch on the last three bytes rejects most keys
    /// (JSON field names, timestamps) before any keyword is compared.
    static func endingKeyword(_ bytes: Bytes, _ start: Int, _ end: Int) -> StaticString? {
        func folded(_ i: Int) -> UInt8 { let b = ASCII.lower(bytes[i]); return b == 45 ? 95 : b }
        let tail = UInt32(folded(end - 3)) << 16 | UInt32(folded(end - 2)) << 8 | UInt32(folded(end - 1))
        let candidates: [StaticString]
        switch tail {
        case 0x6f_72_64: candidates = Self.endingOrd  // "ord"
        case 0x73_77_64: candidates = Self.endingSwd  // "swd"
        case 0x70_77_64: candidates = Self.endingPwd
        case 0x72_65_74: candidates = Self.endingRet  // "ret"
        case 0x6b_65_6e: candidates = Self.endingKen  // "ken"
        case 0x6b_65_79: candidates = Self.endingKey  // "key"
        case 0x69_6f_6e: candidates = Self.endingIon  // "ion"
        case 0x61_6c_73: candidates = Self.endingAls  // "als"
        case 0x61_73_65: candidates = Self.endingAse  // "ase"
        default: return nil
        }
        for keyword in candidates where keyword.utf8CodeUnitCount <= end - start {
            let n = keyword.utf8CodeUnitCount
            var matched = true
            for k in 0..<n where folded(end - n + k) != keyword.utf8Start[k] { matched = false; break }
            if matched { return keyword }
        }
        return nil
    }

    // Keyword lists by their last three letters: built once, so a match allocates nothing.
    static let endingOrd: [StaticString] = ["password"]
    static let endingSwd: [StaticString] = ["passwd"]
    static let endingPwd: [StaticString] = ["pwd"]
    static let endingRet: [StaticString] = ["client_secret", "secret"]
    static let endingKen: [StaticString] = ["auth_token", "token"]
    static let endingKey: [StaticString] = ["api_key", "apikey", "access_key", "secret_key", "private_key", "accountkey", "account_key",
                                            "sharedaccesskey"]
    static let endingIon: [StaticString] = ["authorization"]
    static let endingAls: [StaticString] = ["credentials"]
    static let endingAse: [StaticString] = ["passphrase"]

    static func contains(_ bytes: Bytes, _ start: Int, _ end: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - start >= n else { return false }
        for s in start...(end - n) {
            var ok = true
            for k in 0..<n where ASCII.lower(bytes[s + k]) != word.utf8Start[k] { ok = false; break }
            if ok { return true }
        }
        return false
    }

    static let placeholders: [[UInt8]] = [
        "changeme", "change_me", "password", "redacted", "undefined", "null", "none", "true", "false",
        "example", "xxxxxxxx", "your_password", "your_token", "secret",
    ].map { Array($0.utf8) }

    static func isPlaceholder(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bool {
        let first = bytes[start]
        if first == UInt8(ascii: "$") || first == UInt8(ascii: "<") || first == UInt8(ascii: "{")
            || first == UInt8(ascii: "%") || first == UInt8(ascii: "*") { return true }
        for p in placeholders where p.count == end - start {
            if (0..<p.count).allSatisfy({ ASCII.lower(bytes[start + $0]) == p[$0] }) { return true }
        }
        return false
    }

    /// At least two character classes and Shannon entropy of at least 3.0 bits per byte.
    static func looksRandom(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bool {
        var classes: UInt8 = 0
        for i in start..<end {
            let b = bytes[i]
            classes |= ASCII.isDigit(b) ? 1 : b &- 97 < 26 ? 2 : b &- 65 < 26 ? 4 : 8
        }
        guard classes.nonzeroBitCount >= 2 else { return false }
        return Entropy.shannonBitsPerByte(bytes, start, end) >= 3.0
    }
}
