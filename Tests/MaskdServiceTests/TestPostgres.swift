import Foundation

/// A throwaway PostgreSQL cluster of the test's own: a temporary directory, a Unix socket there and a
/// TCP port on 127.0.0.1, started as the `postgres` user when the tests run as root (PostgreSQL refuses
/// root), and stopped (immediately) with its directory removed.
final class TestPostgres: @unchecked Sendable {
    let directory: String
    let port: Int
    let bin: String
    private let asPostgres: [String]

    init() throws {
        let fm = FileManager.default
        guard let versions = try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql"),
              let newest = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last
        else { throw TestPostgresError("no PostgreSQL server under /usr/lib/postgresql (scripts/bootstrap installs it)") }
        bin = "/usr/lib/postgresql/\(newest)/bin"
        directory = NSTemporaryDirectory() + "maskd-pg-" + UUID().uuidString.prefix(8)
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        asPostgres = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if getuid() == 0 { try Self.run(["/bin/chown", "postgres", directory]) }
        port = Int.random(in: 20_000..<40_000)
        try Self.run(asPostgres + ["\(bin)/initdb", "-D", "\(directory)/data", "-A", "trust", "-U", "postgres"])
        try Self.run(asPostgres + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-w",
                                   "-o", "-k \(directory) -p \(port) -c listen_addresses=127.0.0.1", "start"])
    }

    /// The server's Unix socket file.
    var socketPath: String { "\(directory)/.s.PGSQL.\(port)" }

    /// Runs SQL with psql on the Unix socket, stopping on the first error.
    func psql(_ sql: String) throws {
        try Self.run(["/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)", "-U", "postgres",
                      "-d", "postgres", "-c", sql])
    }

    func stop() {
        _ = try? Self.run(asPostgres + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPostgresError("\(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(output)")
        }
        return output
    }
}

struct TestPostgresError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
