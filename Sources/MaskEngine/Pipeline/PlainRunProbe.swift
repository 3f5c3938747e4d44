/// How often, and over how many bytes, `TextRecordBatch` probes for a run of plain records without a
/// candidate (`keepPlainRecords`), which it passes on without reading their fields.
///
/// On most tables of values without PII every record is such a one, and the probe is all the work a
/// record needs; on tables with PII a candidate lies in the first few records, and the probe's
/// classification (up to the window that holds the candidate, `StageOneIndex.firstPossibleCandidate`)
/// is made again by the batch that reads them. So a probe that reads to its limit reads twice as many
/// bytes the next time; one that keeps at least `fewestKept` before it stops (at a candidate, or at a
/// record that is not plain) has the next batch read only the few records from there
/// (`recordsAfterStop`), then probes again about as far as it kept; one that keeps less makes the next
/// wait twice as many batches as the last such one did (up to `longestWait`), which keeps the probes'
/// cost on tables with PII to a small part of stage 1's.
struct PlainRunProbe {
    static let fewestBytes = 4 * 1024
    static let mostBytes = 256 * 1024
    static let longestWait = 64
    /// What a probe that stops must have kept for the next to follow the next batch: a probe costs its
    /// classification up to the window that holds its candidate (`TextRecordBatch.probeIndex`'s windows
    /// are 8 KiB), and on tables with PII most keep nothing.
    static let fewestKept = 1024
    /// The records a batch reads after a probe that stopped.
    static let recordsAfterStop = 16

    /// The bytes the next probe reads.
    private(set) var bytes = PlainRunProbe.fewestBytes
    /// Batches the last probe that kept too little made the next one wait.
    private var lastWait = 0
    /// Batches to read before the next probe.
    private var waiting = 0

    /// Whether to probe before the next batch (else the batch is read, and counted).
    mutating func shouldProbe() -> Bool {
        if waiting > 0 {
            waiting -= 1
            return false
        }
        return true
    }

    /// Notes what a probe kept, and whether it stopped before its limit; returns whether the next batch
    /// should read only `recordsAfterStop` records.
    mutating func record(kept: Int, stopped: Bool) -> Bool {
        if !stopped {
            bytes = min(bytes * 2, Self.mostBytes)
            lastWait = 0
            return false
        }
        if kept >= Self.fewestKept {
            bytes = max(Self.fewestBytes, min(Self.mostBytes, 2 * kept))
            lastWait = 0
            waiting = 1
            return true
        }
        bytes = Self.fewestBytes
        lastWait = min(max(lastWait * 2, 1), Self.longestWait)
        waiting = lastWait
        return false
    }
}
