import Foundation
import Testing
import WireTestSupport
@testable import MaskEngine

/// A secret written inside a JSON string (or a C-like literal) keeps its escape sequences: the token of
/// `…\nMIIE…` must not encipher the `n` of `\n` into `\4` or `\H`, which no JSON parser accepts.
@Suite struct EscapedSecretTests {
    let tokenizer = Tokenizer(key: testKey)

    func token(_ value: String) -> String {
        var out: [UInt8] = []
        Array(value.utf8).withUnsafeBufferPointer { tokenizer.appendToken(.secret, $0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Where each escape sequence of `value` starts and how long it is.
    static func escapes(_ value: String) -> [(Int, Int)] {
        let bytes = Array(value.utf8)
        return bytes.withUnsafeBufferPointer { b in
            var found: [(Int, Int)] = [], i = 0
            while i < b.count {
                if b[i] == 0x5C { let n = Escapes.length(b, at: i); found.append((i, n)); i += n } else { i += 1 }
            }
            return found
        }
    }

    @Test(arguments: [
        #"Zm9vYmFy\nQmF6cXV4\nMTIzNDU2Nzg5MA=="#,
        #"a\\nbcdefgh"#,
        #"k9\u00e9Lq\x41Zz\/Rr\tWw8"#,
        #"secret\"quoted\"value9"#,
        #"trailing\"#,
        #"C:\Users\svc\Secret42xyz"#,
        "pass\\ñword\\u00f1x",
    ])
    func escapesStayWhereTheyWere(_ value: String) {
        let t = token(value)
        let v = Array(value.utf8), tb = Array(t.utf8)
        #expect(tb.count == v.count)
        #expect(t == token(value), "deterministic")
        var kept = Set<Int>()
        for (start, length) in Self.escapes(value) {
            #expect(Array(tb[start..<(start + length)]) == Array(v[start..<(start + length)]), "\(value): escape at \(start)")
            kept.formUnion(start..<(start + length))
        }
        // Everything else is tokenized: the letters and digits outside escapes are not all the same.
        let outside = (0..<v.count).filter { !kept.contains($0) && LengthKeepingTokenTests.lettersAndDigits.contains(v[$0]) }
        #expect(outside.contains { v[$0] != tb[$0] }, "\(value) → \(t)")
        for i in outside { #expect(LengthKeepingTokenTests.lettersAndDigits.contains(tb[i])) }
    }

    @Test func lengthsOfEscapes() {
        for (text, expected) in [(#"\n"#, 2), (#"\\"#, 2), (#"\u00e9"#, 6), (#"\u00g9"#, 6), (#"\u00-9"#, 2), (#"\u00"#, 2),
                                 (#"\x4f"#, 2), (#"\s"#, 2), (#"\"#, 1), (#"\/"#, 2), ("\\é", 3), ("\\u00aé", 7)] {
            let n = Array(text.utf8).withUnsafeBufferPointer { Escapes.length($0, at: 0) }
            #expect(n == expected, "\(text)")
        }
    }

    /// Random values of letters, digits, marks, backslashes, `u` and non-ASCII characters, in byte and
    /// character units: the length (bytes, or characters) is kept, every escape stays where it was, and
    /// distinct ASCII values get distinct tokens.
    @Test(arguments: [LengthKeepingTokenizer.Unit.byte, .character])
    func randomValuesWithEscapes(unit: LengthKeepingTokenizer.Unit) {
        var g = StageOneTests.Generator(state: unit == .byte ? 0x51 : 0x52)
        let pieces = ["\\", "\\", "u", "n", "a", "Z", "7", "0", "-", "/", "é", "ñ", "€", "\"", "x"]
        var seen: [String: String] = [:]
        for _ in 0..<4_000 {
            let value = (0..<Int(g.next() % 9 + 2)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            var out: [UInt8] = []
            Array(value.utf8).withUnsafeBufferPointer { tokenizer.appendSameSizeToken(.secret, $0, unit: unit, to: &out) }
            let token = String(decoding: out, as: UTF8.self)
            if unit == .byte { #expect(out.count == value.utf8.count, "\(value)") } else {
                #expect(token.unicodeScalars.count == value.unicodeScalars.count, "\(value) → \(token)")
            }
            if unit == .byte {
                for (start, length) in Self.escapes(value) {
                    #expect(Array(out[start..<(start + length)]) == Array(Array(value.utf8)[start..<(start + length)]), "\(value)")
                }
            }
            // Distinct ASCII values never share a token (FF1 is a bijection); with non-ASCII characters the
            // keystream makes them differ by chance only, as without escapes (docs/detection/tokens.md).
            guard value.utf8.allSatisfy({ $0 < 0x80 }) else { continue }
            if let other = seen[token], other != value { Issue.record("\(value) and \(other) share \(token)") }
            seen[token] = value
        }
    }

    /// Values that differ only outside their escapes, or only in where an escape is, get different tokens.
    @Test func distinctValuesStayDistinct() {
        let values = [#"abcd\nefgh"#, #"abce\nefgh"#, #"abc\ndefgh"#, #"abcdefgh\n"#, #"abcd\tefgh"#, "abcdnefgh"]
        #expect(Set(values.map(token)).count == values.count)
    }

    /// A Google service account's key file, as it sits in a `jsonb` or `text` column.
    static func keyFile(seed: UInt64) -> String {
        var g = StageOneTests.Generator(state: seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let body = String((0..<1_600).map { _ in alphabet[Int(g.next() % 64)] })
        let lines = stride(from: 0, to: body.count, by: 64).map { i -> String in
            let s = body.index(body.startIndex, offsetBy: i)
            return String(body[s..<body.index(s, offsetBy: min(64, body.count - i))])
        }
        let pem = "-----BEGIN PRIVATE KEY-----\\n" + lines.joined(separator: "\\n") + "\\n-----END PRIVATE KEY-----\\n"
        return #"{"type": "service_account", "project_id": "p-\#(seed)", "private_key": "\#(pem)", "client_email": "svc\#(seed)@p.iam.gserviceaccount.com"}"#
    }

    static func privateKey(of document: String) -> String? {
        (JSONNumberTests.parse(document) as? [String: Any])?["private_key"] as? String
    }

    @Test func keyFilesStayJSONInCSVAndWire() {
        let docs = (0..<12).map { Self.keyFile(seed: 0x900 + UInt64($0)) }
        let csv = "id,doc\n" + docs.enumerated().map { "\($0),\"\($1.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }.joined()
        let fromCSV = JSONNumberTests.csvRows(String(decoding: maskStream(Array(csv.utf8), format: .csv).output, as: UTF8.self))
            .dropFirst().map { $0[1] }
        var stream = Wire.rowDescription([("doc", PostgresType.jsonb), ("body", 25)])
        for d in docs { stream += Wire.dataRow([d, d]) }
        let fromWire = Wire.rows(maskStream(stream).output).flatMap { [$0[0] ?? "", $0[1] ?? ""] }
        #expect(fromCSV.count == docs.count && fromWire.count == 2 * docs.count)
        for (masked, doc) in zip(fromCSV + fromWire, docs + docs.flatMap { [$0, $0] }) {
            guard let key = Self.privateKey(of: masked), let original = Self.privateKey(of: doc) else {
                Issue.record("no JSON: \(masked.prefix(200))")
                continue
            }
            // The PEM's line structure is kept (a key's lines are no secret); its base64 is not.
            #expect(key.split(separator: "\n").map(\.count) == original.split(separator: "\n").map(\.count))
            let originalLines = original.split(separator: "\n").dropFirst().dropLast()
            for line in originalLines { #expect(!masked.contains(line)) }
        }
    }

    /// Whether every `%` of `text` starts an escape of two hex digits (what a URL decoder asks).
    static func decodes(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func hex(_ x: UInt8) -> Bool { Character(Unicode.Scalar(x)).isHexDigit }
        for i in b.indices where b[i] == 0x25 {
            guard i + 2 < b.count, hex(b[i + 1]), hex(b[i + 2]) else { return false }
        }
        return true
    }

    /// A secret in a URL keeps its percent-escapes: each stands for a byte of the value, whose token's
    /// byte is written back as an escape. Enciphered as letters, `%3D` became `%iZ`, and the masked URL
    /// no longer decoded.
    @Test(arguments: [
        "sv=2022-11-02&sig=k3mQ%2Bz9YpL0w%2FaBcDeFgHiJkLmNoPqRsTuVwXyZ%3D",
        "p%40ssw0rd%21Secret",
        "abc%41%42%43def%3d%2f",
        "ab%2541cdefgh",
        "x%41",
    ])
    func percentEscapesStayEscapes(_ value: String) {
        let t = token(value)
        #expect(t.utf8.count == value.utf8.count, "\(value) → \(t)")
        #expect(t == token(value), "deterministic")
        #expect(Self.decodes(t), "\(value) → \(t)")
        let v = Array(value.utf8), tb = Array(t.utf8)
        v.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                guard let byte = Escapes.percentEscaped(b, at: i) else { i += 1; continue }
                let escape = String(decoding: tb[i..<(i + 3)], as: UTF8.self)
                let decoded = UInt8(escape.dropFirst(), radix: 16)
                #expect(decoded != nil && escape.first == "%", "\(value): \(escape) at \(i)")
                if ASCII.isAlnum(byte) {
                    #expect(decoded.map(ASCII.isAlnum) == true, "an escaped letter or digit stays one: \(escape)")
                } else {
                    #expect(Array(tb[i..<(i + 3)]) == Array(b[i..<(i + 3)]), "an escaped mark is kept: \(escape)")
                }
                // The value's case of hex digits.
                let valueLower = String(decoding: b[(i + 1)..<(i + 3)], as: UTF8.self).contains(where: \.isLowercase)
                let tokenLower = escape.contains(where: \.isLowercase)
                #expect(valueLower == tokenLower || escape.dropFirst().allSatisfy(\.isNumber), "\(value): \(escape)")
                i += 3
            }
        }
        // The same secret decoded gets the same token, decoded (unless the decoded value holds escapes
        // of its own: `%2541` is `%41`).
        let plain = value.removingPercentEncoding!
        guard !plain.contains("%") else { return }
        #expect(t.removingPercentEncoding == token(plain), "\(value) → \(t), \(plain) → \(token(plain))")
    }

    /// Escapes that are not read: a backslash's (`%5C`) and non-ASCII bytes' (`%C3%A9`): the length is kept.
    @Test func escapesOfBackslashesAndNonASCIIAreLeft() {
        for value in ["ab%5Ccdefgh12", "caf%C3%A9Secret99", "%", "%4", "a%zz%%41"] {
            #expect(token(value).utf8.count == value.utf8.count, "\(value)")
        }
    }

    /// Through the pipeline: an Azure SAS URL and a connection string whose password holds escapes.
    @Test func maskedURLsStillDecode() {
        let sas = "https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&sig=k3mQ%2Bz9YpL0w%2FaBcDeFgHiJkLmNoPqRsTuVwXyZ12345678%3D"
        let dsn = "postgresql://app:p%40ss%2Fw0rd%21Secret@db.internal:5432/prod"
        let csv = "id,url\n1,\(sas)\n2,\(dsn)\n"
        let out = String(decoding: maskStream(Array(csv.utf8), format: .csv).output, as: UTF8.self)
        let urls = out.split(separator: "\n").dropFirst().map { String($0.split(separator: ",", maxSplits: 1)[1]) }
        #expect(urls.count == 2)
        #expect(!out.contains("k3mQ%2Bz9YpL0w") && !out.contains("p%40ss%2Fw0rd"), "\(out)")
        for url in urls {
            #expect(Self.decodes(url), "\(url)")
            #expect(URLComponents(string: url)?.queryItems != nil || URLComponents(string: url)?.password != nil, "\(url)")
        }
        #expect(urls[0].hasSuffix("%3D") && urls[1].contains("%40") && urls[1].hasSuffix("@db.internal:5432/prod"), "\(urls)")
    }
}
