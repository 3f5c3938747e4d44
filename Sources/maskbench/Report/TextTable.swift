import Foundation

/// A plain-text table with aligned columns: numbers right, text left.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns always aligned left, whatever their cells start with.
    var leftColumns: Set<Int>

    init(_ headers: [String], leftColumns: Set<Int> = []) {
        self.headers = headers
        self.leftColumns = leftColumns
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(indent: String = "  ") -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func isNumeric(_ s: String) -> Bool {
            guard let f = s.first else { return false }
            return f.isNumber || f == "-" && s.count > 1 || f == "×" || f == "~"
        }
        var lines: [String] = []
        for (i, row) in all.enumerated() {
            let cells = headers.indices.map { c -> String in
                let cell = c < row.count ? row[c] : ""
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return i > 0 && !leftColumns.contains(c) && isNumeric(cell) ? pad + cell : cell + pad
            }
            lines.append(indent + cells.joined(separator: "  ").replacing(/\s+$/, with: ""))
            if i == 0 { lines.append(indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }
}

/// How figures are printed in tables.
enum Format {
    static func rate(_ mbPerSecond: Double) -> String {
        mbPerSecond >= 1000 ? String(format: "%.2f GB/s", mbPerSecond / 1000)
            : mbPerSecond >= 10 ? String(format: "%.0f MB/s", mbPerSecond) : String(format: "%.2f MB/s", mbPerSecond)
    }

    static func count(_ n: Double) -> String {
        n >= 1e6 ? String(format: "%.2fM", n / 1e6) : n >= 1e3 ? String(format: "%.1fk", n / 1e3) : String(format: "%.0f", n)
    }

    static func bytes(_ n: Int?) -> String {
        guard let n else { return "-" }
        return n >= 1 << 30 ? String(format: "%.2f GiB", Double(n) / Double(1 << 30))
            : n >= 1 << 20 ? String(format: "%.0f MiB", Double(n) / Double(1 << 20)) : String(format: "%.0f KiB", Double(n) / 1024)
    }

    static func spread(_ s: SampleStats) -> String {
        String(format: "±%.0f%%", s.relativeSpread * 50)
    }

    /// F1 of a detecting baseline; with no labelled value at all (a corpus without PII) F1 means
    /// nothing, so the false positives are shown instead.
    static func f1(_ q: DetectionQuality?) -> String {
        guard let q else { return "-" }
        if q.truePositives + q.falseNegatives == 0 { return "\(q.falsePositives) FP" }
        return String(format: "%.3f", q.f1)
    }

    static func micros(_ us: Double) -> String {
        us >= 1000 ? String(format: "%.1f ms", us / 1000) : String(format: "%.0f µs", us)
    }
}
