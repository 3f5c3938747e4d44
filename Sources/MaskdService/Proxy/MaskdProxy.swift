import Foundation
import Logging
import MaskEngine
import NIOCore
import NIOPosix

/// Where the proxy's PostgreSQL server is.
public enum UpstreamAddress: Sendable, Equatable {
    case tcp(host: String, port: Int)
    /// A Unix socket file, e.g. `/var/run/postgresql/.s.PGSQL.5432`.
    case unix(path: String)

    /// A libpq conninfo that reaches this server as `user`.
    func conninfo(user: String) -> String {
        switch self {
        case .tcp(let host, let port): return "host=\(CatalogLineage.quote(host)) port=\(port) user=\(CatalogLineage.quote(user))"
        case .unix(let path):
            // libpq takes the socket's directory and finds `.s.PGSQL.PORT` in it.
            let url = URL(fileURLWithPath: path)
            let port = url.lastPathComponent.split(separator: ".").last.map(String.init) ?? "5432"
            return "host=\(CatalogLineage.quote(url.deletingLastPathComponent().path)) port=\(port) user=\(CatalogLineage.quote(user))"
        }
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT`, or a socket file path (starting with `/`).
    public init?(_ text: String) {
        if text.hasPrefix("/") { self = .unix(path: text); return }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self = .tcp(host: host, port: port)
    }
}

/// What `maskd proxy` is started with.
public struct ProxyConfiguration: Sendable {
    public var listenHost: String
    public var listenPort: Int
    public var upstream: UpstreamAddress
    /// The daemon's socket; nil runs the engine in this process.
    public var maskdSocket: String?
    public var key: TokenKey
    public var policy: MaskPolicy
    public var threads: Int = System.coreCount
    /// In-process masking only (a daemon writes its own): where `result_set` records go.
    public var auditDestination: String?

    public init(listenHost: String, listenPort: Int, upstream: UpstreamAddress, maskdSocket: String?, key: TokenKey,
                policy: MaskPolicy = .default) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.upstream = upstream
        self.maskdSocket = maskdSocket
        self.key = key
        self.policy = policy
    }
}

/// `maskd proxy`: a PostgreSQL proxy whose every server message goes through the masker.
public final class MaskdProxy: @unchecked Sendable {
    // @unchecked: `channel` is set once in `start`, before any other use.
    private let configuration: ProxyConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private var channel: (any Channel)?
    /// The policy in-process sessions resolve their identity against; replaced by `reload`.
    let policies: PolicyStore
    let audit: AuditLog?
    /// View lineage per database (in-process masking).
    let catalog = CatalogLineage()

    public init(configuration: ProxyConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        policies = PolicyStore(configuration.policy)
        audit = try configuration.auditDestination.map { try AuditLog(destination: $0) }
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    /// Serves `policy` to in-process sessions from their next server read on (SIGHUP).
    public func reload(_ policy: MaskPolicy) {
        catalog.invalidate()
        policies.replace(with: policy)
    }

    /// The port the proxy listens on (useful with port 0).
    public var port: Int? { channel?.localAddress?.port }

    public func start() throws {
        let configuration = self.configuration
        let logger = self.logger
        let policies = self.policies
        let audit = self.audit
        let catalog = self.catalog
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 1 << 20, high: 4 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ClientHandler { client in
                        var sessionLogger = logger
                        sessionLogger[metadataKey: "client"] = "\(client.remoteAddress?.description ?? "?")"
                        return ProxySession(client: client, configuration: configuration, policies: policies, audit: audit, catalog: catalog,
                                            logger: sessionLogger)
                    })
                }
            }
            .bind(host: configuration.listenHost, port: configuration.listenPort).wait()
        logger.info("proxy listening", metadata: ["listen": "\(configuration.listenHost):\(port ?? configuration.listenPort)",
                                                  "upstream": "\(configuration.upstream)",
                                                  "masking": "\(configuration.maskdSocket ?? "in process")"])
    }

    public func stop() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }
}
