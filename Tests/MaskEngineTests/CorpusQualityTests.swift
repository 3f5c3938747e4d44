import Foundation
import Testing
@testable import MaskEngine

/// Scores the engine on the committed labelled corpus (Corpora/samples, made by Corpora/generate.py):
/// precision and recall per entity type must both be at least 0.99, in CSV and in wire form, and no
/// labelled original value may survive anywhere in the output.
@Suite struct CorpusQualityTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Corpora/samples").standardized
    static let datasets = ["users", "payments", "credentials", "tickets", "events"]

    struct Span: Hashable { var row, column, start, end: Int; var type: String }

    static func spans(_ jsonl: String) -> Set<Span> {
        Set(jsonl.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Span(row: o["row"] as! Int, column: o["column"] as! Int, start: o["start"] as! Int,
                        end: o["end"] as! Int, type: o["type"] as! String)
        })
    }

    @Test(arguments: datasets, ["csv", "wire"])
    func precisionAndRecall(_ dataset: String, _ format: String) throws {
        let input = try [UInt8](Data(contentsOf: Self.samples.appendingPathComponent("\(dataset).\(format)")))
        let labelText = try String(contentsOf: Self.samples.appendingPathComponent("\(dataset).labels.jsonl"), encoding: .utf8)
        let labels = Self.spans(labelText)
        let result = maskStream(input)
        #expect(result.error == nil)
        let found = Self.spans(result.report)
        for type in EntityType.builtIns.map(\.name) {
            let l = labels.filter { $0.type == type }, f = found.filter { $0.type == type }
            if l.isEmpty && f.isEmpty { continue }
            let truePositives = l.intersection(f).count
            let precision = f.isEmpty ? 1 : Double(truePositives) / Double(f.count)
            let recall = l.isEmpty ? 1 : Double(truePositives) / Double(l.count)
            #expect(precision >= 0.99, "\(dataset).\(format) \(type): precision \(precision)")
            #expect(recall >= 0.99, "\(dataset).\(format) \(type): recall \(recall)")
        }
    }

    @Test(arguments: datasets)
    func noLabelledValueSurvives(_ dataset: String) throws {
        let csv = try [UInt8](Data(contentsOf: Self.samples.appendingPathComponent("\(dataset).csv")))
        let labels = Self.spans(try String(contentsOf: Self.samples.appendingPathComponent("\(dataset).labels.jsonl"), encoding: .utf8))
        let masked = Self.cellValues(maskStream(csv).output)
        // Rebuild the original values from the CSV itself; masking keeps rows and columns in place.
        let values = Self.cellValues(csv)
        #expect(masked.count == values.count)
        var checked = 0
        for span in labels {
            let cell = Array(values[span.row][span.column].utf8)
            let original = String(decoding: cell[span.start..<span.end], as: UTF8.self)
            guard original.utf8.count >= 8 else { continue }
            #expect(!masked[span.row][span.column].contains(original),
                    "\(dataset) row \(span.row) column \(span.column) \(span.type) survived")
            checked += 1
        }
        #expect(checked > 100)
    }

    /// A plain RFC 4180 reader, independent of the engine's, for the test's own use.
    static func cellValues(_ bytes: [UInt8]) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var quoted = false, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else { field.append(b) }
            } else if b == UInt8(ascii: "\"") { quoted = true }
            else if b == UInt8(ascii: ",") { row.append(String(decoding: field, as: UTF8.self)); field = [] }
            else if b == UInt8(ascii: "\n") {
                row.append(String(decoding: field, as: UTF8.self)); field = []
                rows.append(row); row = []
            } else if b != UInt8(ascii: "\r") { field.append(b) }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { row.append(String(decoding: field, as: UTF8.self)); rows.append(row) }
        return Array(rows.dropFirst())
    }
}
