import Foundation
import MaskEngine

/// Everything maskd prints on stderr. Values from the input never appear here: only counts,
/// positions and names.
enum Diagnostics {
    static func write(_ line: String) {
        let text = line + "\n"
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }

    static func error(_ message: String) { write("maskd: error: \(message)") }
    static func warning(_ message: String) { write("maskd: warning: \(message)") }

    static func summary(_ s: StreamSummary, seconds: Double, policy: MaskPolicy = .default) {
        let mb = Double(s.bytesIn) / 1_000_000
        let rate = seconds > 0 ? mb / seconds : 0
        let counts = policy.types.map { "\(policy.name(of: $0)) \(s.count($0))" }.joined(separator: ", ")
        write("maskd: \(s.format.rawValue) — \(s.rows) rows, \(FixedPointText.text(mb, places: 1)) MB in "
              + "\(FixedPointText.text(seconds, places: 2)) s (\(FixedPointText.text(rate, places: 0)) MB/s); findings: \(counts)")
    }
}

/// A progress line on a terminal's stderr, redrawn at most every half second.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `last` and `shown` are touched only under `lock`.
    private let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast
    private var shown = false
    private let started = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ s: StreamSummary) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.5, now.timeIntervalSince(started) >= 1 else { return }
        last = now
        shown = true
        let mb = Double(s.bytesOut) / 1_000_000
        let rate = mb / now.timeIntervalSince(started)
        let text = "\rmaskd: \(FixedPointText.text(mb, places: 0)) MB, \(s.rows) rows, \(FixedPointText.text(rate, places: 0)) MB/s   "
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown { _ = "\r\u{1B}[K".withCString { Glibc.write(2, $0, strlen($0)) } }
    }
}
