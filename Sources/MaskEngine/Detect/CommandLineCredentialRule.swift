/// `user:password` given to a command-line option that takes credentials: `curl -u admin:s3cret`,
/// `curl --user 'admin:s3cret'`, `wget --http-password`-style pairs, `mysql -u root -pS3cret` is not
/// covered (no colon). Shell history and job logs stored in tables carry these.
///
/// Runs at the `:` of the pair: the user is read backwards to the option (`-u`, `--user`,
/// `--proxy-user`, `-U`), and the whole pair becomes one secret span, like URL user information.
enum CommandLineCredentialRule {
    static let options: [StaticString] = ["-u", "--user", "--proxy-user", "-U"]

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, colon: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        var s = colon
        while s > lower && colon - s < 128 && isCredentialByte(bytes[s - 1]) { s -= 1 }
        var quote: UInt8 = 0
        if s > lower && (bytes[s - 1] == UInt8(ascii: "\"") || bytes[s - 1] == UInt8(ascii: "'")) { quote = bytes[s - 1]; s -= 1 }
        // The option, then a space or `=`.
        guard s - 1 > lower, bytes[s - 1] == 32 || bytes[s - 1] == UInt8(ascii: "=") else { return nil }
        let optionEnd = s - 1
        var o = optionEnd
        while o > lower && bytes[o - 1] != 32 && optionEnd - o < 16 { o -= 1 }
        let isOption = options.contains { $0.utf8CodeUnitCount == optionEnd - o && SecretDetector.has(bytes, o, $0, upper: optionEnd) }
        guard isOption else { return nil }
        var e = colon + 1
        if quote != 0 {
            while e < upper && bytes[e] != quote && bytes[e] != 10 { e += 1 }
        } else {
            while e < upper && isCredentialByte(bytes[e]) { e += 1 }
        }
        guard e > colon + 1 else { return nil }
        // Documentation and scripts: `-u user:pass`, `-u "$USER:$PASS"`, `-u <user:password>`.
        if AssignmentPlaceholder.isPlaceholder(bytes, colon + 1, e) || isStandIn(bytes, colon + 1, e)
            || bytes[colon + 1] == UInt8(ascii: "$") || bytes[s] == UInt8(ascii: "<") || bytes[colon - 1] == UInt8(ascii: "}") {
            return nil
        }
        return ((s + (quote != 0 ? 1 : 0))..<e, .urlCredentials)
    }

    @inline(__always)
    static func isCredentialByte(_ b: UInt8) -> Bool {
        b > 0x20 && b != 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "'")
    }

    /// Words that stand for a password in examples: `pass`, `password`, `token`, `secret`, `test`.
    static func isStandIn(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for word: StaticString in ["pass", "password", "passwd", "token", "secret", "test", "yyy", "pwd"]
        where word.utf8CodeUnitCount == end - start {
            if (0..<(end - start)).allSatisfy({ ASCII.lower(bytes[start + $0]) == word.utf8Start[$0] }) { return true }
        }
        return false
    }
}
