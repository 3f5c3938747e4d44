import Foundation
@testable import FuzzTargets
import MaskEngine
import Testing

/// The oracle is only worth its runs if it sees a leak when there is one, places canaries where the
/// engine promises to mask them, and stays quiet where a canary is no longer a value.
@Suite struct LeakOracleTests {
    @Test func aNeedleInTheOutputIsALeak() {
        let output = Array("id,x\n1,".utf8) + Canary.all[3].needle + Array("\n".utf8)
        #expect(LeakOracle.check(output, stage: "test") == .leak(canary: Canary.all[3].name, offset: 7, stage: "test"))
        #expect(LeakOracle.check(Array("id,x\n1,4539-xxxx\n".utf8), stage: "test") == .clean)
    }

    /// Each canary, the whole of a CSV cell, is masked by the engine: a canary it did not recognise
    /// would make every target blind to that type.
    @Test(arguments: Canary.all.indices)
    func everyCanaryIsMaskedAsAWholeCell(_ index: Int) {
        // Target controls: one piece, 64-byte chunks, a header, comma; then a quoted marker cell.
        let input: [UInt8] = [0, 0, 1, 0] + Array("id,value\n1,\"".utf8) + [CanaryMarker.lead, UInt8(index)] + Array("\"\n".utf8)
        let spliced = String(decoding: TextCanarySplicer.csv(Array(input[4...]), delimiter: 44), as: UTF8.self)
        #expect(spliced.contains(String(decoding: Canary.all[index].text, as: UTF8.self)))
        #expect(input.withUnsafeBytes { CSVTarget.run($0) } == .clean, "\(Canary.all[index].name)")
    }

    @Test func aMarkerGluedToOtherBytesIsNotACanary() {
        let glued = Array("1,99".utf8) + [CanaryMarker.lead, 1] + Array("\n".utf8)
        #expect(TextCanarySplicer.csv(glued, delimiter: 44) == glued)
        let whole = Array("1,".utf8) + [CanaryMarker.lead, 1] + Array("\n".utf8)
        #expect(TextCanarySplicer.csv(whole, delimiter: 44) == Array("1,".utf8) + Canary.all[1].text + Array("\n".utf8))
    }

    @Test func dumpCanariesSkipColumnsTheEngineDoesNotScan() {
        let head = Array("CREATE TABLE public.t (\n    id integer,\n    seen date,\n    note text\n);\n\nCOPY public.t (id, seen, note) FROM stdin;\n1\t".utf8)
        let marker: [UInt8] = [CanaryMarker.lead, 1]
        let tail = Array("\n\\.\nSELECT 1;\n".utf8)
        let spliced = DumpCanarySplicer.splice(head + marker + [9] + marker + tail)
        // The `date` column keeps its marker; the `text` column gets the Visa number.
        #expect(spliced == head + marker + [9] + Canary.all[1].text + tail)
    }

    @Test func dumpScriptTextGetsNoDigitCanaries() {
        let script = Array("SELECT ".utf8) + [CanaryMarker.lead, 1] + Array(";\n".utf8)
        #expect(DumpCanarySplicer.splice(script) == Array("SELECT ".utf8) + Canary.all[0].text + Array(";\n".utf8))
    }

    @Test func wireCanariesFillMarkerCellsAndFixTheLengths() {
        var row: [UInt8] = [0, 2, 0, 0, 0, 1, UInt8(ascii: "7"), 0, 0, 0, 2, CanaryMarker.lead, 0]
        row = [UInt8(ascii: "D"), 0, 0, 0, UInt8(row.count + 4)] + row
        let spliced = WireCanarySplicer.splice(row)
        let canary = Canary.all[0].text
        #expect(spliced.count == row.count - 2 + canary.count)
        #expect(Array(spliced[1..<5]) == [0, 0, 0, UInt8(spliced.count - 1)])
        #expect(Array(spliced.suffix(canary.count)) == canary)
    }

    /// COPY text holds a needle when any escape form of it decodes to one: the engine writes a rewritten
    /// field decoded and re-escaped, so `2O\\LPib…` in the input is `2OLPib…` in the output.
    @Test func copyTextIsFreeOnlyWhenItsDecodedFormIsFree() {
        let needle = Canary.all.first { $0.name == "secret_aws_secret_access_key" }!.needle
        let escapedL = Array(needle[..<2]) + [92] + Array(needle[2...])
        let octalO = Array(needle[..<1]) + Array("\\117".utf8) + Array(needle[2...])
        let hexL = Array(needle[..<2]) + Array("\\x4C".utf8) + Array(needle[3...])
        for hidden in [escapedL, octalO, hexL] {
            #expect(LeakOracle.isFree(hidden), "as written, no needle")
            #expect(!LeakOracle.isFree(copyText: hidden), "\(String(decoding: hidden, as: UTF8.self))")
        }
        // A doubled backslash is one backslash: the bytes after it stay apart.
        let doubled = Array(needle[..<2]) + [92, 92] + Array(needle[2...])
        #expect(LeakOracle.isFree(copyText: doubled))
        #expect(LeakOracle.copyTextDecoded(Array("a\\tb\\x\\\\\\101\\q".utf8)) == Array("a\tbx\\Aq".utf8))
    }
}
