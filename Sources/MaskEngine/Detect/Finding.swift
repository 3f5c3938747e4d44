/// The kinds of value maskd detects; the raw value is the name used in reports.
public enum EntityType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case email
    case creditCard
    case usSSN
    case secret

    /// The name written in reports and accepted in policies.
    public var name: String {
        switch self {
        case .email: "email"
        case .creditCard: "credit_card"
        case .usSSN: "us_ssn"
        case .secret: "secret"
        }
    }

    public var description: String { name }

    /// Parses a report or policy name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
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
