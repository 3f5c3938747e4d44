import Foundation

/// The first error a callback met, for callbacks whose caller does not pass their errors on (the
/// audit sink's closing record is written with the run's outcome, and its own error is dropped there).
final class FirstFailure: @unchecked Sendable {
    // @unchecked: `first` is read and written only under `lock`.
    private let lock = NSLock()
    private var first: (any Error)?

    func record(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = error }
    }

    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}
