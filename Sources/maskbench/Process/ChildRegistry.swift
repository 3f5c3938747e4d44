import Foundation

/// Everything maskbench must undo before it exits: child processes to stop and cleanup steps (a
/// PostgreSQL cluster, a temporary directory). Run on a normal exit, on an error and on SIGINT or
/// SIGTERM, whichever comes first, and only once.
final class ChildRegistry: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    static let shared = ChildRegistry()
    private let lock = NSLock()
    private var children: [pid_t: ChildProcess] = [:]
    private var cleanups: [(id: Int, run: () -> Void)] = []
    private var nextID = 0
    /// The signal thread, once a signal has arrived. From then on every other thread parks where it
    /// next starts or reaps a child (`parkIfInterrupted`) until the signal thread exits: a child
    /// stopped by the interrupt is never reported as a failed measurement, the report is never
    /// printed with exit status 0, and no child starts after `stopAll` has run.
    private var interruptedOn: pthread_t?

    func add(_ child: ChildProcess) { lock.withLock { children[child.pid] = child } }
    func remove(_ child: ChildProcess) { lock.withLock { _ = children.removeValue(forKey: child.pid) } }

    /// Registers a cleanup step; returns a handle for `removeCleanup` once the step ran normally.
    @discardableResult
    func addCleanup(_ step: @escaping () -> Void) -> Int {
        lock.withLock {
            nextID += 1
            cleanups.append((nextID, step))
            return nextID
        }
    }

    func removeCleanup(_ id: Int) { lock.withLock { cleanups.removeAll { $0.id == id } } }

    /// Stops every child still running (SIGTERM, then SIGKILL after a moment) and runs the cleanup steps,
    /// newest first.
    func stopAll() {
        let (running, steps) = lock.withLock { () -> ([ChildProcess], [() -> Void]) in
            defer { children.removeAll(); cleanups.removeAll() }
            return (Array(children.values), cleanups.reversed().map(\.run))
        }
        for child in running { child.stop(grace: 2) }
        for step in steps { step() }
    }

    /// Parks the calling thread for good once maskbench is interrupted, unless it is the signal thread
    /// (which stops the children, and so starts and reaps `pg_ctl`).
    func parkIfInterrupted() {
        let park = lock.withLock { interruptedOn.map { pthread_equal($0, pthread_self()) == 0 } ?? false }
        guard park else { return }
        while true { sleep(3600) }
    }

    /// Blocks SIGINT and SIGTERM in this thread and every thread started later, and starts one thread
    /// that waits for them: it stops the children, runs the cleanups and exits 130 (143 for SIGTERM).
    /// Call first thing, before any other thread exists.
    static func installSignalHandling() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        let signals = set
        let thread = Thread {
            var received: Int32 = 0
            var waitSet = signals
            sigwait(&waitSet, &received)
            ChildRegistry.shared.lock.withLock { ChildRegistry.shared.interruptedOn = pthread_self() }
            ProgressBar.clearLine()
            FileHandle.standardError.write(Data("maskbench: interrupted; stopping child processes\n".utf8))
            ChildRegistry.shared.stopAll()
            exit(128 + received)
        }
        thread.start()
    }
}
