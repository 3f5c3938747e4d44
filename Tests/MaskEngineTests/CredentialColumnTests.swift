import Foundation
import Testing
import WireTestSupport
@testable import MaskEngine

/// A column named for credentials (`password`, `api_key`, `access_token`) holds secrets whatever their
/// shape: a password like `s*36SUU48b` or a hex API key has nothing a detector could know it by, and
/// passed in clear. Every value of such a column of text is masked whole, as a `credential_column`
/// secret; columns whose names only mention one (`password_changed_at`, `token_type`) are not.
@Suite struct CredentialColumnTests {
    static let passwords = ["s*36SUU48b", "R#4vKgsAE0", "correct horse battery staple", "hunter2", "x"]
    static let keys = ["31837e20cdeec95cbafe6af9c19efd088e5354ef", "f8eb18b9-0074-4130-a1da-8978206f5c66"]

    @Test func csvColumnsAreMaskedWhole() {
        var csv = "id,password,api_key,password_changed_at,token_type,note\n"
        for (i, p) in Self.passwords.enumerated() {
            csv += "\(i),\"\(p)\",\(Self.keys[i % 2]),2024-01-0\(i + 1),bearer,plain\n"
        }
        csv += "9,,,2024-02-01,bearer,empty credentials stay empty\n"
        // A JSON document in a credential column stays JSON: every string value is masked (one under a
        // name no rule knows, too), names and numbers stay.
        csv += #"10,hunter2,"{""access_token"": ""ya29a0AfH6SMBx3kQ9zZqLmN8pR2tV"", ""expires_in"": 3600, ""x"": [""hunter2""]}",2024-02-02,bearer,doc"# + "\n"
        let r = maskStream(Array(csv.utf8), format: .csv)
        #expect(r.error == nil)
        let rows = JSONNumberTests.csvRows(String(decoding: r.output, as: UTF8.self))
        let original = JSONNumberTests.csvRows(csv)
        #expect(rows.count == original.count)
        for (masked, row) in zip(rows.dropFirst(), original.dropFirst()) {
            if row[2].hasPrefix("{") {
                let document = try? JSONSerialization.jsonObject(with: Data(masked[2].utf8)) as? [String: Any]
                #expect(document?["expires_in"] as? Int == 3600 && document?["access_token"] as? String != "ya29a0AfH6SMBx3kQ9zZqLmN8pR2tV",
                        "\(masked[2])")
                #expect((document?["x"] as? [String])?.first.map { $0 != "hunter2" && $0.count == 7 } == true, "\(masked[2])")
                continue
            }
            for column in [1, 2] where !row[column].isEmpty {
                #expect(masked[column] != row[column] && masked[column].utf8.count == row[column].utf8.count, "\(row[column])")
            }
            #expect(Array(masked[3...]) == Array(row[3...]), "the other columns are unchanged")
            if row[1].isEmpty { #expect(masked[1].isEmpty && masked[2].isEmpty) }
        }
        #expect(r.report.contains(#""kind":"credential_column""#))
        for secret in Self.passwords + Self.keys where secret.count > 1 {
            #expect(!String(decoding: r.output, as: UTF8.self).contains(secret), "\(secret)")
        }
    }

    /// A value that only looks like a document (a quote missing, text between strings) is masked whole:
    /// what stands outside its strings may be the secret (found by the CSV fuzzer: a Slack token after
    /// `{"acce: "` passed, then an address where a name goes).
    @Test func aValueThatOnlyLooksLikeJSONIsMaskedWhole() {
        let secrets = ["xoxb-179183098388-9638125711189-oo58giEJEuyGePQ44xh5Gv2r", "s3cr3tv4lu3", "hunter2", "ann@example.com",
                       "bob@example.com", "unreal"]
        // A name stays a name, but what a detector finds in it is masked (a map keyed by address; a
        // string only where a name goes).
        let values = [#"{"acce: "\#(secrets[0])"}"#, #"{"k": "v", \#(secrets[1])}"#, #"["a", "\#(secrets[2])]"#,
                      #"{"k": \#(secrets[2])}"#, #"{"\#(secrets[3])": "v"}"#, #"{"k": "\#(secrets[4])": "v"}"#,
                      #"{"k": \#(secrets[5]), "n": 3600, "ok": true}"#]
        var csv = "id,api_key\n"
        for (i, v) in values.enumerated() { csv += "\(i),\"\(v.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }
        let r = maskStream(Array(csv.utf8), format: .csv)
        #expect(r.error == nil)
        let rows = JSONNumberTests.csvRows(String(decoding: r.output, as: UTF8.self))
        #expect(rows.count == values.count + 1)
        let output = String(decoding: r.output, as: UTF8.self)
        for secret in secrets { #expect(!output.contains(secret), "\(secret) in \(output)") }
        // A credential keeps its length (an address gets an address's token).
        for (row, value) in zip(rows.dropFirst(), values.prefix(4)) {
            #expect(row[1].utf8.count == value.utf8.count, "\(row[1])")
        }
    }

    @Test func wireColumnsOfTextAreMaskedNumbersAndUUIDsKeepTheirRules() {
        var stream = Wire.rowDescription([("password", PostgresType.text), ("api_key", 1043), ("token", PostgresType.int4),
                                          ("api_token", 2950), ("login", PostgresType.text), ("secrets", PostgresType.jsonb)])
        for (i, p) in Self.passwords.enumerated() {
            stream += Wire.dataRow([p, Self.keys[0], "\(i)", Self.keys[1], "user\(i)", #"{"n": 1, "ok": true}"#])
        }
        let rows = Wire.rows(maskStream(stream).output)
        #expect(rows.count == Self.passwords.count)
        for (row, p) in zip(rows, Self.passwords) {
            #expect(row[0] != p && row[0]?.utf8.count == p.utf8.count)
            #expect(row[1] != Self.keys[0] && row[1]?.count == Self.keys[0].count)
            #expect(row[3] == Self.keys[1], "a uuid column's value is a uuid, not text to tokenize")
        }
        #expect(rows.map { $0[2] } == (0..<Self.passwords.count).map { "\($0)" }, "an integer column keeps its numbers")
        #expect(rows.map { $0[4] } == (0..<Self.passwords.count).map { "user\($0)" })
        #expect(rows.allSatisfy { $0[5] == #"{"n": 1, "ok": true}"# }, "a JSON document keeps its own rules")
    }

    /// In a dump the masked value fits its `varchar(n)` (a secret's token keeps its length) and a
    /// number column named `token` keeps its numbers.
    @Test func dumpColumnsKeepTheirTypes() {
        let dump = """
            --
            -- PostgreSQL database dump
            --

            CREATE TABLE public.accounts (
                id integer NOT NULL,
                password character varying(12),
                token integer,
                encrypted_password text
            );


            COPY public.accounts (id, password, token, encrypted_password) FROM stdin;
            1\tR#4vKgsAE0\t42\t$2b$12$KIXQJqz8uJb0oL8vq1Sx8e
            2\t\\N\t43\thunter2\\tx

            """ + "\\.\n"
        let r = maskStream(Array(dump.utf8))
        #expect(r.error == nil)
        let lines = String(decoding: r.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("COPY ") }.dropFirst().prefix { $0 != "\\." }.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(lines.count == 2)
        #expect(lines[0][1] != "R#4vKgsAE0" && lines[0][1].count == 10 && lines[0][2] == "42")
        #expect(lines[0][3] != "$2b$12$KIXQJqz8uJb0oL8vq1Sx8e" && lines[0][3].hasPrefix("$") && lines[0][3].count == 29)
        #expect(lines[1][1] == "\\N" && lines[1][2] == "43")
        #expect(lines[1][3] != "hunter2\\tx" && lines[1][3].count == "hunter2\\tx".count && lines[1][3].contains("\\t"),
                "a tab inside the value stays a tab, escaped")
    }

    /// The elements of an array's text, as `ArrayText` hands them (nil: not a well-formed array).
    static func elements(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        var found: [String] = []
        let ok = bytes.withUnsafeBufferPointer { b in
            ArrayText.forEachElement(b) { found.append(String(decoding: b[$0], as: UTF8.self)) }
        }
        return ok ? found : nil
    }

    @Test func arrayTextElements() {
        #expect(Self.elements("{}") == [])
        #expect(Self.elements("{a,b}") == ["a", "b"])
        #expect(Self.elements(#"{hunter2,"old pass",NULL,null,"NULL",""}"#) == ["hunter2", "old pass", "NULL", ""],
                "an unquoted NULL is the null element; a quoted one is a string")
        #expect(Self.elements(#"{"a\"b","c\\d",e\,f}"#) == [#"a\"b"#, #"c\\d"#, #"e\,f"#], "escapes stay as they are")
        #expect(Self.elements("{{a,b},{c,NULL}}") == ["a", "b", "c"])
        #expect(Self.elements("[0:1]={a,b}") == ["a", "b"])
        #expect(Self.elements("[1:2][3:4]={{a,b},{c,d}}") == ["a", "b", "c", "d"])
        for malformed in ["", "{", "}", "a", "{a", "{a,}", "{,a}", "{a}x", #"{"a}"#, #"{"a"b}"#, "{a{b}}", "{a}}", "[1:2]{a}",
                          "[x]={a}", "{{a}", #"{a\"#, "(1,2)"] {
            #expect(Self.elements(malformed) == nil, "\(malformed)")
        }
    }

    /// A credential column of an array of text (`passwords text[]`, `array_agg(password)`) holds a
    /// secret in each element: each is masked in place, with the token a text column gives the same
    /// value, and the array keeps its elements, its nulls and its shape. A JSON value's strings are
    /// its secrets (`json_agg(password)`, `to_jsonb(password)`); its numbers, Booleans and nulls stay.
    @Test func wireArraysAndJSONOfCredentialsAreMaskedElementByElement() {
        let rowDescription = Wire.rowDescription([("password", PostgresType.text), ("passwords", 1009), ("api_keys", 1015),
                                                  ("tags", 1009), ("secret", 114), ("token", PostgresType.jsonb)])
        let cells: [[String?]] = [
            ["hunter2-Secret", #"{hunter2-Secret,"old pass word",NULL,"with\"quote"}"#, "{qwertyuiopasdfgh1234}", "{red,blue}",
             #""hunter2-Secret""#, #"["hunter2-Secret", null, 3, true]"#],
            ["x", "{{s3cr3t,NULL},{p4ss,w0rd}}", "[0:0]={k3y}", "{}", "42", "null"],
            ["y", "{not well formed", "{}", "{NULL}", " true ", #"{"access_token": "ya29a0AfH6SMBx3kQ9zZq", "expires_in": 3600}"#],
        ]
        var stream = rowDescription
        for row in cells { stream += Wire.dataRow(row) }
        let r = maskStream(stream)
        #expect(r.error == nil)
        let rows = Wire.rows(r.output)
        #expect(rows.count == 3)
        guard rows.count == 3 else { return }
        let output = String(decoding: r.output, as: UTF8.self)
        for secret in ["hunter2-Secret", "old pass word", "quote", "qwertyuiopasdfgh1234", "s3cr3t", "p4ss", "w0rd", "k3y",
                       "not well formed", "ya29a0AfH6SMBx3kQ9zZq"] {
            #expect(!output.contains(secret), "\(secret) in \(output)")
        }
        let token = rows[0][0]!
        #expect(Self.elements(rows[0][1]!).map { $0.count } == 3, "\(rows[0][1]!)")
        #expect(Self.elements(rows[0][1]!)?.first == token, "an element's token is the one a text column gives its value")
        #expect(rows[0][1]!.contains(",NULL,"), "a null element stays null")
        #expect(rows[0][1]!.utf8.count == cells[0][1]!.utf8.count)
        #expect(rows[0][3] == "{red,blue}", "an array not named for credentials keeps its rules")
        #expect(rows[0][4] == "\"\(token)\"", "a JSON string's contents get the text column's token")
        #expect(rows[0][5] == "[\"\(token)\", null, 3, true]", "a JSON array's strings are masked, the rest stays")
        #expect(Self.elements(rows[1][1]!)?.count == 3 && rows[1][1]!.hasPrefix("{{") && rows[1][1]!.contains(",NULL},{"))
        #expect(rows[1][2]!.hasPrefix("[0:0]={") && rows[1][2]!.count == "[0:0]={k3y}".count)
        #expect(rows[1][4] == "42" && rows[1][5] == "null", "a JSON number or null is no string to mask")
        #expect(rows[2][1]!.utf8.count == "{not well formed".utf8.count, "what is no array is masked whole")
        #expect(rows[2][2] == "{}" && rows[2][3] == "{NULL}" && rows[2][4] == " true ")
        let document = try? JSONSerialization.jsonObject(with: Data(rows[2][5]!.utf8)) as? [String: Any]
        #expect(document?["expires_in"] as? Int == 3600 && (document?["access_token"] as? String)?.count == 21, "\(rows[2][5]!)")
    }

    /// In a dump, a column declared `text[]`, `character varying(n)[]` or `jsonb` and named for
    /// credentials is masked element by element, string by string; the COPY escapes stay escapes.
    @Test func dumpArraysAndJSONOfCredentials() {
        let dump = """
            --
            -- PostgreSQL database dump
            --

            CREATE TABLE public.accounts (
                id integer NOT NULL,
                passwords text[],
                api_keys character varying(40)[],
                secret jsonb,
                tags text[]
            );


            COPY public.accounts (id, passwords, api_keys, secret, tags) FROM stdin;
            1\t{hunter2-Secret,NULL,"with\\\\"q"}\t{qwertyuiopasdfgh1234}\t{"pw": "hunter2-Secret", "n": 7}\t{a,b}
            2\t\\N\t{}\t"s3cr3tv4lu3"\t{NULL}

            """ + "\\.\n"
        let r = maskStream(Array(dump.utf8))
        #expect(r.error == nil)
        let text = String(decoding: r.output, as: UTF8.self)
        for secret in ["hunter2-Secret", "qwertyuiopasdfgh1234", "s3cr3tv4lu3"] { #expect(!text.contains(secret), "\(secret) in \(text)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("COPY ") }.dropFirst().prefix { $0 != "\\." }.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(lines.count == 2)
        guard lines.count == 2 else { return }
        #expect(lines[0][1].hasPrefix("{") && lines[0][1].contains(",NULL,\"") && lines[0][1].contains(#"\\""#), "\(lines[0][1])")
        #expect(lines[0][1].count == #"{hunter2-Secret,NULL,"with\\"q"}"#.count, "as long as the line it masks")
        #expect(lines[0][3].hasSuffix(#", "n": 7}"#) && lines[0][3].hasPrefix(#"{"pw": ""#), "\(lines[0][3])")
        #expect(lines[0][4] == "{a,b}" && lines[1][1] == "\\N" && lines[1][2] == "{}" && lines[1][4] == "{NULL}")
        #expect(lines[1][3].hasPrefix("\"") && lines[1][3].count == #""s3cr3tv4lu3""#.count)
    }

    /// A credential column of bytea (`password::bytea`, a `secret bytea` column) is its bytes: the hex
    /// of a password passed in clear. Decoded, text gets the text column's token (written back as hex)
    /// and other bytes a same-length token, so the value stays valid bytea of its length.
    @Test func byteaCredentialsAreMaskedWhole() {
        let hex = { (s: String) in "\\x" + s.utf8.map { String(format: "%02x", $0) }.joined() }
        let digest = "\\x" + (0..<32).map { String(format: "%02x", ($0 * 37 + 11) % 256) }.joined()
        var stream = Wire.rowDescription([("password", PostgresType.text), ("password", PostgresType.bytea),
                                          ("secret", PostgresType.bytea), ("photo", PostgresType.bytea)])
        stream += Wire.dataRow(["hunter2-Secret", hex("hunter2-Secret"), digest, hex("hunter2-Secret")])
        let rows = Wire.rows(maskStream(stream).output)
        #expect(rows.count == 1)
        guard let row = rows.first else { return }
        #expect(row[1] == hex(row[0]!), "the hex of the text column's token: \(row[1] ?? "")")
        #expect(row[2] != digest && row[2]?.count == digest.count && row[2]?.hasPrefix("\\x") == true, "\(row[2] ?? "")")
        #expect(row[3] == hex("hunter2-Secret"), "a bytea not named for credentials keeps its rules")
    }
}
