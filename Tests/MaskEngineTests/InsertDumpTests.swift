import Testing
@testable import MaskEngine

/// pg_dump scripts of INSERT statements (`--inserts`, `--column-inserts`, `--rows-per-insert`): their
/// rows are masked as the same rows in a COPY block are (same tokens, same fitting to the columns'
/// types), every byte around a changed literal is kept, and a statement pg_dump would not write fails
/// the run rather than pass through.
@Suite struct InsertDumpTests {
    static let schema = """
        SET standard_conforming_strings = on;

        CREATE TABLE public.people (
            id integer NOT NULL,
            email character varying(20) NOT NULL,
            "Contact Email" text,
            ssn text,
            card bigint,
            password text,
            shout text GENERATED ALWAYS AS (upper(email)) STORED
        );


        """

    /// The rows as COPY writes them (the generated column is not in a COPY block).
    static let copyRows = [
        "1\tann@example.com\tann.o'brien@example.org\t123-45-6789\t4111111111111111\ts*36SUU48b",
        "2\tbob@example.com\tline1\\nline2 with \\\\backslash carl@example.net\t\\N\t\\N\thunter2",
        "3\tno-pii\tplain words\t\\N\t42\t\\N",
    ]
    static let columns = #"id, email, "Contact Email", ssn, card, password"#
    static let literals = [
        #"1, 'ann@example.com', 'ann.o''brien@example.org', '123-45-6789', 4111111111111111, 's*36SUU48b'"#,
        #"2, 'bob@example.com', E'line1\nline2 with \\backslash carl@example.net', NULL, NULL, 'hunter2'"#,
        #"3, 'no-pii', 'plain words', NULL, 42, NULL"#,
    ]

    static var copyDump: String {
        schema + "COPY public.people (\(columns)) FROM stdin;\n" + copyRows.map { $0 + "\n" }.joined() + "\\.\n"
    }

    /// The same rows in each form pg_dump writes.
    static var insertDumps: [String: String] {
        [
            "--inserts": schema + literals.map { "INSERT INTO public.people VALUES (\($0), DEFAULT);\n" }.joined(),
            "--column-inserts": schema + literals.map { "INSERT INTO public.people (\(columns)) VALUES (\($0));\n" }.joined(),
            "--rows-per-insert": schema + "INSERT INTO public.people OVERRIDING SYSTEM VALUE VALUES\n"
                + literals.map { "\t(\($0), DEFAULT)" }.joined(separator: ",\n") + " ON CONFLICT DO NOTHING;\n",
        ]
    }

    func mask(_ text: String, chunk: Int = 1 << 20) -> (String, Error?) {
        let r = maskStream(Array(text.utf8), format: .pgdump, chunkBytes: chunk)
        return (String(decoding: r.output, as: UTF8.self), r.error)
    }

    /// The rows of the INSERT statements in `script`, each literal as a COPY text field, the first six.
    func rows(ofInserts script: String) -> [String] {
        let bytes = Array(script.utf8)
        return bytes.withUnsafeBufferPointer { b -> [String] in
            var rows: [String] = []
            var at = 0
            while at < b.count {
                if case .statement(let s) = InsertStatement.parse(b, from: at, inputEnds: true) {
                    for r in 0..<s.rowCount {
                        let fields = s.row(r).prefix(6).map { literal -> String in
                            var out: [UInt8] = []
                            InsertChunkMasker.appendCopyText(of: literal, in: b, to: &out)
                            return String(decoding: out, as: UTF8.self)
                        }
                        rows.append(fields.joined(separator: "\t"))
                    }
                    at = s.range.upperBound
                } else {
                    at = (b[at...].firstIndex(of: 10) ?? b.count - 1) + 1
                }
            }
            return rows
        }
    }

    @Test func rowsAreMaskedAsTheSameRowsOfACOPYBlock() throws {
        let (copyOut, copyError) = mask(Self.copyDump)
        #expect(copyError == nil)
        let maskedCopyRows = copyOut.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("COPY ") }.dropFirst().prefix(3).map(String.init)
        #expect(maskedCopyRows.count == 3)
        for (form, script) in Self.insertDumps {
            let (out, error) = mask(script)
            #expect(error == nil, "\(form)")
            #expect(rows(ofInserts: out) == maskedCopyRows, "\(form):\n\(out)")
            for original in ["ann@example.com", "o''brien", "123-45-6789", "4111111111111111", "s*36SUU48b", "carl@example.net", "hunter2"] {
                #expect(!out.contains(original), "\(form): \(original) left")
            }
            // The masked card is a bare bigint again, the text around the literals is the script's.
            let card = maskedCopyRows[0].split(separator: "\t")[4]
            #expect(out.contains(", \(card), ") && out.contains("INSERT INTO public.people") && out.contains(", 42, NULL"), "\(form)")
        }
    }

    @Test func aStatementWithoutFindingsIsKeptByteForByte() {
        let script = Self.schema + "INSERT INTO public.people VALUES (3, 'no-pii', E'a\\\\b', NULL, 42, NULL, DEFAULT);\n"
            + "INSERT INTO public.people VALUES\n\t(4, 'x', 'it''s', NULL, -1.5e10, NULL, DEFAULT),\n\t(5, 'y', '', NULL, 0, NULL, DEFAULT);\n\n-- end\n"
        let (out, error) = mask(script)
        #expect(error == nil)
        #expect(out == script)
    }

    /// A statement's head is script text: a quoted name with an address in it is masked there as in the
    /// `CREATE TABLE` (the same token, so the restore finds the column), the values as ever.
    @Test func aStatementsHeadIsMaskedAsScriptText() {
        let script = "CREATE TABLE public.t (\n    id integer,\n    \"ann@example.com\" text\n);\n\n"
            + "INSERT INTO public.t (id, \"ann@example.com\") VALUES (1, 'x');\n"
            + "INSERT INTO public.t (id, \"ann@example.com\") VALUES (2, 'bob@example.com');\n"
        let (out, error) = mask("--\n-- PostgreSQL database dump\n--\n\n" + script)
        #expect(error == nil)
        #expect(!out.contains("ann@example.com") && !out.contains("bob@example.com"), "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        let declared = lines.first { $0.hasSuffix(" text") }?.trimmingCharacters(in: .whitespaces).dropLast(" text".count)
        let inserts = lines.filter { $0.hasPrefix("INSERT") }
        #expect(inserts.count == 2 && inserts.allSatisfy { $0.contains("(id, \(declared ?? "?"))") }, "\(out)")
        #expect(inserts.first?.hasSuffix("VALUES (1, 'x');") == true)
    }

    @Test func chunkCutsChangeNothing() {
        for (form, script) in Self.insertDumps {
            let twice = script + script.replacingOccurrences(of: Self.schema, with: "-- again\n")
            let (whole, e1) = mask(twice)
            for chunk in [16, 64, 200] {
                let (cut, e2) = mask(twice, chunk: chunk)
                #expect(e1 == nil && e2 == nil && cut == whole, "\(form), chunks of \(chunk)")
            }
        }
    }

    @Test func statementsPgDumpWouldNotWriteFailWithWhereAndLeaveNothing() {
        let bad = [
            ("INSERT INTO public.people VALUES (1, 'ann@example.com' || 'x', NULL, NULL, NULL, NULL, DEFAULT);\n", "expected , or )"),
            ("INSERT INTO public.people VALUES (1, 'ann@example.com', NULL, NULL, NULL, NULL, DEFAULT)\n", "expected ;"),
            ("INSERT INTO public.people SELECT 'ann@example.com';\n", "expected VALUES"),
            ("INSERT INTO public.people VALUES (1, 'ann@example.com, NULL);\n", "ends before"),
            ("INSERT INTO public.people VALUES (1, 'ann@example.com', NULL);\n", "3 values where the table has 7 columns"),
        ]
        for (statement, reason) in bad {
            let script = Self.schema + "INSERT INTO public.people VALUES (9, 'x', NULL, NULL, NULL, NULL, DEFAULT);\n" + statement + "-- after\n"
            let (out, error) = mask(script)
            let e = error as? StreamError
            #expect("\(String(describing: e))".contains(reason), "\(statement): \(String(describing: e))")
            #expect(e?.location.line == Self.schema.filter { $0 == "\n" }.count + 2, "\(statement): \(String(describing: e))")
            #expect(!out.contains("ann@example.com") && !out.contains("-- after"), "\(statement)")
            #expect(out.contains("(9, 'x'"), "the statement before the bad one is written")
        }
    }

    /// Any value written back as a literal (`appendLiteral`, from its COPY text) reads as the same value
    /// (`appendCopyText`, as the masker reads a statement): quotes, backslashes, line ends and tabs among
    /// runs long and short, with and without an `E`.
    @Test func literalsRoundTrip() throws {
        var g = StageOneTests.Generator(state: 0x1A5E27)
        let alphabet: [UInt8] = [39, 92, 10, 13, 9, 1, 11, 78, 110, 97, 0xC3, 0xA9, 32, 48]
        for length in [0, 1, 2, 7, 8, 9, 15, 16, 17, 64, 300] {
            for _ in 0..<40 {
                let value = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
                var copyText: [UInt8] = []
                CopyTextChunkMasker.appendEscaped(value, to: &copyText)
                var sql = Array("INSERT INTO t VALUES (".utf8)
                InsertChunkMasker.appendLiteral(copyText: copyText[...], form: .quoted, prefix: nil, to: &sql)
                sql += Array(");\n".utf8)
                let back = sql.withUnsafeBufferPointer { b -> [UInt8]? in
                    guard case .statement(let s) = InsertStatement.parse(b, from: 0, inputEnds: true), s.literals.count == 1 else { return nil }
                    var out: [UInt8] = []
                    InsertChunkMasker.appendCopyText(of: s.literals[0], in: b, to: &out)
                    return out
                }
                #expect(back == copyText, "\(value) as \(String(decoding: sql, as: UTF8.self))")
            }
        }
    }

    @Test func escapeStringsDecodeAsTheServerReadsThem() {
        let body = Array(#"a\nb\\c\'d''e\101\x41\u00e9\U0001F600\q\7"#.utf8)
        let value = body.withUnsafeBufferPointer { EscapeString.decode($0[...]) }
        #expect(value == Array("a\nb\\c'd'eAAé😀q\u{7}".utf8))
    }

    @Test func maskedValuesAreWrittenInTheirLiteralsForm() {
        func literal(_ copyText: String, _ form: InsertStatement.Form, prefix: UInt8? = nil) -> String {
            var out: [UInt8] = []
            InsertChunkMasker.appendLiteral(copyText: Array(copyText.utf8)[...], form: form, prefix: prefix, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(literal("\\N", .quoted) == "NULL")
        #expect(literal("\\N", .defaultValue) == "DEFAULT")
        #expect(literal("4929", .bare) == "4929")
        #expect(literal("****", .bare) == "'****'")
        #expect(literal("o'b", .quoted) == "'o''b'")
        #expect(literal("a\\\\b'c\\nd", .quoted) == "E'a\\\\b''c\nd'")
        #expect(literal("1010", .bitString, prefix: UInt8(ascii: "B")) == "B'1010'")
    }
}
