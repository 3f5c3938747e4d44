import MaskEngine

/// The COPY text-format row masker on its own (as the dump splitter and COPY OUT feed it): escapes,
/// `\N`, field counts against the declared columns, re-escaping of tokens.
///
/// Layout: cut seed, column count (0: columns unknown, every field scanned as text), then the rows.
/// The rows are handed over in chunks that end at line ends, as the splitter cuts them.
public enum CopyTextTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        var input = FuzzInput(data)
        var cuts = CutSizes(seed: input.byte(), largest: 256)
        let columnCount = Int(input.byte() % 9)
        let body = input.rest()
        guard LeakOracle.isFree(copyText: body) else { return .clean }
        let rows = TextCanarySplicer.copyRows(body[...])
        let columns = declaredColumns[columnCount]
        let session = MaskSession(policy: .default, key: EngineRun.key)
        var start = CopyChunkStart(byteOffset: 0, line: 1, rowIndex: 0, columns: columns, table: -1)
        var output: [UInt8] = []
        var p = 0
        while p < rows.count {
            var end = min(rows.count, p + cuts.next())
            while end < rows.count && rows[end - 1] != 10 { end += 1 }
            let chunk = rows.withUnsafeBufferPointer { CopyTextChunkMasker().mask(UnsafeBufferPointer(rebasing: $0[p..<end]), start: start, session: session) }
            output.append(contentsOf: chunk.output)
            if chunk.error != nil { break }
            let lines = rows[p..<end].filter { $0 == 10 }.count
            start.byteOffset += end - p
            start.line += lines
            start.rowIndex += lines
            p = end
        }
        return LeakOracle.check(output, stage: "COPY text")
    }

    /// For each column count, the declared columns (text and varchar, all scanned); none for 0.
    static let declaredColumns: [[DumpColumn]?] = (0..<9).map { count in
        count == 0 ? nil : (0..<count).map { DumpColumn(name: "c\($0)", type: $0 % 2 == 0 ? "text" : "character varying(200)") }
    }
}
