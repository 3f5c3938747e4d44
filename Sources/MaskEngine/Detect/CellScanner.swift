/// How a column is to be scanned, derived once per column from its name and type.
public struct ColumnContext: Sendable, Equatable {
    /// Whether the column's cells are scanned at all (false for types that cannot hold PII text).
    public var scanned: Bool
    /// Whether the column is named like an SSN column (`ssn`): a bare run of nine digits, or a dotted
    /// 3-2-4, counts as an SSN.
    public var bareSSN: Bool
    /// Whether the column is named like a card column (`card_number`): a Luhn-valid number of 12 to 19
    /// digits in a card grouping counts as a card even in no issuer range.
    public var cardColumn: Bool
    /// Whether cards and SSNs are looked for: false for text that is not data (a dump's script text,
    /// where sequence values and OIDs are numbers that only look like them).
    public var scansDigits: Bool
    /// Bit `i` set when the column's name holds a context word of the policy's custom detector `i`.
    public var announcedCustom: UInt32 = 0
    /// Whether the column is named like a barcode column (`ean`, `upc`, `gtin`, `isbn`, `barcode`): a
    /// number there with a valid GS1 check digit is a product code, not a card (`CardRules`).
    public var barcodeColumn = false
    /// Whether the column is named like a phone column (`phone`, `msisdn`, `mobile`, `fax`): a number
    /// there of at most 15 digits (E.164's longest) is a phone number, not a card (`CardRules`).
    public var phoneColumn = false
    /// Whether the column is named for credentials (`password`, `api_key`, `access_token`:
    /// `namesCredential`) and holds text: every value in it is a secret whatever its shape (a password
    /// like `s*36SUU48b` has none a detector could know), whole or as `credentialValue` says.
    public var credentialColumn = false
    /// How a credential column's values hold their secrets (by the column's type): whole, as the
    /// elements of an array's text, or as the strings of a JSON value.
    public var credentialValue = CredentialValue.text

    public init(scanned: Bool = true, bareSSN: Bool = false, cardColumn: Bool = false, scansDigits: Bool = true) {
        self.scanned = scanned
        self.bareSSN = bareSSN
        self.cardColumn = cardColumn
        self.scansDigits = scansDigits
    }

    /// Column names that announce SSNs: `ssn`, `user_ssn`, `social_security_number`, `SocialSecurity`.
    public static func namesSSN(_ name: some StringProtocol) -> Bool {
        if let ascii = ASCIIColumnName(name) { return ascii.namesSSN }
        return characterNamesSSN(name)
    }

    /// `namesSSN` by `Character`: the rule for names with non-ASCII characters, and the definition the
    /// ASCII path is tested against.
    static func characterNamesSSN(_ name: some StringProtocol) -> Bool {
        let lower = name.lowercased()
        if lower.contains("social_security") || lower.contains("socialsecurity") || lower.contains("social security") { return true }
        let parts = lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return parts.contains { $0 == "ssn" || $0 == "ssns" || $0 == "ssn_number" }
            || lower.hasSuffix("ssn") || lower.hasPrefix("ssn")
    }

    /// Column names that announce card numbers: one of the words `card`, `cards`, `cardno`, `cardnum`,
    /// `cardnumber`, `creditcard`, `debitcard`, `cc`, `ccn`, `ccnum`, `ccno`, `pan`, or `primary` with
    /// `account` (`card_number`, `cc`, `creditCardNumber`, `PAN`, `primary_account_number`), split at
    /// non-letters and camel humps; but not an id column (`card_id`, `cardIds`), whose numbers are keys.
    public static func namesCard(_ name: some StringProtocol) -> Bool {
        if let ascii = ASCIIColumnName(name) { return ascii.namesCard }
        return characterNamesCard(name)
    }

    /// `namesCard` by `Character` (see `characterNamesSSN`).
    static func characterNamesCard(_ name: some StringProtocol) -> Bool {
        let parts = characterWords(name)
        if parts.contains(where: { $0 == "id" || $0 == "ids" }) { return false }
        return parts.contains(where: ColumnWords.cardSet.contains) || (parts.contains("primary") && parts.contains("account"))
    }

    /// Column names of GS1 product codes: one of the words `ean`, `ean8`, `ean13`, `upc`, `upca`, `gtin`,
    /// `gtin8`, `gtin12`, `gtin13`, `gtin14`, `isbn`, `isbn13`, `barcode`, `barcodes` (`ean`,
    /// `product_ean13`, `UPC`, `gtinCode`, `isbn`), split as `namesCard` splits.
    public static func namesBarcode(_ name: some StringProtocol) -> Bool {
        if let ascii = ASCIIColumnName(name) { return ascii.namesBarcode }
        return characterNamesBarcode(name)
    }

    /// `namesBarcode` by `Character` (see `characterNamesSSN`).
    static func characterNamesBarcode(_ name: some StringProtocol) -> Bool {
        characterWords(name).contains(where: ColumnWords.barcodeSet.contains)
    }

    /// Column names of phone numbers: one of the words `phone`, `phones`, `phonenumber`, `telephone`,
    /// `tel`, `telno`, `mobile`, `mobilephone`, `mobileno`, `msisdn`, `fax`, `cellphone`, `telefon`,
    /// `telefono`, `telefone` (`phone`, `cell_phone`, `MobileNumber`, `msisdn`), split as `namesCard`
    /// splits.
    public static func namesPhone(_ name: some StringProtocol) -> Bool {
        if let ascii = ASCIIColumnName(name) { return ascii.namesPhone(ascii.words) }
        return characterNamesPhone(name)
    }

    /// `namesPhone` by `Character` (see `characterNamesSSN`).
    static func characterNamesPhone(_ name: some StringProtocol) -> Bool {
        characterWords(name).contains(where: ColumnWords.phoneSet.contains)
    }

    /// Column names of credentials, by their last word (the name's head noun, so `password_changed_at`,
    /// `token_type` and `secret_question` are not): `password`, `passwords`, `passwd`, `pwd`,
    /// `passphrase`, `passcode`, `secret`, `secrets`, `token`, `apikey`, `apitoken`, `accesstoken`,
    /// `authtoken`, `secretkey`, `privatekey`, `accesskey`, `clientsecret`, the word for a password in
    /// other languages (`passwort`, `contraseña`, `senha`, `пароль`…, `mot de passe`); `key` or `keys` after `api`,
    /// `secret`, `private`, `access`, `signing`, `encryption` or `master`; `tokens` after `api`, `access`,
    /// `auth`, `refresh`, `bearer`, `session`, `oauth` or `secret`; `hash` or `digest` after
    /// `password`, `passwd`, `pass`, `pw` or `pwd` (a hash a wordlist can crack; `passhash` and such
    /// compounds as one word too); `pass` after an owner such as `user`, `db` or `smtp` (`user_pass`,
    /// WordPress's); a card's verification code (`cvv`, `cvc`, `csc`, `card_security_code`,
    /// `card_verification_value`) and `verification_code`; `backup_codes` and `recovery_codes`. Not a
    /// Boolean's name (`is_secret`, `has_password`), and not `tokens` alone (a count, in applications of
    /// language models). Split as
    /// `namesCard` splits (`apiKey`, `API_KEY`, `client_secret`, `encrypted_password`).
    public static func namesCredential(_ name: some StringProtocol) -> Bool {
        if let ascii = ASCIIColumnName(name) { return ascii.namesCredential(ascii.words) }
        return ColumnWords.namesCredential(characterWords(name))
    }

    /// The name's words, lower-cased: runs of letters and digits, also split where an upper-case letter
    /// follows a lower-case one.
    static func characterWords(_ name: some StringProtocol) -> [String] {
        var parts: [String] = []
        var current = ""
        var previousLower = false
        for c in name {
            guard c.isLetter || c.isNumber else {
                if !current.isEmpty { parts.append(current.lowercased()); current = "" }
                previousLower = false
                continue
            }
            if c.isUppercase && previousLower && !current.isEmpty { parts.append(current.lowercased()); current = "" }
            current.append(c)
            previousLower = c.isLowercase
        }
        if !current.isEmpty { parts.append(current.lowercased()) }
        return parts
    }

    /// The context for a column of this name and PostgreSQL type OID (0 when unknown); `aliasSource`:
    /// the context of what the query renamed to `name` (`SelectListAliases`), whose stricter rules apply too.
    public static func forColumn(name: some StringProtocol, typeOID: UInt32 = 0, aliasSource: ColumnContext? = nil) -> ColumnContext {
        var context = named(name, scanned: !PostgresType.cannotHoldPII(typeOID))
        if let aliasSource { context.adoptStricter(aliasSource) }
        // A number, a uuid or an XML document keeps its own rules. An array of text holds a credential in
        // each element, a JSON value in each string, a bytea in its bytes.
        if let value = PostgresType.credentialValue(typeOID) { context.credentialValue = value } else { context.credentialColumn = false }
        return context
    }

    /// The context for a column of this name, scanned or not: what its name announces, read once (the
    /// name's lower-cased copy and its words are made once for the four rules: each rule making its own
    /// was allocations per column of every RowDescription, which the allocation budgets count).
    static func named(_ name: some StringProtocol, scanned: Bool) -> ColumnContext {
        var context = ColumnContext(scanned: scanned)
        if let ascii = ASCIIColumnName(name) {
            let words = ascii.words
            context.bareSSN = ascii.namesSSN
            context.cardColumn = ascii.namesCard(words)
            context.barcodeColumn = ascii.namesBarcode(words)
            context.phoneColumn = ascii.namesPhone(words)
            context.credentialColumn = ascii.namesCredential(words)
        } else {
            context.bareSSN = characterNamesSSN(name)
            context.cardColumn = characterNamesCard(name)
            context.barcodeColumn = characterNamesBarcode(name)
            context.phoneColumn = characterNamesPhone(name)
            context.credentialColumn = ColumnWords.namesCredential(characterWords(name))
        }
        return context
    }
}

extension ColumnContext {
    /// Takes from `other` what makes a column's scan stricter: a bare SSN, a card column, a credential
    /// column (never what relaxes it, as a phone or barcode column's name does).
    mutating func adoptStricter(_ other: ColumnContext) {
        bareSSN = bareSSN || other.bareSSN
        cardColumn = cardColumn || other.cardColumn
        credentialColumn = credentialColumn || other.credentialColumn
    }

    /// Whether this context is stricter than a plain column's.
    var makesStricter: Bool { bareSSN || cardColumn || credentialColumn }
}

/// Stage 2 of the scan: walks the stage-1 candidates of one cell and asks the validators, collecting
/// non-overlapping findings in order of position.
///
/// The per-cell cost without candidates is one mask test; with candidates, one validator call per
/// candidate that is not inside an earlier finding. No allocation: findings go to a caller-owned list.
public struct CellScanner {
    /// The policy's custom detectors, run on every scanned cell after the built-in ones; nil without any.
    var custom: CustomDetection?
    /// The token catalogue's index, read once per scanner: each read of the lazily made global is a call.
    let catalogue = TokenCatalogue.index

    public init() {}

    init(detectors: [CustomDetector]) {
        custom = detectors.isEmpty ? nil : CustomDetection(detectors: detectors)
    }

    /// Whether a cell without stage-1 candidates must still be scanned (custom patterns need none).
    var scansEveryCell: Bool { custom != nil }

    /// Scans `bytes[lower..<upper]` (whose masks `index` holds) and appends findings, with offsets
    /// relative to `lower`, to `findings`. Returns how many were appended. `candidates` is
    /// `index.hasCandidatesToScan(lower, upper)` when the caller has asked it already (the batch loops'
    /// prefilter), so the scan does not ask again; nil, and the scan asks.
    @discardableResult
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, index: StageOneIndex,
                     context: ColumnContext, candidates: Bool? = nil, into findings: inout [Finding]) -> Int {
        // A cell of a type that cannot hold PII is skipped, unless it holds text anchors after all: a
        // RowDescription or a schema that lies about a column must not open a way out.
        guard context.scanned || index.hasTextAnchor(bytes, lower, upper) else { return 0 }
        if context.credentialColumn,
           let added = scanCredentialValue(bytes, lower: lower, upper: upper, index: index, context: context,
                                           candidates: candidates, into: &findings) {
            return added
        }
        let before = findings.count
        if candidates ?? index.hasCandidatesToScan(lower, upper) {
            scanCandidates(bytes, lower: lower, upper: upper, index: index, context: context, into: &findings)
        }
        custom?.scan(bytes, lower: lower, upper: upper, announced: context.announcedCustom, into: &findings, from: before)
        return findings.count - before
    }

    /// `scan` for a credential column's value (`ColumnContext.credentialValue`): the count of findings
    /// added, or nil when the value is to be scanned as any value (a bare JSON number, Boolean or
    /// `null`). Apart from `scan` and never inlined: credential columns are few, and the walks of the
    /// column batches inline `scan` into their loops.
    @inline(never)
    private func scanCredentialValue(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, index: StageOneIndex,
                                     context: ColumnContext, candidates: Bool?, into findings: inout [Finding]) -> Int? {
        // The column's name says what every value is: the whole value is the secret. But a JSON
        // document (an OAuth token's `{"access_token": …, "expires_in": 3600}`) would be no JSON once
        // its numbers and literals were enciphered as letters: there every string value is the
        // secret, and the names, numbers and structure stay (what only looks like a document is
        // masked whole).
        guard upper > lower else { return 0 }
        if context.credentialValue == .textArray { return Self.scanArrayElements(bytes, lower: lower, upper: upper, into: &findings) }
        let value = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
        let isDocument = JSONNumberSpans.isContainer(value)
        if context.credentialValue == .json && !isDocument {
            // A bare JSON value: a string's contents are the secret; a number, `true`, `false` or
            // `null` (no secret a token could replace and keep JSON) is scanned as any value.
            guard let string = Self.bareJSONString(value) else { return nil }
            findings.append(Self.credential(bytes, (lower + string.lowerBound)..<(lower + string.upperBound), cell: lower))
            return 1
        }
        guard isDocument else {
            findings.append(Self.credential(bytes, lower..<upper, cell: lower))
            return 1
        }
        let before = findings.count
        let wellFormed = JSONNumberSpans.forEachStringValue(value) { string in
            findings.append(Self.credential(bytes, (lower + string.lowerBound)..<(lower + string.upperBound), cell: lower))
        }
        if !wellFormed {
            findings.removeSubrange(before...)
            findings.append(Finding(start: 0, end: upper - lower, type: .secret, kind: .credentialColumn))
            return 1
        }
        // The names stay, but a name may hold what any detector finds (a map keyed by address, or a
        // string that only sits where a name goes: `{"k": "jdoe@…": "v"}`): the document is scanned
        // as any, and those findings merged with the values'. Rare, so a copy of them is no cost.
        let values = findings.count
        if candidates ?? index.hasCandidatesToScan(lower, upper) {
            scanCandidates(bytes, lower: lower, upper: upper, index: index, context: context, into: &findings)
        }
        if findings.count > values {
            let found = Array(findings[values...])
            findings.removeSubrange(values...)
            for f in found { FindingMerge.insert(f, into: &findings, from: before) }
        }
        custom?.scan(bytes, lower: lower, upper: upper, announced: context.announcedCustom, into: &findings, from: before)
        return findings.count - before
    }

    /// The findings of a credential column's array value (`CredentialValue.textArray`): each element's
    /// characters that are no `NULL` (`ArrayText`), or the whole value when it is no well-formed array.
    private static func scanArrayElements(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int,
                                          into findings: inout [Finding]) -> Int {
        let before = findings.count
        let wellFormed = ArrayText.forEachElement(UnsafeBufferPointer(rebasing: bytes[lower..<upper])) { element in
            if !element.isEmpty {
                findings.append(credential(bytes, (lower + element.lowerBound)..<(lower + element.upperBound), cell: lower))
            }
        }
        if !wellFormed {
            findings.removeSubrange(before...)
            findings.append(Finding(start: 0, end: upper - lower, type: .secret, kind: .credentialColumn))
        }
        return findings.count - before
    }

    /// The contents of `value` when it is one JSON string that is not empty (white space around it
    /// allowed), else nil.
    private static func bareJSONString(_ value: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var (start, end) = (0, value.count)
        while start < end && JSONNumberSpans.isWhiteSpace(value[start]) { start += 1 }
        while end > start && JSONNumberSpans.isWhiteSpace(value[end - 1]) { end -= 1 }
        guard end - start > 2, value[start] == UInt8(ascii: "\""), value[end - 1] == UInt8(ascii: "\"") else { return nil }
        return (start + 1)..<(end - 1)
    }

    /// A credential column's value, or a string of its JSON document (`range`), as a finding relative to
    /// the cell's start: the whole of it, or a password hash's salt and hash (`encrypted_password`'s
    /// bcrypt), so that the token is a hash of the same format, which an application can still parse.
    private static func credential(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, cell: Int) -> Finding {
        if let hash = PasswordHashShape.wholeValue(bytes, lower: range.lowerBound, upper: range.upperBound) {
            return Finding(start: hash.lowerBound - cell, end: hash.upperBound - cell, type: .secret, kind: .passwordHash)
        }
        return Finding(start: range.lowerBound - cell, end: range.upperBound - cell, type: .secret, kind: .credentialColumn)
    }

    /// The built-in detectors, at the stage-1 candidates of `bytes[lower..<upper]`.
    @inline(__always)
    private func scanCandidates(_ bytes: UnsafeBufferPointer<UInt8>, lower: Int, upper: Int, index: StageOneIndex,
                                context: ColumnContext, into findings: inout [Finding]) {
        var cursor = index.candidates(lower, upper)
        // Findings end here; a later span may not start before it, so spans stay ordered and disjoint.
        var floor = lower
        while let (position, kind) = cursor.next() {
            if kind.contains(.digit) {
                // An encoded `@` is made of digits: `%40` in URLs, `\u0040` in JSON, `&#64;` in HTML.
                if let separator = EmailDetector.encodedSeparator(bytes, digitsAt: position, lower: lower, upper: upper),
                   let email = EmailDetector.match(bytes, separator: separator, lower: lower, upper: upper) {
                    Self.record(email, .email, .none, lower: lower, floor: &floor, cursor: &cursor, into: &findings)
                    continue
                }
                let found = findings.count
                scanDigits(bytes, at: position, lower: lower, upper: upper, context: context, cursor: &cursor,
                           floor: &floor, into: &findings)
                // A digit that starts a long token run and was no card or SSN may still start a token.
                guard kind.contains(.tokenStart), findings.count == found, position >= floor else { continue }
            }
            let matched: (Range<Int>, EntityType, SecretKind)?
            if kind.contains(.tokenStart),
               let token = SecretDetector.token(bytes, start: position, lower: lower, upper: upper, catalogue: catalogue) {
                matched = (token.0, .secret, token.1)
            } else if !kind.contains(.anchor) {
                continue
            } else if bytes[position] == UInt8(ascii: "@") {
                // The URL rule comes first (credentials claim the `@`), but an email's local part shows
                // when it cannot match, without its own walk back over the same bytes.
                let email = EmailDetector.match(bytes, at: position, lower: lower, upper: upper)
                if let email, URLCredentialRule.cannotMatch(bytes, at: position, afterLocalPartFrom: email.lowerBound, lower: lower) {
                    matched = (email, .email, .none)
                } else if let credentials = URLCredentialRule.match(bytes, at: position, lower: lower, upper: upper) {
                    matched = (credentials, .secret, .urlCredentials)
                } else {
                    matched = email.map { ($0, .email, .none) }
                }
            } else {
                matched = SecretDetector.match(bytes, at: position, lower: lower, upper: upper, catalogue: catalogue).map { ($0.0, .secret, $0.1) }
            }
            guard let (range, type, kind) = matched else { continue }
            // Neither the cursor nor the floor is handed to the call: a cursor whose address escapes the
            // loop lives in memory, and that made every cell's walk 30 % slower (Benchmarks/RESULTS.md).
            if kind == .passwordAssignment, bytes[range.lowerBound] == UInt8(ascii: "{"), range.lowerBound >= floor,
               Self.appendStrings(bytes, of: range, lower: lower, into: &findings) {
                floor = range.upperBound
                cursor.skip(to: floor)
                continue
            }
            Self.record(range, type, kind, lower: lower, floor: &floor, cursor: &cursor, into: &findings)
        }
    }

    /// An object assigned to a credential key (`"creds": {"password": "…", "user": "bob"}`): each string
    /// value of it as a finding, its names and structure kept (masked whole, the names became tokens
    /// and a reader of `creds.password` found nothing). False, with nothing appended, when the span is
    /// no well-formed JSON object: then it is masked whole.
    @inline(never)
    private static func appendStrings(_ bytes: UnsafeBufferPointer<UInt8>, of range: Range<Int>, lower: Int,
                                      into findings: inout [Finding]) -> Bool {
        let object = UnsafeBufferPointer(rebasing: bytes[range])
        guard JSONNumberSpans.isContainer(object) else { return false }
        var strings: [Range<Int>] = []
        guard JSONNumberSpans.forEachStringValue(object, { strings.append($0) }), !strings.isEmpty else { return false }
        for string in strings where !string.isEmpty {
            let start = range.lowerBound + string.lowerBound
            findings.append(Finding(start: start - lower, end: start + string.count - lower, type: .secret, kind: .passwordAssignment))
        }
        return true
    }

    /// The digit path: cards and SSNs in the group of digit runs at `position`.
    @inline(__always)
    func scanDigits(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, lower: Int, upper: Int, context: ColumnContext,
                    cursor: inout CandidateCursor, floor: inout Int, into findings: inout [Finding]) {
        if !context.scansDigits {
            cursor.skip(to: cursor.digitRunEnd(from: position))
            return
        }
        if position > lower && ASCII.isDigit(bytes[position - 1]) { return }
        // Most numbers are short and stand alone (ids, amounts, dates, times, versions): they can
        // be neither a card (12+ digits) nor an SSN (nine digits, or 3 digits then a separator).
        let runEnd = cursor.digitRunEnd(from: position)
        if !DigitGroupDetector.mayStartGroup(bytes, start: position, end: runEnd, upper: upper) {
            cursor.skip(to: runEnd)
            return
        }
        let next = DigitGroupDetector.scan(bytes, at: position, lower: lower, upper: upper,
                                           column: context) { finding in
            // A group cut at `maxRuns` is parsed again from four runs back, so a window of its tail can
            // come twice, or overlap the one before: like any span, it starts after the last finding
            // (two equal card findings made the rewrite trap on a reversed range: the CopyText fuzzer).
            let start = max(finding.start + lower, floor)
            if start >= finding.end + lower { return }
            findings.append(Finding(start: start - lower, end: finding.end, type: finding.type, kind: finding.kind))
            floor = finding.end + lower
        }
        cursor.skip(to: max(next, position + 1))
    }

    /// Appends a validator's span as a finding and moves the cursor past it.
    @inline(__always)
    private static func record(_ range: Range<Int>, _ type: EntityType, _ kind: SecretKind, lower: Int, floor: inout Int,
                               cursor: inout CandidateCursor, into findings: inout [Finding]) {
        // A span that reaches back into an earlier finding (an email whose local part ends in a
        // card-like number) starts after it instead.
        let start = max(range.lowerBound, floor)
        if start >= range.upperBound { return }
        findings.append(Finding(start: start - lower, end: range.upperBound - lower, type: type, kind: kind))
        floor = range.upperBound
        cursor.skip(to: floor)
    }
}
