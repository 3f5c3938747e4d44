import Crypto
import Foundation
import Testing
import WireTestSupport
@testable import MaskEngine

/// Policy files as a specification: the issue's example reads as written, its version names its
/// bytes, the grid's policy reads from YAML into the same answers, and every mistake is an error
/// that names its line and column (1-based, as an editor shows them).
@Suite struct PolicyFileTests {
    /// The example of issue 11, verbatim.
    static let example = """
        version: 1
        defaults: {email: tokenize, credit_card: tokenize, us_ssn: tokenize, secret: redact}
        groups:                      # for proxies that send no groups: user name -> groups
          pii-readers: [reader, ana]
        columns:                     # first match wins; by name glob, or by table OID + column number
          - match: {column: "*_notes"}
            actions: {"*": redact}
          - match: {table_oid: 16384, column: 3}
            actions: {email: hash}
        identities:                  # first match wins; by user, group, application, database, any handshake attribute
          - match: {group: pii-readers}
            actions: {email: keep, credit_card: "partial:4"}
          - match: {application: "agent-*"}
            actions: {"*": tokenize}
          - match: {unknown: true}   # no identity sent
            actions: {"*": redact}
        detectors:                   # custom types, PCRE2 with JIT
          - name: employee_id
            pattern: 'EMP-[0-9]{6}'
            validator: luhn          # optional: luhn | mod97 | none
            context: [employee, staff]   # optional words that must be near
            action: tokenize

        """

    func failure(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> PolicyError? {
        do {
            _ = try PolicyFile.parse(yaml, path: "p.yaml")
            Issue.record("the policy was accepted", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: The issue's example

    @Test func theIssuesExampleParses() throws {
        let p = try PolicyFile.parse(Self.example)
        #expect(p.defaults == TypeActions(byType: [.email: .tokenize, .creditCard: .tokenize, .usSSN: .tokenize, .secret: .redact]))
        #expect(p.groups.map(\.group) == ["pii-readers"])
        #expect(p.groups.map(\.users) == [["reader", "ana"]])
        #expect(p.columns == [
            ColumnRule(match: ColumnMatch(name: GlobPattern("*_notes")), actions: TypeActions(any: .redact)),
            ColumnRule(match: ColumnMatch(attributeNumber: 3, tableOID: 16384), actions: TypeActions(byType: [.email: .hash])),
        ])
        #expect(p.identities == [
            IdentityRule(match: IdentityMatch(conditions: [.init(attribute: "group", patterns: [GlobPattern("pii-readers", foldsCase: false)])]),
                         actions: TypeActions(byType: [.email: .keep, .creditCard: .partial(keep: 4)]), index: 0),
            IdentityRule(match: IdentityMatch(conditions: [.init(attribute: "application", patterns: [GlobPattern("agent-*", foldsCase: false)])]),
                         actions: TypeActions(any: .tokenize), index: 1),
            IdentityRule(match: IdentityMatch(unknown: true), actions: TypeActions(any: .redact), index: 2),
        ])
        #expect(p.customTypes == [CustomType(name: "employee_id", action: .tokenize, pattern: "EMP-[0-9]{6}",
                                             validator: "luhn", context: ["employee", "staff"])])
        #expect(p.type(named: "employee_id") == EntityType(customIndex: 0))
        #expect(p.name(of: EntityType(customIndex: 0)) == "employee_id")
        #expect(p.maskDocumentedExamples == false)

        // And it means what the issue says.
        let employee = EntityType(customIndex: 0)
        let ana = p.resolve(Identity([("user", "ana")])).actions(for: ColumnReference(name: "email"))
        #expect(ana[.email] == .keep && ana[.creditCard] == .partial(keep: 4) && ana[.usSSN] == .tokenize && ana[.secret] == .redact)
        #expect(ana[employee] == .tokenize)
        let agent = p.resolve(Identity([("user", "bot"), ("application", "agent-claims")]))
        #expect(agent.actions(for: ColumnReference(name: "x"))[.secret] == .tokenize)
        #expect(agent.actions(for: ColumnReference(name: "case_notes"))[.secret] == .tokenize)
        let unknown = p.resolve(.unknown).actions(for: ColumnReference(name: "email"))
        #expect(unknown[.email] == .redact && unknown[employee] == .redact)
        let someone = p.resolve(Identity([("user", "bob")]))
        #expect(someone.actions(for: ColumnReference(name: "case_notes"))[.email] == .redact)
        #expect(someone.actions(for: ColumnReference(name: "e", tableOID: 16384, attributeNumber: 3))[.email] == .hash)
        #expect(someone.actions(for: ColumnReference(name: "email"))[.email] == .tokenize)
        #expect(someone.actions(for: ColumnReference(name: "email"))[.secret] == .redact)
    }

    @Test func theVersionIsSHA256OfTheFilesBytes() throws {
        let version = try PolicyFile.parse(Self.example).version
        let digest = SHA256.hash(data: Data(Self.example.utf8))
        #expect(version == "sha256:" + digest.prefix(8).map { String(format: "%02x", $0) }.joined())
        #expect(version.count == "sha256:".count + 16)
        #expect(version.dropFirst(7).allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try PolicyFile.parse(Self.example).version == version, "the same bytes give the same version")
    }

    /// Any byte changes the version, including bytes that change no rule (a comment, a space).
    @Test func oneChangedByteChangesTheVersion() throws {
        let original = try PolicyFile.parse(Self.example).version
        let bytes = Array(Self.example.utf8)
        let comment = try #require(Self.example.range(of: "# for proxies that send no groups: user name -> groups"))
        let start = Self.example.utf8.distance(from: Self.example.startIndex, to: comment.lowerBound)
        var versions: Set<String> = [original]
        for i in (start + 2)..<(start + 54) {
            var changed = bytes
            changed[i] = changed[i] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            let version = try PolicyFile.parse(String(decoding: changed, as: UTF8.self)).version
            #expect(versions.insert(version).inserted, "byte \(i) changed, version did not")
        }
        let oid = Self.example.replacingOccurrences(of: "16384", with: "16385")
        #expect(try PolicyFile.parse(oid).version != original)
        #expect(try PolicyFile.parse(Self.example + " ").version != original)
        #expect(try PolicyFile.parse(Self.example.replacingOccurrences(of: "pii-readers: [reader, ana]",
                                                                       with: "pii-readers: [reader, anb]")).version != original)
    }

    @Test func loadReadsTheFileAndNamesItInErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("policy-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.yaml").path
        try Data(Self.example.utf8).write(to: URL(fileURLWithPath: good))
        #expect(try PolicyFile.load(path: good).version == PolicyFile.parse(Self.example).version)
        let bad = dir.appendingPathComponent("bad.yaml").path
        try Data("version: 1\ndefaults: {email: mask}\n".utf8).write(to: URL(fileURLWithPath: bad))
        do {
            _ = try PolicyFile.load(path: bad)
            Issue.record("accepted")
        } catch {
            #expect(error.path == bad)
            #expect(error.description.hasPrefix("\(bad):2:19: unknown action `mask`"), "\(error)")
        }
        let missing = dir.appendingPathComponent("missing.yaml").path
        #expect(throws: PolicyError.self) { try PolicyFile.load(path: missing) }
    }

    // MARK: The grid's policy, from YAML

    static let gridYAML = """
        version: 1
        # defaults come before the detectors that declare their types: the order of sections is free
        defaults: {email: tokenize, employee_id: keep, "*": redact}
        groups:
          pii-readers: [reader, ana]
          auditors: ana
        columns:
          - match: {column: "*_notes"}
            actions: {email: hash}
          - match: {column: legal_notes}
            actions: {"*": keep}
          - match: {table: public.users, column: email}
            actions: {email: "partial:3"}
          - match: {table: users, column: phone}
            actions: {"*": "partial:5"}
          - match: {table_oid: 16384, column: 3}
            actions: {email: null}
          - match: {column: "card*"}
            actions: {credit_card: "partial:6"}
          - match: {column: "SSN_*"}
            actions: {us_ssn: keep}
        identities:
          - match: {groups: [pii-readers]}
            actions: {email: keep, credit_card: "partial:4"}
            columns:
              - match: {column: "*_notes"}
                actions: {email: "partial:7"}
          - match: {application_name: "agent-*"}
            actions:
              "*": partial:8
          - match: {users: [ana]}
            actions: {email: "partial:9"}
          - match: {unknown: yes}
            actions: {"*": "null"}
        detectors:
          - name: employee_id
            pattern: 'EMP-[0-9]{6}'
            action: hash
          - name: badge
            pattern: 'B[0-9]{5}'
            action: partial:2
          - name: ticket
            pattern: 'T[0-9]{5}'

        """

    /// The YAML form of `PolicyTests.policy` (with the attribute aliases `groups`, `application_name`,
    /// `users`, an unquoted `null`, a single user as a scalar) resolves every row of the grid the same.
    @Test func theGridPolicyFromYAMLResolvesTheSameGrid() throws {
        let p = try PolicyFile.parse(Self.gridYAML)
        #expect(p.customTypes.map(\.name) == ["employee_id", "badge", "ticket"])
        #expect(p.customTypes.map(\.action) == PolicyTests.policy.customTypes.map(\.action))
        #expect(p.defaults == PolicyTests.policy.defaults)
        #expect(p.columns == PolicyTests.policy.columns)
        #expect(p.identities == PolicyTests.policy.identities)
        #expect(p.groups.map(\.group) == ["pii-readers", "auditors"])
        #expect(p.groups.map(\.users) == [["reader", "ana"], ["ana"]])
        try PolicyTests.checkGrid(p)
    }

    /// A plain number after `column:` is an attribute number (with `table_oid:`); quoted, it is a name.
    @Test func aQuotedColumnNumberIsAName() throws {
        let p = try PolicyFile.parse("""
            version: 1
            columns:
              - match: {column: "3"}
                actions: {email: hash}
              - match: {table_oid: 16384, column: 3}
                actions: {email: redact}

            """)
        #expect(p.columns.map(\.match) == [ColumnMatch(name: GlobPattern("3")), ColumnMatch(attributeNumber: 3, tableOID: 16384)])
        let session = p.resolve(.unknown)
        #expect(session.actions(for: ColumnReference(name: "3"))[.email] == .hash)
        #expect(session.actions(for: ColumnReference(name: "x", tableOID: 16384, attributeNumber: 3))[.email] == .redact)
        #expect(session.actions(for: ColumnReference(name: "x", tableOID: 16384, attributeNumber: 2))[.email] == .tokenize)
    }

    /// 28 custom types fit the per-type tables; the 29th is an error at `detectors:`.
    @Test func atMost28Detectors() throws {
        func detectors(_ n: Int) -> String {
            "version: 1\ndetectors:\n" + (0..<n).map { "  - {name: d\($0), pattern: 'D\($0)-[0-9]+'}\n" }.joined()
        }
        let p = try PolicyFile.parse(detectors(EntityType.maxCustom))
        #expect(p.customTypes.count == 28)
        #expect(p.type(named: "d27") == EntityType(rawValue: UInt8(EntityType.slotCount - 1)))
        let error = failure(detectors(EntityType.maxCustom + 1))
        #expect(error.map { "\($0.line):\($0.column)" } == "3:3", "\(String(describing: error))")
        #expect(error?.message.contains("at most 28 detectors") == true)
    }

    // MARK: Errors name line and column

    /// (what, file, line, column, words the message must hold). Positions are counted by hand: line 1
    /// is the first line, column 1 its first character; the node named is the offending key or value.
    static let errors: [(what: String, yaml: String, line: Int, column: Int, says: [String])] = [
        ("unknown top-level key, with a suggestion",
         "version: 1\ncolums:\n  - match: {column: \"*_notes\"}\n    actions: {\"*\": redact}\n",
         2, 1, ["unknown key `colums`", "did you mean `columns`?"]),
        ("unknown top-level key, nothing near it",
         "version: 1\nowner: ops@example.com\n",
         2, 1, ["unknown key `owner`", "keys: version, defaults"]),
        ("unknown type",
         "version: 1\ndefaults:\n  email: tokenize\n  phone: redact\n",
         4, 3, ["unknown type `phone`", "email, credit_card, us_ssn, secret"]),
        ("unknown type in an identity rule's own column rule",
         "version: 1\nidentities:\n  - match: {user: ana}\n    columns:\n      - match: {column: x}\n        actions: {e_mail: keep}\n",
         6, 19, ["unknown type `e_mail`"]),
        ("unknown action",
         "version: 1\ndefaults: {email: mask}\n",
         2, 19, ["unknown action `mask`"]),
        ("partial:99",
         "version: 1\nidentities:\n  - match: {user: ana}\n    actions: {credit_card: \"partial:99\"}\n",
         4, 28, ["unknown action `partial:99`", "partial:N with N from 0 to 64"]),
        ("missing version",
         "# no version here\ndefaults: {email: keep}\n",
         2, 1, ["missing `version: 1`"]),
        ("version 2",
         "version: 2\ndefaults: {email: keep}\n",
         1, 10, ["version must be 1"]),
        ("a column number without table_oid",
         "version: 1\ncolumns:\n  - match: {column: 3}\n    actions: {email: hash}\n",
         3, 21, ["needs `table_oid:`", "quote it"]),
        ("an empty column match",
         "version: 1\ncolumns:\n  - match: {}\n    actions: {email: hash}\n",
         3, 12, ["empty match"]),
        ("an unknown key in a column match, with a suggestion",
         "version: 1\ncolumns:\n  - match: {colum: x}\n    actions: {email: hash}\n",
         3, 13, ["unknown key `colum`", "did you mean `column`?"]),
        ("a detector named like a built-in type",
         "version: 1\ndetectors:\n  - name: email\n    pattern: 'x'\n",
         3, 11, ["email is a built-in type"]),
        ("two detectors with one name",
         "version: 1\ndetectors:\n  - name: badge\n    pattern: 'B[0-9]{5}'\n  - name: badge\n    pattern: 'C[0-9]{5}'\n",
         5, 11, ["two detectors are named badge"]),
        ("a bad validator",
         "version: 1\ndetectors:\n  - name: badge\n    pattern: 'B[0-9]{5}'\n    validator: crc32\n",
         5, 16, ["unknown validator `crc32`", "luhn, mod97, none"]),
        ("an unknown action of a detector",
         "version: 1\ndetectors:\n  - name: badge\n    pattern: 'B[0-9]{5}'\n    action: blur\n",
         5, 13, ["unknown action `blur`"]),
    ]

    @Test func errorsNameLineAndColumn() {
        for e in Self.errors {
            guard let error = failure(e.yaml) else { Issue.record("\(e.what): accepted"); continue }
            #expect("\(error.line):\(error.column)" == "\(e.line):\(e.column)", "\(e.what): \(error)")
            for words in e.says { #expect(error.message.contains(words), "\(e.what): \(error)") }
            #expect(error.description.hasPrefix("p.yaml:\(error.line):\(error.column): "), "\(e.what)")
        }
    }

    @Test func aNameWithoutNearKeysGetsNoSuggestion() {
        let error = failure("version: 1\nowner: ops\n")
        #expect(error?.message.contains("did you mean") == false, "\(String(describing: error))")
    }

    /// A key given twice would silently lose one of the two entries: it is an error that names the
    /// key and the line and column of either of its two occurrences.
    static let duplicates: [(yaml: String, key: String, positions: [String])] = [
        ("version: 1\ndefaults:\n  email: tokenize\n  secret: redact\n  email: keep\n", "email", ["3:3", "5:3"]),
        ("version: 1\nversion: 1\n", "version", ["1:1", "2:1"]),
        ("version: 1\ncolumns:\n  - match: {column: a, column: b}\n    actions: {email: hash}\n", "column", ["3:13", "3:24"]),
    ]

    @Test func aDuplicateKeyIsAnErrorAtTheKey() {
        for d in Self.duplicates {
            guard let error = failure(d.yaml) else { continue }
            #expect(error.message.contains(d.key), "\(error)")
            #expect(d.positions.contains("\(error.line):\(error.column)"), "\(error)")
        }
    }

    /// A YAML syntax error names where libyaml stopped reading.
    static let syntaxErrors: [(what: String, yaml: String, line: Int, column: Int)] = [
        // The plain scalar `tokenize` runs on into the next line; the `:` after `columns` ends it.
        ("an unclosed flow mapping", "version: 1\ndefaults: {email: tokenize\ncolumns: []\n", 3, 8),
        ("a key indented less than its siblings", "version: 1\ndefaults:\n  email: keep\n secret: redact\n", 4, 2),
        ("a tab as indentation", "version: 1\ndefaults:\n\temail: keep\n", 3, 1),
        ("a stray closing brace", "version: 1\ndefaults: {email: keep}}\n", 2, 24),
    ]

    @Test func badYAMLSyntaxNamesWhereTheParserStopped() {
        for e in Self.syntaxErrors {
            guard let error = failure(e.yaml) else { continue }
            #expect("\(error.line):\(error.column)" == "\(e.line):\(e.column)", "\(e.what): \(error)")
            #expect(error.message.hasPrefix("YAML: "), "\(e.what): \(error)")
        }
    }

    @Test func anEmptyFileIsAnError() {
        #expect(failure("")?.message.contains("empty") == true)
        #expect(failure("# only a comment\n")?.message.contains("empty") == true)
    }

    @Test func nonMappingsAreErrors() {
        #expect(failure("- version: 1\n").map { "\($0.line):\($0.column)" } == "1:1")
        let columns = failure("version: 1\ncolumns: {match: {column: x}}\n")
        #expect(columns.map { "\($0.line):\($0.column)" } == "2:10", "\(String(describing: columns))")
        #expect(columns?.message.contains("list of rules") == true)
    }
}

/// The policies the README and docs/policy.md show parse as printed, so a user who copies one gets a
/// working file (docs that drift from the code fail here).
@Suite struct DocumentedPolicyTests {
    static func yamlBlocks(_ relativePath: String) throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let text = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        return text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func everyDocumentedPolicyParses() throws {
        for path in ["README.md", "docs/policy.md"] {
            let blocks = try Self.yamlBlocks(path)
            #expect(!blocks.isEmpty, "\(path) shows a policy")
            for block in blocks {
                #expect(throws: Never.self, "\(path)") { _ = try PolicyFile.parse(block, path: path) }
            }
        }
    }
}

/// Hostile policy files: any mutation of a valid file is either a policy or a `PolicyError` with a
/// position, never a crash or a hang (the file is read by the daemons at every SIGHUP).
@Suite struct PolicyFileMutationTests {
    @Test func mutatedFilesAreRefusedOrReadNeverCrash() throws {
        let source = try DocumentedPolicyTests.yamlBlocks("docs/policy.md")[0]
        let bytes = Array(source.utf8)
        var rng = SplitMix(seed: 0x9011_C7)
        let alphabet = Array("{}[]:,-'\"*#&!|>?%@`\\ \n\t0aZ".utf8)
        var refused = 0
        for _ in 0..<1500 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<mutated.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: mutated[at] = alphabet.randomElement(using: &rng)!
                case 1: mutated.insert(alphabet.randomElement(using: &rng)!, at: at)
                default: mutated.remove(at: at)
                }
            }
            do {
                _ = try PolicyFile.parse(String(decoding: mutated, as: UTF8.self), path: "m.yaml")
            } catch {
                refused += 1
                #expect(error.line >= 0 && !error.message.isEmpty)
            }
        }
        #expect(refused > 100, "most mutations are refused: \(refused)")
    }
}
