import Foundation
import Testing
import WireTestSupport
@testable import MaskEngine

/// A JSON document whose bare number is found (a card number or a random bigint stored as a number) is
/// still JSON after `redact`, `hash` or `partial`: a restore into a `json`/`jsonb` column refuses
/// `{"id": ****************}`, and a client's parser throws on it. Tokens are numbers already.
@Suite struct JSONNumberTests {
    static let actions: [MaskAction] = [.tokenize, .hash, .redact, .partial(keep: 4)]

    /// Luhn-valid 16-digit Visa numbers.
    static func cards(_ count: Int, seed: UInt64) -> [String] {
        var g = StageOneTests.Generator(state: seed)
        return (0..<count).map { _ in
            var digits = [UInt8(4)] + (0..<14).map { _ in UInt8(g.next() % 10) }
            digits.append(digits.withUnsafeBufferPointer { Luhn.checkDigit(payload: $0, count: 15) })
            return digits.map(String.init).joined()
        }
    }

    /// A document holding `card` as a bare number in several places (a member, an array element, a
    /// negative number, a number with a fraction, nested), as a string and inside a string's prose, with
    /// escaped quotes before them: the escapes must not turn the scan's idea of what is a string around.
    static func document(_ card: String, variant: Int) -> String {
        switch variant % 4 {
        case 0: return #"{"id": \#(card), "note": "paid with \#(card)", "refs": [\#(card), 5, -\#(card)]}"#
        case 1: return #"[{"q": "say \"\#(card)\" \\", "n": \#(card).25}, \#(card)]"#
        case 2: return #"  {"a": {"b": [1, {"c": \#(card)}]}, "s": "\#(card)", "t": true, "z": null}  "#
        default: return #"{"k\"ey": "x, \#(card), y", "v": \#(card), "w": [\#(card)]}"#
        }
    }

    /// The fields of RFC 4180 records (quoted fields with doubled quotes; LF line ends).
    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() { if n == "\"" { field.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(c) }
        }
        return rows
    }

    /// One cell's value scanned and rewritten as the engine does it.
    static func masked(_ text: String, with rewriter: CellRewriter, as holder: ValueHolder = .cell) -> String {
        let value = Array(text.utf8)
        return value.withUnsafeBufferPointer { v -> String in
            let index = StageOneIndex()
            index.reset(v)
            var found: [Finding] = []
            CellScanner().scan(v, lower: 0, upper: v.count, index: index, context: ColumnContext(), into: &found)
            var out: [UInt8] = []
            _ = rewriter.rewrite(v, findings: found[...], as: holder, actions: rewriter.defaultActions, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Parses `text` as JSON (fragments allowed), or nil.
    static func parse(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// The checks every masked document must pass: it parses, its strings and numbers kept their
    /// places (the same JSON shape as the original's), and no card is left whole.
    static func expectMasked(_ masked: String, from original: String, card: String, action: MaskAction,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        guard let got = parse(masked) else {
            Issue.record("\(action): no JSON: \(masked)", sourceLocation: sourceLocation)
            return
        }
        #expect(shape(got) == shape(parse(original)!), "\(action): \(masked)", sourceLocation: sourceLocation)
        #expect(!masked.contains(card), "\(action): \(masked)", sourceLocation: sourceLocation)
    }

    /// The document with every string replaced by "s" and every number (or Boolean) by 0: what masking must keep.
    static func shape(_ value: Any) -> String {
        switch value {
        case let o as [String: Any]: return "{" + o.keys.sorted().map { "\($0):" + shape(o[$0]!) }.joined(separator: ",") + "}"
        case let a as [Any]: return "[" + a.map(shape).joined(separator: ",") + "]"
        case is String: return "s"
        case is NSNumber: return "0"
        case is NSNull: return "null"
        default: return "?"
        }
    }

    @Test(arguments: actions)
    func documentsInCSVFieldsStayJSON(_ action: MaskAction) {
        let cards = Self.cards(40, seed: 0x75)
        let docs = cards.enumerated().map { Self.document($1, variant: $0) }
        let csv = "id,doc\n" + docs.enumerated().map { "\($0),\"\($1.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }.joined()
        let r = maskStream(Array(csv.utf8), format: .csv, policy: MaskPolicy(creditCard: action))
        #expect(r.error == nil)
        let rows = Self.csvRows(String(decoding: r.output, as: UTF8.self)).dropFirst()
        #expect(rows.count == docs.count)
        for ((row, doc), card) in zip(zip(rows, docs), cards) {
            Self.expectMasked(row[1], from: doc, card: card, action: action)
        }
    }

    @Test(arguments: actions)
    func documentsInWireResultsStayJSON(_ action: MaskAction) {
        let cards = Self.cards(40, seed: 0x76)
        let docs = cards.enumerated().map { Self.document($1, variant: $0) }
        // jsonb and text columns in text format, and jsonb in binary format (a version byte, then text).
        var text = Wire.rowDescription([("doc", PostgresType.jsonb), ("body", 25)])
        for d in docs { text += Wire.dataRow([d, d]) }
        let rows = Wire.rows(maskStream(text, policy: MaskPolicy(creditCard: action)).output)
        #expect(rows.count == docs.count)
        for ((row, doc), card) in zip(zip(rows, docs), cards) {
            Self.expectMasked(row[0] ?? "", from: doc, card: card, action: action)
            Self.expectMasked(row[1] ?? "", from: doc, card: card, action: action)
        }
        var binary = Wire.rowDescription([("doc", PostgresType.jsonb)], format: 1)
        for d in docs { binary += Backend.binaryRow([[1] + Array(d.utf8)]) }
        let cells = binaryRows(maskStream(binary, policy: MaskPolicy(creditCard: action)).output).map { $0[0]! }
        #expect(cells.count == docs.count)
        for ((cell, doc), card) in zip(zip(cells, docs), cards) {
            #expect(cell.first == 1)
            Self.expectMasked(String(decoding: cell.dropFirst(), as: UTF8.self), from: doc, card: card, action: action)
        }
    }

    @Test(arguments: actions)
    func documentsInDumpsStayJSON(_ action: MaskAction) {
        let cards = Self.cards(40, seed: 0x77)
        let docs = cards.enumerated().map { Self.document($1, variant: $0) }
        let dump = """
            --
            -- PostgreSQL database dump
            --

            CREATE TABLE public.docs (
                doc jsonb
            );


            COPY public.docs (doc) FROM stdin;

            """ + docs.map { $0.replacingOccurrences(of: "\\", with: "\\\\") + "\n" }.joined() + "\\.\n"
        let r = maskStream(Array(dump.utf8), policy: MaskPolicy(creditCard: action))
        #expect(r.error == nil)
        let lines = String(decoding: r.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("COPY ") }.dropFirst().prefix { $0 != "\\." }
        #expect(lines.count == docs.count)
        for ((line, doc), card) in zip(zip(lines, docs), cards) {
            Self.expectMasked(line.replacingOccurrences(of: "\\\\", with: "\\"), from: doc, card: card, action: action)
        }
    }

    /// The number a bare card becomes under each action: what docs/detection/tokens.md promises.
    @Test(arguments: [
        (MaskAction.redact, #"{"n": 4111111111111111}"#, #"{"n": 0}"#),
        (.partial(keep: 4), #"{"n": 4111111111111111}"#, #"{"n": 1111}"#),
        (.redact, #"[-4111111111111111.5]"#, #"[-0.5]"#),
        (.partial(keep: 4), #"[4111111111111111, "4111111111111111"]"#, #"[1111, "************1111"]"#),
        // Inside strings (after escaped quotes and backslashes), a card is text.
        (.redact, #"{"q": "say \"4111111111111111\" \\", "n": 4111111111111111}"#,
         #"{"q": "say \"****************\" \\", "n": 0}"#),
        (.redact, #"{"q\\": 4111111111111111}"#, #"{"q\\": 0}"#),
        // Not a document: the text keeps its masks (a PostgreSQL array's text is no object).
        (.redact, #"{4111111111111111,7}"#, #"{****************,7}"#),
        (.redact, #"card: 4111111111111111, exp 12/25"#, #"card: ****************, exp 12/25"#),
        (.redact, #"{"n": 4111111111111111"#, #"{"n": ****************"#),
    ])
    func bareCardsBecomeNumbers(_ action: MaskAction, _ original: String, _ expected: String) {
        let rewriter = CellRewriter(policy: MaskPolicy(creditCard: action), tokenizer: Tokenizer(key: testKey))
        let masked = Self.masked(original, with: rewriter)
        #expect(masked == expected)
    }

    /// `null` in text with no NULL of its own (a NOTIFY payload, an error's detail, a dump's comment)
    /// empties each span: a bare number of a JSON document becomes JSON's `null` (`0` after a minus
    /// sign), or `{"card": }` would be left; in strings and outside documents the span is emptied.
    @Test(arguments: [
        (#"{"card": 4111111111111111, "s": "x 4111111111111111", "a": [-4111111111111111, 1]}"#,
         #"{"card": null, "s": "x ", "a": [-0, 1]}"#),
        (#"paid with 4111111111111111."#, #"paid with ."#),
    ])
    func nullInTextMakesBareNumbersJSONNull(_ original: String, _ expected: String) {
        let rewriter = CellRewriter(policy: MaskPolicy(creditCard: .null), tokenizer: Tokenizer(key: testKey))
        let out = Self.masked(original, with: rewriter, as: .text)
        #expect(out == expected)
        if original.hasPrefix("{") { #expect(Self.parse(out) != nil, "\(out)") }
    }

    /// A hash in place of a bare number: digits, no longer than the number, no leading zero, the same
    /// for the same value (joins on hashed numbers still work).
    @Test func hashedNumbersAreNumbersOfTheValuesLength() {
        let rewriter = CellRewriter(policy: MaskPolicy(creditCard: .hash), tokenizer: Tokenizer(key: testKey))
        for card in Self.cards(300, seed: 0x78) {
            let doc = Array(#"{"a": \#(card), "b": [\#(card)]}"#.utf8)
            let out = doc.withUnsafeBufferPointer { v -> String in
                let start = 6, second = 6 + card.count + 8
                let found = [Finding(start: start, end: start + card.count, type: .creditCard),
                             Finding(start: second, end: second + card.count, type: .creditCard)]
                var out: [UInt8] = []
                _ = rewriter.rewrite(v, findings: found[...], as: .cell, actions: rewriter.defaultActions, into: &out)
                return String(decoding: out, as: UTF8.self)
            }
            guard let object = Self.parse(out) as? [String: Any], let a = object["a"] as? NSNumber,
                  let b = (object["b"] as? [Any])?.first as? NSNumber else {
                Issue.record("no JSON: \(out)")
                continue
            }
            let digits = out.dropFirst(6).prefix { $0.isNumber }
            #expect(digits.count <= card.count && digits.first != "0" || digits == "0", "\(out)")
            #expect(a == b, "\(out)")
        }
    }

    /// Strings of every length with escaped quotes and backslashes at every offset before the spans:
    /// the scan that skips eight bytes at a time keeps the string state the byte-by-byte reading has.
    @Test func stringStateHoldsAcrossEscapesAtEveryOffset() {
        var g = StageOneTests.Generator(state: 0x5A7)
        let pieces = [#"\""#, #"\\"#, "a", "b c", ",", ":", "{", "]", "é", #"\u0041"#]
        let rewriter = CellRewriter(policy: MaskPolicy(creditCard: .redact), tokenizer: Tokenizer(key: testKey))
        for _ in 0..<3_000 {
            let prose = (0..<Int(g.next() % 24)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            let doc = #"{"p": "\#(prose)", "n": 4111111111111111, "q": "\#(prose) 4111111111111111"}"#
            let out = Self.masked(doc, with: rewriter)
            #expect(out == #"{"p": "\#(prose)", "n": 0, "q": "\#(prose) ****************"}"#, "\(doc)")
        }
        for _ in 0..<20_000 {
            let word = g.next()
            let bytes = withUnsafeBytes(of: word) { Array($0) }
            #expect(JSONNumberSpans.holdsQuoteOrBackslash(word) == bytes.contains { $0 == 0x22 || $0 == 0x5C })
            let shift = 8 * (g.next() % 8)
            let one = word & ~(0xFF << shift) | (g.next() % 2 == 0 ? 0x22 : 0x5C) << shift
            #expect(JSONNumberSpans.holdsQuoteOrBackslash(one))
        }
    }

    /// A span that is only part of a number (a custom detector's) keeps the number valid: no leading
    /// zero before the digits that follow it.
    @Test func aSpanThatBeginsALongerNumberLeavesNoLeadingZero() {
        let value = Array(#"{"n": 1234567890}"#.utf8)
        var out = Array(#"{"n": "#.utf8) + Array("****".utf8)
        value.withUnsafeBufferPointer { v in JSONNumberSpans.makeNumber(&out, from: 6, replacing: 6..<10, of: v) }
        #expect(String(decoding: out, as: UTF8.self) + "567890}" == #"{"n": 1000567890}"#)
    }
}
