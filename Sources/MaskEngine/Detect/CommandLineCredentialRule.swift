/// `user:password` given to a command-line option that takes credentials: `curl -u admin:s3cret`,
/// `curl --user 'admin:s3cret'`, `wget --http-password`-style pairs; and a credential-named option
/// with its value after a space (`--password S3cret`, `option`). `mysql -u root -pS3cret`, `sshpass -p
/// S3cret` and `redis-cli -a S3cret` are not covered (`-p` and `-a` name no credential to most tools).
/// Shell history and job logs stored in tables carry these.
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

    /// `--password S3cret`, `--api-token 'x y'`, `-password S3cret`: a credential-named option and its
    /// value after a space (after `=` it is an assignment, `AssignmentRule`'s). Stage 1 marks a keyword
    /// that follows a `-`; `keyword` is that keyword's first byte. The option stands alone (after a
    /// space, a quote or the cell's start), its name is a credential key (`CredentialKey`: not
    /// `--password-file`, `--token-type`), and the value is not another option, a variable or a
    /// placeholder. In prose about a command (`the --password option`, `--password to set it`) the word
    /// after the option is no value: a value needs a digit, a mark, or both cases of letters.
    static func option(_ bytes: UnsafeBufferPointer<UInt8>, keyword k: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard k - 1 >= lower, bytes[k - 1] == UInt8(ascii: "-") else { return nil }
        func isOptionByte(_ b: UInt8) -> Bool { ASCII.isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") }
        // The option's start (the keyword may be its second word: `--client-secret`), then its dashes.
        var o = k - 1
        while o > lower && k - o < 48 && isOptionByte(bytes[o - 1]) { o -= 1 }
        var name = o
        while name < k && bytes[name] == UInt8(ascii: "-") { name += 1 }
        guard name - o == 1 || name - o == 2,
              o == lower || ASCII.isSpace(bytes[o - 1]) || bytes[o - 1] == 10 || bytes[o - 1] == 13
                || bytes[o - 1] == UInt8(ascii: "\"") || bytes[o - 1] == UInt8(ascii: "'") else { return nil }
        var e = k
        while e < upper && e - name < 48 && isOptionByte(bytes[e]) { e += 1 }
        guard e + 1 < upper, bytes[e] == 32, let strength = CredentialKey.strength(bytes, name, e) else { return nil }
        var v = e
        while v < upper && bytes[v] == 32 { v += 1 }
        guard v < upper, bytes[v] != UInt8(ascii: "-"), bytes[v] != UInt8(ascii: "$"), bytes[v] != UInt8(ascii: "<") else { return nil }
        guard let (range, kind) = AssignmentRule.value(bytes, from: v, upper: upper, lower: lower, strength: strength,
                                                       keyStart: name, keyEnd: e, multiline: false),
              looksLikeAValue(bytes, range.lowerBound, range.upperBound) else { return nil }
        return (range, kind)
    }

    /// Whether `bytes[start..<end]` has a digit, a mark, or upper- and lower-case letters: what a word of
    /// prose has not.
    static func looksLikeAValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var upperCase = false, lowerCase = false
        for i in start..<end {
            let b = bytes[i]
            if ASCII.isDigit(b) || (b > 0x20 && b < 0x7F && !ASCII.isAlpha(b)) { return true }
            if b &- 65 < 26 { upperCase = true } else if b &- 97 < 26 { lowerCase = true }
        }
        return upperCase && lowerCase
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
