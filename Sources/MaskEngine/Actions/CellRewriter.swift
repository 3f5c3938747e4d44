/// What became of a cell.
public enum CellOutcome: Equatable {
    /// No finding: the original bytes go out as they are.
    case unchanged
    /// The masked value was appended to the output buffer.
    case rewritten
    /// A finding's action is `null`: the whole cell becomes NULL.
    case null
}

/// Applies a policy's actions to the findings of one cell: unchanged spans are copied, each finding's
/// span is replaced. The result is the decoded value; the format's writer quotes or escapes it.
public struct CellRewriter {
    public let policy: MaskPolicy
    public let tokenizer: Tokenizer

    public init(policy: MaskPolicy, tokenizer: Tokenizer) {
        self.policy = policy
        self.tokenizer = tokenizer
    }

    /// Appends the masked form of `value` to `out` given its findings (ordered, disjoint, offsets into
    /// `value`). `binaryLayout` forces same-length replacements, for binary cells whose framing would
    /// break if a span changed length. `nullSpansEmpty` is for values that have no NULL of their own (a
    /// COPY row, a message's string): a `null` action empties its span instead of the whole value.
    public func rewrite(_ value: UnsafeBufferPointer<UInt8>, findings: ArraySlice<Finding>, binaryLayout: Bool = false,
                        nullSpansEmpty: Bool = false, into out: inout [UInt8]) -> CellOutcome {
        if findings.isEmpty { return .unchanged }
        if !nullSpansEmpty {
            for f in findings where policy.action(for: f.type) == .null && policy.masks(f) { return .null }
        }
        var copied = 0
        for f in findings where policy.masks(f) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: value[copied..<f.start]))
            let span = UnsafeBufferPointer(rebasing: value[f.start..<f.end])
            let action = binaryLayout ? .redact : policy.action(for: f.type)
            switch action {
            case .tokenize: tokenizer.appendToken(f.type, span, to: &out)
            case .hash: tokenizer.appendHash(f.type, span, to: &out)
            case .redact: out.append(contentsOf: repeatElement(UInt8(ascii: "*"), count: span.count))
            case .partial(let keep): Self.appendPartial(span, keep: keep, to: &out)
            case .null: break  // only with nullSpansEmpty: the span is left out
            }
            copied = f.end
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[copied...]))
        return .rewritten
    }

    /// Keeps the last `keep` letters or digits; other letters and digits become `*`; separators, `@`
    /// and dots stay, so `4111-1111-1111-1234` becomes `****-****-****-1234`.
    static func appendPartial(_ span: UnsafeBufferPointer<UInt8>, keep: Int, to out: inout [UInt8]) {
        var alnumCount = 0
        for b in span where ASCII.isAlnum(b) { alnumCount += 1 }
        var seen = 0
        for b in span {
            if ASCII.isAlnum(b) {
                seen += 1
                out.append(seen > alnumCount - keep ? b : UInt8(ascii: "*"))
            } else if b < 0x80 && b != UInt8(ascii: "\n") && b != UInt8(ascii: "\t") && b != UInt8(ascii: "\\") {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "*"))
            }
        }
    }
}
