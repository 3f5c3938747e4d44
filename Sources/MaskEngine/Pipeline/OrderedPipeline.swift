import Foundation

/// Runs jobs on worker threads and hands their results to one consumer in submission order, with at
/// most `maxInFlight` jobs between `submit` and consumption: memory stays bounded however long the
/// input, and both cores work while the reader reads and the consumer writes.
///
/// Each worker job borrows one `MaskSession` from a pool, so sessions are never shared between threads.
///
/// An inline pipeline runs each job and its consumption on the thread that submits it, in order, with
/// the first session: no thread is started, so it costs nothing to set up and is deterministic (the
/// fuzz targets start one per input).
public final class OrderedPipeline<Job: Sendable, Output: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only while holding `condition`, except
    // in an inline pipeline, which only its submitting thread touches (no thread of its own exists).
    private let condition = NSCondition()
    private var results: [Int: Output] = [:]
    private var nextToSubmit = 0
    private var nextToConsume = 0
    private var inFlight = 0
    private var stopped = false
    private var finished = false
    private var consumerDone = false
    private var sessions: [MaskSession]
    private let maxInFlight: Int
    private let process: @Sendable (Job, MaskSession) -> Output
    private let queue = DispatchQueue(label: "maskd.workers", attributes: .concurrent)
    private var consumerThread: Thread?
    /// Inline pipelines only: the consumer, called by `submit` itself.
    private let inlineConsume: (@Sendable (Output) -> Bool)?

    /// - Parameters:
    ///   - sessions: one per worker; their count is the parallelism.
    ///   - inline: run jobs and the consumer on the submitting thread (see the type's comment).
    ///   - consume: called on one consumer thread, in order; returns false to stop (an error, or the
    ///     output closed): later results are then dropped and `submit` returns false.
    public init(sessions: [MaskSession], maxInFlight: Int, inline: Bool = false,
                process: @escaping @Sendable (Job, MaskSession) -> Output,
                consume: @escaping @Sendable (Output) -> Bool) {
        precondition(!sessions.isEmpty)
        self.sessions = sessions
        self.maxInFlight = max(maxInFlight, sessions.count)
        self.process = process
        if inline {
            inlineConsume = consume
            consumerDone = true
            return
        }
        inlineConsume = nil
        let thread = Thread { [unowned self] in self.consumeLoop(consume) }
        thread.stackSize = 1 << 20
        consumerThread = thread
        thread.start()
    }

    /// Queues a job; blocks while `maxInFlight` jobs are pending. Returns false once the consumer stopped.
    @discardableResult
    public func submit(_ job: Job) -> Bool {
        if let inlineConsume {
            if stopped { return false }
            if !inlineConsume(process(job, sessions[0])) { stopped = true }
            return !stopped
        }
        condition.lock()
        while inFlight >= maxInFlight && !stopped { condition.wait() }
        if stopped { condition.unlock(); return false }
        let sequence = nextToSubmit
        nextToSubmit += 1
        inFlight += 1
        condition.unlock()
        queue.async { [self] in
            let session = borrowSession()
            let output = process(job, session)
            condition.lock()
            sessions.append(session)
            results[sequence] = output
            condition.broadcast()
            condition.unlock()
        }
        return true
    }

    /// Waits until every submitted job was consumed (or the consumer stopped). Returns false if it stopped.
    public func finish() -> Bool {
        if inlineConsume != nil { return !stopped }
        condition.lock()
        finished = true
        condition.broadcast()
        while !consumerDone { condition.wait() }
        let ok = !stopped
        condition.unlock()
        // Let running jobs return their sessions before the pipeline goes away.
        queue.sync(flags: .barrier) {}
        return ok
    }

    private func borrowSession() -> MaskSession {
        condition.lock()
        defer { condition.unlock() }
        while sessions.isEmpty { condition.wait() }
        return sessions.removeLast()
    }

    private func consumeLoop(_ consume: @Sendable (Output) -> Bool) {
        while true {
            condition.lock()
            while results[nextToConsume] == nil && !(finished && nextToConsume == nextToSubmit) && !stopped {
                condition.wait()
            }
            if stopped || (finished && nextToConsume == nextToSubmit && results[nextToConsume] == nil) {
                consumerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let output = results.removeValue(forKey: nextToConsume)!
            nextToConsume += 1
            condition.unlock()
            let keepGoing = consume(output)
            condition.lock()
            inFlight -= 1
            if !keepGoing { stopped = true }
            condition.broadcast()
            condition.unlock()
        }
    }
}
