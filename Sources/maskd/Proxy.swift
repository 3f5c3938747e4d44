import ArgumentParser
import Foundation
import Logging
import MaskEngine
import MaskdService

/// `maskd proxy`: a reference PostgreSQL proxy, and the socket protocol's first client.
struct Proxy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "A PostgreSQL proxy that masks every server message (try maskd with psql in a minute).",
        discussion: """
            Clients connect to --listen as to PostgreSQL; startup and authentication (SCRAM, md5, …) pass \
            through unchanged. SSLRequest is answered 'N' (this proxy does not terminate TLS, and a masker \
            cannot read ciphertext), replication connections are refused, and CancelRequest is passed to \
            the server. Every server message goes through the masker: the maskd serve daemon at --maskd, or \
            the same engine in this process without it. If masking fails or the daemon goes away, the \
            client gets an ErrorResponse and the connection is closed: never an unmasked row.

            With --policy (docs/policy.md), each session's identity is its startup packet's user, database \
            and application_name, and the client's address; the policy's groups map gives the user's \
            groups. SIGHUP reloads the policy file; an invalid file is logged with its line and the old \
            policy stays.

            Examples:
              maskd proxy --listen 127.0.0.1:6432 --upstream 127.0.0.1:5432
              maskd proxy --listen 127.0.0.1:6432 --upstream /var/run/postgresql/.s.PGSQL.5432 --maskd /run/maskd.sock
              psql "host=127.0.0.1 port=6432 user=app dbname=prod sslmode=disable"
            """
    )

    @Option(help: ArgumentHelp("Address to accept PostgreSQL clients on.", valueName: "host:port"))
    var listen: String

    @Option(help: ArgumentHelp("The PostgreSQL server: HOST:PORT, or the path of its Unix socket file.", valueName: "address"))
    var upstream: String

    @Option(help: ArgumentHelp("The maskd serve socket; without it the engine runs in this process.", valueName: "socket"))
    var maskd: String?

    @OptionGroup var masking: MaskingOptions

    @Option(help: ArgumentHelp("Without --maskd: append a result_set record per result (JSON Lines with the session's identity, never a value) to this file, to - (stdout), or to unix:PATH (a datagram socket).", valueName: "destination"))
    var audit: String?

    @Option(help: "Event-loop threads (default: the number of cores).")
    var threads: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() throws {
        SignalWaiter.blockSignals()
        let logger = try DaemonLogging.bootstrap(level: logLevel)
        guard let listenAddress = UpstreamAddress(listen), case .tcp(let host, let port) = listenAddress else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        guard let upstreamAddress = UpstreamAddress(upstream) else {
            throw ValidationError("--upstream must be HOST:PORT or a socket file path")
        }
        let policy = try masking.policy()
        // With a daemon, its key is the one used; the local key is needed only in process.
        let key = maskd == nil ? try masking.key(quiet: false) : try TokenKey(string: TokenKey.generateMaterial())
        var configuration = ProxyConfiguration(listenHost: host, listenPort: port, upstream: upstreamAddress, maskdSocket: maskd,
                                               key: key, policy: policy)
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            configuration.threads = threads
        }
        if audit != nil && maskd != nil {
            throw ValidationError("--audit is for in-process masking; with --maskd, give --audit to maskd serve")
        }
        configuration.auditDestination = audit
        let proxy: MaskdProxy
        do {
            proxy = try MaskdProxy(configuration: configuration, logger: logger)
            try proxy.start()
        } catch let error as AuditLogError {
            Diagnostics.error("\(error)")
            throw ExitCode(74)
        } catch {
            Diagnostics.error("cannot listen on \(listen): \(error)")
            throw ExitCode(74)
        }
        logger.info("policy", metadata: ["version": "\(policy.version)"])
        let masking = self.masking
        _ = SignalWaiter.waitForTermination {
            guard maskd == nil else { return logger.notice("SIGHUP: the maskd serve daemon holds the policy; reload it there") }
            PolicyReload.reload(masking, logger: logger) { proxy.reload($0) }
        }
        proxy.stop()
    }
}
