import ArgumentParser
import Foundation
import Logging
import MaskEngine
import MaskdService

/// `maskd serve`: the sidecar daemon that proxies stream PostgreSQL sessions through.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve masking sessions to proxies over a Unix socket (docs/protocol.md).",
        discussion: """
            A proxy in front of PostgreSQL opens one connection per client session, sends a Hello with the \
            session's identity, then the client's bytes (for state) and the server's bytes in any cuts; \
            maskd answers each server cut with the masked bytes to forward. Any error ends the session \
            with an error frame: nothing unmasked is ever sent back.

            Only peers whose uid is the daemon's own or root (or is listed with --allow-uid, or whose gid \
            is listed with --allow-gid) may connect; the socket is created mode 0600 (0660 with --group). \
            SIGTERM or SIGINT stops accepting, waits up to --drain-seconds for sessions to end, then ends \
            the rest with a shutting_down error and exits 0.

            With --policy (docs/policy.md), each session's identity is what the proxy's Hello carries (user, \
            database, application, client_addr, group, role, any attribute). SIGHUP reloads the policy \
            file without dropping sessions: each picks the new policy up at its next server frame. An \
            invalid file is logged with its line and column, and the old policy stays.

            Exit status: 0 after SIGTERM/SIGINT, 64 bad usage, 74 the socket or a file cannot be opened, \
            78 a key or policy problem.

            Examples:
              maskd serve --socket /run/maskd/maskd.sock --key-file /etc/maskd/token.key
              maskd serve --socket /run/maskd.sock --group pgproxy --metrics 127.0.0.1:9187 --audit /var/log/maskd.jsonl
            """
    )

    @Option(help: ArgumentHelp("The Unix socket to listen on.", valueName: "path"))
    var socket: String

    @Option(help: ArgumentHelp("Give the socket to this group (name or gid) and make it mode 0660.", valueName: "group"))
    var group: String?

    @Option(name: .customLong("allow-uid"), help: ArgumentHelp("Also allow peers with this uid. Repeatable.", valueName: "uid"))
    var allowUIDs: [UInt32] = []

    @Option(name: .customLong("allow-gid"), help: ArgumentHelp("Also allow peers with this primary gid. Repeatable.", valueName: "gid"))
    var allowGIDs: [UInt32] = []

    @OptionGroup var masking: MaskingOptions

    @Option(help: ArgumentHelp("Append a result_set record per result and a session record per session (JSON Lines with the session's identity, never a value) to this file, to - (stdout), or to unix:PATH (a datagram socket).", valueName: "destination"))
    var audit: String?

    @Option(help: ArgumentHelp("Serve Prometheus metrics on GET /metrics at this address.", valueName: "host:port"))
    var metrics: String?

    @Option(help: "Event-loop threads (default: the number of cores).")
    var threads: Int?

    @Option(name: .customLong("max-sessions"), help: "Sessions served at once; more are refused with limit_exceeded.")
    var maxSessions = 4096

    @Option(name: .customLong("max-frame-mb"), help: "Largest frame payload accepted, in MB.")
    var maxFrameMB = 16

    @Option(name: .customLong("max-message-mb"), help: "Largest PostgreSQL message a session reassembles, in MB (bounds memory per session).")
    var maxMessageMB = 64

    @Option(name: .customLong("in-flight-kb"), help: "Masked bytes buffered for a proxy that is not reading before maskd stops reading from it, in KB.")
    var inFlightKB = 4096

    @Flag(name: .customLong("allow-lz4"), help: "Grant LZ4-compressed frames to proxies that ask (off: on a Unix socket it costs more than it saves).")
    var allowLZ4 = false

    @Option(name: .customLong("drain-seconds"), help: "On SIGTERM, how long open sessions may take to end.")
    var drainSeconds: Double = 30

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard maxSessions >= 1 else { throw ValidationError("--max-sessions must be at least 1") }
        guard (1...1024).contains(maxFrameMB) else { throw ValidationError("--max-frame-mb must be 1 to 1024") }
        guard (1...1024).contains(maxMessageMB) else { throw ValidationError("--max-message-mb must be 1 to 1024") }
        guard inFlightKB >= 64 else { throw ValidationError("--in-flight-kb must be at least 64") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard drainSeconds >= 0 else { throw ValidationError("--drain-seconds must not be negative") }
    }

    func run() throws {
        SignalWaiter.blockSignals()
        // Each session is a socket: let the daemon hold as many as its hard limit allows.
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let logger = try DaemonLogging.bootstrap(level: logLevel)
        let policy = try masking.policy()
        let key = try masking.key(quiet: false)
        var peers = PeerPolicy(uids: [getuid(), 0], gids: [])
        peers.uids.formUnion(allowUIDs)
        peers.gids.formUnion(allowGIDs)
        var configuration = ServeConfiguration(socketPath: socket, peers: peers, key: key, policy: policy)
        if let group {
            guard let gid = Self.groupID(group) else { throw ValidationError("--group \(group): no such group") }
            configuration.socketGroup = gid
            configuration.socketMode = 0o660
        }
        if let threads { configuration.threads = threads }
        configuration.maxSessions = maxSessions
        configuration.maxFramePayload = maxFrameMB << 20
        configuration.maxMessageBytes = maxMessageMB << 20
        configuration.highWatermark = inFlightKB << 10
        configuration.capabilities = allowLZ4 ? SidecarProtocol.capabilityLZ4 : 0
        configuration.drainSeconds = drainSeconds
        configuration.auditPath = audit
        let server: MaskdServer
        var metricsServer: MetricsHTTPServer?
        do {
            server = try MaskdServer(configuration: configuration, logger: logger)
            try server.start()
            if let metrics {
                guard let address = UpstreamAddress(metrics), case .tcp(let host, let port) = address else {
                    throw ValidationError("--metrics must be HOST:PORT")
                }
                metricsServer = try MetricsHTTPServer(host: host, port: port, registry: server.metrics.registry,
                                                      group: server.eventLoopGroup)
                logger.info("metrics", metadata: ["address": "http://\(host):\(metricsServer?.port ?? port)/metrics"])
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            Diagnostics.error("\(error)")
            throw ExitCode(74)
        }
        logger.info("policy", metadata: ["version": "\(policy.version)"])
        let masking = self.masking
        let signal = SignalWaiter.waitForTermination {
            PolicyReload.reload(masking, logger: logger) { server.reload($0) }
        }
        logger.info("stopping", metadata: ["signal": "\(signal == SIGTERM ? "SIGTERM" : "SIGINT")"])
        metricsServer?.close()
        server.drainAndStop()
    }

    static func groupID(_ name: String) -> gid_t? {
        if let gid = UInt32(name) { return gid }
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }
}
