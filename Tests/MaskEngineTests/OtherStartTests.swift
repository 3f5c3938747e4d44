import Testing
import WireTestSupport
@testable import MaskEngine

/// Values that start with a token byte that is no letter or digit (`-`, `_`, `.`, `~`) and run on for
/// 16 token bytes: the stage-1 kernel keeps such a start (`mk_block_masks.otherstart`) only where a
/// token can start there, so a column of negative numbers with many digits is passed by the column
/// batches' walk, and an Azure AD client secret that starts with such a byte is still found, whatever
/// the CSV delimiter (a token byte delimiter leaves no run start for the kernel to judge) and on the
/// wire.
@Suite struct OtherStartTests {
    /// An Azure AD client secret's shape (three bytes, a digit, `Q~`, 31 to 34 more) after each head.
    static let secrets = ["-x81Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456", ".a92Q~AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
                          "_b93Q~AbCdEfGhIjKlMnOpQrStUvWxYz012345", "~c94Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456"]
    static let numbers = ["-122.41941550000001", "-4451292327690245680", "-70.679718965139841", "-0.000000000000000001"]

    @Test(arguments: [",", ";", "\t", "|", "_"])
    func csvFindsSecretsAfterAnyDelimiter(_ delimiter: String) {
        let d = Character(delimiter)
        var text = "id\(d)value\(d)other\n"
        for (i, secret) in Self.secrets.enumerated() {
            // A `_` delimiter would cut the secret that starts with one: it stays the second field's.
            let value = delimiter == "_" && secret.hasPrefix("_") ? "x" : secret
            text += "\(i)\(d)\(value)\(d)\(Self.numbers[i])\n"
        }
        let (output, report, _, error) = maskStream(Array(text.utf8), delimiter: d.asciiValue!)
        #expect(error == nil)
        let masked = String(decoding: output, as: UTF8.self)
        for secret in Self.secrets where !(delimiter == "_" && secret.hasPrefix("_")) {
            #expect(!masked.contains(secret.dropFirst()), "\(secret) left with delimiter \(delimiter)")
        }
        // The numbers are no secrets, and nothing else is found.
        for number in Self.numbers { #expect(masked.contains(number), "\(number) changed") }
        let expected = delimiter == "_" ? Self.secrets.count - 1 : Self.secrets.count
        #expect(report.split(separator: "\n").count == expected, "report: \(report)")
    }

    @Test func wireCellsFindSecretsAndPassNumbers() {
        var stream = Wire.rowDescription([("value", PostgresType.text), ("other", PostgresType.text)])
        for (i, secret) in Self.secrets.enumerated() { stream += Wire.dataRow([secret, Self.numbers[i]]) }
        let (output, report, _, error) = maskStream(stream + Wire.commandComplete, format: .wire)
        #expect(error == nil)
        let masked = String(decoding: output, as: UTF8.self)
        for secret in Self.secrets { #expect(!masked.contains(secret.dropFirst()), "\(secret) left") }
        for number in Self.numbers { #expect(masked.contains(number), "\(number) changed") }
        #expect(report.split(separator: "\n").count == Self.secrets.count, "report: \(report)")
    }
}
