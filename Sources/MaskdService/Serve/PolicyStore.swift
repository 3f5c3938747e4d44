import Foundation
import MaskEngine

/// The policy the daemon currently serves, replaced as a whole on SIGHUP. Sessions read the generation
/// (a cheap atomic-free read under a lock, once per server frame) and re-resolve their identity's
/// policy when it moved, so a reload reaches long-lived pooled sessions without dropping them; a result
/// set already streaming keeps the tables it started with until its rows' columns are resolved again.
public final class PolicyStore: @unchecked Sendable {
    // @unchecked: `policy` and `generation` are read and written only under `lock`.
    private let lock = NSLock()
    private var policy: MaskPolicy
    private var generation = 0

    public init(_ policy: MaskPolicy) { self.policy = policy }

    /// The current policy and its generation.
    public var current: (policy: MaskPolicy, generation: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (policy, generation)
    }

    /// The generation alone (what a session compares per frame).
    public var currentGeneration: Int {
        lock.lock()
        defer { lock.unlock() }
        return generation
    }

    /// Serves `policy` from now on.
    public func replace(with policy: MaskPolicy) {
        lock.lock()
        defer { lock.unlock() }
        self.policy = policy
        generation += 1
    }
}
