/// What happens to a detected span.
public enum MaskAction: Sendable, Equatable {
    /// A deterministic keyed format-preserving token, distinct for distinct values (see `Tokenizer`).
    case tokenize
    /// Every byte of the span becomes `*`: the cell keeps its length, so `varchar(n)` and binary layouts
    /// still fit, and the marker needs no escaping in any format.
    case redact
    /// Keep the last `keep` letters or digits; other letters and digits become `*`, separators stay.
    case partial(keep: Int)
    /// A keyed hash: 32 lowercase hex digits of HMAC-SHA256 over the value (128 bits, not reversible).
    case hash
    /// The whole cell becomes NULL (CSV: an empty unquoted field; COPY: `\N`; wire: length -1).
    case null

    /// Parses `tokenize`, `redact`, `partial`, `partial:N`, `hash`, `null`.
    public init?(name: String) {
        switch name {
        case "tokenize": self = .tokenize
        case "redact": self = .redact
        case "partial": self = .partial(keep: 4)
        case "hash": self = .hash
        case "null": self = .null
        default:
            guard name.hasPrefix("partial:"), let n = Int(name.dropFirst(8)), n >= 0 else { return nil }
            self = .partial(keep: n)
        }
    }

    public var name: String {
        switch self {
        case .tokenize: "tokenize"
        case .redact: "redact"
        case .partial(let keep): "partial:\(keep)"
        case .hash: "hash"
        case .null: "null"
        }
    }
}

/// Which action each entity type gets. The zero-configuration default tokenizes every type: equal
/// values keep equal tokens (joins survive) and distinct values distinct ones (UNIQUE columns restore).
/// A secret's token has the secret's length, like the asterisks of `redact` that it replaces as the
/// default, so `varchar(n)` limits and binary layouts hold; `redact` stays available.
public struct MaskPolicy: Sendable, Equatable {
    public var email: MaskAction
    public var creditCard: MaskAction
    public var usSSN: MaskAction
    public var secret: MaskAction
    /// Whether keys printed in vendors' documentation (`AKIAIOSFODNN7EXAMPLE`) are masked like live
    /// ones. Off by default: they are reported as `documented_example` and kept, since masking them
    /// hides nothing and breaks docs and fixtures.
    public var maskDocumentedExamples: Bool

    public init(email: MaskAction = .tokenize, creditCard: MaskAction = .tokenize,
                usSSN: MaskAction = .tokenize, secret: MaskAction = .tokenize, maskDocumentedExamples: Bool = false) {
        self.email = email
        self.creditCard = creditCard
        self.usSSN = usSSN
        self.secret = secret
        self.maskDocumentedExamples = maskDocumentedExamples
    }

    /// Whether the finding's span is replaced (every finding but a kept documented example).
    @inline(__always)
    public func masks(_ finding: Finding) -> Bool {
        finding.kind != .documentedExample || maskDocumentedExamples
    }

    public static let `default` = MaskPolicy()

    public func action(for type: EntityType) -> MaskAction {
        switch type {
        case .email: email
        case .creditCard: creditCard
        case .usSSN: usSSN
        default: secret
        }
    }

    public mutating func set(_ action: MaskAction, for type: EntityType) {
        switch type {
        case .email: email = action
        case .creditCard: creditCard = action
        case .usSSN: usSSN = action
        default: secret = action
        }
    }
}
