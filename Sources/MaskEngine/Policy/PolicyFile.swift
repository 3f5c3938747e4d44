import Crypto
import Foundation
import Yams

/// A policy file that cannot be used, and where: the file, the line and column (1-based) of the
/// offending YAML node, and what is wrong with it.
public struct PolicyError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// Reads a policy file (YAML, docs/policy.md) into a `MaskPolicy`, checking every key and value: an
/// unknown key, type or action is an error that names its line and column, never a silent default,
/// since a misspelled rule that is ignored unmasks what its author meant to hide.
///
/// Yams composes the file into nodes that keep their position; the policy is read from the nodes by
/// hand rather than decoded with `Codable`, which loses positions.
public enum PolicyFile {
    /// Reads and checks the file at `path`.
    public static func load(path: String) throws(PolicyError) -> MaskPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(path: path, line: 0, column: 0, message: "cannot read the policy file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(path: path, line: 0, column: 0, message: "the policy file is not UTF-8")
        }
        return try parse(text, path: path)
    }

    /// Reads and checks policy text; `path` names it in errors.
    public static func parse(_ text: String, path: String = "policy") throws(PolicyError) -> MaskPolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.error(error, path: path, text: text)
        } catch {
            throw PolicyError(path: path, line: 0, column: 0, message: "\(error)")
        }
        guard let root else { throw PolicyError(path: path, line: 1, column: 1, message: "the policy file is empty") }
        var reader = PolicyReader(path: path)
        var policy = try reader.policy(root)
        let digest = SHA256.hash(data: Data(text.utf8))
        policy.version = "sha256:" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
        return policy
    }

    private static func error(_ error: YamlError, path: String, text: String) -> PolicyError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams names the mapping, not the key: point at the key's second spelling after the mapping starts.
            let key = duplicates.sorted().first ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var seen = 0
            for (i, line) in lines.enumerated() where i + 1 >= context.mark.line {
                var search = line[...]
                while let r = search.range(of: key + ":") ?? search.range(of: "\"" + key + "\":") {
                    let before = line[line.startIndex..<r.lowerBound].last
                    if before == nil || before == " " || before == "{" || before == "," || before == "\"" || before == "-" {
                        seen += 1
                        if seen == 2 {
                            let column = line.distance(from: line.startIndex, to: r.lowerBound) + 1
                            return PolicyError(path: path, line: i + 1, column: column, message: "`\(key)` is given twice in one mapping")
                        }
                    }
                    search = line[r.upperBound...]
                }
            }
            return PolicyError(path: path, line: context.mark.line, column: context.mark.column,
                               message: "`\(key)` is given twice in one mapping")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return PolicyError(path: path, line: mark.line, column: mark.column, message: "YAML: \(what)")
        case .reader(let problem, let offset, _, _):
            return PolicyError(path: path, line: 0, column: offset ?? 0, message: "YAML: \(problem)")
        default:
            return PolicyError(path: path, line: 0, column: 0, message: "YAML: \(error)")
        }
    }
}

/// Reads policy nodes, remembering the file for errors.
private struct PolicyReader {
    let path: String
    /// Custom type names, in order, once `detectors:` is read.
    var customNames: [String] = []

    func fail(_ node: Node?, _ message: String) -> PolicyError {
        PolicyError(path: path, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message: message)
    }

    mutating func policy(_ root: Node) throws(PolicyError) -> MaskPolicy {
        let top = try mapping(root, "the policy")
        try allow(top, ["version", "defaults", "groups", "columns", "identities", "detectors", "mask_documented_examples",
                        "catalog"], in: "the policy")
        var policy = MaskPolicy()
        policy.defaults = TypeActions()
        guard let version = top.value("version") else {
            throw fail(root, "missing `version: 1` (the policy format's version)")
        }
        guard try integer(version, "version") == 1 else { throw fail(version, "version must be 1") }
        if let detectors = top.value("detectors") { (policy.customTypes, policy.detectors) = try self.detectors(detectors) }
        customNames = policy.customTypes.map(\.name)
        if let defaults = top.value("defaults") { policy.defaults = try actions(defaults, "defaults") }
        if let groups = top.value("groups") { policy.groups = try self.groups(groups) }
        if let columns = top.value("columns") { policy.columns = try columnRules(columns, "columns") }
        if let identities = top.value("identities") { policy.identities = try identityRules(identities) }
        if let catalog = top.value("catalog") { policy.catalog = try string(catalog, "catalog") }
        if let flag = top.value("mask_documented_examples") { policy.maskDocumentedExamples = try bool(flag, "mask_documented_examples") }
        return policy
    }

    // MARK: Entries

    func actions(_ node: Node, _ what: String) throws(PolicyError) -> TypeActions {
        var result = TypeActions()
        for (keyNode, valueNode) in try pairs(node, what) {
            let key = try string(keyNode, "a type name in \(what)")
            let actionText = try string(valueNode, "the action of \(key)")
            guard let action = MaskAction(name: actionText) else {
                throw fail(valueNode, "unknown action `\(actionText)` in \(what) (actions: tokenize, redact, partial:N with N from 0 to \(MaskAction.maxPartialKeep), hash, null, keep)")
            }
            if key == "*" {
                result.any = action
            } else if let type = type(named: key) {
                if result.byType[type] != nil { throw fail(keyNode, "\(key) is given twice in \(what)") }
                result.byType[type] = action
            } else {
                throw fail(keyNode, "unknown type `\(key)` in \(what) (types: \((EntityType.builtIns.map(\.name) + customNames + ["*"]).joined(separator: ", ")))")
            }
        }
        return result
    }

    func type(named name: String) -> EntityType? {
        if let builtIn = EntityType(name: name) { return builtIn }
        return customNames.firstIndex(of: name).map { EntityType(customIndex: $0) }
    }

    func groups(_ node: Node) throws(PolicyError) -> [(group: String, users: [String])] {
        var result: [(group: String, users: [String])] = []
        for (keyNode, valueNode) in try pairs(node, "groups") {
            let group = try string(keyNode, "a group name")
            result.append((group, try strings(valueNode, "the users of group \(group)")))
        }
        return result
    }

    func columnRules(_ node: Node, _ what: String) throws(PolicyError) -> [ColumnRule] {
        guard case .sequence(let entries) = node else { throw fail(node, "\(what) must be a list of rules (`- match: …`)") }
        var rules: [ColumnRule] = []
        for entry in entries {
            let fields = try mapping(entry, "a rule of \(what)")
            try allow(fields, ["match", "actions"], in: "a rule of \(what)")
            guard let matchNode = fields.value("match") else { throw fail(entry, "a rule of \(what) needs `match:`") }
            guard let actionsNode = fields.value("actions") else { throw fail(entry, "a rule of \(what) needs `actions:`") }
            rules.append(ColumnRule(match: try columnMatch(matchNode), actions: try actions(actionsNode, "actions")))
        }
        return rules
    }

    func columnMatch(_ node: Node) throws(PolicyError) -> ColumnMatch {
        let fields = try mapping(node, "a column match")
        try allow(fields, ["column", "table", "table_oid"], in: "a column match")
        var match = ColumnMatch()
        if let oid = fields.value("table_oid") {
            let value = try integer(oid, "table_oid")
            guard value > 0 && value <= Int(UInt32.max) else { throw fail(oid, "table_oid must be a positive OID") }
            match.tableOID = UInt32(value)
        }
        if let table = fields.value("table") { match.table = GlobPattern(try string(table, "table")) }
        if let column = fields.value("column") {
            if case .scalar(let scalar) = column, scalar.style == .plain, let number = Int(scalar.string) {
                guard match.tableOID != nil else {
                    throw fail(column, "a column number needs `table_oid:` (numbers are attribute numbers within one table); quote it to match a column named \(number)")
                }
                guard number > 0 && number <= Int(Int16.max) else { throw fail(column, "a column number must be 1 or more") }
                match.attributeNumber = number
            } else {
                match.name = GlobPattern(try string(column, "column"))
            }
        }
        if match == ColumnMatch() { throw fail(node, "an empty match would match every column; put those actions under `defaults:`") }
        return match
    }

    func identityRules(_ node: Node) throws(PolicyError) -> [IdentityRule] {
        guard case .sequence(let entries) = node else { throw fail(node, "identities must be a list of rules (`- match: …`)") }
        var rules: [IdentityRule] = []
        for (i, entry) in entries.enumerated() {
            let fields = try mapping(entry, "an identity rule")
            try allow(fields, ["match", "actions", "columns"], in: "an identity rule")
            guard let matchNode = fields.value("match") else { throw fail(entry, "an identity rule needs `match:`") }
            let actions = try fields.value("actions").map { n throws(PolicyError) in try self.actions(n, "actions") } ?? TypeActions()
            let columns = try fields.value("columns").map { n throws(PolicyError) in try columnRules(n, "the rule's columns") } ?? []
            if actions.isEmpty && columns.isEmpty { throw fail(entry, "an identity rule needs `actions:` or `columns:`") }
            rules.append(IdentityRule(match: try identityMatch(matchNode), actions: actions, columns: columns, index: i))
        }
        return rules
    }

    func identityMatch(_ node: Node) throws(PolicyError) -> IdentityMatch {
        var match = IdentityMatch()
        for (keyNode, valueNode) in try pairs(node, "an identity match") {
            let key = try string(keyNode, "an identity attribute")
            if key == "unknown" {
                match.unknown = try bool(valueNode, "unknown")
                continue
            }
            let attribute = switch key {
            case "application_name": "application"
            case "groups": "group"
            case "roles": "role"
            case "users": "user"
            default: key
            }
            let patterns = try strings(valueNode, "the patterns of \(key)").map { GlobPattern($0, foldsCase: false) }
            guard !patterns.isEmpty else { throw fail(valueNode, "\(key) needs at least one pattern") }
            match.conditions.append(IdentityMatch.Condition(attribute: attribute, patterns: patterns))
        }
        return match
    }

    func detectors(_ node: Node) throws(PolicyError) -> ([CustomType], [CustomDetector]) {
        guard case .sequence(let entries) = node else { throw fail(node, "detectors must be a list (`- name: …`)") }
        guard entries.count <= EntityType.maxCustom else {
            throw fail(node, "at most \(EntityType.maxCustom) detectors may be declared")
        }
        var types: [CustomType] = []
        var compiled: [CustomDetector] = []
        for entry in entries {
            let fields = try mapping(entry, "a detector")
            try allow(fields, ["name", "pattern", "validator", "context", "action"], in: "a detector")
            guard let nameNode = fields.value("name") else { throw fail(entry, "a detector needs `name:`") }
            let name = try string(nameNode, "name")
            guard name.range(of: "^[a-z][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                throw fail(nameNode, "a detector's name is lowercase letters, digits and `_`, starting with a letter")
            }
            guard EntityType(name: name) == nil else { throw fail(nameNode, "\(name) is a built-in type; give the detector a name of its own") }
            guard !types.contains(where: { $0.name == name }) else { throw fail(nameNode, "two detectors are named \(name)") }
            guard let patternNode = fields.value("pattern") else { throw fail(entry, "detector \(name) needs `pattern:`") }
            var type = CustomType(name: name, pattern: try string(patternNode, "pattern"))
            if let v = fields.value("validator") {
                type.validator = try string(v, "validator")
                guard ["luhn", "mod97", "none"].contains(type.validator) else {
                    throw fail(v, "unknown validator `\(type.validator)` (validators: luhn, mod97, none)")
                }
            }
            if let c = fields.value("context") { type.context = try strings(c, "context") }
            if let a = fields.value("action") {
                let text = try string(a, "action")
                guard let action = MaskAction(name: text) else {
                    throw fail(a, "unknown action `\(text)` (actions: tokenize, redact, partial:N, hash, null, keep)")
                }
                type.action = action
            }
            let spec = CustomDetectorSpec(name: name, pattern: type.pattern, validator: CheckDigitRule(rawValue: type.validator) ?? .none,
                                          context: type.context)
            do {
                compiled.append(try CustomDetector(spec: spec, type: EntityType(customIndex: types.count)))
            } catch {
                throw fail(patternNode, "detector \(name): \(error)")
            }
            types.append(type)
        }
        return (types, compiled)
    }

    // MARK: Node shapes

    func mapping(_ node: Node, _ what: String) throws(PolicyError) -> Node.Mapping {
        guard case .mapping(let m) = node else { throw fail(node, "\(what) must be a mapping (`key: value`)") }
        return m
    }

    func pairs(_ node: Node, _ what: String) throws(PolicyError) -> [(Node, Node)] {
        let m = try mapping(node, what)
        return m.map { ($0.key, $0.value) }
    }

    func allow(_ mapping: Node.Mapping, _ keys: [String], in what: String) throws(PolicyError) {
        var seen: Set<String> = []
        for (key, _) in mapping {
            let name = key.string ?? ""
            // YAML parsers keep the first of two equal keys; the second rule would be silently lost.
            guard seen.insert(name).inserted else { throw fail(key, "`\(name)` is given twice in \(what)") }
            guard keys.contains(name) else {
                let near = keys.first { Self.editDistance($0, name) <= 2 }.map { " (did you mean `\($0)`?)" } ?? ""
                throw fail(key, "unknown key `\(name)` in \(what)\(near); keys: \(keys.joined(separator: ", "))")
            }
        }
    }

    func string(_ node: Node, _ what: String) throws(PolicyError) -> String {
        guard case .scalar(let s) = node else { throw fail(node, "\(what) must be a single value") }
        return s.string
    }

    func strings(_ node: Node, _ what: String) throws(PolicyError) -> [String] {
        switch node {
        case .scalar(let s): return [s.string]
        case .sequence(let items):
            var result: [String] = []
            for item in items { result.append(try string(item, "each of \(what)")) }
            return result
        default: throw fail(node, "\(what) must be a value or a list of values")
        }
    }

    func integer(_ node: Node, _ what: String) throws(PolicyError) -> Int {
        guard case .scalar(let s) = node, let n = Int(s.string) else { throw fail(node, "\(what) must be a whole number") }
        return n
    }

    func bool(_ node: Node, _ what: String) throws(PolicyError) -> Bool {
        guard case .scalar(let s) = node else { throw fail(node, "\(what) must be true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, "\(what) must be true or false")
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

private extension Node.Mapping {
    /// The value of the first key spelled `key`.
    func value(_ key: String) -> Node? {
        first { $0.key.string == key }?.value
    }
}
