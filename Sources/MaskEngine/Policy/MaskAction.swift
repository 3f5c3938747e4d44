/// What happens to a detected span.
public enum MaskAction: Sendable, Equatable, Hashable {
    /// A deterministic keyed format-preserving token, distinct for distinct values (see `Tokenizer`).
    case tokenize
    /// Every byte of the span becomes `*`: the cell keeps its length, so `varchar(n)` and binary layouts
    /// still fit, and the marker needs no escaping in any format.
    case redact
    /// Keep the last `keep` letters or digits, but never more than half of them (a `partial:9` on an
    /// SSN keeps 4); other letters and digits become `*`, separators stay.
    case partial(keep: Int)
    /// A keyed hash: 32 lowercase hex digits of HMAC-SHA256 over the value (128 bits, not reversible).
    case hash
    /// The whole cell becomes NULL (CSV: an empty unquoted field; COPY: `\N`; wire: length -1).
    case null
    /// The span is left as it is (a policy lets an identity see a type); it is still reported.
    case keep

    /// The largest `partial:N` a policy may ask for (the half-hidden cap applies on top of it).
    public static let maxPartialKeep = 64

    /// Parses `tokenize`, `redact`, `partial`, `partial:N`, `hash`, `null`, `keep`.
    public init?(name: String) {
        switch name {
        case "tokenize": self = .tokenize
        case "redact": self = .redact
        case "partial": self = .partial(keep: 4)
        case "hash": self = .hash
        case "null": self = .null
        case "keep": self = .keep
        default:
            guard name.hasPrefix("partial:"), let n = Int(name.dropFirst(8)), (0...Self.maxPartialKeep).contains(n) else { return nil }
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
        case .keep: "keep"
        }
    }

    /// The one-byte form `ActionTable` stores: 0–4 for the plain actions, 8 + N for `partial:N`.
    var code: UInt8 {
        switch self {
        case .tokenize: 0
        case .redact: 1
        case .hash: 2
        case .null: 3
        case .keep: 4
        case .partial(let keep): UInt8(8 + min(max(keep, 0), Self.maxPartialKeep))
        }
    }

    init(code: UInt8) {
        switch code {
        case 0: self = .tokenize
        case 1: self = .redact
        case 2: self = .hash
        case 3: self = .null
        case 4: self = .keep
        default: self = .partial(keep: Int(code) - 8)
        }
    }
}
