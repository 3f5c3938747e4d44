import MaskEngine

/// `maskd pipe` on CSV: the header scan, the quote-aware chunk splitter, the strict record parser.
///
/// Layout: cut seed, chunk size, flags (bit 0: header record, bit 1: report), delimiter (`,` tab `;`
/// `|`), then the CSV text (a whole field `C0 k` becomes a canary).
public enum CSVTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        var input = FuzzInput(data)
        let cuts = CutSizes(seed: input.byte())
        let chunkShift = input.byte() % 8
        let flags = input.byte()
        let delimiter = [UInt8(ascii: ","), 9, UInt8(ascii: ";"), UInt8(ascii: "|")][Int(input.byte() % 4)]
        let body = input.rest()
        guard LeakOracle.isFree(body) else { return .clean }
        var options = StreamMasker.Options()
        options.format = .csv
        options.csvHeader = flags & 1 != 0
        options.csvDelimiter = delimiter
        options.chunkBytes = 64 << chunkShift
        options.maxRecordBytes = 1 << 20
        let outcome = EngineRun.pipe(TextCanarySplicer.csv(body, delimiter: delimiter), options: options, cuts: cuts,
                                     withReport: flags & 2 != 0)
        return LeakOracle.check(outcome.output, stage: "csv pipe").or(LeakOracle.check(outcome.report, stage: "csv report"))
    }
}
