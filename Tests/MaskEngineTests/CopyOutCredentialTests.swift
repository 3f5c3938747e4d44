import Testing
import WireTestSupport
@testable import MaskEngine

/// A `COPY … TO STDOUT` through a session (pg_dump through `maskd proxy`, `psql \copy`): the
/// CopyOutResponse names no column, so the names of the statement's column list (or of its HEADER row)
/// say which columns hold credentials, and those fields are masked whole as in a SELECT's result.
@Suite struct CopyOutCredentialTests {
    @Test func statementsAreReadForTheirColumns() {
        func parse(_ sql: String) -> CopyOutStatement? {
            Array(sql.utf8).withUnsafeBufferPointer { CopyOutStatement.parse($0) }
        }
        #expect(parse("COPY public.logins (id, password, api_key) TO stdout;") == CopyOutStatement(names: ["id", "password", "api_key"], header: false))
        #expect(parse("copy  logins (ID, \"Pass, Word\", \"a\"\"b\") to STDOUT") == CopyOutStatement(names: ["id", "Pass, Word", "a\"b"], header: false))
        #expect(parse("COPY logins TO STDOUT (FORMAT csv, HEADER)") == CopyOutStatement(names: nil, header: true, layout: .init(format: .csv, delimiter: UInt8(ascii: ","))))
        #expect(parse("COPY logins TO STDOUT WITH CSV HEADER") == CopyOutStatement(names: nil, header: true, layout: .init(format: .csv, delimiter: UInt8(ascii: ","))))
        #expect(parse("COPY logins TO STDOUT (HEADER false)") == CopyOutStatement(names: nil, header: false))
        #expect(parse("COPY (SELECT password FROM logins) TO STDOUT") == CopyOutStatement(names: ["password"], header: false),
                "a query's select list names its columns")
        #expect(parse("COPY (SELECT id, u.password, password AS p, lower(note), count(*) n FROM logins u) TO STDOUT (FORMAT csv)")?.names
                == ["id", "password", "p", "lower", "n"])
        #expect(parse("COPY (SELECT * FROM logins) TO STDOUT") == CopyOutStatement(names: nil, header: false), "`*`: not in the text")
        #expect(parse("COPY logins (a) TO STDOUT; COPY other (password) TO STDOUT") == nil, "two statements: which COPY is which is a guess")
        #expect(parse("COPY logins FROM STDIN") == nil)
        #expect(parse("SELECT 'COPY x (a) TO STDOUT'") == nil)
        // Letters that grow when upper-cased (`ß` is `SS`) move no offset: the names are the query's.
        #expect(parse("COPY straße (\"Straße\", ßpassword, password) TO STDOUT") == CopyOutStatement(names: ["Straße", "ßpassword", "password"], header: false))
        // A table name holding a parenthesis, a column name holding a comma: the list as PostgreSQL reads it.
        #expect(parse("COPY public.\"t(1)\" (\"city, state\", password) TO STDOUT")
                == CopyOutStatement(names: ["city, state", "password"], header: false))
        #expect(parse("COPY ßßßßßßßßßßßßßßßßßßßß TO STDOUT") == CopyOutStatement(names: nil, header: false))
        #expect(parse("COPY t (\"a TO STDOUT\", password) TO STDOUT (FORMAT csv, HEADER)") == CopyOutStatement(names: ["a TO STDOUT", "password"], header: true, layout: .init(format: .csv, delimiter: UInt8(ascii: ","))))
        // The options say how rows are written, unless they name quoting of their own.
        func layout(_ sql: String) -> CopyRowFields.Layout? { parse(sql)?.layout }
        #expect(layout("COPY t (a, password) TO STDOUT (FORMAT csv, DELIMITER ';', HEADER)") == .init(format: .csv, delimiter: UInt8(ascii: ";")))
        #expect(layout("COPY t TO STDOUT WITH DELIMITER AS '|'") == .init(format: .text, delimiter: UInt8(ascii: "|")))
        #expect(layout("copy t to stdout with csv header") == .init(format: .csv, delimiter: UInt8(ascii: ",")))
        #expect(layout("COPY t TO STDOUT (FORMAT 'text', DELIMITER E'\\t')") == .init(format: .text, delimiter: 9))
        #expect(layout("COPY t TO STDOUT (FORMAT csv, QUOTE '|')") == nil && layout("COPY t TO STDOUT") == nil)
        #expect(parse("COPY t (a) TO STDOUT (FORMAT csv, HEADER_X)")?.header == false)
        #expect(parse("COPY t (a) TO STDOUTX") == nil && parse("COPY t (a) INTO STDOUT") == nil && parse("COPY") == nil && parse("") == nil)
    }

    static func run(_ query: String, columns: Int16, rows: [String]) throws -> [String] {
        let d = SessionDriver()
        try d.client(Frontend.query(query))
        try d.server(NullActionTests.copyOut(columns: columns) + rows.flatMap { NullActionTests.copyData($0) } + Wire.message("c", [])
                     + Backend.commandComplete("COPY \(rows.count)") + Wire.readyForQuery, cut: 7)
        return (NullActionTests.frames(d.output) ?? []).filter { $0.type == "d" }.map { String(decoding: $0.payload, as: UTF8.self) }
    }

    @Test func credentialFieldsAreMaskedWholeAndTheRestAsText() throws {
        let rows = ["1\ts*36SUU48b\tb637b17af08aced8850c18cccde915da\tann@example.com n1\n", "2\t\\N\thunter2\tplain\n"]
        let masked = try Self.run("COPY public.logins (id, password, api_key, note) TO stdout;", columns: 4, rows: rows)
        #expect(masked.count == 2)
        let fields = masked.map { $0.dropLast().split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(fields[0][0] == "1" && fields[0][1] != "s*36SUU48b" && fields[0][1].count == 10 && fields[0][2].count == 32
                && fields[0][2] != "b637b17af08aced8850c18cccde915da", "\(fields[0])")
        #expect(!fields[0][3].contains("ann@example.com") && fields[0][3].hasSuffix(" n1"), "the other columns are scanned as before")
        #expect(fields[1][1] == "\\N" && fields[1][2] != "hunter2" && fields[1][3] == "plain", "a NULL stays NULL: \(fields[1])")
        // The same value gets the same token as through a SELECT (joins across the two hold).
        let select = SessionDriver()
        try select.client(Frontend.query("SELECT password FROM logins"))
        try select.server(Wire.rowDescription([("password", 25)]) + Wire.dataRow(["s*36SUU48b"]) + Backend.commandComplete("SELECT 1")
                          + Wire.readyForQuery)
        let selected = binaryRows(select.output).first?.first.flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
        #expect(selected == fields[0][1])
    }

    /// `psql \copy (SELECT …) TO …`: the query's select list names the columns, renamed ones too.
    @Test func aQuerysSelectListNamesTheColumns() throws {
        for query in ["COPY (SELECT id, password, note FROM logins) TO STDOUT",
                      "COPY (SELECT l.id, l.password AS p, note FROM logins l WHERE id > 0) TO STDOUT"] {
            let masked = try Self.run(query, columns: 3, rows: ["1\ts*36SUU48b\tplain\n"])
            let fields = masked[0].dropLast().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 3 && fields[0] == "1" && fields[1] != "s*36SUU48b" && fields[1].count == 10 && fields[2] == "plain",
                    "\(query): \(fields)")
        }
        // A list whose count is not the rows' (a `*` hidden in an expression the reader cannot count) names nothing.
        let wrong = try Self.run("COPY (SELECT password FROM logins) TO STDOUT", columns: 2, rows: ["s*36SUU48b\tx\n"])
        #expect(wrong[0] == "s*36SUU48b\tx\n", "names are used only when their count is the rows'")
    }

    @Test func aHeaderRowNamesTheColumnsAndStaysAsItIs() throws {
        let masked = try Self.run("COPY logins TO STDOUT (FORMAT csv, HEADER)", columns: 3,
                                  rows: ["id,password,\"API Key\"\n", "1,s*36SUU48b,\"k,3y\"\n"])
        #expect(masked[0] == "id,password,\"API Key\"\n")
        #expect(!masked[1].contains("s*36SUU48b") && !masked[1].contains("k,3y") && masked[1].hasPrefix("1,")
                && masked[1].count == "1,s*36SUU48b,\"k,3y\"\n".count, "\(masked[1])")
    }

    /// A delimiter of the statement's own (`;` in a European CSV, `|`) splits the fields: guessed, they
    /// were none, and the credential column passed.
    @Test func fieldsAreSplitAtTheStatementsDelimiter() throws {
        let csv = try Self.run("COPY logins (id, password, note) TO STDOUT (FORMAT csv, DELIMITER ';')", columns: 3,
                               rows: ["1;s*36SUU48b;\"a;b\"\n", "2;;plain\n"])
        #expect(!csv[0].contains("s*36SUU48b") && csv[0].hasPrefix("1;") && csv[0].hasSuffix(";\"a;b\"\n")
                && csv[0].count == "1;s*36SUU48b;\"a;b\"\n".count, "\(csv[0])")
        #expect(csv[1] == "2;;plain\n", "an empty field (NULL) stays")
        let text = try Self.run("COPY logins (id, password, note) TO STDOUT WITH DELIMITER '|'", columns: 3,
                                rows: ["1|hunter2|x\\|y\n", "2|\\N|z\n"])
        #expect(!text[0].contains("hunter2") && text[0].hasPrefix("1|") && text[0].hasSuffix("|x\\|y\n"), "\(text[0])")
        #expect(text[1] == "2|\\N|z\n")
    }

    @Test func withoutNamesOrWithSeveralStatementsNothingChanges() throws {
        let row = "1\ts*36SUU48b\n"
        #expect(try Self.run("COPY logins TO STDOUT", columns: 2, rows: [row]) == [row])
        #expect(try Self.run("COPY a (id, password) TO STDOUT; SELECT 1", columns: 2, rows: [row]) == [row])
    }
}
