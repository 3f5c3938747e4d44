import MaskEngine

/// The email detector against ReferenceEmail. Restriction, so that the reference is exact: one '@' per
/// cell, ASCII only; the local part from letters, digits and `. _ + - ! # $ * ^ ~` (no `%`, `&`, `'`,
/// quotes or backslashes: escapes and quoted local parts have rules of their own) after nothing or a
/// byte that ends a local part (space `<` `(` `=` `/` `:` `"`); a domain of lower-case letters, digits
/// and dots (no hyphens, brackets, IDN or punycode) before nothing or a byte that ends a domain.
public enum DifferentialEmail: DifferentialTarget {
    public static let name = "DifferentialEmail"

    static let localBytes = Array("abcdeXYZ0123456789._+-!#$*^~aeiou.")
    static let domainBytes = Array("abcdefghijklmnopqrstuvwxyz0123456789comorgnet..")

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        var input = DifferentialInput(data)
        let prefix = input.choice(["", " ", "<", "(", "=", "/", ":", "\"", "to: ", "x "])
        let local = String((0..<input.number(in: 1...12)).map { _ in input.choice(localBytes) })
        var domain = String((0..<input.number(in: 1...24)).map { _ in input.choice(domainBytes) })
        if input.byte() & 1 == 0 {
            // Half the domains are well formed labels, so that addresses are common.
            let labels = (0..<input.number(in: 1...4)).map { _ in
                String((0..<input.number(in: 1...7)).map { _ in input.choice(Array("abcdefghijklmnopqrstuvwxyz0123456789com")) })
            }
            domain = labels.joined(separator: ".")
        }
        let suffix = input.choice(["", " ", ">", ")", ",", ";", "\"", ".", "!", "?", ". ", "\n"])
        let cell = Array(prefix + local + "@" + domain + suffix)
        let at = prefix.count + local.count
        let expected = ReferenceEmail.span(cell, at: at, localStart: prefix.count, domainEnd: at + 1 + domain.count)
        // A local part ending in a number the card or SSN detector accepts: that number is found first
        // and the email starts after it (emails.md). The digit findings must then lie inside the
        // reference's local part, and the email must cover the rest of the reference span.
        let bytes = Array(String(cell).utf8)
        if let reference = expected {
            let digits = DifferentialScan.findings(in: bytes).filter { $0.type == .creditCard || $0.type == .usSSN }
            if let last = digits.last(where: { $0.start >= reference.lowerBound && $0.end <= at }) {
                return DifferentialScan.compare(bytes, .email, expected: [last.end..<reference.upperBound])
            }
        }
        return DifferentialScan.compare(bytes, .email, expected: expected.map { [$0] } ?? [])
    }
}
