import Testing
@testable import MaskEngine

/// The policy model as a specification: which action each (identity, column, type) gets, in the
/// precedence `MaskPolicy` documents, and the one-byte form `ActionTable` stores it in.
///
/// The grid's policy is built in code here, so that these tests say nothing of the YAML reader;
/// `PolicyFileTests` reads the same policy from YAML and checks that it resolves the same grid.
@Suite struct PolicyTests {
    // MARK: The grid's policy

    static let employeeID = EntityType(customIndex: 0)
    static let badge = EntityType(customIndex: 1)
    static let ticket = EntityType(customIndex: 2)

    static func rule(_ match: ColumnMatch, _ byType: [EntityType: MaskAction] = [:], any: MaskAction? = nil) -> ColumnRule {
        ColumnRule(match: match, actions: TypeActions(byType: byType, any: any))
    }

    static func when(_ attribute: String, _ patterns: String...) -> IdentityMatch.Condition {
        IdentityMatch.Condition(attribute: attribute, patterns: patterns.map { GlobPattern($0, foldsCase: false) })
    }

    /// Every action the grid expects is a different one where it matters (`partial:N` with a distinct
    /// N per entry), so that a wrong entry deciding cannot pass for the right one.
    static let policy: MaskPolicy = {
        var p = MaskPolicy()
        p.customTypes = [
            CustomType(name: "employee_id", action: .hash, pattern: "EMP-[0-9]{6}"),
            CustomType(name: "badge", action: .partial(keep: 2), pattern: "B[0-9]{5}"),
            CustomType(name: "ticket", pattern: "T[0-9]{5}"),  // no action of its own
        ]
        // The type key beats "*": email is tokenized, other types redacted; a default for a custom
        // type beats its detector's own action.
        p.defaults = TypeActions(byType: [.email: .tokenize, employeeID: .keep], any: .redact)
        p.groups = [("pii-readers", ["reader", "ana"]), ("auditors", ["ana"])]
        p.columns = [
            rule(ColumnMatch(name: GlobPattern("*_notes")), [.email: .hash]),
            rule(ColumnMatch(name: GlobPattern("legal_notes")), any: .keep),  // shadowed by the rule above
            rule(ColumnMatch(name: GlobPattern("email"), table: GlobPattern("public.users")), [.email: .partial(keep: 3)]),
            rule(ColumnMatch(name: GlobPattern("phone"), table: GlobPattern("users")), any: .partial(keep: 5)),
            rule(ColumnMatch(attributeNumber: 3, tableOID: 16384), [.email: .null]),
            rule(ColumnMatch(name: GlobPattern("card*")), [.creditCard: .partial(keep: 6)]),
            rule(ColumnMatch(name: GlobPattern("SSN_*")), [.usSSN: .keep]),
        ]
        p.identities = [
            IdentityRule(match: IdentityMatch(conditions: [when("group", "pii-readers")]),
                         actions: TypeActions(byType: [.email: .keep, .creditCard: .partial(keep: 4)]),
                         columns: [rule(ColumnMatch(name: GlobPattern("*_notes")), [.email: .partial(keep: 7)])], index: 0),
            IdentityRule(match: IdentityMatch(conditions: [when("application", "agent-*")]),
                         actions: TypeActions(any: .partial(keep: 8)), index: 1),
            IdentityRule(match: IdentityMatch(conditions: [when("user", "ana")]),
                         actions: TypeActions(byType: [.email: .partial(keep: 9)]), index: 2),
            IdentityRule(match: IdentityMatch(unknown: true), actions: TypeActions(any: .null), index: 3),
        ]
        return p
    }()

    static let identities: [String: Identity] = [
        "nobody": Identity([("user", "bob"), ("application", "psql")]),  // known, matches no rule
        "reader": Identity([("user", "reader")]),  // pii-readers through `groups:`
        "ana": Identity([("user", "ana")]),  // pii-readers and auditors through `groups:`: rule 0 before rule 2
        "ana/staff": Identity([("user", "ana"), ("group", "staff")]),  // the proxy's groups replace `groups:`
        "bob/pii": Identity([("user", "bob"), ("group", "auditors"), ("group", "pii-readers")]),  // sent by the proxy
        "agent": Identity([("user", "bot"), ("application", "agent-7")]),
        "AGENT": Identity([("user", "bot"), ("application", "AGENT-7")]),  // identity patterns never fold case
        "my-agent": Identity([("user", "bot"), ("application", "my-agent-7")]),  // the glob is anchored
        "unknown": .unknown,
        "session-only": Identity([("session_id", "42")]),  // a session id says nothing of who asks
        "empty-user": Identity([("user", "")]),
    ]

    static let columns: [String: ColumnReference] = [
        "none": .none,
        "id": ColumnReference(name: "id"),
        "support_notes": ColumnReference(name: "support_notes"),
        "legal_notes": ColumnReference(name: "legal_notes"),
        "Support_Notes": ColumnReference(name: "Support_Notes"),
        "notes": ColumnReference(name: "notes"),
        "public.users.email": ColumnReference(name: "email", table: "public.users"),
        "users.email": ColumnReference(name: "email", table: "users"),  // CSV `--table users`: the default schema
        "crm.users.email": ColumnReference(name: "email", table: "crm.users"),
        "public.users_old.email": ColumnReference(name: "email", table: "public.users_old"),
        "email": ColumnReference(name: "email"),  // no table known
        "crm.users.phone": ColumnReference(name: "phone", table: "crm.users"),
        "users.phone": ColumnReference(name: "phone", table: "users"),
        "public.accounts.phone": ColumnReference(name: "phone", table: "public.accounts"),
        "16384.3 as e": ColumnReference(name: "e", tableOID: 16384, attributeNumber: 3),
        "16384.3 as contact": ColumnReference(name: "contact", tableOID: 16384, attributeNumber: 3),
        "16384.3": ColumnReference(tableOID: 16384, attributeNumber: 3),
        "16384.4 as e": ColumnReference(name: "e", tableOID: 16384, attributeNumber: 4),
        "16385.3 as e": ColumnReference(name: "e", tableOID: 16385, attributeNumber: 3),
        "CardNumber": ColumnReference(name: "CardNumber"),
        "CARD_NO": ColumnReference(name: "CARD_NO"),
        "SSN_raw": ColumnReference(name: "SSN_raw"),
        "ssn_raw": ColumnReference(name: "ssn_raw"),
    ]

    static let types: [String: EntityType] = [
        "email": .email, "credit_card": .creditCard, "us_ssn": .usSSN, "secret": .secret,
        "employee_id": employeeID, "badge": badge, "ticket": ticket,
    ]

    /// (identity, column, type) → action, each row with the rule of precedence it shows.
    static let grid: [(identity: String, column: String, type: String, expected: MaskAction, why: String)] = [
        // defaults: the type key beats "*"; a custom detector's action sits between the two
        ("nobody", "id", "email", .tokenize, "defaults' type key"),
        ("nobody", "id", "credit_card", .redact, "defaults' \"*\""),
        ("nobody", "id", "us_ssn", .redact, "defaults' \"*\""),
        ("nobody", "id", "secret", .redact, "defaults' \"*\""),
        ("nobody", "id", "employee_id", .keep, "defaults' type key beats the detector's action"),
        ("nobody", "id", "badge", .partial(keep: 2), "the detector's action beats defaults' \"*\""),
        ("nobody", "id", "ticket", .redact, "no detector action: defaults' \"*\""),
        ("nobody", "none", "email", .tokenize, "text outside any column: defaults"),
        // column rules beat defaults; the first matching rule decides, later ones are ignored
        ("nobody", "support_notes", "email", .hash, "column rule by name glob"),
        ("nobody", "support_notes", "credit_card", .redact, "the rule says nothing of the type: defaults"),
        ("nobody", "legal_notes", "email", .hash, "first matching column rule"),
        ("nobody", "legal_notes", "credit_card", .redact, "the shadowed rule's \"*\" is ignored, not merged"),
        ("nobody", "Support_Notes", "email", .hash, "an all-lowercase pattern matches any case"),
        ("nobody", "notes", "email", .tokenize, "`*_notes` needs the underscore"),
        ("nobody", "none", "credit_card", .redact, "no column: no column rule"),
        // table matching
        ("nobody", "public.users.email", "email", .partial(keep: 3), "schema-qualified table"),
        ("nobody", "users.email", "email", .partial(keep: 3), "an unqualified table is in public"),
        ("nobody", "crm.users.email", "email", .tokenize, "a qualified pattern names one schema"),
        ("nobody", "public.users_old.email", "email", .tokenize, "the table pattern is anchored"),
        ("nobody", "email", "email", .tokenize, "a rule naming a table needs a known table"),
        ("nobody", "crm.users.phone", "email", .partial(keep: 5), "bare `users` matches in any schema"),
        ("nobody", "users.phone", "credit_card", .partial(keep: 5), "bare `users` matches an unqualified table"),
        ("nobody", "crm.users.phone", "badge", .partial(keep: 5), "a column rule's \"*\" beats the detector's action"),
        ("nobody", "crm.users.phone", "ticket", .partial(keep: 5), "custom types follow \"*\""),
        ("nobody", "public.accounts.phone", "email", .tokenize, "another table"),
        // table OID and attribute number: aliases do not matter
        ("nobody", "16384.3 as e", "email", .null, "OID and attribute number"),
        ("nobody", "16384.3 as contact", "email", .null, "another alias, same column"),
        ("nobody", "16384.3", "email", .null, "no name at all"),
        ("nobody", "16384.3 as e", "credit_card", .redact, "the rule says nothing of the type"),
        ("nobody", "16384.4 as e", "email", .tokenize, "another attribute"),
        ("nobody", "16385.3 as e", "email", .tokenize, "another table OID"),
        // case of name patterns
        ("nobody", "CardNumber", "credit_card", .partial(keep: 6), "all-lowercase `card*` matches any case"),
        ("nobody", "CARD_NO", "credit_card", .partial(keep: 6), "all-lowercase `card*` matches any case"),
        ("nobody", "SSN_raw", "us_ssn", .keep, "a pattern with capitals matches that case"),
        ("nobody", "ssn_raw", "us_ssn", .redact, "… and only that case"),
        // an identity rule's actions beat column rules and defaults
        ("reader", "id", "email", .keep, "identity's type key"),
        ("reader", "id", "credit_card", .partial(keep: 4), "identity's type key"),
        ("reader", "id", "us_ssn", .redact, "the identity says nothing of the type: defaults"),
        ("reader", "id", "badge", .partial(keep: 2), "… nor of a custom type: its detector's action"),
        ("reader", "public.users.email", "email", .keep, "identity beats column rule"),
        ("reader", "CardNumber", "credit_card", .partial(keep: 4), "identity beats column rule"),
        ("reader", "16384.3 as e", "email", .keep, "identity beats an OID column rule"),
        ("reader", "crm.users.phone", "us_ssn", .partial(keep: 5), "the identity says nothing: the column rule"),
        ("reader", "none", "email", .keep, "text outside any column: the identity's actions"),
        // the identity rule's own columns beat its actions
        ("reader", "support_notes", "email", .partial(keep: 7), "identity's own column rule"),
        ("reader", "support_notes", "credit_card", .partial(keep: 4), "its column rule says nothing: identity actions"),
        ("reader", "support_notes", "us_ssn", .redact, "the policy's `*_notes` says nothing of us_ssn either"),
        // first matching identity rule; groups from the proxy, else from `groups:`
        ("ana", "id", "email", .keep, "rule 0 (pii-readers by `groups:`) before rule 2 (user ana)"),
        ("ana/staff", "id", "email", .partial(keep: 9), "sent groups replace `groups:`: rule 2"),
        ("ana/staff", "support_notes", "email", .partial(keep: 9), "identity beats the column rule"),
        ("ana/staff", "id", "credit_card", .redact, "rule 2 says nothing of cards"),
        ("bob/pii", "id", "email", .keep, "a group the proxy sent, any of several"),
        // glob patterns on identity attributes; "*" of an identity beats every column rule and default
        ("agent", "id", "email", .partial(keep: 8), "`agent-*`: identity \"*\" beats defaults' type key"),
        ("agent", "id", "employee_id", .partial(keep: 8), "identity \"*\" beats defaults' custom type key"),
        ("agent", "id", "badge", .partial(keep: 8), "identity \"*\" beats the detector's action"),
        ("agent", "support_notes", "email", .partial(keep: 8), "identity \"*\" beats a column rule's type key"),
        ("agent", "16384.3 as e", "email", .partial(keep: 8), "identity \"*\" beats an OID column rule"),
        ("AGENT", "id", "email", .tokenize, "identity patterns never fold case: `agent-*` is not `AGENT-7`"),
        ("my-agent", "id", "email", .tokenize, "`agent-*` is anchored: no rule"),
        // an unknown identity matches `unknown: true` only
        ("unknown", "id", "email", .null, "`unknown: true`"),
        ("unknown", "id", "ticket", .null, "`unknown: true`"),
        ("unknown", "support_notes", "email", .null, "identity beats column rule"),
        ("session-only", "id", "email", .null, "a session id alone is no identity"),
        ("empty-user", "id", "email", .null, "empty values are no identity"),
        ("nobody", "id", "email", .tokenize, "a known identity never matches `unknown: true`"),
    ]

    // MARK: Precedence

    @Test func precedenceGrid() throws {
        try Self.checkGrid(Self.policy)
    }

    /// Checks every row of `grid` against `policy` (also used on the YAML form of the grid's policy).
    static func checkGrid(_ policy: MaskPolicy, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for row in grid {
            let identity = try #require(identities[row.identity], "\(row.identity)", sourceLocation: sourceLocation)
            let column = try #require(columns[row.column], "\(row.column)", sourceLocation: sourceLocation)
            let type = try #require(types[row.type], "\(row.type)", sourceLocation: sourceLocation)
            let actual = policy.resolve(identity).actions(for: column)[type]
            #expect(actual == row.expected,
                    "\(row.identity) / \(row.column) / \(row.type): \(actual.name), expected \(row.expected.name) (\(row.why))",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func theMatchingIdentityRuleAndGroupsAreKept() {
        let p = Self.policy
        #expect(p.resolve(Self.identities["ana"]!).rule?.index == 0)
        #expect(p.resolve(Self.identities["ana"]!).groups == ["pii-readers", "auditors"])
        #expect(p.resolve(Self.identities["ana/staff"]!).rule?.index == 2)
        #expect(p.resolve(Self.identities["ana/staff"]!).groups == ["staff"])
        #expect(p.resolve(Self.identities["agent"]!).rule?.index == 1)
        #expect(p.resolve(Self.identities["unknown"]!).rule?.index == 3)
        #expect(p.resolve(Self.identities["unknown"]!).groups == [])
        #expect(p.resolve(Self.identities["nobody"]!).rule == nil)
    }

    /// Within one identity match every condition must hold; a condition with several patterns holds
    /// when any of them matches any value sent under its attribute.
    @Test func everyConditionMustHoldAnyPatternMay() {
        var p = MaskPolicy()
        p.identities = [
            IdentityRule(match: IdentityMatch(conditions: [Self.when("user", "ana", "ben"), Self.when("database", "prod*")]),
                         actions: TypeActions(any: .keep), index: 0),
            IdentityRule(match: IdentityMatch(unknown: false), actions: TypeActions(any: .hash), index: 1),
        ]
        let cases: [(Identity, MaskAction)] = [
            (Identity([("user", "ana"), ("database", "prod")]), .keep),
            (Identity([("user", "ben"), ("database", "prod_eu")]), .keep),
            (Identity([("database", "prod"), ("user", "ben")]), .keep),
            (Identity([("user", "ana"), ("database", "dev")]), .hash),
            (Identity([("user", "ana")]), .hash),
            (Identity([("user", "carl"), ("database", "prod")]), .hash),
            (Identity([("user", "ana"), ("database", "dev"), ("database", "prod")]), .keep),
            (Identity([("database", "prod")]), .hash),
            (.unknown, .tokenize),  // `unknown: false` matches only a session that sent an identity
        ]
        for (identity, expected) in cases {
            #expect(p.resolve(identity).actions(for: .none)[.email] == expected, "\(identity.attributes)")
        }
    }

    /// Text outside any column (error messages, a dump's script text) gets the session's table for no column.
    @Test func textActionsAreTheTableOfNoColumn() {
        for (name, identity) in Self.identities {
            let session = Self.policy.resolve(identity)
            #expect(session.textActions == session.actions(for: .none), "\(name)")
        }
    }

    /// Step 5: with no `"*"` in defaults, a custom type gets its detector's action, else `tokenize`.
    @Test func withoutDefaultsACustomTypeGetsItsDetectorsActionElseTokenize() {
        var p = MaskPolicy()
        p.defaults = TypeActions()
        p.customTypes = [CustomType(name: "badge", action: .redact), CustomType(name: "ticket")]
        let table = p.resolve(.unknown).actions(for: ColumnReference(name: "x"))
        #expect(table[EntityType(customIndex: 0)] == .redact)
        #expect(table[EntityType(customIndex: 1)] == .tokenize)
        for type in EntityType.builtIns { #expect(table[type] == .tokenize, "\(type)") }
    }

    @Test func theZeroConfigurationPolicyTokenizesEverything() {
        for identity in Self.identities.values {
            for column in Self.columns.values {
                #expect(MaskPolicy.default.resolve(identity).actions(for: column) == .tokenizeAll)
            }
        }
        #expect(MaskPolicy.default.version == "builtin")
    }

    // MARK: Actions and their table

    static let allActions: [MaskAction] = [.tokenize, .redact, .hash, .null, .keep]
        + (0...MaskAction.maxPartialKeep).map { .partial(keep: $0) }

    @Test func everyActionRoundTripsThroughEverySlot() {
        for fill in [MaskAction.tokenize, .keep, .partial(keep: MaskAction.maxPartialKeep)] {
            let background = ActionTable(all: fill)
            for slot in 0..<EntityType.slotCount {
                let type = EntityType(rawValue: UInt8(slot))
                for action in Self.allActions {
                    var table = background
                    table[type] = action
                    #expect(table[type] == action, "slot \(slot): \(action.name) over \(fill.name)")
                    let changed = (0..<EntityType.slotCount).filter { $0 != slot && table[EntityType(rawValue: UInt8($0))] != fill }
                    #expect(changed.isEmpty, "setting slot \(slot) to \(action.name) changed slots \(changed)")
                    #expect(table.hasNull == (action == .null || fill == .null))
                    table[type] = fill
                    #expect(table == background, "slot \(slot) set back to \(fill.name)")
                }
            }
        }
    }

    @Test func aTableOfOneActionHasItInEverySlot() {
        for action in Self.allActions {
            let table = ActionTable(all: action)
            for slot in 0..<EntityType.slotCount {
                #expect(table[EntityType(rawValue: UInt8(slot))] == action, "slot \(slot): \(action.name)")
            }
            #expect(table.hasNull == (action == .null))
        }
    }

    /// Every slot at once holds a different action, and each reads back its own.
    @Test func slotsAreIndependent() {
        var table = ActionTable.tokenizeAll
        let actions = (0..<EntityType.slotCount).map { Self.allActions[($0 * 7 + 3) % Self.allActions.count] }
        for (slot, action) in actions.enumerated() { table[EntityType(rawValue: UInt8(slot))] = action }
        for (slot, action) in actions.enumerated() {
            #expect(table[EntityType(rawValue: UInt8(slot))] == action, "slot \(slot)")
        }
    }

    @Test func actionNamesRoundTrip() {
        for action in Self.allActions { #expect(MaskAction(name: action.name) == action, "\(action.name)") }
        #expect(MaskAction(name: "partial") == .partial(keep: 4))
        for bad in ["partial:65", "partial:99", "partial:-1", "partial:", "partial:4x", "Partial:4", "REDACT", "mask", ""] {
            #expect(MaskAction(name: bad) == nil, "\(bad)")
        }
    }
}
