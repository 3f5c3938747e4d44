/// Named cases for the scorer and the CSV reader, with the answers worked out by hand, run before
/// any figure that depends on them is reported: a broken scorer stops the run instead of printing a
/// wrong F1. Pure, like the code it checks, so a test target can run the same table later.
enum BaselineSelfCheck {
    /// The names of the cases that fail; empty when all pass.
    static func failures() -> [String] {
        var failed: [String] = []
        for c in scorerCases {
            let q = SpanScorer.score(found: c.found, labels: c.labels, rowLimit: c.rowLimit)
            if (q.truePositives, q.falsePositives, q.falseNegatives) != c.expected { failed.append("scorer: \(c.name)") }
        }
        for c in readerCases where readCells(c.csv, hasHeader: c.hasHeader) != c.expected {
            failed.append("CSV reader: \(c.name)")
        }
        return failed
    }

    /// Throws when a case fails, naming it.
    static func require() throws {
        let failed = failures()
        if !failed.isEmpty { throw SelfCheckFailed(cases: failed) }
    }

    /// The scorer or the CSV reader disagreed with a case worked out by hand.
    struct SelfCheckFailed: Error, CustomStringConvertible {
        var cases: [String]
        var description: String { "maskbench's own self-check failed (\(cases.joined(separator: "; "))): no quality figure would be right" }
    }

    // MARK: - Scorer

    private struct ScorerCase {
        var name: String
        var found: [ScoredSpan]
        var labels: [ScoredSpan]
        var rowLimit: Int? = nil
        /// (truePositives, falsePositives, falseNegatives)
        var expected: (Int, Int, Int)
    }

    private static func span(_ row: Int, _ column: Int, _ start: Int, _ end: Int, _ type: ScoredType = .email) -> ScoredSpan {
        ScoredSpan(row: row, column: column, start: start, end: end, type: type)
    }

    private static let scorerCases: [ScorerCase] = [
        ScorerCase(name: "exact match", found: [span(0, 1, 0, 10)], labels: [span(0, 1, 0, 10)], expected: (1, 0, 0)),
        ScorerCase(name: "one shared byte is a hit", found: [span(0, 1, 9, 20)], labels: [span(0, 1, 0, 10)], expected: (1, 0, 0)),
        ScorerCase(name: "touching is not overlapping", found: [span(0, 1, 10, 20)], labels: [span(0, 1, 0, 10)], expected: (0, 1, 1)),
        ScorerCase(name: "another type misses", found: [span(0, 1, 0, 10, .secret)], labels: [span(0, 1, 0, 10)], expected: (0, 1, 1)),
        ScorerCase(name: "another column misses", found: [span(0, 2, 0, 10)], labels: [span(0, 1, 0, 10)], expected: (0, 1, 1)),
        ScorerCase(name: "another row misses", found: [span(1, 1, 0, 10)], labels: [span(0, 1, 0, 10)], expected: (0, 1, 1)),
        ScorerCase(name: "a label found in two pieces", found: [span(0, 1, 0, 4), span(0, 1, 5, 10)], labels: [span(0, 1, 0, 10)],
                   expected: (1, 0, 0)),
        ScorerCase(name: "one span across two labels", found: [span(3, 0, 0, 30, .creditCard)],
                   labels: [span(3, 0, 0, 10, .creditCard), span(3, 0, 20, 30, .creditCard)], expected: (2, 0, 0)),
        ScorerCase(name: "unsorted input, several cells",
                   found: [span(2, 0, 5, 9, .usSSN), span(0, 3, 0, 4), span(1, 0, 0, 2, .secret)],
                   labels: [span(1, 0, 1, 3, .secret), span(0, 3, 2, 8), span(2, 0, 0, 4, .usSSN), span(2, 1, 0, 4)],
                   expected: (2, 1, 2)),
        ScorerCase(name: "labels past the row limit are left out", found: [span(0, 0, 0, 5)],
                   labels: [span(0, 0, 0, 5), span(1, 0, 0, 5)], rowLimit: 1, expected: (1, 0, 0)),
        ScorerCase(name: "nothing found", found: [], labels: [span(0, 0, 0, 5)], expected: (0, 0, 1)),
    ]

    // MARK: - CSV reader

    /// A cell as the reader's cases state it: row, column, value, quoted, ends its record.
    private struct ExpectedCell: Equatable {
        var row: Int, column: Int
        var value: String
        var quoted: Bool, endsRecord: Bool
        init(_ row: Int, _ column: Int, _ value: String, quoted: Bool = false, endsRecord: Bool = false) {
            (self.row, self.column, self.value, self.quoted, self.endsRecord) = (row, column, value, quoted, endsRecord)
        }
    }

    private struct ReaderCase {
        var name: String
        var csv: String
        var hasHeader = true
        var expected: [ExpectedCell]
    }

    private static let readerCases: [ReaderCase] = [
        ReaderCase(name: "header, plain fields, final LF", csv: "a,b\n1,x\n", expected: [
            ExpectedCell(-1, 0, "a"), ExpectedCell(-1, 1, "b", endsRecord: true),
            ExpectedCell(0, 0, "1"), ExpectedCell(0, 1, "x", endsRecord: true)]),
        ReaderCase(name: "quotes, doubled quotes, delimiter and LF inside, no final LF",
                   csv: "1,\"say \"\"hi\"\", a,b\nnext\",\"\"\n2,", hasHeader: false, expected: [
            ExpectedCell(0, 0, "1"), ExpectedCell(0, 1, "say \"hi\", a,b\nnext", quoted: true),
            ExpectedCell(0, 2, "", quoted: true, endsRecord: true),
            ExpectedCell(1, 0, "2"), ExpectedCell(1, 1, "", endsRecord: true)]),
        ReaderCase(name: "CRLF record ends, CR kept inside quotes", csv: "a\r\n\"x\r\ny\"\r\n", expected: [
            ExpectedCell(-1, 0, "a", endsRecord: true), ExpectedCell(0, 0, "x\r\ny", quoted: true, endsRecord: true)]),
        ReaderCase(name: "UTF-8 kept as bytes", csv: "é,\"ß\"\"\"\n", hasHeader: false, expected: [
            ExpectedCell(0, 0, "é"), ExpectedCell(0, 1, "ß\"", quoted: true, endsRecord: true)]),
    ]

    private static func readCells(_ csv: String, hasHeader: Bool) -> [ExpectedCell] {
        let bytes = Array(csv.utf8)
        var reader = CSVCellReader(hasHeader: hasHeader)
        return bytes.withUnsafeBufferPointer { b in
            reader.reset(b)
            var cells: [ExpectedCell] = []
            while let c = reader.next() {
                cells.append(ExpectedCell(c.row, c.column, String(decoding: c.value, as: UTF8.self), quoted: c.quoted, endsRecord: c.endsRecord))
            }
            return cells
        }
    }
}
