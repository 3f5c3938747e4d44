import Foundation
import Logging
import MaskEngine
import MaskdService
import NIOCore
import PostgresNIO
import Testing

/// A real driver that prepares statements and asks for binary results (postgres-nio), through `maskd
/// proxy` and `maskd serve`, against a real PostgreSQL.
@Suite(.serialized) struct DriverTests {
    static let key = try! TokenKey(string: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")

    struct UsersByID: PostgresPreparedStatement {
        static let sql = "SELECT id, email, ssn, ssn_num, card, note, tags, created FROM users WHERE id <= $1 ORDER BY id"
        typealias Row = (Int32, String, String, Int64, Decimal, String, [String], Date)
        var maxID: Int32
        func makeBindings() throws -> PostgresBindings {
            var b = PostgresBindings()
            b.append(maxID)
            return b
        }
        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Runs `body` with an in-process `maskd proxy` (masking itself, no daemon) to `pg`, started, and a
    /// postgres-nio connection through it (its `id`), closed after `body` returns.
    static func throughProxy(to pg: TestPostgres, policy: MaskPolicy = .default, id: Int,
                             _ body: (MaskdProxy, PostgresConnection, Logger) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        let proxy = try MaskdProxy(configuration: ProxyConfiguration(listenHost: "127.0.0.1", listenPort: 0,
                                                                 upstream: .tcp(host: "127.0.0.1", port: pg.port), maskdSocket: nil,
                                                                 key: Self.key, policy: policy), logger: logger)
        try proxy.start()
        defer { proxy.stop() }
        let configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: proxy.port!, username: "postgres",
                                                             password: nil, database: "postgres", tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        do {
            try await body(proxy, connection, logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    @Test func preparedStatementsWithBinaryResultsNeverShowAnOriginal() async throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try pg.psql("""
            CREATE TABLE users (id int PRIMARY KEY, email text, ssn varchar(11), ssn_num bigint, card numeric, note text,
                                tags text[], created timestamptz);
            INSERT INTO users VALUES
              (1, 'ann.lee@example.com', '536-90-4399', 536904399, 4111111111111111, 'mail bob@corp.example now',
               ARRAY['x@y.example', 'plain'], '2024-05-01 10:00:00+00'),
              (2, 'Zed.O@mail.example.org', '078-05-1120', 78051120, 5555555555554444, 'key AKIAZ7QWERTYUIOP1234 here',
               ARRAY['none'], '2024-05-02 11:30:00+00');
            """)
        let logger = Logger(label: "test")
        let socket = pg.directory + "/maskd.sock"
        var serveConfiguration = ServeConfiguration(socketPath: socket, peers: PeerPolicy(uids: [getuid(), 0], gids: []), key: Self.key)
        serveConfiguration.threads = 1
        let server = try MaskdServer(configuration: serveConfiguration, logger: logger)
        try server.start()
        defer { server.drainAndStop() }
        let proxy = try MaskdProxy(configuration: ProxyConfiguration(listenHost: "127.0.0.1", listenPort: 0,
                                                                 upstream: .tcp(host: "127.0.0.1", port: pg.port), maskdSocket: socket,
                                                                 key: Self.key), logger: logger)
        try proxy.start()
        defer { proxy.stop() }

        let configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: proxy.port!, username: "postgres",
                                                             password: nil, database: "postgres", tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        var first: [UsersByID.Row] = []
        for try await row in try await connection.execute(UsersByID(maxID: 10), logger: logger) { first.append(row) }
        // Another query in between, then the prepared statement again (Bind/Execute only, no Describe).
        let other = try await connection.query("SELECT now(), 1.5::float8, true", logger: logger)
        for try await _ in other {}
        var second: [UsersByID.Row] = []
        for try await row in try await connection.execute(UsersByID(maxID: 10), logger: logger) { second.append(row) }
        // An unnamed statement with binary results, through postgres-nio's query path.
        var viaQuery: [(String, Int64)] = []
        for try await (email, ssn) in try await connection.query("SELECT email, ssn_num FROM users WHERE id = \(Int32(1))", logger: logger)
            .decode((String, Int64).self) { viaQuery.append((email, ssn)) }
        try await connection.close()

        #expect(first.count == 2 && second.count == 2)
        let originals = ["ann.lee@example.com", "Zed.O@mail.example.org", "536-90-4399", "078-05-1120", "bob@corp.example",
                         "AKIAZ7QWERTYUIOP1234", "x@y.example"]
        for (a, b) in zip(first, second) {
            #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3 && a.4 == b.4 && a.5 == b.5 && a.6 == b.6,
                    "the second execution is masked like the first")
            let text = [a.1, a.2, a.5] + a.6
            for original in originals { #expect(!text.contains { $0.contains(original) }, "\(original) leaked") }
            #expect(a.1.hasSuffix("@example.invalid"))
        }
        #expect(first[0].0 == 1 && first[1].0 == 2, "ids pass unchanged")
        #expect(first[0].3 != 536_904_399 && first[1].3 != 78_051_120, "an SSN in a bigint is masked in binary")
        #expect(first[0].4 != Decimal(string: "4111111111111111")! && first[1].4 != Decimal(string: "5555555555554444")!)
        #expect(first[0].6[1] == "plain", "array elements without findings pass")
        #expect(first[0].7 == Date(timeIntervalSince1970: 1_714_557_600), "timestamps pass unchanged")
        #expect(viaQuery.count == 1 && viaQuery[0].0 == first[0].1 && viaQuery[0].1 == first[0].3,
                "the same value gets the same token through either path")
    }

    /// A policy's OID rule through a prepared statement with binary results and an alias (postgres-nio,
    /// in-process proxy): the rule applies, and the audit record names the extended protocol.
    @Test func policyOIDRuleThroughPreparedStatementsAndItsAuditRecord() async throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try pg.psql("""
            CREATE TABLE people (id int PRIMARY KEY, email text, note text);
            INSERT INTO people VALUES (1, 'cy.park@driver-policy.example', 'ssn 536-90-4399');
            """)
        let oid = try pg.query("SELECT 'people'::regclass::oid").trimmingCharacters(in: .whitespacesAndNewlines)
        let policy = try PolicyFile.parse("""
            version: 1
            columns:
              - match: {table_oid: \(oid), column: 2}
                actions: {email: hash}
            identities:
              - match: {user: postgres, application: nio-test}
                actions: {us_ssn: "partial:4"}
            """)
        let audit = pg.directory + "/audit.jsonl"
        var configuration = ProxyConfiguration(listenHost: "127.0.0.1", listenPort: 0, upstream: .tcp(host: "127.0.0.1", port: pg.port),
                                               maskdSocket: nil, key: Self.key, policy: policy)
        configuration.auditDestination = audit
        let logger = Logger(label: "test")
        let proxy = try MaskdProxy(configuration: configuration, logger: logger)
        try proxy.start()
        defer { proxy.stop() }
        var options = PostgresConnection.Configuration.Options()
        options.additionalStartupParameters = [("application_name", "nio-test")]
        var connection = PostgresConnection.Configuration(host: "127.0.0.1", port: proxy.port!, username: "postgres",
                                                          password: nil, database: "postgres", tls: .disable)
        connection.options = options
        let client = try await PostgresConnection.connect(configuration: connection, id: 2, logger: logger)
        var rows: [(String, String)] = []
        for try await row in try await client.query("SELECT email AS contact, note FROM people WHERE id = \(Int32(1))", logger: logger)
            .decode((String, String).self) { rows.append(row) }
        // No row: still a result set the client saw, with its record.
        for try await _ in try await client.query("SELECT email AS contact FROM people WHERE id = \(Int32(99))", logger: logger) {}
        try await client.close()

        #expect(rows.count == 1)
        #expect(rows.first?.0.count == 32 && rows.first?.0.allSatisfy(\.isHexDigit) == true, "hashed by the OID rule: \(rows)")
        #expect(rows.first?.1 == "ssn ***-**-4399", "the identity rule's partial:4")
        let records = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        let extended = records.filter { $0.contains("\"query_kind\":\"extended\"") && $0.contains("\"name\":\"contact\"") }
        #expect(extended.count == 2, "\(records)")
        #expect(extended.contains { $0.contains("\"rows\":0,") && $0.contains("\"found\":{}") }, "the empty result's record")
        #expect(extended.first?.contains("\"found\":{\"email\":{\"count\":1,\"action\":\"hash\"}}") == true, "\(extended)")
        #expect(extended.first?.contains("\"identity_rule\":0") == true)
        #expect(!records.contains { $0.contains("cy.park") || $0.contains("536-90") }, "no value in the audit")
    }

    /// Columns renamed in a prepared statement with binary results (postgres-nio): `password AS p` is a
    /// credential column and `ssn AS s` (a bigint of nine digits) an SSN column, masked with the tokens
    /// they get under their own names.
    @Test func renamedColumnsThroughPreparedStatementsAreMaskedAsTheirSources() async throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try pg.psql("""
            CREATE TABLE accounts (id int PRIMARY KEY, password text, ssn bigint, login text);
            INSERT INTO accounts VALUES (1, 'hunter2-Secret', 536904399, 'alice'), (2, 'correct horse', 212345678, 'bob');
            """)
        var own: [(String, Int64, String)] = []
        var renamed: [(String, Int64, String)] = []
        try await Self.throughProxy(to: pg, id: 3) { _, client, logger in
            for try await row in try await client.query("SELECT password, ssn, login FROM accounts WHERE id <= \(Int32(2)) ORDER BY id",
                                                        logger: logger).decode((String, Int64, String).self) { own.append(row) }
            for try await row in try await client.query("SELECT a.password AS p, ssn s, login AS l FROM accounts a WHERE id <= \(Int32(2)) ORDER BY id",
                                                        logger: logger).decode((String, Int64, String).self) { renamed.append(row) }
        }

        #expect(renamed.count == 2)
        #expect(!renamed.contains { $0.0 == "hunter2-Secret" || $0.0 == "correct horse" || $0.1 == 536_904_399 || $0.1 == 212_345_678 },
                "\(renamed)")
        #expect(renamed.map(\.2) == ["alice", "bob"], "the other columns pass")
        #expect(zip(own, renamed).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }, "the same tokens as under the columns' own names")
    }

    /// A credential column of an array of text, in binary results (`array_send`'s layout): each element
    /// gets the token a text column gives its value (postgres-nio decodes no array with nulls: the text
    /// form's test has them, `CredentialColumnTests`).
    @Test func credentialArraysInBinaryResultsAreMaskedElementByElement() async throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try pg.psql("""
            CREATE TABLE accounts (id int PRIMARY KEY, password text, passwords text[], api_keys varchar[]);
            INSERT INTO accounts VALUES (1, 'hunter2-Secret', '{hunter2-Secret,"old pass word"}', '{qwertyuiopasdfgh1234}');
            """)
        var rows: [(String, [String], [String], [String])] = []
        try await Self.throughProxy(to: pg, id: 4) { _, client, logger in
            for try await row in try await client.query(
                "SELECT password, passwords, api_keys, (SELECT array_agg(password) FROM accounts) FROM accounts WHERE id = \(Int32(1))",
                logger: logger).decode((String, [String], [String], [String]).self) { rows.append(row) }
        }

        #expect(rows.count == 1)
        guard let (token, passwords, keys, aggregated) = rows.first else { return }
        #expect(token != "hunter2-Secret" && token.count == 14)
        #expect(passwords.count == 2 && passwords[0] == token, "\(passwords)")
        #expect(passwords.count == 2 && passwords[1] != "old pass word" && passwords[1].count == 13
                && passwords[1].split(separator: " ").count == 3)
        #expect(keys.count == 1 && keys[0] != "qwertyuiopasdfgh1234" && keys[0].count == 20)
        #expect(aggregated == [token], "an aggregate of a credential column is one too")
    }

    /// Random bigints are card numbers by their digits one time in 30 (Luhn and an issuer range). Each
    /// masked one must still be an int8 the driver decodes, in binary and in text, under every action,
    /// and tokens must stay distinct (a token out of range used to become 0 in binary, and a client
    /// parsing text failed on it).
    @Test(arguments: ["tokenize", "hash", "redact"])
    func bigintsTakenForCardsStayBigints(_ action: String) async throws {
        let pg = try TestPostgres()
        defer { pg.stop() }
        try pg.psql("""
            SELECT setseed(0.61);
            CREATE TABLE ids (id int PRIMARY KEY, ref bigint);
            INSERT INTO ids SELECT g, (random() * 9.2e18)::bigint FROM generate_series(1, 5000) g;
            """)
        let originals = try pg.query("SELECT ref FROM ids ORDER BY id").split(separator: "\n").map { Int64($0)! }
        let policy = try PolicyFile.parse("version: 1\ndefaults: {credit_card: \(action)}\n")
        var binary: [Int64] = []
        var text: [String] = []
        try await Self.throughProxy(to: pg, policy: policy, id: 3) { proxy, connection, logger in
            for try await ref in try await connection.query("SELECT ref FROM ids WHERE id > \(Int32(0)) ORDER BY id", logger: logger)
                .decode(Int64.self) { binary.append(ref) }
            // psql through the proxy: the simple query protocol, int8 cells in text format.
            text = try TestPostgres.run(["/usr/bin/psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(proxy.port!)",
                                         "-U", "postgres", "-d", "postgres", "-c", "SELECT ref FROM ids ORDER BY id"])
                .split(separator: "\n").map(String.init)
        }

        #expect(binary.count == originals.count && text.count == originals.count)
        let changed = zip(binary, originals).filter { $0 != $1 }.count
        #expect(changed > 50 && changed < originals.count / 10, "\(action): \(changed) of \(originals.count) taken for cards")
        #expect(text.allSatisfy { Int64($0) != nil }, "\(action): \(text.filter { Int64($0) == nil }.prefix(3)) is no int8")
        if action != "redact" {
            #expect(Set(binary).count == Set(originals).count, "\(action): distinct values stay distinct in binary")
            #expect(text.map { Int64($0) } == binary.map { $0 }, "\(action): text and binary results agree")
        }
    }
}
