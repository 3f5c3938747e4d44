import Foundation
import Synchronization

/// A one-line progress bar on stderr for one measured phase (warm-up and runs of one mode). Drawn
/// only when stderr is a terminal and only once the phase has lasted a second, so short phases and
/// redirected output stay clean. Modes advance `done` from any thread; a thread of the bar's own
/// redraws ten times a second, so the work never formats text.
final class ProgressBar: Sendable {
    /// Units (bytes) done in this phase so far.
    let done = Atomic<Int>(0)
    /// The run in progress (1-based, warm-up runs included).
    let run = Atomic<Int>(1)
    private let total: Int
    private let runs: Int
    private let label: String
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let drewLine = Atomic<Bool>(false)

    /// Whether bars are drawn at all: stderr is a terminal and `--no-progress` was not given.
    nonisolated(unsafe) static var enabled = isatty(2) == 1

    init(label: String, total: Int, runs: Int) {
        self.label = label
        self.total = max(total, 1)
        self.runs = runs
        guard Self.enabled else { return }
        let bar = self
        let thread = Thread {
            let started = ResourceUsage.now()
            while !bar.stopped.load(ordering: .relaxed) {
                usleep(100_000)
                if ResourceUsage.now() - started >= 1 && !bar.stopped.load(ordering: .relaxed) { bar.draw() }
            }
            bar.finished.store(true, ordering: .releasing)
        }
        thread.start()
    }

    /// Starts the next run: `done` counts from where the previous runs ended.
    func beginRun(_ index: Int, perRun: Int) {
        run.store(index + 1, ordering: .relaxed)
        done.store(index * perRun, ordering: .relaxed)
    }

    private func draw() {
        let fraction = min(1, Double(done.load(ordering: .relaxed)) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\r\u{1B}[2K  \(label)  [\(bar)] \(Int(fraction * 100))%  run \(run.load(ordering: .relaxed))/\(runs)"
        FileHandle.standardError.write(Data(line.utf8))
        drewLine.store(true, ordering: .relaxed)
    }

    /// Stops drawing and erases the line if one was drawn.
    func finish() {
        guard Self.enabled else { return }
        stopped.store(true, ordering: .relaxed)
        while !finished.load(ordering: .acquiring) { usleep(1_000) }
        if drewLine.load(ordering: .relaxed) { Self.clearLine() }
    }

    static func clearLine() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
