import Testing
import WireTestSupport
@testable import MaskEngine

/// A policy end to end, through the pipeline `maskd pipe` uses: who asks decides what comes out, column
/// rules find their columns by CSV header, by a dump's COPY table, and by the wire's table OID.
@Suite struct PolicyStreamTests {
    static let policy = try! PolicyFile.parse("""
        version: 1
        defaults: {email: tokenize, credit_card: tokenize, us_ssn: tokenize, secret: redact}
        columns:
          - match: {column: "*_notes"}
            actions: {"*": redact}
          - match: {table: public.users, column: contact}
            actions: {email: hash}
          - match: {column: backup_email}
            actions: {email: "null"}
          - match: {table_oid: 16384, column: 3}
            actions: {email: hash}
        identities:
          - match: {group: readers}
            actions: {credit_card: keep}
          - match: {application: support}
            actions: {credit_card: "partial:4", us_ssn: "partial:9"}
          - match: {unknown: true}
            actions: {"*": redact}

        """)

    static let reader = Identity([("user", "rita"), ("group", "readers")])
    static let support = Identity([("user", "sam"), ("application", "support")])
    static let someone = Identity([("user", "bob"), ("application", "psql")])  // matches no identity rule

    /// `maskStream` with an identity and a CSV table.
    func mask(_ text: String, format: InputFormat = .csv, identity: Identity, table: String? = nil)
        -> (out: String, report: String, summary: StreamSummary?)
    {
        mask(Array(text.utf8), format: format, identity: identity, table: table)
    }

    func mask(_ input: [UInt8], format: InputFormat, identity: Identity, table: String? = nil)
        -> (out: String, report: String, summary: StreamSummary?)
    {
        var options = StreamMasker.Options()
        options.format = format
        options.identity = identity
        options.csvTable = table
        options.workers = 2
        let output = ByteCollector()
        let report = ByteCollector()
        var offset = 0
        do {
            let summary = try StreamMasker(policy: Self.policy, key: testKey, options: options).run(
                source: { buffer in
                    let n = min(buffer.count, input.count - offset)
                    input.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                    offset += n
                    return n
                },
                sink: { output.append($0) },
                report: { report.append($0) })
            return (String(decoding: output.bytes, as: UTF8.self), String(decoding: report.bytes, as: UTF8.self), summary)
        } catch {
            Issue.record("\(error)")
            return ("", "", nil)
        }
    }

    /// The fields of the CSV record on line `line` (0 is the header); no field here is quoted.
    func fields(_ csv: String, line: Int) -> [String] {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        guard line < lines.count else { return [] }
        return lines[line].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    static let csv = """
        id,card,ssn,case_notes,backup_email,email
        1,4111 1111 1111 1111,536-90-4399,mail ann@example.com,ann@example.com,ann@example.com

        """

    @Test func threeIdentitiesThreeOutputs() {
        let kept = mask(Self.csv, identity: Self.reader).out
        let partial = mask(Self.csv, identity: Self.support).out
        let redacted = mask(Self.csv, identity: .unknown).out
        #expect(fields(kept, line: 1)[1] == "4111 1111 1111 1111", "\(kept)")
        #expect(fields(partial, line: 1)[1] == "**** **** **** 1111", "\(partial)")
        #expect(fields(redacted, line: 1)[1] == "*******************", "\(redacted)")
        #expect(Set([kept, partial, redacted]).count == 3)
        for out in [kept, partial, redacted] { #expect(fields(out, line: 0) == fields(Self.csv, line: 0), "the header is kept") }
        // An unknown identity gets "*" redact everywhere, even where a column rule says `null`: the
        // identity rule comes first.
        #expect(fields(redacted, line: 1) == ["1", "*******************", "***********", "mail ***************",
                                               "***************", "***************"],
                "\(redacted)")
    }

    @Test func aNotesRuleAppliesByHeaderName() {
        let out = mask(Self.csv, identity: Self.someone).out
        let row = fields(out, line: 1)
        #expect(row[3] == "mail ***************", "`case_notes` matches `*_notes`: redact: \(out)")
        #expect(row[5].hasSuffix("@example.invalid"), "the `email` column keeps the default, tokenize: \(out)")
        let renamed = mask(Self.csv.replacingOccurrences(of: "case_notes", with: "case_note"), identity: Self.someone).out
        #expect(fields(renamed, line: 1)[3].hasPrefix("mail ") && fields(renamed, line: 1)[3].hasSuffix("@example.invalid"),
                "no rule for `case_note`: \(renamed)")
    }

    @Test func keepLeavesTheValueByteIdenticalAndReportsIt() {
        let input = "id,card\n1,4111 1111 1111 1111\n2,\"5555 5555 5555 4444\"\n"
        let (out, report, summary) = mask(input, identity: Self.reader)
        #expect(out == input)
        #expect(report == """
            {"row":0,"column":1,"start":0,"end":19,"type":"credit_card"}
            {"row":1,"column":1,"start":0,"end":19,"type":"credit_card"}

            """, "\(report)")
        #expect(summary?.count(.creditCard) == 2)
    }

    /// `partial:9` asks for more than half the digits of an SSN: at most 4 of its 9 stay.
    @Test func partialNineOnAnSSNKeepsAtMostFourDigits() {
        let input = "id,ssn\n1,536-90-4399\n2,536904399\n"
        let out = mask(input, identity: Self.support).out
        #expect(fields(out, line: 1)[1] == "***-**-4399", "\(out)")
        #expect(fields(out, line: 2)[1] == "*****4399", "\(out)")
        for line in 1...2 { #expect(fields(out, line: line)[1].filter(\.isNumber).count <= 4) }
    }

    @Test func nullFromAColumnRuleNullsOnlyThatColumn() {
        let out = mask(Self.csv, identity: Self.someone).out
        let row = fields(out, line: 1)
        #expect(row.count == 6, "\(out)")
        #expect(row[4] == "", "`backup_email` becomes NULL (an empty unquoted field): \(out)")
        #expect(row[0] == "1")
        #expect(row[3] == "mail ***************", "the same address in another column is not nulled")
        #expect(row[5].hasSuffix("@example.invalid"), "the same address in another column is not nulled")
        #expect(row[1] != "" && row[2] != "")
    }

    static let dump = """
        --
        -- PostgreSQL database dump
        --

        CREATE TABLE public.users (id integer, contact text, email text);

        COPY public.users (id, contact, email) FROM stdin;
        1\tann@example.com\tann@example.com
        \\.

        COPY crm.users (id, contact, email) FROM stdin;
        1\tann@example.com\tann@example.com
        \\.

        """

    static func isHash(_ s: some StringProtocol) -> Bool {
        s.utf8.count == 32 && s.allSatisfy { "0123456789abcdef".contains($0) }
    }

    /// `table: public.users` finds its column in the dump's COPY line, and not in another schema's table.
    @Test func aDumpColumnRuleByTable() {
        let out = mask(Self.dump, format: .pgdump, identity: Self.someone).out
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("1\t") }.map { $0.split(separator: "\t") }
        #expect(rows.count == 2, "\(out)")
        guard rows.count == 2 else { return }
        #expect(Self.isHash(rows[0][1]), "public.users.contact is hashed: \(out)")
        #expect(rows[0][2].hasSuffix("@example.invalid"), "public.users.email is tokenized: \(out)")
        #expect(rows[1][1].hasSuffix("@example.invalid"), "crm.users.contact is not public.users: \(out)")
        #expect(rows[1][1] == rows[0][2], "tokens are deterministic")
        #expect(out.hasPrefix("--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.users"))
    }

    /// pg_dump quotes identifiers that are not all lowercase: `public."Users"` is the table Users, and
    /// a rule names it as PostgreSQL does, without the quotes, like the COPY line's column names.
    @Test func aDumpColumnRuleByAQuotedTableName() throws {
        let policy = try PolicyFile.parse("""
            version: 1
            columns:
              - match: {table: public.Users, column: Contact Email}
                actions: {email: hash}
              - match: {table: Orders, column: note}
                actions: {email: redact}

            """)
        let dump = """
            COPY public."Users" (id, "Contact Email") FROM stdin;
            1\tann@example.com
            \\.
            COPY "Sales"."Orders" (id, note) FROM stdin;
            1\tann@example.com
            \\.

            """
        let out = String(decoding: maskStream(Array(dump.utf8), format: .pgdump, policy: policy).output, as: UTF8.self)
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("1\t") }.map { $0.split(separator: "\t") }
        try #require(rows.count == 2, "\(out)")
        #expect(rows.allSatisfy { !$0[1].contains("ann@example.com") }, "\(out)")
        #expect(Self.isHash(rows[0][1]), "public.\"Users\".\"Contact Email\" is hashed: \(out)")
        #expect(rows[1][1] == "***************", "\"Sales\".\"Orders\".note is redacted: \(out)")
    }

    /// CSV has no table of its own: `--table` gives it one for column rules that name a table.
    @Test func aCSVTableGivesTableRulesTheirColumns() {
        let input = "id,contact\n1,ann@example.com\n"
        let named = fields(mask(input, identity: Self.someone, table: "public.users").out, line: 1)
        #expect(Self.isHash(named[1]), "\(named)")
        let unqualified = fields(mask(input, identity: Self.someone, table: "users").out, line: 1)
        #expect(Self.isHash(unqualified[1]), "an unqualified table is in public: \(unqualified)")
        let other = fields(mask(input, identity: Self.someone, table: "crm.users").out, line: 1)
        #expect(other[1].hasSuffix("@example.invalid"), "\(other)")
        let none = fields(mask(input, identity: Self.someone).out, line: 1)
        #expect(none[1].hasSuffix("@example.invalid"), "no table: the rule does not apply: \(none)")
    }

    /// On the wire, a column is the table's OID and attribute number: the query's alias does not matter.
    @Test func aWireColumnRuleByTableOIDIgnoresAliases() {
        // `Wire.rowDescription` gives every column table OID 16384 and attribute number i + 1.
        for alias in ["contact", "c", "email"] {
            let input = Wire.rowDescription([("id", 23), ("email", 25), (alias, 25)])
                + Wire.dataRow(["1", "ann@example.com", "ann@example.com"]) + Wire.commandComplete + Wire.readyForQuery
            let (out, _, summary) = mask(input, format: .wire, identity: Self.someone)
            #expect(summary?.count(.email) == 2)
            #expect(out.contains("@example.invalid"), "column 2 is tokenized")
            let hex = out.split(whereSeparator: { !"0123456789abcdef".contains($0) }).filter { $0.utf8.count == 32 }
            #expect(hex.count == 1, "column 3 (as \(alias)) is hashed: \(out.debugDescription)")
            #expect(!out.contains("ann@example.com"))
        }
    }
}
