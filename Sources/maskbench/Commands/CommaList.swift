import Foundation
import ArgumentParser

/// A comma-separated option value (`--format csv,wire`), each item parsed as `Element`.
struct CommaList<Element: ExpressibleByArgument & Equatable>: ExpressibleByArgument {
    var items: [Element]

    init(_ items: [Element]) { self.items = items }

    init?(argument: String) {
        var items: [Element] = []
        for part in argument.split(separator: ",") {
            guard let item = Element(argument: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            if !items.contains(item) { items.append(item) }
        }
        guard !items.isEmpty else { return nil }
        self.items = items
    }

    var defaultValueDescription: String { items.map { "\($0.defaultValueDescription)" }.joined(separator: ",") }
}
