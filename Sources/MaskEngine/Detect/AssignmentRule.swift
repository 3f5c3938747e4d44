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

    /// Keywords the key must end with (compared in lower case; `-` and `_` are equal).
    static let keywords: [[UInt8]] = [
        "password", "passwd", "pwd", "secret", "token", "api_key", "apikey", "access_key", "secret_key",
        "private_key", "client_secret", "auth_token", "authorization", "credentials", "passphrase",
    ].map { Array($0.utf8) }

    static func match(_ bytes: Bytes, at position: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        // The key, read backwards.
        var k = position - 1
        while k >= lower && ASCII.isSpace(bytes[k]) { k -= 1 }
        if k >= lower && (bytes[k] == UInt8(ascii: "\"") || bytes[k] == UInt8(ascii: "'")) { k -= 1 }
        let keyEnd = k + 1
        while k >= lower && keyEnd - k <= 64 && ASCII.flags(bytes[k]) & ASCII.identifierFlag != 0 { k -= 1 }
        let keyStart = k + 1
        guard keyEnd - keyStart >= 3, let keyword = endingKeyword(bytes, keyStart, keyEnd) else { return nil }
        // The value.
        var v = position + 1
        while v < upper && ASCII.isSpace(bytes[v]) { v += 1 }
        var quote: UInt8 = 0
        if v < upper && (bytes[v] == UInt8(ascii: "\"") || bytes[v] == UInt8(ascii: "'")) { quote = bytes[v]; v += 1 }
        if keyword == "authorization" {
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
            && (v..<e).allSatisfy { ASCII.flags(bytes[$0]) & ASCII.base64Flag != 0 }
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

    /// The keyword the key ends with, or nil. `db_password`, `AWS_SECRET_ACCESS_KEY`, `x-api-key` match.
    static func endingKeyword(_ bytes: Bytes, _ start: Int, _ end: Int) -> String? {
        for keyword in keywords where keyword.count <= end - start {
            var matched = true
            let offset = end - keyword.count
            for (i, c) in keyword.enumerated() {
                var b = ASCII.lower(bytes[offset + i])
                if b == UInt8(ascii: "-") { b = UInt8(ascii: "_") }
                if b != c { matched = false; break }
            }
            if matched { return String(decoding: keyword, as: UTF8.self) }
        }
        return nil
    }

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
