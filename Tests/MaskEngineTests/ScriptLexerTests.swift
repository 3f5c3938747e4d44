import Foundation
import Testing
@testable import MaskEngine

/// What hides a dump's line from being read as a statement (`ScriptLexer`), and what the splitter does
/// with such lines.
@Suite struct ScriptLexerTests {
    /// Whether each line of `script` starts at the top level.
    static func tops(_ script: String) -> [Bool] {
        var lexer = ScriptLexer()
        var result: [Bool] = []
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            result.append(lexer.atTopLevel)
            Array((line + "\n").utf8).withUnsafeBufferPointer { lexer.read(line: $0) }
        }
        return result
    }

    @Test func functionBodiesStringsAndCommentsHideTheirLines() {
        // A plpgsql body as pg_dump writes it, its own dollar quote inside ($q$ in $_$).
        #expect(Self.tops("CREATE FUNCTION f() AS $_$\nINSERT INTO t VALUES (1);\nRETURN $q$\nCOPY t FROM stdin;\n$q$;\nEND $_$;\nX")
                == [true, false, false, false, false, false, true])
        // A comment's string over lines, with a doubled quote; an escape string's `\'`.
        #expect(Self.tops("COMMENT ON TABLE t IS 'a\nit''s\nb';\nX") == [true, false, false, true])
        #expect(Self.tops("SELECT E'a\\'\nb';\nX") == [true, false, true])
        // Without E a backslash escapes nothing (standard_conforming_strings on, as pg_dump sets it)...
        #expect(Self.tops("SELECT 'a\\';\nX") == [true, true])
        // ...and with it off, every string's does.
        #expect(Self.tops("SET standard_conforming_strings = off;\nSELECT 'a\\';\nb';\nX") == [true, true, false, true])
        // A quoted name with a quote and dollars, a line comment with a quote, nested block comments.
        #expect(Self.tops("CREATE TABLE \"it's $$ odd\" (id int);\nX") == [true, true])
        #expect(Self.tops("-- Name: it's; Type: TABLE\nX") == [true, true])
        #expect(Self.tops("/* a /* b */\nINSERT */ SELECT 1;\nX") == [true, false, true])
        // `$1`, an identifier with dollars and a lone `$` open nothing; psql's meta-commands are no SQL.
        #expect(Self.tops("SELECT $1, a$b$c, 1 $ 2;\nX") == [true, true])
        #expect(Self.tops("\\connect -reuse-previous=on \"dbname='it''s\"\nX") == [true, true])
        #expect(Self.tops("\\restrict abc'def\nX") == [true, true])
    }

    /// Line by line or all at once, the lexer ends in the same state: it carries nothing across a line
    /// that a line break would not.
    @Test func linesReadOneByOneEndWhereTheWholeTextDoes() {
        var g = StageOneTests.Generator(state: 0x5C41)
        let pieces = ["'", "''", "E'", "\\'", "$$", "$_$", "$q$", "\"", "--", "/*", "*/", "\n", "a", " ", "$1", "x$y$", "\\"]
        for _ in 0..<2000 {
            let text = (0..<Int(g.next() % 12)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            var whole = ScriptLexer()
            Array(text.utf8).withUnsafeBufferPointer { whole.read(line: $0) }
            var byLine = ScriptLexer()
            var line: [UInt8] = []
            for b in text.utf8 {
                line.append(b)
                if b == 10 { line.withUnsafeBufferPointer { byLine.read(line: $0) }; line = [] }
            }
            line.withUnsafeBufferPointer { byLine.read(line: $0) }
            // Meta-command lines are skipped as lines, so only texts without a backslash compare.
            if !text.contains("\\") { #expect(whole.state == byLine.state, "\(text.debugDescription)") }
        }
    }

    /// A trigger function whose body has flush-left INSERTs, and a comment whose string holds a COPY line:
    /// both failed or broke the dump; their lines pass as text (an address in them masked), and the
    /// real block after them is masked.
    @Test func aDumpWithInsertsInAFunctionBodyMasks() {
        let input = PgDumpTests.header
            + "CREATE FUNCTION public.audit() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n"
            + "INSERT INTO log VALUES (now(), 'x@example.com');\nINSERT INTO log (at, who) VALUES (now(), current_user);\n"
            + "RETURN NEW;\nEND $$;\n\n"
            + "COMMENT ON TABLE public.people IS 'Example:\nCOPY people FROM stdin;\ndone';\n\n"
            + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n"
            + "1\tann@example.com\t\\N\t123-45-6789\t\\N\t\\N\n\\.\n"
        let (out, _, error) = PgDumpTests().mask(input)
        #expect(error == nil)
        #expect(out.contains("INSERT INTO log (at, who) VALUES (now(), current_user);\nRETURN NEW;\nEND $$;\n"))
        #expect(out.contains("Example:\nCOPY people FROM stdin;\ndone';\n"))
        for original in ["x@example.com", "ann@example.com", "123-45-6789"] { #expect(!out.contains(original)) }
    }

    /// A string that never closes: the run fails at the line where it opens, and nothing of it (nor the
    /// rows it swallowed as its text, with their SSN) is written.
    @Test func aStringThatNeverClosesFailsWhereItOpens() {
        let input = PgDumpTests.header + "COMMENT ON TABLE public.people IS 'oops;\n\n"
            + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n"
            + "1\t\\N\t\\N\t123456789\t\\N\t\\N\n\\.\n"
        for chunk in [64, 1 << 20] {
            let (out, _, error) = PgDumpTests().mask(input, chunk: chunk)
            let failure = error as? StreamError
            #expect(failure?.location.line == PgDumpTests.header.filter { $0 == "\n" }.count + 1)
            let kind = failure.map { "\($0.kind)" } ?? ""
            #expect(kind.contains("a string that opens on this line never closes"))
            #expect(!out.contains("oops"))
            #expect(!out.contains("123456789"))
        }
    }
}

/// The dump splitter's reading of script lines: the same text as Foundation's trimming, and input taken
/// in any pieces reads back as the stream.
@Suite struct ScriptLineReadingTests {
    @Test func lineTextIsFoundationsTrimmedLine() {
        var g = StageOneTests.Generator(state: 0x11E7)
        let pieces: [[UInt8]] = [[10], [13], [11], [12], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xE2, 0x80, 0xA0],
                                 Array("COPY t (a) FROM stdin;".utf8), [0xC3, 0xA9], [0xFF], Array(" x".utf8), [32]]
        for _ in 0..<3000 {
            let line = (0..<Int(g.next() % 6)).flatMap { _ in pieces[Int(g.next() % UInt64(pieces.count))] }
            let expected = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .newlines)
            #expect(PgDumpSplitter.lineText(line) == expected, "\(line)")
        }
    }

    /// Takes of every size (a short piece copied out, most of the buffer handed over whole) and refills
    /// between them give back the input's bytes in order.
    @Test func takesInAnyPiecesReadBackTheStream() throws {
        var g = StageOneTests.Generator(state: 0x7A4E)
        for _ in 0..<200 {
            let total = Int(g.next() % 5000)
            let stream = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            var offset = 0
            var input = InputBuffer(source: { buffer in
                let n = min(buffer.count, stream.count - offset, 1 + Int(UInt(bitPattern: offset &* 2654435761) % 700))
                stream.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                offset += n
                return n
            }, chunkBytes: 256)
            var read: [UInt8] = []
            while true {
                try input.fill(atLeast: Int(g.next() % 600))
                if input.count == 0 && input.atEOF { break }
                let n = Int(g.next() % UInt64(input.count + 1))
                let before = input.withBytes { Array($0) }
                let taken = input.take(n)
                #expect(taken == Array(before[..<n]))
                #expect(input.withBytes { Array($0) } == Array(before[n...]))
                read += taken
            }
            #expect(read == stream)
        }
    }
}

/// A dump with function bodies, multi-line strings and COPY blocks reads the same in any chunk size:
/// the reader's short takes and refills, and a construct read whole across refills, cut nothing.
@Suite struct ScriptChunkingTests {
    @Test func aDumpMasksTheSameInEveryChunkSize() {
        let body = "CREATE FUNCTION public.audit() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $_$\nBEGIN\n"
            + "INSERT INTO log VALUES (now(), 'x@example.com');\nRETURN $q$\nCOPY t FROM stdin;\n$q$;\nEND $_$;\n\n"
            + "COMMENT ON TABLE public.people IS 'it''s\nINSERT INTO people VALUES (1);\nlike 123-45-6789';\n\n"
        let rows = (0..<40).map { "\($0)\tu\($0)@example.com\t\\N\t123-45-67\($0 % 10)\($0 % 7)\t\\N\t\\N\n" }.joined()
        let input = PgDumpTests.header + body
            + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n" + rows + "\\.\n\n"
            + body + "-- PostgreSQL database dump complete\n"
        let (whole, _, error) = PgDumpTests().mask(input)
        #expect(error == nil)
        #expect(!whole.contains("x@example.com") && !whole.contains("123-45-6789") && !whole.contains("u7@example.com"))
        for chunk in [7, 16, 64, 100, 333, 1024, 4096] {
            let (out, _, error) = PgDumpTests().mask(input, chunk: chunk)
            #expect(error == nil, "chunk \(chunk)")
            #expect(out == whole, "chunk \(chunk)")
        }
    }
}
