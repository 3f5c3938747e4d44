import Testing
import WireTestSupport
@testable import MaskEngine

/// A masked value in a number column is a number of the column's type again: a client parses an
/// `int8` cell as an integer and a restore's COPY refuses a `bigint` that is not one, so one cell
/// that no longer parses breaks the query or the whole restore. Random bigints are card numbers by
/// their digits one time in 30 (Luhn and an issuer range), so every action meets them.
@Suite struct NumberColumnTests {
    static let int8Max = UInt64(Int64.max)
    /// The payload (first 18 digits) of the largest bigint.
    static let int8Payload: UInt64 = 922_337_203_685_477_580

    /// A Luhn-valid 19-digit number with this payload.
    static func card(payload: UInt64) -> String {
        var digits = String(payload).compactMap { $0.wholeNumberValue }.map(UInt8.init)
        digits = [UInt8](repeating: 0, count: 18 - digits.count) + digits
        let check = digits.withUnsafeBufferPointer { Luhn.checkDigit(payload: $0, count: 18) }
        return (digits + [check]).map(String.init).joined()
    }

    /// Payloads spread over all 19-digit numbers, the ones next to the bigint bound among them.
    static func payloads(count: Int, seed: UInt64) -> [UInt64] {
        var g = StageOneTests.Generator(state: seed)
        var values = (0..<count).map { _ in 100_000_000_000_000_000 + g.next() % 900_000_000_000_000_000 }
        values += [int8Payload - 1, int8Payload, int8Payload + 1, 999_999_999_999_999_999, 100_000_000_000_000_000]
        return values
    }

    /// Tokens of `values` one by one and through a prepared batch (`mk_digit_tokens`), which must agree.
    static func tokens(_ values: [String]) -> [String] {
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let batched = Tokenizer(key: testKey, cachedTokens: 0)
        var result: [String] = []
        for value in values {
            Array(value.utf8).withUnsafeBufferPointer { v in
                var one: [UInt8] = [], prepared: [UInt8] = []
                plain.appendToken(.creditCard, v, to: &one)
                batched.prepared.request(.creditCard, v)
                batched.prepareRequested()
                batched.appendToken(.creditCard, v, to: &prepared)
                batched.prepared.removeAll()
                #expect(one == prepared, "\(value): the batch kernel and the one-by-one path agree")
                result.append(String(decoding: one, as: UTF8.self))
            }
        }
        return result
    }

    @Test func aNineteenDigitCardThatFitsABigintGetsATokenThatFitsOne() {
        let payloads = Self.payloads(count: 3_000, seed: 0xB161)
        let values = payloads.map(Self.card(payload:))
        let tokens = Self.tokens(values)
        var fitting = 0
        for (value, token) in zip(values, tokens) {
            #expect(token.count == 19 && token.allSatisfy(\.isNumber))
            let valueFits = UInt64(value)! <= Self.int8Max && UInt64(value.prefix(18))! < Self.int8Payload
            let tokenPayload = UInt64(token.prefix(18))!
            if valueFits {
                fitting += 1
                #expect(UInt64(token)! <= Self.int8Max, "\(value) fits a bigint, its token \(token) must too")
            } else {
                // The other side is permuted among itself, so no value there takes a token a fitting one has.
                #expect(tokenPayload >= Self.int8Payload, "\(value) does not fit, nor does its token \(token)")
            }
        }
        #expect(fitting > 2_000, "most random 19-digit numbers fit a bigint")
        #expect(Set(tokens).count == Set(values).count, "distinct values keep distinct tokens")
    }

    /// A token starts with 0 exactly where its value does (cards of every length, SSNs): a number in
    /// JSON or printed by a number type never starts with 0, and 10 % of plain FF1 tokens did, which
    /// made `{"id": 0…}` no JSON. The batch kernel and the one-by-one path agree, and tokens of distinct
    /// values stay distinct.
    @Test func aTokenStartsWithZeroOnlyWhereItsValueDoes() {
        var g = StageOneTests.Generator(state: 0x2E80)
        let plain = Tokenizer(key: testKey, cachedTokens: 0)
        let batched = Tokenizer(key: testKey, cachedTokens: 0)
        var seen: [EntityType: Set<String>] = [:]
        var values: [EntityType: Set<String>] = [:]
        var zeros = 0
        for n in 0..<6_000 {
            let type: EntityType = n % 3 == 0 ? .usSSN : .creditCard
            let length = type == .usSSN ? 9 : 12 + Int(g.next() % 8)
            var digits = (0..<length).map { _ in String(g.next() % 10) }.joined()
            if n % 10 == 0 { digits = "0" + digits.dropFirst() }
            let value = type == .usSSN && n % 2 == 0
                ? "\(digits.prefix(3))-\(digits.dropFirst(3).prefix(2))-\(digits.suffix(4))" : digits
            var one: [UInt8] = [], prepared: [UInt8] = []
            Array(value.utf8).withUnsafeBufferPointer { v in
                plain.appendToken(type, v, to: &one)
                batched.prepared.request(type, v)
                batched.prepareRequested()
                batched.appendToken(type, v, to: &prepared)
                batched.prepared.removeAll()
            }
            let token = String(decoding: one, as: UTF8.self)
            #expect(one == prepared, "\(type) \(value)")
            #expect((token.first == "0") == (value.first == "0"), "\(type) \(value) -> \(token)")
            if value.first == "0" { zeros += 1 }
            seen[type, default: []].insert(token.filter(\.isNumber).description)
            values[type, default: []].insert(value.filter(\.isNumber).description)
        }
        #expect(zeros >= 600)
        for type in [EntityType.usSSN, .creditCard] { #expect(seen[type]?.count == values[type]?.count, "\(type)") }
    }

    /// FF1 alone puts about 8 % of the fitting payloads out of range: the walk is what keeps them in.
    @Test func ff1AloneWouldPutSomeOutOfRange() {
        let tokenizer = Tokenizer(key: testKey, cachedTokens: 0)
        var out = 0
        for payload in Self.payloads(count: 1_000, seed: 7) where payload < Self.int8Payload {
            var digits = String(payload).compactMap { $0.wholeNumberValue }.map(UInt8.init)
            digits.withUnsafeMutableBufferPointer { tokenizer.cardDigits.encrypt($0.baseAddress!, count: 18) }
            if digits.reduce(UInt64(0), { $0 * 10 + UInt64($1) }) >= Self.int8Payload { out += 1 }
        }
        #expect(out > 20)
    }

    static let kinds: [NumericText.Kind] = [.decimal, .integer(width: 2), .integer(width: 4), .integer(width: 8)]

    /// Whether `text` is what the type's input function takes: digits with a leading `-`, in range for
    /// an integer, one `.` inside for a decimal.
    static func parses(_ text: String, as kind: NumericText.Kind) -> Bool {
        if kind.isArray {
            // One level of braces, elements separated by commas (what these tests make).
            guard text.hasPrefix("{") && text.hasSuffix("}") else { return false }
            return text.dropFirst().dropLast().split(separator: ",").allSatisfy { $0 == "NULL" || parses(String($0), as: kind.element) }
        }
        switch kind.number {
        case .integer(let width):
            guard let v = Int64(text) else { return false }
            let bound = Int64(1) << Int64(8 * width - 1)
            return width == 8 || (v >= -bound && v < bound)
        case .decimal:
            // numeric_in takes `5.` and `.5` too; a digit is needed.
            var body = Substring(text)
            if body.first == "-" { body = body.dropFirst() }
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count) && parts.allSatisfy { $0.allSatisfy(\.isNumber) } && body.contains(where: \.isNumber)
        }
    }

    @Test(arguments: [
        ("******************", 18, NumericText.Kind.integer(width: 8), "000000000000000000"),
        ("-****************", 17, .integer(width: 8), "-0000000000000000"),
        ("**************1111", 18, .integer(width: 8), "000000000000001111"),
        // A hash (32 hex digits) in place of a 19-digit card: cut to the value's length, then in range.
        ("9f86d081884c7d659a2feaa0c55ad015", 19, .integer(width: 8), "0659020000005500015"),
        ("9f86d081884c7d659a2feaa0c55ad015.25", 19, .decimal, "9020000005500015.25"),
        ("-9f86d081884c7d659a2feaa0c55ad015", 20, .integer(width: 8), "-0659020000005500015"),
        // 19 digits past the bigint range lose their first.
        ("9999999999999999999", 19, .integer(width: 8), "999999999999999999"),
        ("*****", 5, .integer(width: 2), "00000"),
        ("98765", 5, .integer(width: 2), "8765"),
        ("", 3, .integer(width: 4), "0"),
        ("-", 1, .integer(width: 4), "0"),
        (".5", 2, .decimal, "05"),
        ("abcd.25", 3, .decimal, "0.25"),
    ])
    func repairMakesANumberOfTheType(_ masked: String, _ originalLength: Int, _ kind: NumericText.Kind, _ expected: String) {
        var text = Array(masked.utf8)
        NumericText.repair(&text, as: kind, originalLength: originalLength)
        let got = String(decoding: text, as: UTF8.self)
        #expect(Self.parses(got, as: kind), "\(got)")
        #expect(got == expected, "\(masked) -> \(got)")
    }

    /// Any masked text becomes a number of the type, no longer than the value was (one `0` more for
    /// a decimal that would start with its point).
    @Test func repairGivesANumberFromAnyText() {
        var g = StageOneTests.Generator(state: 0x1E7)
        let alphabet = Array("0123456789-.*abcdef@x ".utf8)
        for _ in 0..<20_000 {
            let kind = Self.kinds[Int(g.next() % 4)]
            let length = Int(g.next() % 40)
            var text = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            let originalLength = 1 + Int(g.next() % 25)
            NumericText.repair(&text, as: kind, originalLength: originalLength)
            let got = String(decoding: text, as: UTF8.self)
            #expect(Self.parses(got, as: kind), "\(kind): \(got)")
            #expect(text.count <= max(originalLength, 2) + 1, "\(got) from a value of \(originalLength) bytes")
        }
    }

    /// A wire stream of 19-digit cards in `int8` columns, text and binary, under each action: every
    /// masked cell is an `int8` again.
    @Test(arguments: [MaskAction.tokenize, .hash, .redact, .partial(keep: 4)])
    func bigintCellsStayBigints(_ action: MaskAction) throws {
        let values = Self.payloads(count: 400, seed: 0x1D8).filter { $0 < Self.int8Payload && $0 / 100_000_000_000_000_000 == 4 }
            .map(Self.card(payload:))
        let visa = (0..<400).map { i -> String in
            var g = StageOneTests.Generator(state: UInt64(i) &+ 99)
            return Self.card(payload: 400_000_000_000_000_000 + g.next() % 100_000_000_000_000_000)
        } + values
        var stream = Wire.rowDescription([("ref", PostgresType.int8)])
        for v in visa { stream += Wire.dataRow([v]) }
        let (text, _, _, error) = maskStream(stream, policy: MaskPolicy(creditCard: action))
        #expect(error == nil)
        let rows = Wire.rows(text)
        #expect(rows.count == visa.count)
        var changed = 0
        let tokens = action == .tokenize ? Self.tokens(visa) : []
        for (i, (row, value)) in zip(rows, visa).enumerated() {
            let cell = row[0] ?? ""
            #expect(Int64(cell) != nil, "\(action): \(value) -> \(cell) is no int8")
            if cell != value { changed += 1 }
            // A token is an int8 as it is: nothing is cut from it (which would make equal tokens of some).
            if action == .tokenize { #expect(cell == tokens[i]) }
        }
        #expect(changed == visa.count, "\(action): every Visa-range 19-digit number is a card")

        var binary = Wire.rowDescription([("ref", PostgresType.int8)], format: 1)
        for v in visa { binary += Backend.binaryRow([Backend.int8(Int64(v)!)]) }
        let (masked, _, _, binaryError) = maskStream(binary, policy: MaskPolicy(creditCard: action))
        #expect(binaryError == nil)
        let cells = binaryRows(masked).map { $0[0]! }
        #expect(cells.count == visa.count)
        for (cell, value) in zip(cells, visa) {
            #expect(cell.count == 8)
            #expect(int8Value(cell) != Int64(value)!)
            if action == .tokenize || action == .hash {
                // Out of range, the encoder would have written 0 (no original digit, but every token equal).
                #expect(int8Value(cell) != 0, "\(action): \(value) became 0")
            }
        }
    }

    /// A dump's number columns (`CREATE TABLE` declares them) under each action: COPY reads them back.
    @Test(arguments: [MaskAction.tokenize, .hash, .redact, .partial(keep: 4)])
    func dumpNumberColumnsStayNumbers(_ action: MaskAction) {
        let header = """
            --
            -- PostgreSQL database dump
            --

            CREATE TABLE public.ids (
                id bigint NOT NULL,
                amount numeric(21,2),
                n integer
            );


            COPY public.ids (id, amount, n) FROM stdin;

            """
        let cards = Self.payloads(count: 300, seed: 0xD0).filter { $0 < Self.int8Payload }.map(Self.card(payload:))
        let rows = cards.map { "\($0)\t\($0.prefix(16)).25\t7" }
        let dump = header + rows.map { $0 + "\n" }.joined() + "\\.\n"
        let r = maskStream(Array(dump.utf8), policy: MaskPolicy(creditCard: action))
        #expect(r.error == nil)
        let out = String(decoding: r.output, as: UTF8.self)
        let lines = out.split(separator: "\n").drop { !$0.hasPrefix("COPY ") }.dropFirst().prefix { $0 != "\\." }
        #expect(lines.count == rows.count)
        var changed = 0
        for (line, row) in zip(lines, rows) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 3)
            #expect(Self.parses(fields[0], as: .integer(width: 8)), "\(action): id \(fields[0])")
            #expect(Self.parses(fields[1], as: .decimal) && fields[1].hasSuffix(".25"), "\(action): amount \(fields[1])")
            #expect(fields[2] == "7")
            if line != row { changed += 1 }
        }
        #expect(changed > rows.count / 4, "\(action): many of the ids are cards")
    }

    @Test(arguments: [
        ("{*******************,123,NULL}", "{4111111111111111111,123,NULL}", "{0000000000000000000,123,NULL}"),
        ("{{9f86d081884c7d659a2feaa0c55ad015,5},{-***,6}}", "{{4111111111111111113,5},{-411,6}}",
         "{{0659020000005500015,5},{-000,6}}"),
        ("[0:1]={***************1111,7}", "[0:1]={4111111111111111,7}", "[0:1]={0000000000001111,7}"),
        // Structures that do not match (no action makes this): every element becomes 0.
        ("{***,***}", "{4111}", "{000,0}"),
    ])
    func arraysOfNumbersAreRepairedElementByElement(_ masked: String, _ original: String, _ expected: String) {
        var text = Array(masked.utf8)
        Array(original.utf8).withUnsafeBufferPointer { NumericText.repair(&text, as: .array(.integer(width: 8)), original: $0) }
        #expect(String(decoding: text, as: UTF8.self) == expected)
    }

    /// Any masking of an array's elements (junk of any length in place of some of them, the structure
    /// kept, as every action keeps it) repairs to an array of the same shape whose elements parse.
    @Test func arrayRepairKeepsTheShapeAndMakesNumbers() {
        var g = StageOneTests.Generator(state: 0xA88A)
        let junk = Array("0123456789-.*abcdef@x ".utf8)
        for _ in 0..<5_000 {
            let kind = Self.kinds[Int(g.next() % 4)]
            let count = 1 + Int(g.next() % 6)
            let originals = (0..<count).map { _ -> String in
                g.next() % 5 == 0 ? "NULL" : (g.next() % 2 == 0 ? "-" : "") + String(g.next() % 30_000)
            }
            let masked = originals.map { element -> String in
                guard g.next() % 2 == 0 else { return element }
                return String(decoding: (0..<Int(1 + g.next() % 25)).map { _ in junk[Int(g.next() % UInt64(junk.count))] }, as: UTF8.self)
            }
            var text = Array(("{" + masked.joined(separator: ",") + "}").utf8)
            let original = Array(("{" + originals.joined(separator: ",") + "}").utf8)
            original.withUnsafeBufferPointer { NumericText.repair(&text, as: .array(kind), original: $0) }
            let got = String(decoding: text, as: UTF8.self)
            #expect(Self.parses(got, as: .array(kind)), "\(kind): \(got)")
            #expect(got.split(separator: ",", omittingEmptySubsequences: false).count == count, "\(got)")
        }
    }

    /// `bigint[]` in a dump and `int8[]` in text-format results: each masked element is an int8 again.
    @Test(arguments: [MaskAction.tokenize, .hash, .redact, .partial(keep: 4)])
    func arraysOfBigintsStayArraysOfBigints(_ action: MaskAction) {
        let cards = Self.payloads(count: 200, seed: 0xA77).filter { $0 < Self.int8Payload }.map(Self.card(payload:))
        let arrays = stride(from: 0, to: cards.count - 1, by: 2).map { "{\(cards[$0]),7,NULL,\(cards[$0 + 1])}" }
        let dump = """
            --
            -- PostgreSQL database dump
            --

            CREATE TABLE public.refs (
                refs bigint[]
            );


            COPY public.refs (refs) FROM stdin;

            """ + arrays.map { $0 + "\n" }.joined() + "\\.\n"
        var wire = Wire.rowDescription([("refs", 1016)])
        for a in arrays { wire += Wire.dataRow([a]) }
        let fromDump = String(decoding: maskStream(Array(dump.utf8), policy: MaskPolicy(creditCard: action)).output, as: UTF8.self)
            .split(separator: "\n").drop { !$0.hasPrefix("COPY ") }.dropFirst().prefix { $0 != "\\." }.map(String.init)
        let fromWire = Wire.rows(maskStream(wire, policy: MaskPolicy(creditCard: action)).output).map { $0[0] ?? "" }
        for (name, cells) in [("dump", fromDump), ("wire", fromWire)] {
            #expect(cells.count == arrays.count, "\(name)")
            var changed = 0
            for (cell, array) in zip(cells, arrays) {
                let elements = cell.dropFirst().dropLast().split(separator: ",")
                #expect(cell.hasPrefix("{") && cell.hasSuffix("}") && elements.count == 4, "\(name): \(cell)")
                #expect(elements.allSatisfy { $0 == "NULL" || Int64($0) != nil }, "\(name), \(action): \(cell)")
                #expect(elements.count < 3 || (elements[1] == "7" && elements[2] == "NULL"), "\(name): \(cell)")
                if cell != array { changed += 1 }
            }
            #expect(changed > arrays.count / 2, "\(name), \(action): the arrays hold cards")
        }
    }
}
