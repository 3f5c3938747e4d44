/// What became of a cell.
public enum CellOutcome: Equatable {
    /// No finding: the original bytes go out as they are.
    case unchanged
    /// The masked value was appended to the output buffer.
    case rewritten
    /// A finding's action is `null` and the value is a `.cell`: the format writes its NULL
    /// (CSV: an empty unquoted field; COPY text: `\N`; DataRow and binary COPY: length -1).
    case null
}

/// What a masked value sits in, which decides what the `null` action does to it. This is the one
/// definition of `null` (docs/detection/null-action.md); every format says which holder it passes.
public enum ValueHolder: Sendable, Equatable {
    /// A value with a NULL of its own — a CSV field, a COPY text field, a DataRow cell, a binary COPY
    /// field, an array element, a field of a CopyData row: `null` makes the whole value NULL.
    case cell
    /// Text with no NULL of its own — pg_dump script text, an ErrorResponse/NoticeResponse field, a
    /// NotificationResponse channel or payload, a ParameterStatus value, a CopyData row whose fields
    /// cannot be told apart: `null` removes each span's bytes and keeps the rest.
    case text
}

/// Applies a column's actions to the findings of one cell: unchanged spans are copied, each finding's
/// span is replaced. The result is the decoded value; the format's writer quotes or escapes it.
///
/// A class: a session replaces its rewriter when a reloaded policy arrives, so the session holds it in
/// a `var`, and reading a struct of arrays out of a class's `var` on every cell copied (retained) each
/// of them; a reference costs one retain.
public final class CellRewriter {
    public let policy: MaskPolicy
    public let tokenizer: Tokenizer
    /// One tokenizer per custom type, under a key derived from the type's name (`TokenKey.derived`).
    let customTokenizers: [Tokenizer]
    /// The actions of `policy`'s defaults, for callers with no identity or column to resolve.
    public let defaultActions: ActionTable

    public init(policy: MaskPolicy, tokenizer: Tokenizer) {
        self.policy = policy
        self.tokenizer = tokenizer
        customTokenizers = policy.customTypes.map { Tokenizer(key: tokenizer.key.derived(forCustomType: $0.name)) }
        defaultActions = policy.resolve(.unknown).actions(for: .none)
    }

    /// The tokenizer of `type` and the type to give it: a custom type's own tokenizer, always as the
    /// first custom type (its key alone sets it apart, so its tokens do not depend on the detector's
    /// position in the policy), else the session's with the type itself.
    ///
    /// Unretained: the rewriter holds every tokenizer in `let` properties for as long as it lives, and a
    /// rewrite uses the reference only while the rewriter runs it. Returned counted, it was a retain and a
    /// release per masked span (an atomic pair, about a tenth of a users table's time).
    @inline(__always)
    func tokenizer(for type: EntityType) -> (Unmanaged<Tokenizer>, EntityType) {
        if let i = type.customIndex, i < customTokenizers.count {
            return (Unmanaged.passUnretained(customTokenizers[i]), EntityType(customIndex: 0))
        }
        return (Unmanaged.passUnretained(tokenizer), type)
    }

    /// `rewrite(_:findings:as:binaryLayout:actions:into:)` with the policy's default actions.
    public func rewrite(_ value: UnsafeBufferPointer<UInt8>, findings: ArraySlice<Finding>, as holder: ValueHolder,
                        binaryLayout: Bool = false, into out: inout [UInt8]) -> CellOutcome {
        rewrite(value, findings: findings, as: holder, binaryLayout: binaryLayout, actions: defaultActions, into: &out)
    }

    /// Appends the masked form of `value` to `out` given its findings (ordered, disjoint, offsets into
    /// `value`) and the actions of its column, or returns `.null` without writing when `holder` is
    /// `.cell` and a finding's action is `null`. `binaryLayout` forces same-length replacements, for
    /// bytes whose framing or offsets would break if a span changed length: tokens and hashes become
    /// same-length keyed tokens (`Tokenizer.appendSameSizeToken`), `null` spans of text are redacted
    /// (emptying them would change the length). Documented examples are kept unless the policy masks
    /// them; `keep` spans are copied (a cell whose spans are all kept is still `.rewritten`, as an
    /// identical copy, so callers that write whatever `out` holds stay correct).
    ///
    /// Past `limit` appended bytes the rewrite stops, leaving more than `limit` bytes in `out`: a caller
    /// whose format cannot frame such a value refuses it, and the value's tokens (which can be several
    /// times longer than what they replace) never grow past what the refusal needs to know.
    public func rewrite(_ value: UnsafeBufferPointer<UInt8>, findings: ArraySlice<Finding>, as holder: ValueHolder,
                        binaryLayout: Bool = false, actions: ActionTable, limit: Int = .max,
                        into out: inout [UInt8]) -> CellOutcome {
        rewrite(value, spans: findings, as: holder, binaryLayout: binaryLayout, actions: actions, limit: limit, into: &out)
    }

    /// `rewrite` given the findings in any collection: a caller that holds them in a buffer passes a
    /// slice of it, where an `ArraySlice` of a batch's findings was retained and released per cell.
    func rewrite<Spans: Collection<Finding>>(_ value: UnsafeBufferPointer<UInt8>, spans findings: Spans,
                                             as holder: ValueHolder, binaryLayout: Bool = false, actions: ActionTable,
                                             limit: Int = .max, into out: inout [UInt8]) -> CellOutcome {
        if findings.isEmpty { return .unchanged }
        if holder == .cell && hasNullAction(spans: findings, actions: actions) { return .null }
        var copied = 0
        // Made at the first span whose action writes no number (a cell's spans are mostly tokens).
        var json: JSONNumberSpans? = nil
        let stopAt = out.count.addingReportingOverflow(limit)
        let outLimit = stopAt.overflow ? Int.max : stopAt.partialValue
        // A cell with more findings than one preparation holds (`requestTokens` leaves it out) has its
        // tokens made here, a window of findings at a time.
        let windowed = findings.count > Self.findingsPerPreparation
        defer { if windowed { forgetPreparedTokens() } }
        var windowEnd = findings.startIndex
        var next = findings.startIndex
        while next != findings.endIndex {
            if windowed && next == windowEnd {
                windowEnd = findings.index(next, offsetBy: Self.findingsPerPreparation, limitedBy: findings.endIndex) ?? findings.endIndex
                forgetPreparedTokens()
                requestTokens(findings[next..<windowEnd], of: value, actions: actions)
                prepareTokens()
            }
            let f = findings[next]
            findings.formIndex(after: &next)
            if !policy.masks(f) { continue }
            let action = Self.action(for: f, in: actions)
            if action == .keep { continue }
            if out.count > outLimit { return .rewritten }
            // Spans are disjoint by contract; one that reaches back into the last is masked from where
            // the last ended (the union is masked), never trapped on.
            let spanStart = max(f.start, copied)
            if spanStart >= f.end { continue }
            Self.append(value, copied..<spanStart, to: &out)
            let span = UnsafeBufferPointer(rebasing: value[spanStart..<f.end])
            let (tokenizer, tokenType) = tokenizer(for: f.type)
            let written = out.count
            switch action {
            case .tokenize where binaryLayout:
                tokenizer._withUnsafeGuaranteedRef { $0.appendSameSizeToken(tokenType, span, unit: .byte, to: &out) }
            case .tokenize: tokenizer._withUnsafeGuaranteedRef { $0.appendToken(tokenType, span, to: &out) }
            case .hash where binaryLayout:
                tokenizer._withUnsafeGuaranteedRef {
                    $0.appendSameSizeToken(tokenType, span, unit: .byte, irreversible: true, to: &out)
                }
            case .hash: tokenizer._withUnsafeGuaranteedRef { $0.appendHash(tokenType, span, to: &out) }
            case .partial(let keep): Self.appendPartial(span, keep: keep, to: &out)  // same length already
            case .redact: Self.appendRedacted(span, to: &out)
            case .null where binaryLayout: Self.appendRedacted(span, to: &out)  // the layout needs the bytes
            case .null, .keep: break  // null text (a cell returned .null above): the span is left out
            }
            switch action {
            case .redact, .hash, .partial:
                if binaryLayout { break }
                // A bare number of a JSON document stays a number (`JSONNumberSpans`); a token is one.
                if json == nil { json = JSONNumberSpans(value) }
                if json!.isBareNumber(value, spanStart, f.end) {
                    JSONNumberSpans.makeNumber(&out, from: written, replacing: spanStart..<f.end, of: value)
                }
            case .null:
                // Emptied in text, a whole bare number would leave `{"card": }`: it becomes JSON's null
                // (`0` after a minus sign, which stays).
                if binaryLayout { break }
                if json == nil { json = JSONNumberSpans(value) }
                if json!.isBareNumber(value, spanStart, f.end) {
                    let number = JSONNumberSpans.isWholeNumber(spanStart..<f.end, of: value)
                    if number.whole { out.append(contentsOf: number.signed ? "0".utf8 : "null".utf8) }
                }
            default: break
            }
            copied = f.end
        }
        Self.append(value, copied..<value.count, to: &out)
        return .rewritten
    }

    /// Like `rewrite`, for a value whose masked form must keep its UTF-8 character count (a
    /// `varchar(n)` or `char(n)` cell whose `rewrite` came out too long): every span keeps its count,
    /// tokens as same-size keyed tokens (distinct values stay distinct, so UNIQUE columns restore),
    /// `redact` and `partial` as one `*` per character. Never called with a `null` finding (`rewrite`
    /// made the cell NULL).
    public func rewriteKeepingCharacters(_ value: UnsafeBufferPointer<UInt8>, findings: ArraySlice<Finding>,
                                         actions: ActionTable, into out: inout [UInt8]) {
        rewriteKeepingCharacters(value, spans: findings, actions: actions, into: &out)
    }

    /// `rewriteKeepingCharacters` given the findings in any collection (see `rewrite(_:spans:...)`).
    func rewriteKeepingCharacters<Spans: Collection<Finding>>(_ value: UnsafeBufferPointer<UInt8>, spans findings: Spans,
                                                              actions: ActionTable, into out: inout [UInt8]) {
        var copied = 0
        for f in findings where policy.masks(f) {
            let action = Self.action(for: f, in: actions)
            if action == .keep { continue }
            let spanStart = max(f.start, copied)  // as in `rewrite`: an overlap masks the union
            if spanStart >= f.end { continue }
            Self.append(value, copied..<spanStart, to: &out)
            let span = UnsafeBufferPointer(rebasing: value[spanStart..<f.end])
            let (tokenizer, tokenType) = tokenizer(for: f.type)
            switch action {
            case .tokenize:
                tokenizer._withUnsafeGuaranteedRef { $0.appendSameSizeToken(tokenType, span, unit: .character, to: &out) }
            case .hash:
                tokenizer._withUnsafeGuaranteedRef {
                    $0.appendSameSizeToken(tokenType, span, unit: .character, irreversible: true, to: &out)
                }
            case .redact, .partial, .null, .keep: for b in span where b & 0xC0 != 0x80 { out.append(UInt8(ascii: "*")) }
            }
            copied = f.end
        }
        Self.append(value, copied..<value.count, to: &out)
    }

    /// The action of one finding: its type's in `actions`, except that a cell a custom detector could
    /// not finish (`SecretKind.patternLimit`) is redacted where its type would be kept, since it stands
    /// for every finding the cell may hold, built-in ones included.
    @inline(__always)
    static func action(for f: Finding, in actions: ActionTable) -> MaskAction {
        let action = actions[f.type]
        return action == .keep && f.kind == .patternLimit ? .redact : action
    }

    /// Asks the tokenizer to make ahead the token of each card, SSN, email and secret of `findings` (offsets
    /// into `value`) that `rewrite` will tokenize: the first half of a batch's prepared tokens, whose
    /// second is `prepareTokens` (see `PreparedTokens`). Asking for a span the rewrite then treats
    /// otherwise costs time, never a token: the rewrite takes a prepared token only for equal bytes.
    ///
    /// A cell with more than `findingsPerPreparation` findings (a huge text or document of emails) is
    /// left out: past the preparation's limit its tokens were made one by one, at two to three times the
    /// cost, and `rewrite` makes them a window at a time instead.
    func requestTokens<Spans: Collection<Finding>>(_ findings: Spans, of value: UnsafeBufferPointer<UInt8>, actions: ActionTable) {
        if findings.count > Self.findingsPerPreparation { return }
        for f in findings where (f.type == .creditCard || f.type == .usSSN || f.type == .email
                                 || (f.type == .secret && f.end - f.start <= Tokenizer.longestPreparedSecret)) && policy.masks(f)
            && Self.action(for: f, in: actions) == .tokenize {
            tokenizer.prepared.request(f.type, UnsafeBufferPointer(rebasing: value[f.start..<f.end]))
        }
    }

    /// The most findings of one cell whose tokens are prepared together (`PreparedTokens.maxRequests`).
    static let findingsPerPreparation = PreparedTokens.maxRequests

    /// Makes the tokens asked for with `requestTokens`, several at a time; one alone gains nothing
    /// from interleaving and is left to the rewrite.
    func prepareTokens() {
        if tokenizer.prepared.requests.count >= 2 { tokenizer.prepareRequested() }
    }

    /// Forgets every prepared token and request: a batch's tokens are for its own rewrite only.
    func forgetPreparedTokens() { tokenizer.prepared.removeAll() }

    /// Appends `value[range]` unless it is empty: most spans are a whole cell, and an empty append still
    /// costs the array's uniqueness and capacity checks and two calls (two of every email cell's six).
    @inline(__always)
    static func append(_ value: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [UInt8]) {
        if !range.isEmpty { out.append(copying: UnsafeBufferPointer(rebasing: value[range])) }
    }

    /// One `*` a byte, written in place (`append(contentsOf: repeatElement(…))` went through the generic
    /// sequence copy: a fortieth of a dense table's time under `redact`).
    static func appendRedacted(_ span: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if span.isEmpty { return }
        out.append(writing: span.count) { $0.update(repeating: UInt8(ascii: "*"), count: span.count) }
    }

    /// Whether the action for any of `findings` is `null`.
    @inline(__always)
    public func hasNullAction(_ findings: ArraySlice<Finding>, actions: ActionTable) -> Bool {
        hasNullAction(spans: findings, actions: actions)
    }

    @inline(__always)
    func hasNullAction<Spans: Collection<Finding>>(spans findings: Spans, actions: ActionTable) -> Bool {
        for f in findings where Self.action(for: f, in: actions) == .null && policy.masks(f) { return true }
        return false
    }

    /// Whether any of `findings` changes its cell (not a kept documented example, not `keep`): what
    /// audit records count as a masked cell.
    public func masksAny(_ findings: ArraySlice<Finding>, actions: ActionTable) -> Bool {
        masksAny(spans: findings, actions: actions)
    }

    func masksAny<Spans: Collection<Finding>>(spans findings: Spans, actions: ActionTable) -> Bool {
        for f in findings where policy.masks(f) && Self.action(for: f, in: actions) != .keep { return true }
        return false
    }

    /// Whether the default action for any of `findings` is `null`.
    public func hasNullAction(_ findings: ArraySlice<Finding>) -> Bool {
        hasNullAction(findings, actions: defaultActions)
    }

    /// Keeps the last `keep` letters or digits, but never more than half of them, so that at least
    /// half of the value stays hidden; other letters and digits become `*`; separators, `@` and dots
    /// stay, so `4111-1111-1111-1234` becomes `****-****-****-1234`.
    static func appendPartial(_ span: UnsafeBufferPointer<UInt8>, keep requested: Int, to out: inout [UInt8]) {
        var alnumCount = 0
        for b in span where ASCII.isAlnum(b) { alnumCount += 1 }
        let keep = min(requested, alnumCount / 2)
        if span.isEmpty { return }
        // One byte out for each byte in, written in place (an `append` a byte checked capacity each time).
        out.append(writing: span.count) { p in
            var seen = 0
            for (i, b) in span.enumerated() {
                if ASCII.isAlnum(b) {
                    seen += 1
                    p[i] = seen > alnumCount - keep ? b : UInt8(ascii: "*")
                } else if b < 0x80 && b != UInt8(ascii: "\n") && b != UInt8(ascii: "\t") && b != UInt8(ascii: "\\") {
                    p[i] = b
                } else {
                    p[i] = UInt8(ascii: "*")
                }
            }
        }
    }
}
