/// How often, and over how many bytes, `TextRecordBatch` probes for a run of plain records without a
/// candidate (`keepPlainRecords`), which it passes on without reading their fields.
///
/// On most tables of values without PII every record is such a one, and the probe is all the work a
/// record needs; on most others a candidate lies in the first few records, and the probe's
/// classification is made again by the batch that reads them. So a probe that keeps all it read reads
/// twice as many bytes the next time; one that keeps half or more lets a batch read the record it
/// stopped at; one that keeps less makes the next wait twice as many batches as the last such one did
/// (up to `longestWait`), which keeps the probes' cost on tables with PII under a percent of stage 1's.
struct PlainRunProbe {
    static let fewestBytes = 4 * 1024
    static let mostBytes = 256 * 1024
    static let longestWait = 64

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

    /// Notes what a probe kept of the bytes it read.
    mutating func record(kept: Int, of read: Int) {
        if read > 0 && kept == read {
            bytes = min(bytes * 2, Self.mostBytes)
            lastWait = 0
        } else if read > 0 && kept * 2 >= read {
            lastWait = 0
            waiting = 1
        } else {
            bytes = max(bytes / 4, Self.fewestBytes)
            lastWait = min(max(lastWait * 2, 1), Self.longestWait)
            waiting = lastWait
        }
    }
}
