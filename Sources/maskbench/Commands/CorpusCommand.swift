import ArgumentParser
import Foundation

/// `maskbench corpus`: makes (or finds) the generated corpora and prints where they are, for other
/// tools and for looking at the bytes.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Generate (once) and print the paths of the corpora a run would measure.",
        discussion: """
            Examples:
              maskbench corpus --size 256MB --density none,sparse,dense --format csv,wire,pgdump
              maskbench corpus --size 2GB --gen-jobs 8 --json
            """)

    @OptionGroup(title: "Corpus") var corpus: CorpusOptions

    @Flag(help: "Print JSON instead of lines.")
    var json = false

    func run() throws {
        try guarded {
            let corpora = try corpus.corpora()
            if json {
                struct Entry: Codable { var label: String; var table: String; var rows: Int; var files: [String: String]; var bytes: [String: Int]; var labels: String? }
                let entries = corpora.map { c in
                    Entry(label: c.label, table: c.table, rows: c.rows,
                          files: Dictionary(uniqueKeysWithValues: c.files.map { ($0.key.rawValue, $0.value) }),
                          bytes: Dictionary(uniqueKeysWithValues: c.bytes.map { ($0.key.rawValue, $0.value) }), labels: c.labelsPath)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                return
            }
            for c in corpora {
                print("\(c.label): table \(c.table), \(c.rows) rows")
                for f in c.formats { print("  \(f.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(c.bytes[f] ?? 0) bytes  \(c.files[f]!)") }
                if let labels = c.labelsPath { print("  labels  \(labels)") }
            }
        }
    }
}
