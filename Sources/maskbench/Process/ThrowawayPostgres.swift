import Foundation

/// A PostgreSQL cluster of maskbench's own: a temporary directory, a Unix socket there and a port on
/// 127.0.0.1, started as the `postgres` user when maskbench runs as root (PostgreSQL refuses root),
/// with fsync off (nothing here needs to survive), stopped immediately and removed on exit, on an
/// error and on SIGINT.
final class ThrowawayPostgres {
    let directory: TemporaryDirectory
    let port: Int
    let bin: String
    private let asPostgres: [String]
    /// `pg_ctl stop -m immediate` on this cluster (as `postgres` when maskbench is root).
    private let stopCommand: [String]
    private var cleanup: Int?

    init(binDirectory: String?) throws {
        let fm = FileManager.default
        if let binDirectory {
            bin = binDirectory
        } else {
            let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
            guard let newest = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
                throw BenchError.unavailable("no PostgreSQL server under /usr/lib/postgresql (scripts/bootstrap installs it), or give --postgres-bin DIR")
            }
            bin = "/usr/lib/postgresql/\(newest)/bin"
        }
        guard fm.isExecutableFile(atPath: bin + "/initdb"), fm.isExecutableFile(atPath: bin + "/pg_ctl") else {
            throw BenchError.unavailable("no initdb and pg_ctl in \(bin)")
        }
        directory = try TemporaryDirectory(prefix: "maskbench-pg")
        chmod(directory.path, 0o755)
        if getuid() == 0 {
            guard let pw = getpwnam("postgres") else { throw BenchError.unavailable("running as root, and there is no postgres user to run PostgreSQL as") }
            chown(directory.path, pw.pointee.pw_uid, pw.pointee.pw_gid)
            asPostgres = ["/usr/sbin/runuser", "-u", "postgres", "--"]
        } else {
            asPostgres = []
        }
        port = FreePort.pick()
        let data = directory.path + "/data"
        stopCommand = asPostgres + ["\(bin)/pg_ctl", "-D", data, "-m", "immediate", "stop"]
        Diagnostics.note("starting a throwaway PostgreSQL in \(directory.path)")
        try SetupCommand.run(asPostgres + ["\(bin)/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
        let path = directory.path
        let stopCommand = stopCommand
        cleanup = ChildRegistry.shared.addCleanup {
            _ = try? SetupCommand.run(stopCommand)
            try? FileManager.default.removeItem(atPath: path)
        }
        try SetupCommand.run(asPostgres + ["\(bin)/pg_ctl", "-D", data, "-l", "\(path)/log", "-w", "-t", "60",
                                           "-o", "-k \(path) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC -c shared_buffers=256MB",
                                           "start"])
    }

    /// The server's Unix socket file.
    var socketPath: String { "\(directory.path)/.s.PGSQL.\(port)" }

    /// libpq's connection string on the Unix socket.
    var conninfo: String { "host=\(directory.path) port=\(port) user=postgres dbname=postgres" }

    func stop() {
        guard cleanup != nil else { return }
        _ = try? SetupCommand.run(stopCommand)
        directory.remove()
        if let cleanup { ChildRegistry.shared.removeCleanup(cleanup) }
        cleanup = nil
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
enum FreePort {
    static func pick() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { s -> Bool in
                bind(fd, s, length) == 0 && getsockname(fd, s, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : Int.random(in: 20_000..<40_000)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
