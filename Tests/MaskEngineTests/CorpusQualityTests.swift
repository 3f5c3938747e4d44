import Foundation
import Testing
@testable import MaskEngine

/// Scores the engine on the committed labelled corpus (Corpora/samples, made by Corpora/generate.py):
/// precision and recall per entity type must both be at least 0.99, in CSV and in wire form, and no
/// labelled original value may survive anywhere in the output. Then on a corpus made without the
/// detectors' assumptions (Corpora/independent: Faker's values, vendor-documented secret formats, other
/// templates), with bounds at what the engine achieves there and every value it leaves in clear named.
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

    // MARK: The independent corpus (Corpora/independent, made by make_corpus.py from Faker's values)

    static let independent = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Corpora/independent").standardized
    static let independentDatasets = ["messages", "accounts"]

    /// The least precision and recall per type on the independent corpus: what the engine achieved when
    /// this was written (in the comments; CSV and wire alike), less a margin of about one value. Not
    /// 0.99 everywhere: the corpus was not written to the detectors' rules, and each value below 1 is a
    /// rule the engine keeps on purpose (listed with `knownSurvivors` and in Corpora/README.md).
    static let independentBounds: [String: [String: (precision: Double, recall: Double)]] = [
        "messages": [
            "email": (precision: 0.99, recall: 0.99),  // 282 of 282 found, none extra
            // 41 of 41; one extra: the digits of a grouped German IBAN (`DE64 6484 4041 9935 6403 22`)
            // are Luhn-valid and in Discover's 644-649 range at 18 digits.
            "credit_card": (precision: 0.95, recall: 0.97),
            "us_ssn": (precision: 0.96, recall: 0.96),  // 32 of 32, none extra
            "secret": (precision: 0.99, recall: 0.99),  // 113 of 113, none extra
        ],
        "accounts": [
            "email": (precision: 0.99, recall: 0.99),  // 434 of 434, none extra
            // 296 of 311, one extra. The 15 missed are Faker's JCB numbers under 3500-3527 and 3590-3599
            // (JCB's IINs are 3528-3589) and its 12-digit Maestro under 0604, 56-58 and 6390 (not Maestro
            // IINs in today's tables), in a column whose name (`payment`) does not say card. The extra:
            // a 13-digit EAN or MSISDN (`4109214284205`) that is Luhn-valid under 4, a Visa-13 shape.
            "credit_card": (precision: 0.99, recall: 0.94),
            "us_ssn": (precision: 0.99, recall: 0.99),  // 360 of 360, none extra
            "secret": (precision: 0.98, recall: 0.98),  // 86 of 86, none extra
        ],
    ]

    /// The report's spans that mask something: a documented example (`AKIAIOSFODNN7EXAMPLE`, a hard
    /// negative here) is reported with kind `documented_example` but kept in clear (secrets.md).
    static func maskedSpans(_ jsonl: String) -> Set<Span> {
        spans(jsonl.split(separator: "\n").filter { !$0.contains("\"kind\":\"documented_example\"") }
            .joined(separator: "\n"))
    }

    @Test(arguments: independentDatasets, ["csv", "wire"])
    func independentCorpusPrecisionAndRecall(_ dataset: String, _ format: String) throws {
        let input = try [UInt8](Data(contentsOf: Self.independent.appendingPathComponent("\(dataset).\(format)")))
        let labels = Self.spans(try String(contentsOf: Self.independent.appendingPathComponent("\(dataset).labels.jsonl"),
                                           encoding: .utf8))
        let result = maskStream(input)
        #expect(result.error == nil)
        let found = Self.maskedSpans(result.report)
        for type in EntityType.builtIns.map(\.name) {
            let l = labels.filter { $0.type == type }, f = found.filter { $0.type == type }
            let bound = try #require(Self.independentBounds[dataset]?[type])
            // Every type is in every table, so neither ratio can be vacuous.
            #expect(!l.isEmpty, "\(dataset) has no \(type) label")
            let truePositives = l.intersection(f).count
            let precision = f.isEmpty ? 0 : Double(truePositives) / Double(f.count)
            let recall = Double(truePositives) / Double(max(l.count, 1))
            #expect(precision >= bound.precision, "\(dataset).\(format) \(type): precision \(precision)")
            #expect(recall >= bound.recall, "\(dataset).\(format) \(type): recall \(recall)")
        }
    }

    @Test(arguments: independentDatasets)
    func noLabelledValueOfTheIndependentCorpusSurvives(_ dataset: String) throws {
        let csv = try [UInt8](Data(contentsOf: Self.independent.appendingPathComponent("\(dataset).csv")))
        let labels = Self.spans(try String(contentsOf: Self.independent.appendingPathComponent("\(dataset).labels.jsonl"),
                                           encoding: .utf8))
        let masked = Self.cellValues(maskStream(csv).output)
        let values = Self.cellValues(csv)
        #expect(masked.count == values.count)
        var survivors: Set<Cell> = []
        for span in labels {
            let cell = Array(values[span.row][span.column].utf8)
            let original = String(decoding: cell[span.start..<span.end], as: UTF8.self)
            if masked[span.row][span.column].contains(original) { survivors.insert(Cell(row: span.row, column: span.column)) }
        }
        let known = Self.knownSurvivors[dataset]!
        #expect(survivors.isSubset(of: known), "\(dataset): labelled values in clear: \(survivors.subtracting(known))")
        #expect(labels.count > 400)
    }

    struct Cell: Hashable { var row, column: Int }

    /// The labelled values the engine leaves in clear, each a card number Faker draws from a wider IIN
    /// range than the networks issue (its JCB 35xx outside 3528-3589, its 12-digit Maestro under 0604,
    /// 56-58 and 6390), in the `payment` column, which is not named like a card column: outside every
    /// issuer range and unannounced, maskd keeps such numbers by rule (cards-and-ssns.md). Any other
    /// value in clear fails the test.
    static let knownSurvivors: [String: Set<Cell>] = [
        "messages": [],
        "accounts": Set([17, 30, 33, 44, 45, 79, 98, 193, 202, 213, 294, 298, 304, 321, 388].map { Cell(row: $0, column: 3) }),
    ]

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
