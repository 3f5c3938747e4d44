import Testing
@testable import MaskEngine

/// Cards and SSNs in a dump's script text: found inside its literals (data), not in its SQL's numbers.
@Suite struct ScriptTextScanTests {
    @Test func literalsAreScannedForCardsAndSSNsTheSQLAroundThemIsNot() {
        let input = PgDumpTests.header
            + "COMMENT ON COLUMN public.people.ssn IS 'like 123-45-6789, paid with 4111 1111 1111 1111';\n"
            + "CREATE FUNCTION public.f() RETURNS text\n    LANGUAGE sql\n    AS $_$SELECT '5500 0000 0000 0004'::text$_$;\n"
            + "SELECT pg_catalog.setval('public.people_id_seq', 4111111111111111, true);\n"
            + "ALTER TABLE public.people ALTER COLUMN born SET DEFAULT '2001-01-01';\n"
        let (out, _, error) = PgDumpTests().mask(input)
        #expect(error == nil)
        for original in ["123-45-6789", "4111 1111 1111 1111", "5500 0000 0000 0004"] {
            #expect(!out.contains(original), "\(original) in a literal")
        }
        // The sequence's value is SQL, not a card: kept, as the date default is.
        #expect(out.contains("SELECT pg_catalog.setval('public.people_id_seq', 4111111111111111, true);\n"))
        #expect(out.contains("SET DEFAULT '2001-01-01';\n"))
        // The lines around the literals are as they were.
        #expect(out.contains("COMMENT ON COLUMN public.people.ssn IS 'like "))
        #expect(out.contains("    AS $_$SELECT '"))
    }

    @Test func literalSpansAreTheContentsOfStringsAndBodies() {
        let text = "A 'x' $$y$$ \"q'\" -- 'z'\nE'\\'w' $t$\nv$t$ 'open"
        let spans = Array(text.utf8).withUnsafeBufferPointer { ScriptLexer.literalSpans($0) }
        let contents = spans.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
        #expect(contents == ["x", "y", "\\'w", "\nv", "open"])
    }

    @Test func piecesLeaveTheHolesOut() {
        #expect(ScriptTextScan.pieces(of: 0..<10, without: [2..<4, 6..<7]) == [0..<2, 4..<6, 7..<10])
        #expect(ScriptTextScan.pieces(of: 3..<8, without: [0..<4, 7..<12]) == [4..<7])
        #expect(ScriptTextScan.pieces(of: 3..<8, without: [0..<12]) == [])
        #expect(ScriptTextScan.pieces(of: 3..<8, without: []) == [3..<8])
    }
}
