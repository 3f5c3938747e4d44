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
        try Self.run(asPostgres + ["\(bin)/initdb", "-D", "\(directory)/data", "-A", "trust", "-U", "postgres"])
        // A random port below Linux's ephemeral range (32768 and up), where the suite's own outgoing
        // connections take theirs; a port taken anyway (a fresh-clone CI run once failed with "stopped
        // waiting" when the server could not bind) is tried again with another.
        var attempt = 0
        while true {
            let candidate = Int.random(in: 20_000..<32_768)
            do {
                try Self.run(asPostgres + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-w",
                                           "-o", "-k \(directory) -p \(candidate) -c listen_addresses=127.0.0.1", "start"])
                port = candidate
                break
            } catch {
                attempt += 1
                if attempt == 5 { throw error }
            }
        }
    }

    /// The server's Unix socket file.
    var socketPath: String { "\(directory)/.s.PGSQL.\(port)" }

    /// Runs SQL with psql on the Unix socket, stopping on the first error.
    func psql(_ sql: String) throws {
        try Self.run(["/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)", "-U", "postgres",
                      "-d", "postgres", "-c", sql])
    }

    /// Runs one query with psql and returns its unaligned, tuples-only output.
    func query(_ sql: String) throws -> String {
        try Self.run(["/usr/bin/psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)", "-U", "postgres",
                      "-d", "postgres", "-c", sql])
    }

    func stop() {
        _ = try? Self.run(asPostgres + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a command to completion with posix_spawn and waitpid (Foundation's `Process.waitUntilExit`
    /// can hang in an async test on Linux), its output going to a file (`pg_ctl start` leaves the server
    /// holding it open, so a pipe would never end).
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let logPath = NSTemporaryDirectory() + "maskd-test-run-" + UUID().uuidString
        defer { unlink(logPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let pid = try spawn(arguments, environment: nil, actions: &actions)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else {
            throw TestPostgresError("\(arguments.joined(separator: " ")) exited \(exited): \(output)")
        }
        return output
    }
    /// Starts `arguments` (the first is the executable's path) with `actions` applied, the environment
    /// given (or this process's), no signal blocked and default handlers: the calling thread may be a
    /// Dispatch worker with every signal blocked, and then `timeout`, `kill`, SIGHUP or SIGTERM could not
    /// reach what it runs.
    static func spawn(_ arguments: [String], environment: [String: String]?,
                      actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for p in envp ?? [] { free(p) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = envp == nil
            ? posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
            : posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, &envp!)
        guard spawned == 0 else { throw TestPostgresError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))") }
        return pid
    }
}

struct TestPostgresError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
