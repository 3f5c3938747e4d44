import Foundation
import Testing
@testable import MaskEngine

/// SSNs announced by the words before them: a bare or dotted nine-digit number is an SSN within four
/// words after `SSN`, `social security`, `SS#`, `soc sec`, in any column; never without them.
@Suite struct SSNContextTests {
    static let announced: [(String, [String])] = [
        ("my SSN is 536904399", ["us_ssn:536904399"]),
        ("SSN: 536.90.4399", ["us_ssn:536.90.4399"]),
        ("SSN#536904399", ["us_ssn:536904399"]),
        ("ssn# 536.90.4399.", ["us_ssn:536.90.4399"]),
        ("SSNs: 536904399", ["us_ssn:536904399"]),
        ("SS# 536904399", ["us_ssn:536904399"]),
        ("social security number: 536904399", ["us_ssn:536904399"]),
        ("Social Security No. 536.90.4399", ["us_ssn:536.90.4399"]),
        ("SOCIAL SECURITY # 536904399", ["us_ssn:536904399"]),
        ("soc sec # 536904399", ["us_ssn:536904399"]),
        ("Soc. Sec. No.: 536904399", ["us_ssn:536904399"]),
        ("{\"ssn\": \"536904399\"}", ["us_ssn:536904399"]),
        ("user_ssn=536904399", ["us_ssn:536904399"]),
        ("customerSSN=536904399", ["us_ssn:536904399"]),
        ("socialSecurityNumber: 536.90.4399", ["us_ssn:536.90.4399"]),
        ("SSN of the applicant: 536904399", ["us_ssn:536904399"]),  // three words between
        ("my social security number on file: 536904399", ["us_ssn:536904399"]),  // `security` fourth word back
        ("SSN 536.90 4399", ["us_ssn:536.90 4399"]),  // a dot and a space
        ("SSN 536904399 and 219099999", ["us_ssn:536904399", "us_ssn:219099999"]),  // `and`, the first number, `SSN`
        ("ssn 536-90-4399", ["us_ssn:536-90-4399"]),  // hyphens need no context
    ]

    @Test(arguments: announced)
    func announcedSSNsAreMasked(_ input: String, _ expected: [String]) {
        #expect(spans(in: input) == expected, "\(input)")
    }

    static let notAnnounced: [(String, [String])] = [
        ("invoice 536904399", []),
        ("536904399", []),
        ("536.90.4399", []),  // a dotted triple: a version or an address as often
        ("v536.90.4399", []),
        ("SSN: 000-12-3456", []),  // never issued
        ("SSN: 666904399", []),
        ("SSN: 912904399", []),
        ("SSN: 536004399", []),
        ("SSN: 536900000", []),
        ("SSN was changed by the clerk on 536904399", []),  // keyword five words back
        ("SSN updated\n536904399", []),  // another line
        ("SSN; invoice 536904399", []),
        ("ssn | 536904399", []),
        ("lesson 536904399", []),  // a keyword inside a word
        ("ssnx 536904399", []),
        ("7ssn 536904399", []),
        ("classy 536904399", []),
        ("SS 536904399", []),  // `SS` needs its `#`
        ("social 536904399", []),
        ("security 536904399", []),
        ("SSN 5369043991", []),  // ten digits
        ("SSN 53690439", []),  // eight digits
        ("SSN 536904399x", []),  // glued to a letter
        ("SSN 12 536904399", []),  // inside a longer group
        ("SSN 536904399-12", []),
        ("SSN 536.904.399", []),  // 3-3-3
        ("SSN 1.536.90.4399", []),  // continued on the left
        ("SSN 536.90.4399.1", []),  // continued on the right
    ]

    @Test(arguments: notAnnounced)
    func unannouncedOrImpossibleNumbersStay(_ input: String, _ expected: [String]) {
        #expect(spans(in: input) == expected, "\(input)")
    }

    /// An SSN column announces every value, whatever the words.
    @Test func anSSNColumnAnnouncesBareAndDottedValues() {
        let column = ColumnContext(bareSSN: true)
        #expect(spans(in: "536904399", context: column) == ["us_ssn:536904399"])
        #expect(spans(in: "536.90.4399", context: column) == ["us_ssn:536.90.4399"])
        #expect(spans(in: "666.90.4399", context: column) == [])
    }

    /// Mixed separators: an SSN's shape with or without words (issue 12 item 10, turned around).
    @Test(arguments: ["536-90 4399", "536 90-4399"])
    func mixedSeparatorsAreSSNs(_ input: String) {
        #expect(spans(in: input) == ["us_ssn:\(input)"])
        #expect(spans(in: "12 \(input)") == [], "continued on the left")
        #expect(spans(in: "\(input)-12") == [], "continued on the right")
    }

    /// The number of words between keyword and number decides: up to three, never four.
    @Test(arguments: 0...6)
    func wordsBetweenKeywordAndNumber(_ between: Int) {
        let filler = Array(repeating: "the", count: between).joined(separator: " ")
        let text = "SSN \(filler) 536904399"
        #expect(spans(in: text) == (between <= 3 ? ["us_ssn:536904399"] : []), "\(text)")
    }

    /// A million random nine-digit numbers (ten lines of 100,000) with no words before them: none is an
    /// SSN. The same numbers each after `SSN:` are SSNs exactly when issuable.
    @Test func randomNineDigitNumbers() {
        var g = StageOneTests.Generator(state: 9)
        var flaggedBare = 0
        for _ in 0..<10 {
            var text = ""
            for _ in 0..<100_000 { text += String(format: "%09d", Int(g.next() % 1_000_000_000)) + "\n" }
            flaggedBare += findings(in: text).count
        }
        #expect(flaggedBare == 0, "random nine-digit numbers without context flagged: \(flaggedBare) in 1,000,000")
        var announced = ""
        var issuable = 0
        for _ in 0..<20_000 {
            let n = Int(g.next() % 1_000_000_000)
            let area = n / 1_000_000, group = n / 10_000 % 100, serial = n % 10_000
            if area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 { issuable += 1 }
            announced += "SSN: " + String(format: "%09d", n) + "\n"
        }
        #expect(findings(in: announced).count == issuable)
    }
}
