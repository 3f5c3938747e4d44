import MaskEngine

/// The policy loader (YAML through Yams, then maskd's own schema checks, PCRE2 compilation of custom
/// detectors), and what a loaded policy does to data.
///
/// Layout: the policy text. If it loads and no rule anywhere keeps a value (`keep`, or `partial` that
/// keeps as many characters as a canary has), a CSV of every canary, one per column under names that
/// column rules may match, is masked with it: none may come out.
public enum PolicyTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        let text = String(decoding: data, as: UTF8.self)
        guard LeakOracle.isFree(data) else { return .clean }
        let policy: MaskPolicy
        do {
            policy = try PolicyFile.parse(text, path: "fuzz.yaml")
        } catch {
            // A policy error quotes the policy's place, not data; it holds no canary unless the text did.
            return .clean
        }
        guard !keepsAnything(policy) else { return .clean }
        let outcome = EngineRun.pipe(canaryTable, options: tableOptions, cuts: CutSizes(seed: 0), policy: policy, withReport: true)
        return LeakOracle.check(outcome.output, stage: "pipe with a fuzzed policy")
            .or(LeakOracle.check(outcome.report, stage: "report with a fuzzed policy"))
    }

    /// A header of column names that policies name (`email`, `card_number`, `ssn`, `notes`, …), then one
    /// row with a canary in each column, the multi-line key quoted.
    static let canaryTable: [UInt8] = {
        let names = ["email", "card_number", "ssn", "notes", "token", "api_key", "password", "comment"]
        let header = (0..<Canary.all.count).map { names[$0 % names.count] + "_\($0)" }.joined(separator: ",")
        let row = Canary.all.map { "\"" + String(decoding: $0.text, as: UTF8.self) + "\"" }.joined(separator: ",")
        return Array((header + "\n" + row + "\n").utf8)
    }()

    static let tableOptions: StreamMasker.Options = {
        var options = StreamMasker.Options()
        options.format = .csv
        options.csvTable = "public.customers"
        return options
    }()

    /// Whether some action of the policy, for some identity, column or type, lets a value through.
    static func keepsAnything(_ policy: MaskPolicy) -> Bool {
        let shortestNeedle = Canary.all.map(\.needle.count).min()!
        func keepsValue(_ action: MaskAction?) -> Bool {
            switch action {
            case .keep?: true
            case .partial(let n)?: n >= shortestNeedle
            default: false
            }
        }
        func keepsAny(_ actions: TypeActions) -> Bool { actions.byType.values.contains { keepsValue($0) } || keepsValue(actions.any) }
        return keepsAny(policy.defaults)
            || policy.columns.contains { keepsAny($0.actions) }
            || policy.identities.contains { keepsAny($0.actions) || $0.columns.contains { keepsAny($0.actions) } }
            || policy.customTypes.contains { keepsValue($0.action) }
    }
}
