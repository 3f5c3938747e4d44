import ArgumentParser

/// The forms a corpus is measured in, named as `maskd pipe --format` names them.
enum CorpusFormat: String, CaseIterable, ExpressibleByArgument, Codable, Comparable {
    case csv
    case wire
    case pgdump
    /// COPY's text format and text lines: the user's files only (`--input`; `--input-format` but for JSON
    /// Lines, which maskd detects); generated corpora come in the three forms above.
    case copy
    case lines

    /// The forms a generated corpus is made in.
    static let generated: [CorpusFormat] = [.csv, .wire, .pgdump]

    /// The file extension of this form in the corpus cache.
    var fileExtension: String { self == .pgdump ? "sql" : rawValue }

    static func < (a: CorpusFormat, b: CorpusFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How much PII a generated corpus holds (Corpora/generate.py --density).
enum Density: String, CaseIterable, ExpressibleByArgument, Codable {
    /// The `activity` table with no PII at all: ids, words, numbers, timestamps, uuids, hard negatives.
    case none
    /// The `activity` table with about one PII value per 4 KB.
    case sparse
    /// The `mixed` table: about one PII value per 170 bytes.
    case dense

    /// The table generate.py writes for this density.
    var table: String { self == .dense ? "mixed" : "activity" }
}
