/// What one fuzz input showed: nothing, or a canary in the output. Crashes, hangs and memory growth
/// are libFuzzer's own findings; a leak is this module's, and the shims turn it into a crash.
public enum FuzzVerdict: Equatable, Sendable, CustomStringConvertible {
    case clean
    /// The canary `canary` (by name) at `offset` of the output of `stage`.
    case leak(canary: String, offset: Int, stage: String)

    public var description: String {
        switch self {
        case .clean: "clean"
        case .leak(let canary, let offset, let stage): "LEAK: canary \(canary) at byte \(offset) of the \(stage) output"
        }
    }

    /// Stops the fuzzer on a leak, so that libFuzzer saves the input like any crash.
    public func trapOnLeak() {
        if case .leak = self { fatalError(description) }
    }
}
