/// Which sessions an identity rule applies to; every condition given must hold, and a condition with
/// several patterns holds when any of them matches.
///
/// `user`, `database`, `application`, `client_addr`, `group`, `role` and any other attribute a proxy's
/// handshake carries are matched with shell patterns. `group` is matched against the groups the proxy
/// sent, or, when it sent none, the groups the policy's `groups:` map gives the user. `unknown: true`
/// matches only a session that sent no identity at all (`unknown: false` only one that did).
public struct IdentityMatch: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var attribute: String
        public var patterns: [GlobPattern]
        public init(attribute: String, patterns: [GlobPattern]) {
            self.attribute = attribute
            self.patterns = patterns
        }
    }

    public var conditions: [Condition]
    public var unknown: Bool?

    public init(conditions: [Condition] = [], unknown: Bool? = nil) {
        self.conditions = conditions
        self.unknown = unknown
    }

    func matches(_ identity: Identity, groups: [String]) -> Bool {
        if let unknown, identity.isUnknown != unknown { return false }
        for condition in conditions {
            let values = condition.attribute == "group" ? groups : identity.values(condition.attribute)
            guard values.contains(where: { v in condition.patterns.contains { $0.matches(v) } }) else { return false }
        }
        return true
    }
}

/// An `identities:` entry: a match, the actions it sets, and optionally column rules of its own that
/// come before its actions (`group: fraud` sees `cards.pan` partially, and everything else as `actions`).
public struct IdentityRule: Sendable, Equatable {
    public var match: IdentityMatch
    public var actions: TypeActions
    public var columns: [ColumnRule]
    /// The rule's position in the file (0-based), for audit records.
    public var index: Int

    public init(match: IdentityMatch, actions: TypeActions, columns: [ColumnRule] = [], index: Int = 0) {
        self.match = match
        self.actions = actions
        self.columns = columns
        self.index = index
    }
}
