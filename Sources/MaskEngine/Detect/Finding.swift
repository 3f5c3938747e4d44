/// The kind of value a finding is: one of the four built-in types, or a custom detector's type from a
/// policy file (`detectors:`). A struct rather than an enum so that custom types fit in the same
/// `UInt8`: built-ins are 0–3, custom types 4 and up in the order the policy lists them. A custom
/// type's name lives in its policy (`TypeNames`), since different policies name different types.
public struct EntityType: RawRepresentable, Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let email = EntityType(rawValue: 0)
    public static let creditCard = EntityType(rawValue: 1)
    public static let usSSN = EntityType(rawValue: 2)
    public static let secret = EntityType(rawValue: 3)

    /// The built-in types, in `rawValue` order.
    public static let builtIns: [EntityType] = [.email, .creditCard, .usSSN, .secret]
    /// How many custom types one policy may define.
    public static let maxCustom = 28
    /// Built-ins and custom types together: the size of per-type tables (`ActionTable`, counts).
    public static let slotCount = 4 + maxCustom

    /// The type of the policy's custom detector number `index` (0-based).
    public init(customIndex index: Int) {
        precondition(index >= 0 && index < Self.maxCustom)
        rawValue = UInt8(4 + index)
    }

    public var isCustom: Bool { rawValue >= 4 }
    /// For a custom type, its detector's index in the policy.
    public var customIndex: Int? { isCustom ? Int(rawValue) - 4 : nil }

    /// The built-in name (`email`, `credit_card`, `us_ssn`, `secret`); custom types are named by their
    /// policy (`TypeNames`), and only fall back to `custom_N` here.
    public var name: String {
        switch rawValue {
        case 0: "email"
        case 1: "credit_card"
        case 2: "us_ssn"
        case 3: "secret"
        default: "custom_\(rawValue - 4)"
        }
    }

    public var description: String { name }

    /// Parses a built-in type's report or policy name.
    public init?(name: String) {
        guard let match = Self.builtIns.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}

/// One detected span inside a cell value: byte offsets `start..<end` into the value as the format
/// decodes it (after CSV unquoting or COPY unescaping).
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public var type: EntityType
    public var kind: SecretKind

    public init(start: Int, end: Int, type: EntityType, kind: SecretKind = .none) {
        self.start = start
        self.end = end
        self.type = type
        self.kind = kind
    }

    public var description: String {
        "\(type.name)\(kind == .none ? "" : "/\(kind.name)")@\(start)..<\(end)"
    }
}
