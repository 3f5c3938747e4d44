/// A custom entity type a policy declares under `detectors:`: its name (in findings and audit records),
/// and the action it gets when nothing more specific says otherwise.
public struct CustomType: Sendable, Equatable {
    public var name: String
    public var action: MaskAction?
    /// The PCRE2 pattern, as the policy wrote it.
    public var pattern: String
    /// `luhn`, `mod97` or `none`.
    public var validator: String
    /// Words one of which must be near a match (in the cell, or in the column's name).
    public var context: [String]

    public init(name: String, action: MaskAction? = nil, pattern: String = "", validator: String = "none", context: [String] = []) {
        self.name = name
        self.action = action
        self.pattern = pattern
        self.validator = validator
        self.context = context
    }
}

/// Who sees what: the zero-configuration default (every type tokenized), or a policy file
/// (`PolicyFile`) that refines it with defaults, column rules, identity rules and custom detectors.
///
/// For one session, `resolve(_:)` picks the identity rule once; for each column of a result,
/// `SessionPolicy.actions(for:)` then picks each type's action, the most specific entry first:
///
/// 1. the identity rule's own column rules (first match),
/// 2. the identity rule's actions,
/// 3. the policy's column rules (first match),
/// 4. `defaults`,
/// 5. a custom detector's own `action`, then `tokenize`.
///
/// Within each entry a type's own key comes before `"*"` (and at step 4, a custom detector's own
/// `action` comes between them). The first entry that says anything of a type decides it.
public struct MaskPolicy: Sendable {
    public var defaults: TypeActions
    /// `groups:`: group name → user names, for proxies that send no groups.
    public var groups: [(group: String, users: [String])]
    public var columns: [ColumnRule]
    public var identities: [IdentityRule]
    /// Custom types, in order: custom type `i` is `EntityType(customIndex: i)`.
    public var customTypes: [CustomType]
    /// The custom types' detectors, compiled (PCRE2 with JIT) when the policy was read; one per type.
    public var detectors: [CustomDetector] = []
    /// Whether keys printed in vendors' documentation (`AKIAIOSFODNN7EXAMPLE`) are masked like live
    /// ones. Off by default: they are reported as `documented_example` and kept, since masking them
    /// hides nothing and breaks docs and fixtures.
    public var maskDocumentedExamples: Bool
    /// A libpq connection string (`host=/var/run/postgresql user=maskd_catalog`) the daemons use to read
    /// view definitions (`ColumnLineage`), with each session's database as `dbname`. Without it,
    /// `maskd proxy` in process tries its upstream as the session's user; `maskd serve` reads none.
    public var catalog: String?
    /// The policy's version in audit records: `sha256:` and 16 hex digits of the file's bytes, or
    /// `builtin` for the zero-configuration policy (plus `+` and the command-line actions, if any).
    public var version: String

    public init(email: MaskAction = .tokenize, creditCard: MaskAction = .tokenize,
                usSSN: MaskAction = .tokenize, secret: MaskAction = .tokenize, maskDocumentedExamples: Bool = false) {
        defaults = TypeActions(byType: [.email: email, .creditCard: creditCard, .usSSN: usSSN, .secret: secret])
        groups = []
        columns = []
        identities = []
        customTypes = []
        self.maskDocumentedExamples = maskDocumentedExamples
        version = "builtin"
    }

    /// The zero-configuration policy: every type tokenized, for everyone.
    public static let `default` = MaskPolicy()

    /// The default action of a type (step 4 and 5 above), with no identity or column rule.
    public func action(for type: EntityType) -> MaskAction {
        if let a = defaults.byType[type] { return a }
        if let i = type.customIndex, i < customTypes.count, let a = customTypes[i].action { return a }
        return defaults.any ?? .tokenize
    }

    public mutating func set(_ action: MaskAction, for type: EntityType) {
        defaults.byType[type] = action
    }

    public var email: MaskAction { action(for: .email) }
    public var creditCard: MaskAction { action(for: .creditCard) }
    public var usSSN: MaskAction { action(for: .usSSN) }
    public var secret: MaskAction { action(for: .secret) }

    /// Built-in and custom types, in `rawValue` order.
    public var types: [EntityType] {
        EntityType.builtIns + customTypes.indices.map { EntityType(customIndex: $0) }
    }

    /// Whether any column rule names a table OID (only those need view lineage).
    public var hasOIDRules: Bool {
        columns.contains { $0.match.tableOID != nil }
            || identities.contains { $0.columns.contains { $0.match.tableOID != nil } }
    }

    /// The built-in or custom type of this name.
    public func type(named name: String) -> EntityType? {
        if let builtIn = EntityType(name: name) { return builtIn }
        return customTypes.firstIndex { $0.name == name }.map { EntityType(customIndex: $0) }
    }

    /// The name of a type in findings and audit records: a custom type by its policy name.
    public func name(of type: EntityType) -> String {
        if let i = type.customIndex, i < customTypes.count { return customTypes[i].name }
        return type.name
    }

    /// The groups of a session: those the proxy sent, or else those `groups:` gives its user.
    public func groups(of identity: Identity) -> [String] {
        let sent = identity.values("group")
        if !sent.isEmpty { return sent }
        guard let user = identity.value("user") else { return [] }
        return groups.filter { $0.users.contains(user) }.map(\.group)
    }

    /// This policy as it applies to one session.
    public func resolve(_ identity: Identity) -> SessionPolicy {
        let groups = groups(of: identity)
        let rule = identities.first { $0.match.matches(identity, groups: groups) }
        return SessionPolicy(policy: self, rule: rule, groups: groups)
    }

    /// Whether the finding's span is replaced (every finding but a kept documented example).
    @inline(__always)
    public func masks(_ finding: Finding) -> Bool {
        finding.kind != .documentedExample || maskDocumentedExamples
    }
}

/// A policy resolved for one session's identity: the identity rule that applies (if any), and the
/// action table of any column.
public struct SessionPolicy: Sendable {
    public let policy: MaskPolicy
    /// The identity rule that matched, or nil (column rules and defaults decide alone).
    public let rule: IdentityRule?
    /// The session's groups, as matched.
    public let groups: [String]
    /// The actions for text outside any column (error messages, a dump's script text).
    public let textActions: ActionTable

    init(policy: MaskPolicy, rule: IdentityRule?, groups: [String]) {
        self.policy = policy
        self.rule = rule
        self.groups = groups
        textActions = Self.table(policy: policy, rule: rule, column: .none)
    }

    /// The zero-configuration policy for an unknown identity.
    public static let `default` = MaskPolicy.default.resolve(.unknown)

    /// The action of each type in `column`, in the precedence `MaskPolicy` documents.
    public func actions(for column: ColumnReference) -> ActionTable {
        Self.table(policy: policy, rule: rule, column: column)
    }

    private static func table(policy: MaskPolicy, rule: IdentityRule?, column: ColumnReference) -> ActionTable {
        let identityColumn = rule?.columns.first { $0.match.matches(column) }
        let policyColumn = policy.columns.first { $0.match.matches(column) }
        var table = ActionTable.tokenizeAll
        for type in policy.types {
            table[type] = identityColumn?.actions.action(for: type)
                ?? rule?.actions.action(for: type)
                ?? policyColumn?.actions.action(for: type)
                ?? policy.action(for: type)
        }
        return table
    }
}
