import Foundation
import Testing
@testable import MaskEngine

/// The worker pool behind `maskd pipe`, driven hard enough for ThreadSanitizer (scripts/sanitize thread)
/// to see its hand-offs: thousands of jobs that finish out of order on more workers than cores, a
/// consumer that stops halfway, and a session never lent to two jobs at once.
@Suite struct OrderedPipelineTests {
    static func sessions(_ count: Int) -> [MaskSession] {
        (0..<count).map { _ in MaskSession(policy: .default, key: testKey) }
    }

    /// Work whose length depends on the job, so later jobs often finish before earlier ones.
    static func spin(_ job: Int) -> Int {
        var x = job
        for _ in 0..<(job * 7919 % 97) * 50 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        return x
    }

    @Test func resultsReachTheConsumerInSubmissionOrderAndNoSessionServesTwoJobsAtOnce() {
        let jobs = 20_000
        let borrowed = LockedSet()
        let consumed = LockedArray()
        let doubleLoans = LockedArray()
        let pipeline = OrderedPipeline<Int, Int>(
            sessions: Self.sessions(4), maxInFlight: 8,
            process: { job, session in
                let id = ObjectIdentifier(session)
                if !borrowed.insert(id) { doubleLoans.append(job) }
                _ = Self.spin(job)
                // The session's own scratch is written by the job that holds it: a race on a shared
                // session is a ThreadSanitizer report even when the counts above happen to agree.
                session.cellOut.append(UInt8(truncatingIfNeeded: job))
                session.cellOut.removeAll(keepingCapacity: true)
                borrowed.remove(id)
                return job
            },
            consume: { consumed.append($0); return true })
        for job in 0..<jobs { #expect(pipeline.submit(job)) }
        #expect(pipeline.finish())
        #expect(consumed.values == Array(0..<jobs))
        #expect(doubleLoans.values.isEmpty, "no session is lent to two jobs at once")
    }

    @Test func aConsumerThatStopsEndsTheRunAndLaterSubmitsAreRefused() {
        // Many short runs: the stop races the workers, the submitter and `finish` at a different point each time.
        for run in 0..<200 {
            let stopAt = run % 37
            let consumed = LockedArray()
            let pipeline = OrderedPipeline<Int, Int>(
                sessions: Self.sessions(3), maxInFlight: 4,
                process: { job, _ in _ = Self.spin(job); return job },
                consume: { consumed.append($0); return $0 != stopAt })
            var refused = false
            for job in 0..<200 where !pipeline.submit(job) {
                refused = true
                break
            }
            #expect(pipeline.finish() == false)
            #expect(consumed.values == Array(0...stopAt), "nothing is consumed after the consumer stopped")
            #expect(refused, "a submit after the stop returns false")
        }
    }
    @Test func anInlinePipelineProcessesAndConsumesEachJobOnTheSubmittingThreadBeforeSubmitReturns() {
        let consumed = LockedArray()
        let submitter = pthread_self()
        let pipeline = OrderedPipeline<Int, Int>(
            sessions: Self.sessions(1), maxInFlight: 3, inline: true,
            process: { job, _ in
                #expect(pthread_equal(pthread_self(), submitter) != 0)
                return job * 2
            },
            consume: { consumed.append($0); return $0 != 20 })
        for job in 0..<10 {
            #expect(pipeline.submit(job))
            #expect(consumed.values.count == job + 1, "consumed before submit returns")
        }
        #expect(pipeline.submit(10) == false, "the consumer stopped at 20")
        #expect(pipeline.submit(11) == false)
        #expect(pipeline.finish() == false)
        #expect(consumed.values == (0...10).map { $0 * 2 })
    }
}

/// A set of sessions on loan, shared by worker threads.
final class LockedSet: @unchecked Sendable {
    // @unchecked: `members` is touched only under `lock`.
    private let lock = NSLock()
    private var members: Set<ObjectIdentifier> = []
    /// False when `id` was already there.
    func insert(_ id: ObjectIdentifier) -> Bool { lock.lock(); defer { lock.unlock() }; return members.insert(id).inserted }
    func remove(_ id: ObjectIdentifier) { lock.lock(); members.remove(id); lock.unlock() }
}

/// What the consumer saw, in order.
final class LockedArray: @unchecked Sendable {
    // @unchecked: `items` is touched only under `lock`.
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ item: Int) { lock.lock(); items.append(item); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}
