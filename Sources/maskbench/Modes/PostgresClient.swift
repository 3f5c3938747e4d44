import CLibPQ
import Foundation

/// A libpq connection, for loading the corpus and timing queries the way an application sends them.
final class PostgresClient {
    private let connection: OpaquePointer

    init(_ conninfo: String) throws {
        guard let c = PQconnectdb(conninfo) else { throw BenchError.failed("libpq could not allocate a connection") }
        guard PQstatus(c) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(c)
            throw BenchError.failed("cannot connect (\(conninfo)): \(message)")
        }
        connection = c
    }

    deinit { PQfinish(connection) }

    private var lastError: String { String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Runs a statement and returns the rows it returned; throws on any error.
    @discardableResult
    func execute(_ sql: String) throws -> Int {
        guard let result = PQexec(connection, sql) else { throw BenchError.failed("\(sql.prefix(60)): \(lastError)") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw BenchError.failed("\(sql.prefix(60)): \(String(cString: PQresultErrorMessage(result)))")
        }
        return Int(PQntuples(result))
    }

    /// FNV-1a of every value `sql` returns, in order (a NULL hashes apart from an empty string): for
    /// telling whether two servers answered the same query with the same values.
    func digest(_ sql: String) throws -> UInt64 {
        guard let result = PQexec(connection, sql) else { throw BenchError.failed("\(sql.prefix(60)): \(lastError)") }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            throw BenchError.failed("\(sql.prefix(60)): \(String(cString: PQresultErrorMessage(result)))")
        }
        var hash = FNV1a()
        for row in 0..<PQntuples(result) {
            for column in 0..<PQnfields(result) {
                let isNull = PQgetisnull(result, row, column) == 1
                hash.add(Data([isNull ? 1 : 0]))
                if !isNull, let value = PQgetvalue(result, row, column) {
                    hash.add(Data(bytes: value, count: Int(PQgetlength(result, row, column))))
                }
            }
        }
        return hash.value
    }

    /// COPY … FROM STDIN with the bytes of `file`, in 1 MB pieces.
    func copyIn(_ sql: String, file: MappedFile) throws {
        guard let start = PQexec(connection, sql) else { throw BenchError.failed("\(sql): \(lastError)") }
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw BenchError.failed("\(sql): \(lastError)") }
        var offset = 0
        while offset < file.bytes.count {
            let n = min(1 << 20, file.bytes.count - offset)
            let sent = (file.bytes.baseAddress! + offset).withMemoryRebound(to: CChar.self, capacity: n) { PQputCopyData(connection, $0, Int32(n)) }
            guard sent == 1 else { throw BenchError.failed("COPY: \(lastError)") }
            offset += n
        }
        guard PQputCopyEnd(connection, nil) == 1 else { throw BenchError.failed("COPY: \(lastError)") }
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw BenchError.failed("COPY: \(String(cString: PQresultErrorMessage(result)))") }
        }
    }
}
