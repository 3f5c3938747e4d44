import Testing
import WireTestSupport
@testable import MaskEngine

/// A column renamed in the query (`SELECT password AS p`) reaches the masker under its new name only: the
/// query's text says what it was, and the column is masked as what it was.
@Suite struct SelectListAliasTests {
    /// Which aliases `sql` gives a credential (c), SSN (s) or card (k) context, as "alias:flags".
    static func aliases(_ sql: String, after earlier: [String] = []) -> [String] {
        var reader = SelectListAliases()
        for text in earlier + [sql] { Array(text.utf8).withUnsafeBufferPointer { reader.read($0) } }
        return reader.contexts.map { alias, context in
            alias + ":" + (context.credentialColumn ? "c" : "") + (context.bareSSN ? "s" : "") + (context.cardColumn ? "k" : "")
        }.sorted()
    }

    @Test func aliasesTakeTheContextOfWhatTheyRename() {
        #expect(Self.aliases("SELECT password AS p, ssn AS s, card_number AS k, api_key AS key FROM users")
                == ["k:k", "key:c", "p:c", "s:s"])
        #expect(Self.aliases("select u.password p, u.ssn s from users u") == ["p:c", "s:s"], "without AS")
        #expect(Self.aliases("SELECT \"password\" AS \"P w\", \"Api_Key\" AS X FROM users") == ["P w:c", "x:c"],
                "a quoted alias keeps its case, an unquoted one is folded as the server folds it")
        #expect(Self.aliases("SELECT coalesce(password, '') AS x, password::text pw2, lower(ssn)||'' AS y FROM users")
                == ["pw2:c", "x:c", "y:s"], "an expression over the column")
        #expect(Self.aliases("SELECT coalesce(password, ''), string_agg(api_key, ','), CASE WHEN ssn IS NULL THEN '' ELSE ssn END, password || '' FROM users")
                == ["case:s", "coalesce:c", "string_agg:c"], "unnamed, a call or a CASE is named as the server names it (not `?column?`)")
        #expect(Self.aliases("SELECT a = password FROM users") == [], "`?column?` is no name")
        #expect(Self.aliases("SELECT (SELECT password FROM users LIMIT 1) AS x") == ["x:c"], "a scalar subquery")
        #expect(Self.aliases("SELECT p FROM (SELECT password AS p FROM users) q") == ["p:c"], "a subquery in FROM")
        #expect(Self.aliases("WITH t AS (SELECT password AS pw FROM users) SELECT pw AS z FROM t") == ["pw:c", "z:c"],
                "an alias of an alias")
        #expect(Self.aliases("SELECT CASE WHEN ssn IS NULL THEN '' ELSE ssn END AS s FROM people") == ["s:s"])
        #expect(Self.aliases("SELECT DISTINCT ON (id) password AS p FROM users ORDER BY id") == ["p:c"])
        #expect(Self.aliases("INSERT INTO users (login, password) VALUES ('a', 'b') RETURNING password AS p") == ["p:c"])
        #expect(Self.aliases("SELECT 1; SELECT api_token AS t FROM keys;") == ["t:c"], "any statement of several")
        #expect(Self.aliases("SELECT password AS from FROM users") == ["from:c"], "after AS, any word is the alias")
        #expect(Self.aliases("select PassWord As P from users") == ["p:c"])
        // What renames nothing, or renames what is no credential, SSN or card.
        #expect(Self.aliases("SELECT password, ssn FROM users AS u") == [])
        #expect(Self.aliases("SELECT login AS l, phone AS ph, created_at c FROM users") == [])
        #expect(Self.aliases("SELECT CAST(password AS text) FROM users") == [], "the AS of a cast is inside its parentheses")
        #expect(Self.aliases("SELECT 'password' AS p, $$ssn$$ AS s, E'api_key\\'' AS k, \"note\" AS n -- password AS q\n FROM t")
                == [], "names inside literals and comments are none")
        #expect(Self.aliases("SELECT /* ssn AS s /* nested */ password AS p */ id AS i FROM t") == [])
        #expect(Self.aliases("SELECT password_changed_at AS c, token_type AS t, secret_question AS q FROM users") == [])
        #expect(Self.aliases("SELECT x FROM users WHERE password = 'a' AND ssn = '1'") == [], "names outside a select list")
        #expect(Self.aliases("SELECT password AS p FROM users WHERE $1 = 'x'; SELECT id AS p FROM t") == ["p:c"],
                "once renamed from a credential in this session, the name stays strict")
        #expect(Self.aliases("SELECT id AS pw", after: ["SELECT password AS pw FROM u"]) == ["pw:c"])
        // Text that is no SQL at all reads as no alias, and ends.
        #expect(Self.aliases("SELECT ((((password AS p") == [], "an AS inside parentheses renames no column")
        #expect(Self.aliases("))) , ; AS AS AS \"unclosed 'x $$ /* --") == [])
        #expect(Self.aliases("") == [])
        // Nesting past the reader's depth is skipped, and what follows it is read again.
        let deep = String(repeating: "(", count: 100_000) + "SELECT password AS q" + String(repeating: ")", count: 100_000)
        #expect(Self.aliases(deep + " ; SELECT password AS p FROM users") == ["p:c"])
        #expect(Self.aliases("SELECT (((((password))))) AS p, " + String(repeating: "(", count: 200) + "ssn AS s") == ["p:c"])
    }

    @Test func outputNamesAreTheFirstSelectListsAsTheServerNamesThem() {
        func names(_ sql: String) -> [String]? { Array(sql.utf8).withUnsafeBufferPointer { SelectListAliases.outputNames($0) } }
        #expect(names("SELECT id, u.password, password AS p, \"Api Key\", lower(note), count(*) n, 1, ARRAY[1, 2] a FROM users u")
                == ["id", "password", "p", "Api Key", "lower", "n", "", "a"])
        #expect(names("SELECT DISTINCT login, NULL AS x FROM t UNION SELECT a, b FROM s") == ["login", "x"], "the first branch names them")
        #expect(names("WITH t AS (SELECT password AS pw, ssn FROM users) SELECT pw, ssn FROM t") == ["pw", "ssn"])
        #expect(names("SELECT (SELECT max(id) FROM t) AS m, CASE WHEN a THEN b END, pg_catalog.upper(x)::text FROM t")
                == ["m", "case", "upper"])
        #expect(names("SELECT * FROM users") == nil && names("SELECT u.*, id FROM users u") == nil, "`*`: not in the text")
        #expect(names("SELECT a * b AS c, 2*3 FROM t") == ["c", ""], "a product is no star")
        #expect(names("INSERT INTO t VALUES (1)") == nil && names("") == nil)
    }

    @Test func theOldestAliasesAreForgottenPastTheCapacity() {
        var reader = SelectListAliases(capacity: 3)
        for i in 0..<5 { Array("SELECT password AS p\(i) FROM u".utf8).withUnsafeBufferPointer { reader.read($0) } }
        #expect(reader.contexts.keys.sorted() == ["p2", "p3", "p4"])
        Array("SELECT password AS p2 FROM u".utf8).withUnsafeBufferPointer { reader.read($0) }
        Array("SELECT password AS p5 FROM u".utf8).withUnsafeBufferPointer { reader.read($0) }
        #expect(reader.contexts.keys.sorted() == ["p2", "p4", "p5"], "an alias read again is the newest")
    }

    /// Through a session, simple and extended: the renamed columns' values are masked as the columns'
    /// own would be (a credential whole, a bare nine-digit SSN), and the same value gets the same token
    /// under either name.
    @Test func renamedColumnsAreMaskedAsTheColumnsTheyRename() throws {
        let row = ["1", "hunter2-Secret", "123456789", "alice"]
        func masked(_ drive: (SessionDriver) throws -> Void) throws -> [String?] {
            let d = SessionDriver()
            try drive(d)
            return Wire.rows(d.output).first ?? []
        }
        let plain = try masked { d in
            try d.client(Frontend.query("SELECT id, password, ssn, login FROM users"))
            try d.server(Wire.rowDescription([("id", 23), ("password", 25), ("ssn", 25), ("login", 25)]) + Wire.dataRow(row)
                         + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        }
        let simple = try masked { d in
            try d.client(Frontend.query("SELECT id AS i, u.password p, ssn AS s, login AS l FROM users u"))
            try d.server(Wire.rowDescription([("i", 23), ("p", 25), ("s", 25), ("l", 25)]) + Wire.dataRow(row)
                         + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        }
        let extended = try masked { d in
            try d.client(Frontend.parse("", "SELECT id AS i, password AS p, ssn AS s, login AS l FROM users")
                         + Frontend.bind(statement: "", resultFormats: [0]) + Frontend.describe(portal: "") + Frontend.execute()
                         + Frontend.sync)
            try d.server(Backend.parseComplete + Backend.bindComplete
                         + Wire.rowDescription([("i", 23), ("p", 25), ("s", 25), ("l", 25)]) + Wire.dataRow(row)
                         + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        }
        #expect(plain[1] != "hunter2-Secret" && plain[2] != "123456789" && plain[3] == "alice", "\(plain)")
        #expect(simple == plain, "renamed in a simple query: \(simple)")
        #expect(extended == plain, "renamed in a prepared statement: \(extended)")
        // An operator's column is `?column?` in every query: it takes what its item reads by position, for
        // its own query's result only.
        func unnamed(_ query: String, _ value: String) throws -> String? {
            let d = SessionDriver()
            try d.client(Frontend.query(query))
            try d.server(Wire.rowDescription([("?column?", 25), ("id", 23)]) + Wire.dataRow([value, "1"])
                         + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
            try d.client(Frontend.query("SELECT 'a' || 'b', 1"))
            try d.server(Wire.rowDescription([("?column?", 25), ("?column?", 23)]) + Wire.dataRow(["plain words", "1"])
                         + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
            let rows = Wire.rows(d.output)
            #expect(rows.count == 2 && rows[1][0] == "plain words", "the next query's ?column? is its own: \(rows)")
            return rows.first?[0] ?? nil
        }
        let joined = try unnamed("SELECT login || ' ' || password, id FROM users", "alice hunter2-Secret")
        #expect(joined != nil && !joined!.contains("hunter2") && joined!.count == "alice hunter2-Secret".count, "\(joined ?? "nil")")
        #expect(try unnamed("SELECT login || ' x', id FROM users", "alice x") == "alice x")
        #expect(try unnamed("SELECT *, password || '' FROM users", "hunter2-Secret") == "hunter2-Secret",
                "a `*` hides how many columns come before: no position is known (not followed)")
        // A view that renames its columns: the query's text does not say what (not followed).
        let unrenamed = try masked { d in
            try d.client(Frontend.query("SELECT * FROM v"))
            try d.server(Wire.rowDescription([("i", 23), ("p", 25), ("s", 25), ("l", 25)]) + Wire.dataRow(row)
                         + Backend.commandComplete("SELECT 1") + Wire.readyForQuery)
        }
        #expect(unrenamed[1] == "hunter2-Secret" && unrenamed[2] == "123456789", "\(unrenamed)")
    }
}
