import CMaskKernels
import MaskEngine

/// The CSV record splitter's AVX2 path against its scalar path (each forced and asserted to run), and
/// both against a byte loop that toggles "inside quotes" at every quote byte.
public enum DifferentialCSVSplit: DifferentialTarget {
    public static let name = "DifferentialCSVSplit"

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        let kernel = AcceleratedKernel.csvSplit
        var input = DifferentialInput(data)
        let quote = input.choice([UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\n"), 0])
        let mapped = input.byte() & 1 == 0
        // Mapped: quotes, newlines and a filler, so records and quoted newlines are dense.
        let alphabet: [UInt8] = [quote, UInt8(ascii: "\n"), UInt8(ascii: ","), UInt8(ascii: "a"), quote, UInt8(ascii: "\n")]
        let bytes = mapped ? input.rest.map { alphabet[Int($0) % alphabet.count] } : input.rest

        var quoted = false
        var expected = (end: 0, lines: 0, records: 0)
        var lines = 0, records = 0
        for (i, b) in bytes.enumerated() {
            if b == quote { quoted.toggle() }
            if b == UInt8(ascii: "\n") {
                lines += 1
                if !quoted { records += 1; expected = (i + 1, lines, records) }
            }
        }
        for path in kernel.availablePaths {
            let outcome = kernel.withPath(path) { () -> (mk_csv_split, KernelPath?) in
                let split = bytes.withUnsafeBufferPointer { mk_csv_last_record_end($0.baseAddress, $0.count, quote) }
                return (split, kernel.lastPath)
            }
            guard let result = outcome, result.1 == path else {
                return DifferentialMismatch("the forced \(path) path did not run")
            }
            let split = result.0
            if split.end != expected.end || split.lines != expected.lines || split.records != expected.records {
                return DifferentialMismatch("\(path): end \(split.end) lines \(split.lines) records \(split.records), byte loop "
                                            + "\(expected.end) \(expected.lines) \(expected.records) (\(bytes.count) bytes)")
            }
        }
        if !kernel.isAvailable(.accelerated) { CPUWarning.once(kernel) }
        return nil
    }
}
