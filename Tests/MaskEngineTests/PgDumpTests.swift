import Foundation
import Testing
@testable import MaskEngine

/// pg_dump plain-SQL scripts: COPY text escaping, column types from CREATE TABLE, varchar limits,
/// and malformed blocks (INSERT dumps: `InsertDumpTests`).
@Suite struct PgDumpTests {
    static let header = """
        --
        -- PostgreSQL database dump
        --

        SET statement_timeout = 0;

        CREATE TABLE public.people (
            id integer NOT NULL,
            email character varying(20) NOT NULL,
            "Contact Email" text,
            ssn text,
            born date,
            profile jsonb
        );


        """

    func mask(_ text: String, chunk: Int = 1 << 20) -> (String, String, Error?) {
        let r = maskStream(Array(text.utf8), chunkBytes: chunk)
        return (String(decoding: r.output, as: UTF8.self), r.report, r.error)
    }

    func dump(_ rows: [String]) -> String {
        Self.header + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n"
            + rows.map { $0 + "\n" }.joined() + "\\.\n\n-- PostgreSQL database dump complete\n"
    }

    @Test func escapingForCOPYTextRoundTripsAndLeavesNoRawSeparator() {
        var g = StageOneTests.Generator(state: 0xC0B7)
        let alphabet: [UInt8] = [92, 10, 13, 9, 78, 110, 97, 0, 0xC3, 0xA9, 32]
        for length in [0, 1, 2, 7, 64, 300] {
            for _ in 0..<50 {
                let value = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
                var out: [UInt8] = [1, 2]
                CopyTextChunkMasker.appendEscaped(value, to: &out)
                #expect(out.prefix(2) == [1, 2], "appends after what was there")
                let escaped = Array(out.dropFirst(2))
                #expect(!escaped.contains(10) && !escaped.contains(13) && !escaped.contains(9))
                var back = [UInt8](repeating: 0, count: escaped.count)
                let n = escaped.withUnsafeBufferPointer { e in
                    back.withUnsafeMutableBufferPointer { CopyTextChunkMasker.unescape(e, 0, e.count, to: $0.baseAddress!) }
                }
                #expect(Array(back.prefix(n)) == value)
            }
        }
    }

    @Test func escapesAreHonouredAndEverythingElsePassesThrough() {
        let rows = [
            "1\tann@example.com\tline1\\nmail bob@example.org\\ttab\\\\back\t536-90-4399\t1990-01-02\t{\"e\": \"c@d.io\", \"q\": \"a\\\\\"b\"}",
            "2\t\\N\t\t\\N\t\\N\t\\N",
            "3\tx@y.co\t\\.\t536904399\t2000-01-01\t{}",
        ]
        let input = dump(rows)
        let (out, report, error) = mask(input)
        #expect(error == nil)
        #expect(out.hasPrefix(Self.header), "statements outside COPY pass through byte for byte")
        #expect(out.hasSuffix("\\.\n\n-- PostgreSQL database dump complete\n"))
        let outRows = out.components(separatedBy: "\n").filter { $0.hasPrefix("1\t") || $0.hasPrefix("2\t") || $0.hasPrefix("3\t") }
        #expect(outRows.count == 3)
        let first = outRows[0].components(separatedBy: "\t")
        #expect(first.count == 6)
        #expect(first[2].hasPrefix("line1\\nmail ") && first[2].hasSuffix("\\ttab\\\\back"), "escapes kept: \(first[2])")
        #expect(!out.contains("bob@example.org") && !out.contains("536-90-4399") && !out.contains("c@d.io"))
        #expect(first[4] == "1990-01-02")
        #expect(first[5].hasPrefix("{\"e\": \"") && first[5].hasSuffix("\", \"q\": \"a\\\\\"b\"}"), "jsonb stays valid JSON")
        #expect(outRows[1] == rows[1], "NULLs and empty strings untouched")
        let third = outRows[2].components(separatedBy: "\t")
        #expect(third[2] == "\\.", "a value that is exactly \\. is still escaped")
        #expect(third[3] != "536904399", "bare SSN in a column named ssn")
        // Offsets are into the unescaped value: "line1\nmail " is 11 bytes.
        #expect(report.contains("{\"table\":\"public.people\",\"row\":0,\"column\":2,\"start\":11,\"end\":26,\"type\":\"email\"}"))
    }

    @Test func varcharLimitIsKept() throws {
        // The email token (32 characters) does not fit varchar(20): the span gets a keyed token of its
        // own character count instead, distinct per address (so a UNIQUE column still restores).
        let (out, _, error) = mask(dump(["1\tann@example.com\t\\N\t\\N\t\\N\t\\N",
                                         "2\tAnn@example.com\t\\N\t\\N\t\\N\t\\N"]))
        #expect(error == nil)
        let emails = out.split(separator: "\n").filter { $0.hasPrefix("1\t") || $0.hasPrefix("2\t") }
            .map { $0.split(separator: "\t")[1] }
        try #require(emails.count == 2)
        #expect(emails.allSatisfy { $0.count == 15 && $0.dropFirst(3).hasPrefix("@") && !$0.contains("example") })
        #expect(emails[0] != emails[1])
        // Where it fits, the token is used.
        let (wide, _, _) = mask(dump(["1\ta@b.io\tann@example.com\t\\N\t\\N\t\\N"]))
        #expect(wide.contains("@example.invalid\t\\N"))
    }

    /// A column declared with a domain's name has the domain's base type: its varchar limit and its
    /// number type hold the masked value (without them the email token broke `varchar(20)` and `****`
    /// a `bigint`, and the restore failed). As pg_dump writes them: a constraint on its own line,
    /// quoted names, a domain over a domain, an array of a domain.
    /// `pg_dump --quote-all-identifiers` quotes type names too (`"text"`, `"public"."citext"`): they are
    /// the same types, so a `"password" "text"` column is a credential column (its values passed), a
    /// domain over `varchar(20)` keeps its limit, a `"uuid"` column is not scanned.
    @Test func quotedTypeNamesAreTheTypesTheyName() throws {
        let input = """
            --
            -- PostgreSQL database dump
            --

            CREATE DOMAIN "public"."note" AS character varying(20);
            CREATE TABLE "public"."t" (
                "n" "public"."note",
                "api_key" "public"."citext",
                "u" "uuid",
                "tags" "text"[],
                "password" "text"
            );

            COPY "public"."t" ("n", "api_key", "u", "tags", "password") FROM stdin;
            ann@example.com	k3y-0001	f8eb18b9-0074-4130-a1da-8978206f5c66	{ann@example.com}	hunter2
            \\.

            """
        var schema = DumpSchema()
        var lines = input.split(separator: "\n").map(String.init)[...]
        while let line = lines.popFirst() {
            if line.hasPrefix("CREATE DOMAIN ") { schema.learn(createDomain: line) }
            if line.hasPrefix("CREATE TABLE ") {
                var statement = [line]
                while let next = lines.popFirst() { statement.append(next); if next.hasPrefix(")") { break } }
                schema.learn(createTable: statement)
            }
        }
        let columns = try #require(schema.tables["\"public\".\"t\""])
        #expect(columns.map(\.type) == ["character varying(20)", "public.citext", "uuid", "text[]", "text"])
        #expect(columns.map(\.context.credentialColumn) == [false, true, false, false, true])
        #expect(columns[0].maxCharacters == 20 && !columns[2].context.scanned)
        let (out, _, error) = mask(input)
        #expect(error == nil)
        let row = try #require(out.split(separator: "\n").first { $0.contains("f8eb18b9") }).split(separator: "\t")
        #expect(row[0].count <= 20 && row[0] != "ann@example.com" && row[1] != "k3y-0001" && row[4] != "hunter2", "\(row)")
        #expect(row[1].count == 8 && row[4].count == 7 && !row[3].contains("ann@example.com"), "\(row)")
    }

    /// Constraint lines are skipped by their keywords as words: columns whose names begin with one
    /// (`checksum`, `unique_id`, `exclude`, `primary_email`) are columns.
    @Test func columnsNamedLikeConstraintsAreColumns() throws {
        var schema = DumpSchema()
        schema.learn(createTable: ["CREATE TABLE public.t (", "    id integer NOT NULL,", "    checksum character varying(20),",
                                   "    unique_id text,", "    exclude text,", "    primary_email character varying(24),",
                                   "    foreign_key_name text,", "    constraint_note text,",
                                   "    CONSTRAINT t_id_check CHECK ((id > 0)),", "    CHECK ((id < 100)),",
                                   "    UNIQUE (id),", "    PRIMARY KEY (id),", "    EXCLUDE USING gist (id WITH =)", ");"])
        let columns = try #require(schema.tables["public.t"])
        #expect(columns.map(\.name) == ["id", "checksum", "unique_id", "exclude", "primary_email", "foreign_key_name", "constraint_note"])
        #expect(columns[1].maxCharacters == 20 && columns[4].maxCharacters == 24)
    }

    @Test func domainsGiveTheirColumnsTheirBaseTypes() throws {
        let input = """
            --
            -- PostgreSQL database dump
            --

            CREATE DOMAIN public."Money Amt" AS numeric(21,2);
            CREATE DOMAIN public.acct AS bigint
            	CONSTRAINT acct_check CHECK ((VALUE > 0));
            CREATE DOMAIN public.acct_too AS public.acct;
            CREATE DOMAIN public.note AS character varying(20) NOT NULL DEFAULT 'x'::character varying;
            CREATE TABLE public.t (
                id public.acct,
                n public.note,
                m public."Money Amt",
                ids public.acct[],
                b public.acct_too
            );

            COPY public.t (id, n, m, ids, b) FROM stdin;
            4111111111111111	ann@example.com	4111111111111111.25	{4111111111111111,7}	4111111111111111
            \\.

            """
        var schema = DumpSchema()
        for line in input.split(separator: "\n") where line.hasPrefix("CREATE DOMAIN ") { schema.learn(createDomain: String(line)) }
        #expect(schema.domains == ["public.\"Money Amt\"": "numeric(21,2)", "public.acct": "bigint", "public.acct_too": "bigint",
                                   "public.note": "character varying(20)"])
        let r = maskStream(Array(input.utf8), policy: MaskPolicy(creditCard: .redact))
        #expect(r.error == nil)
        let row = try #require(String(decoding: r.output, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("0") })
        let fields = row.split(separator: "\t").map(String.init)
        try #require(fields.count == 5)
        #expect(Int64(fields[0]) == 0 && Int64(fields[4]) == 0, "\(row)")
        #expect(fields[1].count <= 20 && !fields[1].contains("ann@example.com"), "\(row)")
        #expect(fields[2] == "0000000000000000.25" && fields[3] == "{0000000000000000,7}", "\(row)")
    }

    /// Large objects' data, as pg_dump writes it (`lowrite` lines of hex, 16 KiB each), is masked as the
    /// bytes it encodes: an email inside one line, and one split across two lines, are found; each line
    /// keeps its length and stays hex, so the restore writes objects of the same sizes. Before, hex was
    /// text without findings and every value left the dump as it came.
    @Test(arguments: [1 << 20, 64])
    func largeObjectsAreMaskedAsTheirBytes(_ chunk: Int) throws {
        func hex(_ s: String) -> String { Array(s.utf8).map { String(format: "%02x", $0) }.joined() }
        let first = "note for ann@example.com, card 4111 1111 1111 1111, and bob@exa"
        let second = "mple.com wrote"
        let input = """
            --
            -- PostgreSQL database dump
            --

            SELECT pg_catalog.lo_open('16387', 131072);
            SELECT pg_catalog.lowrite(0, '\\x\(hex(first))');
            SELECT pg_catalog.lowrite(0, '\\x\(hex(second))');
            SELECT pg_catalog.lo_close(0);

            COMMENT ON TABLE public.t IS 'owner carol@example.com \\x\(hex("dan@example.com"))';

            """
        let r = maskStream(Array(input.utf8), chunkBytes: chunk)
        #expect(r.error == nil)
        let out = String(decoding: r.output, as: UTF8.self)
        let writes = out.split(separator: "\n").filter { $0.hasPrefix("SELECT pg_catalog.lowrite(0, '\\x") }
        try #require(writes.count == 2)
        let decoded = writes.map { line -> String in
            let digits = Array(line.dropFirst("SELECT pg_catalog.lowrite(0, '\\x".count).dropLast(3).utf8)
            #expect(digits.allSatisfy { ASCII.isHexDigit($0) })
            let bytes = stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(decoded[0].count == first.count && decoded[1].count == second.count)
        let whole = decoded.joined()
        for original in ["ann@example.com", "4111 1111 1111 1111", "bob@example.com", "mple.com"] {
            #expect(!whole.contains(original), "\(whole)")
        }
        #expect(whole.hasPrefix("note for ") && whole.hasSuffix(" wrote"), "\(whole)")
        // Script text around them is masked as text, as before; hex elsewhere is not a large object's.
        #expect(!out.contains("carol@example.com") && out.contains(hex("dan@example.com")))
        #expect(r.summary?.outsideRowFindings == 4, "\(String(describing: r.summary))")
    }

    /// Passwords that SQL writes with no operator: a role's SCRAM or md5 verifier (`pg_dumpall`) and a
    /// user mapping's password option, masked whole, the statements still well formed; a column named
    /// `password` and `PASSWORD NULL` are left alone.
    @Test func rolePasswordsAndUserMappingPasswordsAreMasked() throws {
        let scram = "SCRAM-SHA-256$4096:aKd0dP99pl7e0CZ6CRe4DA==$HEq30qS0tYqIQ+OSvW9b7yYcsbo4SJtsoPExVpOx+Pw=:jJmJmul8SwviA4aYo5j62oaJhNQKzfJm8U0k890cGfo="
        let input = """
            --
            -- PostgreSQL database cluster dump
            --

            ALTER ROLE ann WITH NOSUPERUSER LOGIN PASSWORD '\(scram)';
            ALTER ROLE bob WITH LOGIN PASSWORD 'md523586227eb7af445ed5ec700aec8fa74';
            ALTER ROLE carol WITH LOGIN PASSWORD NULL;
            CREATE TABLE public.users (
                password text,
                "Password" character varying(64)
            );
            CREATE USER MAPPING FOR ann SERVER s OPTIONS (
                password 'fdw-P4ss''word',
                "user" 'remote'
            );

            """
        let r = maskStream(Array(input.utf8))
        #expect(r.error == nil)
        let out = String(decoding: r.output, as: UTF8.self)
        for secret in [scram, "aKd0dP99pl7e0CZ6CRe4DA", "HEq30qS0tYqIQ", "md523586227eb7af445ed5ec700aec8fa74", "P4ss"] {
            #expect(!out.contains(secret), "\(secret) in \(out)")
        }
        let lines = out.split(separator: "\n").map(String.init)
        let ann = try #require(lines.first { $0.hasPrefix("ALTER ROLE ann") })
        #expect(ann.hasSuffix("';") && ann.count == "ALTER ROLE ann WITH NOSUPERUSER LOGIN PASSWORD '\(scram)';".count)
        let mapping = try #require(lines.first { $0.hasPrefix("    password '") })
        #expect(mapping.hasSuffix("',") && mapping.components(separatedBy: "''").count == 2, "\(mapping)")
        #expect(lines.contains("ALTER ROLE carol WITH LOGIN PASSWORD NULL;"))
        #expect(lines.contains("    password text,") && lines.contains("    \"Password\" character varying(64)"))
        #expect(lines.contains("    \"user\" 'remote'"))
    }

    /// A type whose `)` comes before its `(` (found by the release fuzzer: `character) varying(24)`)
    /// trapped on a reversed range while the schema was learnt; it is no length limit, and the dump masks.
    @Test func aTypeWithItsParenthesesReversedHasNoLimit() {
        #expect(DumpColumn.lengthLimit("character) varying(24)") == 24)
        #expect(DumpColumn.lengthLimit("character) varying") == nil)
        #expect(DumpColumn.lengthLimit("varchar)(") == nil)
        #expect(DumpColumn.lengthLimit("character varying(64)") == 64)
        // The same reversal in a COPY line: no column list, and no trap.
        #expect(PgDumpSplitter.parseCopy("COPY public.t) (FROM stdin;") == nil)
        #expect(PgDumpSplitter.parseCopy("COPY public.t (a, b) FROM stdin;")?.1 == ["a", "b"])
        let input = "CREATE TABLE public.t (\n    email character) varying(24) NOT NULL\n);\n\n"
            + "COPY public.t (email) FROM stdin;\nann@example.com\n\\.\n"
        let (out, _, error) = mask(input)
        #expect(error == nil)
        #expect(!out.contains("ann@example.com"))
    }

    @Test func unterminatedCopyBlockIsAnError() {
        let input = Self.header + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n"
            + "1\tann@example.com\t\\N\t\\N\t\\N\t\\N\n"
        let (out, _, error) = mask(input)
        let e = error as? StreamError
        #expect("\(String(describing: e))".contains("no terminating"))
        #expect(e?.location.line != nil)
        #expect(!out.contains("ann@example.com"))
    }

    @Test func brokenRowsAreErrorsNamingTheLine() {
        let wrongCount = dump(["1\tann@example.com\t\\N", "2\tbob@example.com\t\\N\t\\N\t\\N\t\\N"])
        let (out, _, error) = mask(wrongCount)
        let e = error as? StreamError
        #expect("\(String(describing: e))".contains("fields where the COPY line names 6"))
        #expect(e?.location.line == 17)
        #expect(!out.contains("ann@") && !out.contains("bob@"))
        let danglingBackslash = dump(["1\tann@example.com\tx\\"])
        let (_, _, error2) = mask(danglingBackslash)
        #expect("\(String(describing: error2))".contains("backslash at the end of a line"))
    }

    @Test func chunkingDoesNotChangeTheOutput() {
        let rows = (0..<300).map { "\($0)\tu\($0)@example.com\tnote \\t \($0)\t536-90-\(1000 + $0)\t\\N\t{\"k\": \"v\($0)@example.net\"}" }
        let input = dump(rows)
        let (whole, wholeReport, _) = mask(input)
        for chunk in [100, 1000, 5000] {
            let (out, report, error) = mask(input, chunk: chunk)
            #expect(error == nil)
            #expect(out == whole, "chunk \(chunk)")
            #expect(report == wholeReport)
        }
    }

    /// A row that starts `\.` but goes on (`\.5`: an escaped `.`, not the end of the block) stays a row
    /// when the bytes read so far end just after its `\.`: here the first 64 KiB, which the stream reads
    /// whole to detect the format. Ending the block there passed the rest of its rows as script text,
    /// outside their columns' context: the bare SSN of the `ssn` column in the next row leaked.
    @Test func aRowStartingWithBackslashDotIsARowWhereTheReadEnds() {
        var text = Self.header + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n"
        var i = 0
        while text.utf8.count < 65_400 { text += "\(i)\tpad\tx\ty\t\\N\t{}\n"; i += 1 }
        // A last filler row that ends where the `\.5` row must start: two bytes before 64 KiB.
        let fill = 65_534 - text.utf8.count - "0\t\tx\ty\t\\N\t{}\n".utf8.count
        text += "0\t" + String(repeating: "p", count: fill) + "\tx\ty\t\\N\t{}\n"
        #expect(text.utf8.count == 65_534)
        text += "\\.5\tu5@example.com\tx\t536904405\t\\N\t{}\n" + "6\tu6@example.com\tx\t536904406\t\\N\t{}\n"
            + "\\.\n\n-- PostgreSQL database dump complete\n"
        let whole = maskStream(Array(text.utf8), chunkBytes: 1 << 20, readSize: 1 << 20)
        for chunk in [1024, 4096] {
            let r = maskStream(Array(text.utf8), chunkBytes: chunk, readSize: 1 << 16)
            #expect(r.error == nil)
            #expect(r.output == whole.output, "chunks of \(chunk)")
            #expect(!String(decoding: r.output, as: UTF8.self).contains("536904406"), "chunks of \(chunk)")
        }
        #expect(!String(decoding: whole.output, as: UTF8.self).contains("536904406"))
    }

    /// A dump whose lines were converted to CR LF on its way (COPY FROM reads it) is still a dump, and
    /// masks to what its LF form masks to, CR LF kept: a CR before a row's LF is no part of its last value.
    @Test func aDumpWithCRLFLinesMasksAsItsLFForm() {
        let rows = (0..<40).map { "\($0)\tu\($0)@example.com\tnote \\t \($0)\t536-90-\(1000 + $0)\t\\N\t{\"k\": \"v\($0)@example.net\"}" }
        let lf = dump(rows)
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let a = maskStream(Array(lf.utf8)), b = maskStream(Array(crlf.utf8))
        #expect(b.summary?.format == .pgdump)
        #expect(a.error == nil && b.error == nil)
        #expect(String(decoding: b.output, as: UTF8.self) == String(decoding: a.output, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(b.report == a.report)
    }

    /// pg_dumpall's script (roles, then one pg_dump script per database after `\connect`) is a dump: each
    /// database's COPY blocks are masked with their own columns.
    @Test func aClusterDumpIsADump() {
        let database = Self.header.replacingOccurrences(of: "--\n-- PostgreSQL database dump\n--\n", with: "")
        func block(_ db: String, _ ssn: String) -> String {
            "\\connect \(db)\n\n--\n-- PostgreSQL database dump\n--\n" + database
                + "COPY public.people (id, email, \"Contact Email\", ssn, born, profile) FROM stdin;\n"
                + "1\tann.\(db)@example.com\tx\t\(ssn)\t\\N\t{}\n\\.\n\n"
        }
        let input = "--\n-- PostgreSQL database cluster dump\n--\n\nCREATE ROLE postgres;\n\n"
            + block("shop", "536904399") + block("crm", "536904400") + "--\n-- PostgreSQL database cluster dump complete\n--\n"
        let r = maskStream(Array(input.utf8))
        let out = String(decoding: r.output, as: UTF8.self)
        #expect(r.summary?.format == .pgdump && r.error == nil)
        #expect(!out.contains("ann.shop@example.com") && !out.contains("ann.crm@example.com"), "\(out)")
        #expect(!out.contains("536904399") && !out.contains("536904400"), "the ssn column's bare SSNs: \(out)")
        #expect(out.contains("\\connect crm\n") && out.contains("CREATE ROLE postgres;\n"))
    }

    /// A bytea value in a dump (`\\x…` in COPY text, its backslash escaped) is scanned as the bytes it
    /// encodes, as the wire path scans a bytea cell, and written back as hex: printable bytes masked as
    /// text, others keeping their length; a `null` action makes it NULL.
    @Test func byteaValuesAreScannedAsTheBytesTheyEncode() {
        func hex(_ text: String) -> String { "\\\\x" + text.utf8.map { String(format: "%02x", $0) }.joined() }
        let input = "--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.docs (\n    id integer,\n    body bytea\n);\n\n"
            + "COPY public.docs (id, body) FROM stdin;\n"
            + "1\t\(hex("mail ann@example.com now"))\n"
            + "2\t\(hex("\u{1}\u{2}bin bob@example.org\u{0}"))\n"
            + "3\t\(hex("no pii here"))\n\\.\n"
        let r = maskStream(Array(input.utf8))
        #expect(r.error == nil)
        let rows = String(decoding: r.output, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("1\t") || $0.hasPrefix("2\t") || $0.hasPrefix("3\t") }
        #expect(rows.count == 3)
        func decoded(_ row: Substring) -> [UInt8] {
            let text = row.split(separator: "\t")[1]
            #expect(text.hasPrefix("\\\\x"), "still bytea hex: \(text)")
            let digits = Array(text.dropFirst(3).utf8)
            return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
        }
        let first = String(decoding: decoded(rows[0]), as: UTF8.self)
        #expect(!first.contains("ann@example.com") && first.hasPrefix("mail ") && first.hasSuffix("@example.invalid now"), "\(first)")
        let second = decoded(rows[1])
        #expect(second.count == Array("\u{1}\u{2}bin bob@example.org\u{0}".utf8).count, "binary bytes keep their length")
        #expect(!String(decoding: second, as: UTF8.self).contains("bob@example.org"))
        #expect(rows[2] == Substring("3\t\(hex("no pii here"))"))
        #expect(r.report.contains("\"type\":\"email\"") && r.report.components(separatedBy: "\"type\":\"email\"").count == 3)
        let nulling = MaskPolicy(email: .null)
        let n = maskStream(Array(input.utf8), policy: nulling)
        let nullRows = String(decoding: n.output, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("1\t") || $0.hasPrefix("2\t") }
        #expect(nullRows == ["1\t\\N", "2\t\\N"])
    }

    @Test func aCopyLineWithoutAReadableColumnListStillHasItsRowsScanned() {
        let input = Self.header + "COPY public.people FROM stdin;\n1\t4111 1111 1111 1111\t536-90-4399\n\\.\n"
        let (out, _, error) = mask(input)
        #expect(error == nil)
        #expect(!out.contains("4111 1111 1111 1111") && !out.contains("536-90-4399"))
    }

    @Test func aCSVThatMentionsADumpIsStillCSV() {
        let input = "note,card\nrestore the PostgreSQL database dump,4111111111111111\n"
        let r = maskStream(Array(input.utf8))
        #expect(r.summary?.format == .csv)
        #expect(r.summary?.bytesIn == input.utf8.count)
        #expect(!String(decoding: r.output, as: UTF8.self).contains("4111111111111111"))
    }

    @Test func customFormatArchivesAreRefusedByName() {
        let r = maskStream(Array("PGDMP\u{1}\u{e}\u{0}binary".utf8))
        #expect("\(String(describing: r.error))".contains("pg_restore -f -"))
        #expect(r.output.isEmpty)
    }

    @Test func binaryCopyIsRefusedByName() {
        for format in [nil, InputFormat.copy, .csv, .lines] {
            let r = maskStream(Array("PGCOPY\n".utf8) + [0xFF, 13, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 15]
                               + Array("ann@example.com".utf8) + [0xFF, 0xFF], format: format)
            #expect("\(String(describing: r.error))".contains("FORMAT binary"), "\(String(describing: format))")
            #expect(r.output.isEmpty)
        }
    }

    @Test func lz4InputIsDetected() throws {
        let input = Array(dump(["1\tann@example.com\t\\N\t\\N\t\\N\t\\N"]).utf8)
        let collector = ByteCollector()
        let sink = try LZ4FrameSink(sink: { collector.append($0) })
        try input.withUnsafeBytes { try sink.write($0) }
        try sink.finish()
        let compressed = collector.bytes
        #expect(compressed.prefix(4) == [0x04, 0x22, 0x4D, 0x18])
        let plain = maskStream(input)
        let viaLZ4 = maskStream(compressed)
        #expect(viaLZ4.error == nil)
        #expect(viaLZ4.output == plain.output)
        let truncated = maskStream(Array(compressed.dropLast(6)))
        #expect(truncated.error != nil)
    }
}

/// A COPY line's column list read as PostgreSQL reads it (`SQLNameList`).
@Suite struct CopyLineNameTests {
    /// pg_dump quotes a column name holding a comma (`"city, state"`) and one holding a parenthesis; read
    /// at every comma, the line named one column too many and the block failed on its first row. The
    /// credential column after it is still found by its name, and its value masked.
    @Test func aQuotedNameWithACommaIsOneColumn() {
        #expect(PgDumpSplitter.parseCopy(#"COPY public."t(1)" ("city, state", password, "a""b") FROM stdin;"#)?.0 == #"public."t(1)""#)
        #expect(PgDumpSplitter.parseCopy(#"COPY public."t(1)" ("city, state", password, "a""b") FROM stdin;"#)?.1
                == ["city, state", "password", #"a"b"#])
        let input = PgDumpTests.header + "CREATE TABLE public.\"t(1)\" (\n    \"city, state\" character varying(40),\n    password text,\n"
            + "    \"note)\" text\n);\n\n"
            + "COPY public.\"t(1)\" (\"city, state\", password, \"note)\") FROM stdin;\n"
            + "Austin, TX\thunter2-Secret\tmail ann@example.com\n\\.\n"
        let (out, _, error) = PgDumpTests().mask(input)
        #expect(error == nil)
        #expect(out.contains("Austin, TX\t"))
        #expect(!out.contains("hunter2-Secret"))
        #expect(!out.contains("ann@example.com"))
    }
}
