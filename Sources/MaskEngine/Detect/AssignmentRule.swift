/// A credential-named key, an assignment operator, then the value: `password=…`, `"api_key": "…"`,
/// `clientSecret := "…"`, `$dbPass .= '…'`, `"token" => "…"`, `DB_PASSWORD ::= …`, `pw -> …`,
/// `System.setProperty("API_TOKEN", "…")`, `<secretKey>…</secretKey>`, `Authorization: Bearer …`.
///
/// Stage 1 marks `=`, `:`, `>` and a quote followed by `,`. The key is read backwards from there (past
/// operator bytes, spaces, a closing quote or bracket, a Go type name) and classified by
/// `CredentialKey`. After a strong key the value is masked whatever its entropy, unless it is a
/// placeholder (`AssignmentPlaceholder`); after a weak key it must also look random. The value runs to
/// its closing quote, or for a bare value to the first space, `,`, `;`, quote, or an escaped newline;
/// there is no length cap, so no tail of a long password stays in clear. A value that is itself a known
/// token reports that token's kind; `aws_secret_access_key` with 40 base64 bytes reports its own.
enum AssignmentRule {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Past this many bytes, a weak key's value is masked without looking at it: long enough to be a
    /// credential blob, and the bound keeps repeated rejected scans linear.
    /// The bytes other than the dominant one that make a dominated value a secret after all: more
    /// than any placeholder prefix (`pplx-`, `AIz`, `xoxb-`), as many as a weak key's shortest value.
    static let minimumOtherBytes = 8
    static let weakValueLimit = 4096

    static func match(_ bytes: Bytes, at position: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        let anchor = bytes[position]
        if anchor == UInt8(ascii: "\"") || anchor == UInt8(ascii: "'") {
            return quotedArguments(bytes, at: position, lower: lower, upper: upper)
        }
        if anchor == UInt8(ascii: ">") {
            if position > lower && bytes[position - 1] == UInt8(ascii: "-") {
                return operatorAssignment(bytes, operatorStart: position - 1, valueFrom: position + 1, lower: lower, upper: upper)
            }
            return xmlElement(bytes, at: position, lower: lower, upper: upper)
        }
        // `=` or `:`: the operator may be longer (`:=`, `::=`, `?=`, `.=`, `=>`); find where it starts.
        var opStart = position
        var back = 0
        while opStart > lower && back < 3 && isOperatorByte(bytes[opStart - 1]) { opStart -= 1; back += 1 }
        var valueFrom = position + 1
        while valueFrom < upper && valueFrom - opStart < 4
            && (bytes[valueFrom] == UInt8(ascii: "=") || bytes[valueFrom] == UInt8(ascii: ":") || bytes[valueFrom] == UInt8(ascii: ">")) {
            valueFrom += 1
        }
        return operatorAssignment(bytes, operatorStart: opStart, valueFrom: valueFrom, lower: lower, upper: upper)
    }

    @inline(__always)
    static func isOperatorByte(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ":") || b == UInt8(ascii: "?") || b == UInt8(ascii: ".") || b == UInt8(ascii: "+")
            || b == UInt8(ascii: "|") || b == UInt8(ascii: "!")
    }

    /// `key <op> value`, the operator spanning `operatorStart..<valueFrom`.
    static func operatorAssignment(_ bytes: Bytes, operatorStart: Int, valueFrom: Int, lower: Int,
                                   upper: Int) -> (Range<Int>, SecretKind)? {
        if let reversed = comparedLiteral(bytes, operatorStart: operatorStart, valueFrom: valueFrom, lower: lower, upper: upper) {
            return reversed
        }
        guard var (keyStart, keyEnd) = keyBefore(bytes, operatorStart, lower: lower) else { return nil }
        // `<add key="DbPassword" value="…"/>`, `<entry name="apiToken" value="…">`: the key is the
        // element's `key` or `name` attribute.
        if keyEnd - keyStart == 5, CredentialKeyText.contains(bytes, keyStart, keyEnd, "value"),
           let named = namingAttribute(bytes, before: keyStart, lower: lower) {
            (keyStart, keyEnd) = named
        }
        guard let strength = CredentialKey.strength(bytes, keyStart, keyEnd) else { return nil }
        return value(bytes, from: valueFrom, upper: upper, lower: lower, strength: strength,
                     keyStart: keyStart, keyEnd: keyEnd, multiline: false)
    }

    /// `if ("s3cret" == password)`: a quoted literal compared (`==`, `!=`, `===`, `!==`) with a
    /// credential-named identifier that follows the operator.
    static func comparedLiteral(_ bytes: Bytes, operatorStart: Int, valueFrom: Int, lower: Int,
                                upper: Int) -> (Range<Int>, SecretKind)? {
        let op = valueFrom - operatorStart
        guard op >= 2, bytes[valueFrom - 1] == UInt8(ascii: "=") else { return nil }
        var q = operatorStart - 1
        while q >= lower && ASCII.isSpace(bytes[q]) { q -= 1 }
        guard q > lower, bytes[q] == UInt8(ascii: "\"") || bytes[q] == UInt8(ascii: "'") else { return nil }
        let quote = bytes[q]
        var open = q - 1
        while open >= lower && bytes[open] != quote && bytes[open] != 10 { open -= 1 }
        guard open >= lower, bytes[open] == quote, q - open > 1 else { return nil }
        var k = valueFrom
        while k < upper && ASCII.isSpace(bytes[k]) { k += 1 }
        var keyEnd = k
        while keyEnd < upper && keyEnd - k < 96 && ASCII.isIdentifier(bytes[keyEnd]) { keyEnd += 1 }
        guard keyEnd - k >= 2, CredentialKey.strength(bytes, k, keyEnd) == .strong else { return nil }
        return accept(bytes, open + 1, q, strength: .strong, keyStart: k, keyEnd: keyEnd, upper: upper)
    }

    /// The key that ends right before `end` (past spaces, a closing quote or `]`, a Go type name).
    static func keyBefore(_ bytes: Bytes, _ end: Int, lower: Int) -> (Int, Int)? {
        var k = end - 1
        while k >= lower && ASCII.isSpace(bytes[k]) { k -= 1 }
        if k >= lower && bytes[k] == UInt8(ascii: "]") {
            k -= 1
            // `secret[] =`, `char secret[25] =`: an index or size, not a quoted key, comes before.
            if k >= lower && bytes[k] != UInt8(ascii: "\"") && bytes[k] != UInt8(ascii: "'") {
                var b = k
                while b >= lower && k - b < 8 && (ASCII.isDigit(bytes[b]) || bytes[b] == 32) { b -= 1 }
                if b >= lower && bytes[b] == UInt8(ascii: "[") { k = b - 1 }
            }
        }
        if k >= lower && (bytes[k] == UInt8(ascii: "\"") || bytes[k] == UInt8(ascii: "'") || bytes[k] == UInt8(ascii: "`")) { k -= 1 }
        var (start, keyEnd) = identifier(bytes, endingAt: k, lower: lower)
        // `var fooToken string = "…"`: the word before the operator is a type; the key is before it.
        if keyEnd - start <= 6, start > lower, isTypeName(bytes, start, keyEnd) {
            var j = start - 1
            guard j >= lower, ASCII.isSpace(bytes[j]) else { return nil }
            while j >= lower && ASCII.isSpace(bytes[j]) { j -= 1 }
            (start, keyEnd) = identifier(bytes, endingAt: j, lower: lower)
        }
        guard keyEnd - start >= 2 else { return nil }
        return (start, keyEnd)
    }

    /// The content of a `key="…"` or `name="…"` attribute earlier in the same element, or nil.
    static func namingAttribute(_ bytes: Bytes, before: Int, lower: Int) -> (Int, Int)? {
        var i = before - 1
        let limit = max(lower, before - 256)
        while i > limit && bytes[i] != UInt8(ascii: "<") && bytes[i] != UInt8(ascii: ">") {
            if bytes[i] == UInt8(ascii: "="), i + 1 < before, bytes[i + 1] == UInt8(ascii: "\"") || bytes[i + 1] == UInt8(ascii: "'") {
                let quote = bytes[i + 1]
                let (nameStart, nameEnd) = identifier(bytes, endingAt: i - 1, lower: lower)
                let isNaming = nameEnd - nameStart == 3 && CredentialKeyText.contains(bytes, nameStart, nameEnd, "key")
                    || nameEnd - nameStart == 4 && CredentialKeyText.contains(bytes, nameStart, nameEnd, "name")
                if isNaming {
                    var e = i + 2
                    while e < before && bytes[e] != quote { e += 1 }
                    return e > i + 2 ? (i + 2, e) : nil
                }
            }
            i -= 1
        }
        return nil
    }

    @inline(__always)
    static func identifier(_ bytes: Bytes, endingAt k: Int, lower: Int) -> (Int, Int) {
        let keyEnd = k + 1
        var j = k
        while j >= lower && keyEnd - j <= 96 && (ASCII.isIdentifier(bytes[j]) || bytes[j] == UInt8(ascii: "$")) { j -= 1 }
        return (j + 1, keyEnd)
    }

    static func isTypeName(_ bytes: Bytes, _ s: Int, _ e: Int) -> Bool {
        for t: StaticString in ["string", "String", "str"] where t.utf8CodeUnitCount == e - s {
            if SecretDetector.has(bytes, s, t, upper: e) { return true }
        }
        return false
    }

    /// `setProperty("API_TOKEN", "value")`: the anchor is the quote that closes the key, a `,` follows.
    static func quotedArguments(_ bytes: Bytes, at quoteAt: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        let quote = bytes[quoteAt]
        let (start, keyEnd) = identifier(bytes, endingAt: quoteAt - 1, lower: lower)
        guard keyEnd - start >= 2, start > lower, bytes[start - 1] == quote else { return nil }
        // The key is a call's first argument: `(` before its opening quote. JSON arrays and objects
        // (`"a", "b"`) are full of quote-comma pairs that are not assignments.
        var open = start - 2
        while open >= lower && ASCII.isSpace(bytes[open]) { open -= 1 }
        guard open >= lower, bytes[open] == UInt8(ascii: "("),
              let strength = CredentialKey.strength(bytes, start, keyEnd) else { return nil }
        var v = quoteAt + 2
        while v < upper && ASCII.isSpace(bytes[v]) { v += 1 }
        guard v < upper, bytes[v] == UInt8(ascii: "\"") || bytes[v] == UInt8(ascii: "'") else { return nil }
        return value(bytes, from: v, upper: upper, lower: lower, strength: strength, keyStart: start, keyEnd: keyEnd,
                     multiline: false)
    }

    /// `password "s3cret";`, `std::string secret("s3cret")`, `secret.assign("s3cret", 6)`: a quoted
    /// literal right after a strong key, with a space or `(` between. Weak keys do not count here: a
    /// word like `token "…"` in prose is too often just a word before a quotation.
    static func quotedAfterKey(_ bytes: Bytes, at position: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        let (start, keyEnd) = identifier(bytes, endingAt: position - 1, lower: lower)
        guard keyEnd - start >= 2, keyEnd == position, CredentialKey.strength(bytes, start, keyEnd) == .strong else { return nil }
        return value(bytes, from: position + 1, upper: upper, lower: lower, strength: .strong, keyStart: start, keyEnd: keyEnd,
                     multiline: false)
    }

    /// `<passwordToken>value</passwordToken>`, the value on the same line or the next.
    static func xmlElement(_ bytes: Bytes, at close: Int, lower: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        let (start, keyEnd) = identifier(bytes, endingAt: close - 1, lower: lower)
        guard keyEnd == close, keyEnd - start >= 2, start > lower, bytes[start - 1] == UInt8(ascii: "<"),
              let strength = CredentialKey.strength(bytes, start, keyEnd) else { return nil }
        var v = close + 1
        while v < upper && (ASCII.isSpace(bytes[v]) || bytes[v] == 10 || bytes[v] == 13) { v += 1 }
        var e = v
        while e < upper && bytes[e] != UInt8(ascii: "<") { e += 1 }
        // The element must close right after its text: `<your-api-key>` in prose is not an element.
        guard e + 1 < upper, bytes[e + 1] == UInt8(ascii: "/") else { return nil }
        while e > v && (ASCII.isSpace(bytes[e - 1]) || bytes[e - 1] == 10 || bytes[e - 1] == 13) { e -= 1 }
        return accept(bytes, v, e, strength: strength, keyStart: start, keyEnd: keyEnd, upper: upper)
    }

    /// The value that starts at `from` (after the operator), as a finding, or nil.
    static func value(_ bytes: Bytes, from: Int, upper: Int, lower: Int, strength: CredentialKey.Strength,
                      keyStart: Int, keyEnd: Int, multiline: Bool) -> (Range<Int>, SecretKind)? {
        var v = from
        while v < upper && ASCII.isSpace(bytes[v]) { v += 1 }
        var quote: UInt8 = 0
        // Objective-C string literals: `@"…"`.
        if v + 1 < upper && bytes[v] == UInt8(ascii: "@") && bytes[v + 1] == UInt8(ascii: "\"") { v += 1 }
        if v < upper && (bytes[v] == UInt8(ascii: "\"") || bytes[v] == UInt8(ascii: "'") || bytes[v] == UInt8(ascii: "`")) {
            quote = bytes[v]
            v += 1
        }
        // `Authorization: Bearer …`: the scheme names the credential that follows.
        for scheme: StaticString in ["Bearer ", "Basic ", "Token ", "bearer ", "token ", "Digest ", "Negotiate "]
        where SecretDetector.has(bytes, v, scheme, upper: upper) {
            v += scheme.utf8CodeUnitCount
            break
        }
        if let token = SecretDetector.token(bytes, start: v, lower: v, upper: upper) { return token }
        // A list of them (`"passwords": ["a", "b"]`, `api_keys = ['k1', 'k2']`): every string of the list
        // is one, and the list is the value (a token keeps the quotes, commas and brackets, so the JSON
        // still parses). The first string alone was taken before, and the others passed in clear.
        if quote == 0, v < upper, bytes[v] == UInt8(ascii: "[") {
            var live = false
            if let end = stringList(bytes, v, upper, { live = live || !AssignmentPlaceholder.isPlaceholder(bytes, $0, $1) }) {
                // A list of placeholders (`["${DB_PASSWORD}"]`) is no secret.
                return live ? accept(bytes, v, end, strength: strength, keyStart: keyStart, keyEnd: keyEnd, upper: upper) : nil
            }
        }
        var e = v
        if quote != 0 {
            while e < upper && bytes[e] != 10 {
                if bytes[e] == quote {
                    // SQL doubles a quote inside a literal (`PASSWORD 'it''s'`, `'''quoted'`): the literal
                    // goes on (so does Python's `'''…'''`). An empty literal `''` ends at its second quote.
                    guard quote == UInt8(ascii: "'") && e + 1 < upper && bytes[e + 1] == quote else { break }
                    e += 2
                    continue
                }
                e += bytes[e] == UInt8(ascii: "\\") && e + 1 < upper ? 2 : 1
            }
            e = min(e, upper)
        } else {
            // `${VAR}`, `{{ x }}`, `{noop}s3cret`, `$(cat /run/secret)`: a leading group is kept whole,
            // so a bracket or space in it does not end the value early.
            var open: UInt8 = 0
            if e < upper && bytes[e] == UInt8(ascii: "{") { open = bytes[e] }
            if e + 1 < upper && bytes[e] == UInt8(ascii: "$") && (bytes[e + 1] == UInt8(ascii: "{") || bytes[e + 1] == UInt8(ascii: "(")) {
                open = bytes[e + 1]
            }
            if open != 0 {
                let close: UInt8 = open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ")")
                var depth = 0
                while e < upper && bytes[e] != 10 {
                    if bytes[e] == open { depth += 1 }
                    if bytes[e] == close { depth -= 1; if depth == 0 { e += 1; break } }
                    e += 1
                }
            }
            // A closing bracket whose opener is inside the value belongs to it (`m{{h}o)p}}`); one
            // without an opener closes what the assignment sits in (`(password=x)`).
            var depth = 0
            while e < upper {
                let b = bytes[e]
                if b == UInt8(ascii: "(") || b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                    depth += 1
                } else if depth > 0 && (b == UInt8(ascii: ")") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}")) {
                    depth -= 1
                } else if endsBareValue(bytes, e, upper) {
                    // A config line (`key: value with spaces` in INI, YAML, .env: a strong key first on
                    // its line) runs on across single spaces, to the line's end or the next `name=`, so a
                    // passphrase is not cut after its first word. In prose the value ends at the space.
                    guard strength == .strong, b == 32, keyStartsLine(bytes, keyStart, lower: lower),
                          continuesAcrossSpace(bytes, e, upper) else { break }
                }
                e += 1
            }
        }
        return accept(bytes, v, e, strength: strength, keyStart: keyStart, keyEnd: keyEnd, upper: upper)
    }

    /// The end (after its `]`) of the list of one or more quoted strings that starts at the `[` at
    /// `start` (`["a", "b"]`, `['a','b']`; white space between), or nil when there is none there: an
    /// empty list, numbers, objects or anything else in it. `string` is given each string's contents.
    static func stringList(_ bytes: Bytes, _ start: Int, _ upper: Int, _ string: (Int, Int) -> Void) -> Int? {
        var i = start + 1
        while true {
            while i < upper && JSONNumberSpans.isWhiteSpace(bytes[i]) { i += 1 }
            guard i < upper, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { return nil }
            let quote = bytes[i]
            i += 1
            let contents = i
            while i < upper && bytes[i] != quote && bytes[i] != 10 { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < upper, bytes[i] == quote else { return nil }
            string(contents, i)
            i += 1
            while i < upper && JSONNumberSpans.isWhiteSpace(bytes[i]) { i += 1 }
            guard i < upper else { return nil }
            if bytes[i] == UInt8(ascii: "]") { return i + 1 }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }

    /// Whether only spaces (and an `export `) stand between the line's start and the key.
    static func keyStartsLine(_ bytes: Bytes, _ keyStart: Int, lower: Int) -> Bool {
        var i = keyStart
        if i - 7 >= lower, SecretDetector.has(bytes, i - 7, "export ", upper: keyStart) { i -= 7 }
        while i > lower && ASCII.isSpace(bytes[i - 1]) { i -= 1 }
        return i == lower || bytes[i - 1] == 10 || bytes[i - 1] == 13
    }

    /// Whether `name=` or `name:` starts at `at`: the next pair of a list, not a value.
    static func startsPair(_ bytes: Bytes, _ at: Int, _ upper: Int) -> Bool {
        var i = at
        while i < upper && i - at < 64 && ASCII.isIdentifier(bytes[i]) { i += 1 }
        return i > at && i < upper && (bytes[i] == UInt8(ascii: "=") || bytes[i] == UInt8(ascii: ":"))
    }

    /// Whether the bare value that reached the space at `at` goes on after it: one space, then a word
    /// that is not itself a key (`name=`, `name:`) and not the start of a quote or comment.
    static func continuesAcrossSpace(_ bytes: Bytes, _ at: Int, _ upper: Int) -> Bool {
        let next = at + 1
        guard next < upper else { return false }
        let b = bytes[next]
        guard b > 32, b != UInt8(ascii: "\""), b != UInt8(ascii: "'"), b != UInt8(ascii: "#"), b != UInt8(ascii: "<"),
              b != UInt8(ascii: "/") else { return false }
        return !startsPair(bytes, next, upper)
    }

    static func accept(_ bytes: Bytes, _ v: Int, _ e: Int, strength: CredentialKey.Strength, keyStart: Int,
                       keyEnd: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        // A private key block that starts inside the value (`password =!A)-----BEGIN RSA PRIVATE KEY-----`,
        // found by the PgDump fuzzer): the value would take the block's BEGIN line, the key-block rule
        // would then never see it, and the body lines would pass in clear. The span runs to the block's end.
        if let block = privateKeyBlockInside(bytes, v, e, upper: upper) { return (v..<max(e, block.0.upperBound), block.1) }
        // A value of punctuation alone (`,.:-*?!`) is a separator or a mask, not a credential.
        guard e > v, (v..<e).contains(where: { ASCII.isAlnum(bytes[$0]) }),
              !AssignmentPlaceholder.isPlaceholder(bytes, v, e) else { return nil }
        // A long value dominated by one character is a mask or a template (`AIzaaaaaaa…`,
        // `pplx-xxxxxxxx…`), not a key: when its other bytes are too few to be a secret themselves. A
        // real value followed by filler (`Xk9#mP2$vL7qR4!z` and 17 more bytes of one kind, which the
        // PgDump fuzzer wrote, or a query could append) is masked.
        if e - v >= 16 {
            let most = TokenPlaceholder.mostFrequentCount(bytes, v, e)
            if most * 2 > e - v && (e - v) - most < Self.minimumOtherBytes { return nil }
        }
        // A URL (`dsn=postgres://u:pw@h/db`) is left to the URL rules, which mask its credentials and
        // keep its host readable.
        if isURL(bytes, v, e) { return nil }
        switch strength {
        case .strong:
            // A short number is a setting (`password_min_length=8` is caught by its key; `pin=7` is not a secret).
            if e - v < 4 && (v..<e).allSatisfy({ ASCII.isDigit(bytes[$0]) }) { return nil }
        case .weak:
            if e - v < 8 { return nil }
            if e - v <= weakValueLimit && !looksRandom(bytes, v, e) { return nil }
        }
        if DocumentedExamples.isListed(bytes, v, e) { return (v..<e, .documentedExample) }
        let isAWSSecret = e - v == 40 && CredentialKeyText.contains(bytes, keyStart, keyEnd, "aws")
            && (v..<e).allSatisfy { ASCII.isBase64(bytes[$0]) }
        return (v..<e, isAWSSecret ? .awsSecretAccessKey : .passwordAssignment)
    }

    /// The private key block whose `-----BEGIN ` starts in `bytes[v..<e]`, if any.
    static func privateKeyBlockInside(_ bytes: Bytes, _ v: Int, _ e: Int, upper: Int) -> (Range<Int>, SecretKind)? {
        guard e - v >= 5 else { return nil }
        var i = v
        while i < e {
            if bytes[i] == UInt8(ascii: "-"), SecretDetector.has(bytes, i, "-----BEGIN ", upper: upper),
               let block = SecretDetector.privateKeyBlock(bytes, at: i, lower: v, upper: upper) {
                return block
            }
            i += 1
        }
        return nil
    }

    static func isURL(_ bytes: Bytes, _ v: Int, _ e: Int) -> Bool {
        var i = v
        while i < e && i - v < 32 && (ASCII.isAlnum(bytes[i]) || bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: ".")
                                      || bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: ":")) {
            if bytes[i] == UInt8(ascii: ":") && i + 2 < e && bytes[i + 1] == UInt8(ascii: "/") && bytes[i + 2] == UInt8(ascii: "/") {
                return i - v >= 2
            }
            i += 1
        }
        return false
    }

    /// Where a bare value ends: whitespace, a quote, `<`, `,` or `;` before a space, the end or the next
    /// `name=`, an escaped `\n` `\r` `\t` (a value
    /// inside a JSON string), `&name=` (the next URL query parameter), or a closing bracket that is
    /// itself followed by the end or a separator (`(password=x)`; `pa)ss` keeps its bracket).
    @inline(__always)
    static func endsBareValue(_ bytes: Bytes, _ at: Int, _ upper: Int) -> Bool {
        let b = bytes[at]
        switch b {
        case 9, 10, 13, 32, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "<"):
            return true
        case UInt8(ascii: ","), UInt8(ascii: ";"):
            // A list or statement separator (`pw=x, user=y`, `pw=x;`), not a comma inside a password
            // (`A,.:-!`): what follows is the end, a space, a quote or bracket, or the next `name=`.
            guard at + 1 < upper else { return true }
            let n = bytes[at + 1]
            if n == 32 || n == 9 || n == 10 || n == 13 || n == UInt8(ascii: "\"") || n == UInt8(ascii: "'")
                || n == UInt8(ascii: ")") || n == UInt8(ascii: "}") || n == UInt8(ascii: "]") || n == UInt8(ascii: ",")
                || n == UInt8(ascii: ";") { return true }
            var i = at + 1
            while i < upper && i - at < 64 && (ASCII.isIdentifier(bytes[i]) || bytes[i] == 32) { i += 1 }
            return i > at + 1 && i < upper && bytes[i] == UInt8(ascii: "=")
        case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ">"):
            return at + 1 >= upper || endsBareValue(bytes, at + 1, upper)
        case UInt8(ascii: "\\"):
            guard at + 1 < upper else { return false }
            let n = bytes[at + 1]
            return n == UInt8(ascii: "n") || n == UInt8(ascii: "r") || n == UInt8(ascii: "t")
        case UInt8(ascii: "&"):
            var i = at + 1
            while i < upper && (ASCII.isAlnum(bytes[i]) || bytes[i] == UInt8(ascii: "_")) { i += 1 }
            return i > at + 1 && i < upper && bytes[i] == UInt8(ascii: "=")
        default:
            return false
        }
    }

    /// Random-looking for a weak key's value: digits mixed with letters or symbols and Shannon entropy
    /// of at least 3.0 bits per byte; or three classes without digits (`Ab+cD/eF…`) and 3.5 bits; or a
    /// long (16+) run of digits with 2.5 bits. A CamelCase word (`ClearTextPassword`) is not random.
    static func looksRandom(_ bytes: Bytes, _ start: Int, _ end: Int) -> Bool {
        var classes: UInt8 = 0
        for i in start..<end {
            let b = bytes[i]
            classes |= ASCII.isDigit(b) ? 1 : b &- 97 < 26 ? 2 : b &- 65 < 26 ? 4 : 8
        }
        let entropy = Entropy.shannonBitsPerByte(bytes, start, end)
        if classes & 1 != 0 && classes.nonzeroBitCount >= 2 { return entropy >= 3.0 }
        if classes.nonzeroBitCount >= 3 { return end - start >= 16 && entropy >= 3.5 }
        return classes == 1 && end - start >= 16 && entropy >= 2.5
    }
}

/// Case-insensitive search in key text.
enum CredentialKeyText {
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - start >= n else { return false }
        for s in start...(end - n) {
            var ok = true
            for k in 0..<n where ASCII.lower(bytes[s + k]) != word.utf8Start[k] { ok = false; break }
            if ok { return true }
        }
        return false
    }
}
