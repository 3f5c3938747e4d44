import Testing
@testable import MaskEngine
import WireTestSupport

/// A policy's custom detectors as the engine runs them: their findings carry their own type and name,
/// their tokens are keyed apart from every built-in type and stable when detectors are reordered, a
/// column name announces them, and a bad pattern is refused with its line.
@Suite struct CustomTypeTests {
    static func policy(_ detectors: String, extra: String = "") throws(PolicyError) -> MaskPolicy {
        try PolicyFile.parse("version: 1\n\(extra)detectors:\n\(detectors)")
    }

    static func csv(_ text: String, _ policy: MaskPolicy) -> (out: String, report: String) {
        let r = maskStream(Array(text.utf8), format: .csv, policy: policy)
        return (String(decoding: r.output, as: UTF8.self), r.report)
    }

    @Test func aCustomMatchIsMaskedAndReportedUnderItsName() throws {
        let p = try Self.policy("  - {name: employee_id, pattern: 'EMP-[0-9]{6}'}\n")
        let (out, report) = Self.csv("id,note\n1,badge EMP-123456 issued\n", p)
        #expect(!out.contains("EMP-123456"), "\(out)")
        #expect(out.contains("badge ") && out.contains(" issued"), "only the span is replaced: \(out)")
        #expect(report.contains("\"type\":\"employee_id\""), "\(report)")
        let token = out.split(separator: " ")[1]
        #expect(token.count == 10, "a same-length token: \(out)")
    }

    @Test func customTokensAreKeyedApartFromBuiltInsAndStableUnderReordering() throws {
        // The same bytes found as a secret (an assignment) and as a custom type get different tokens.
        let a = try Self.policy("  - {name: code_a, pattern: 'Zq7[A-Za-z0-9]{13}'}\n  - {name: code_b, pattern: 'Yk4[0-9]{6}'}\n")
        let b = try Self.policy("  - {name: code_b, pattern: 'Yk4[0-9]{6}'}\n  - {name: code_a, pattern: 'Zq7[A-Za-z0-9]{13}'}\n")
        let input = "id,note\n1,ref Zq7Hh3Kd9Lm2Np4Qr ok\n"
        let first = Self.csv(input, a).out, second = Self.csv(input, b).out
        #expect(first == second, "reordering detectors keeps tokens: \(first) vs \(second)")
        let secret = Self.csv("id,note\n1,password=Zq7Hh3Kd9Lm2Np4Qr\n", .default).out
        let customToken = first.split(separator: " ")[1]
        let secretToken = secret.split(separator: "=")[1].split(separator: "\n")[0]
        #expect(customToken.count == secretToken.count && customToken != secretToken,
                "a custom type never shares a token with a secret: \(customToken) vs \(secretToken)")
        // Two custom types with the same value: two tokens.
        let twins = try Self.policy("  - {name: one, pattern: 'Qx[0-9]{8}', context: [one]}\n  - {name: two, pattern: 'Qx[0-9]{8}', context: [two]}\n")
        let (out, _) = Self.csv("id,one,two\n1,Qx12345678,Qx12345678\n", twins)
        let fields = out.split(separator: "\n")[1].split(separator: ",")
        #expect(fields[1] != fields[2] && !out.contains("Qx12345678"), "\(out)")
    }

    @Test func contextWordsInTheCellOrTheColumnName() throws {
        let p = try Self.policy("  - {name: ticket, pattern: 'T[0-9]{5}', context: [ticket]}\n")
        let (out, _) = Self.csv("id,note,ticket_ref\n1,see T12345,T55555\n2,ticket T22222,x\n", p)
        let rows = out.split(separator: "\n")
        #expect(rows[1].hasPrefix("1,see T12345,") && !rows[1].contains("T55555"), "the column name announces: \(out)")
        #expect(!rows[2].contains("T22222"), "the word in the cell: \(out)")
    }

    @Test func theWireCellsOfACustomTypeAreMasked() throws {
        let p = try Self.policy("  - {name: employee_id, pattern: 'EMP-[0-9]{6}', action: redact}\n")
        let input = Wire.rowDescription([("id", 23), ("badge", 25)]) + Wire.dataRow(["1", "EMP-123456"])
            + Wire.commandComplete + Wire.readyForQuery
        let r = maskStream(input, format: .wire, policy: p)
        let out = String(decoding: r.output, as: UTF8.self)
        #expect(out.contains("**********") && !out.contains("EMP-123456"), "\(out)")
        #expect(r.summary?.count(EntityType(customIndex: 0)) == 1)
    }

    @Test func aHostilePatternMasksTheWholeCell() throws {
        let p = try Self.policy("  - {name: evil, pattern: '(a+)+$'}\n")
        let cell = String(repeating: "a", count: 1 << 20) + "!"
        let (out, report) = Self.csv("id,x\n1,\(cell)\n", p)
        #expect(!out.contains("aaaa"), "the cell is masked whole")
        #expect(report.contains("\"type\":\"evil\"") && report.contains("\"start\":0,\"end\":\(cell.utf8.count)"), "\(report.prefix(300))")
    }

    /// A detector whose type an identity may see (`keep`) still cannot pass a cell it could not finish:
    /// that cell stands for every value it may hold, an email included.
    @Test func aCellPastThePatternLimitIsMaskedEvenWhereItsTypeIsKept() throws {
        let p = try Self.policy("  - {name: evil, pattern: '(a+)+$', action: keep}\n")
        let cell = "ann@example.com " + String(repeating: "a", count: 1 << 20) + "!"
        let (out, report) = Self.csv("id,x\n1,\(cell)\n", p)
        #expect(!out.contains("ann@example.com") && !out.contains("aaaa"), "\(out.prefix(80))")
        #expect(report.contains("\"kind\":\"pattern_limit\""), "\(report.prefix(300))")
    }

    @Test func aBadPatternIsRefusedWithItsLine() {
        #expect(throws: PolicyError.self) { try Self.policy("  - {name: broken, pattern: 'EMP-[0-9'}\n") }
        do throws(PolicyError) {
            _ = try Self.policy("  - name: broken\n    pattern: 'EMP-(['\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 4 && error.message.contains("broken") && error.message.contains("does not compile"), "\(error)")
        }
        do throws(PolicyError) {
            _ = try Self.policy("  - name: empty\n    pattern: 'x*'\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 4 && error.message.contains("empty string"), "\(error)")
        }
    }
}
