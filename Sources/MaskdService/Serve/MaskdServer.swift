import Foundation
import Logging
import MaskEngine
import NIOCore
import NIOPosix

/// What `maskd serve` is started with.
public struct ServeConfiguration: Sendable {
    public var socketPath: String
    /// The socket file's mode: 0600 by default (only the daemon's user), 0660 with `--group`.
    public var socketMode: mode_t = 0o600
    /// The group that owns the socket file, when given.
    public var socketGroup: gid_t?
    public var peers: PeerPolicy
    public var key: TokenKey
    public var policy: MaskPolicy
    public var threads: Int = System.coreCount
    public var maxSessions: Int = 4096
    /// The largest frame payload accepted.
    public var maxFramePayload: Int = 16 << 20
    /// The largest PostgreSQL message a session reassembles.
    public var maxMessageBytes: Int = 64 << 20
    /// Outbound bytes buffered for a proxy before maskd stops reading from it.
    public var highWatermark: Int = 4 << 20
    /// Capabilities maskd grants when asked (LZ4 is off unless enabled: on a Unix socket it does not pay,
    /// see Benchmarks/RESULTS.md).
    public var capabilities: UInt32 = 0
    /// How long SIGTERM waits for open sessions to end before telling them `shutting_down`.
    public var drainSeconds: Double = 30
    public var auditPath: String?

    public init(socketPath: String, peers: PeerPolicy, key: TokenKey, policy: MaskPolicy = .default) {
        self.socketPath = socketPath
        self.peers = peers
        self.key = key
        self.policy = policy
    }
}

/// What every session handler shares: configuration, metrics, the audit log, and the set of open
/// sessions (for draining).
final class ServeContext: @unchecked Sendable {
    // @unchecked: `channels` and `nextID` are touched only under `lock`; the rest is immutable.
    let configuration: ServeConfiguration
    let metrics: ServeMetrics
    let audit: AuditLog?
    let logger: Logger
    /// The policy sessions resolve their identity against; replaced on reload.
    let policies: PolicyStore
    /// View lineage per database, read through the policy's `catalog`.
    let catalog = CatalogLineage()
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private var nextID = 0
    private let idPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    init(configuration: ServeConfiguration, metrics: ServeMetrics, audit: AuditLog?, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.audit = audit
        self.logger = logger
        policies = PolicyStore(configuration.policy)
    }

    func makeSessionID() -> String {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        return "\(idPrefix)-\(nextID)"
    }

    /// Registers a session; false when the limit is reached.
    func admit(_ channel: any Channel) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard channels.count < configuration.maxSessions else { return false }
        channels[ObjectIdentifier(channel)] = channel
        return true
    }

    func sessionOpened(_ channel: any Channel) { metrics.sessionsActive.increment() }

    func sessionClosed(_ channel: any Channel) {
        lock.lock()
        let removed = channels.removeValue(forKey: ObjectIdentifier(channel)) != nil
        lock.unlock()
        if removed { metrics.sessionsActive.decrement() }
    }

    var openSessions: [any Channel] {
        lock.lock()
        defer { lock.unlock() }
        return Array(channels.values)
    }
}

/// `maskd serve`: the Unix-socket daemon. One event loop per core; each connection is one session.
public final class MaskdServer: @unchecked Sendable {
    // @unchecked: `serverChannel` is set once in `start` before any other use, and read under `lock`.
    private let context: ServeContext
    private let group: MultiThreadedEventLoopGroup
    private let lock = NSLock()
    private var serverChannel: (any Channel)?

    public init(configuration: ServeConfiguration, metrics: ServeMetrics = ServeMetrics(), logger: Logger) throws {
        let audit = try configuration.auditPath.map { try AuditLog(destination: $0) }
        context = ServeContext(configuration: configuration, metrics: metrics, audit: audit, logger: logger)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    public var metrics: ServeMetrics { context.metrics }
    public var eventLoopGroup: any EventLoopGroup { group }

    /// Binds the socket (replacing a stale socket file, never another kind of file) and starts accepting.
    public func start() throws {
        let configuration = context.configuration
        try Self.removeStaleSocket(configuration.socketPath)
        let context = self.context
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.writeBufferWaterMark,
                                value: .init(low: configuration.highWatermark / 2, high: configuration.highWatermark))
            .childChannelInitializer { channel in
                PeerCredentials.of(channel).flatMap { peer -> EventLoopFuture<Void> in
                    Self.initialize(channel, peer: peer, context: context)
                }.flatMapError { error in
                    if error is PeerCredentialsUnavailable {
                        return Self.initialize(channel, peer: nil, context: context)
                    }
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        // Create the socket file with the right mode from the start: no window where it is wider.
        let oldMask = umask(~configuration.socketMode & 0o777)
        let channel: any Channel
        do {
            channel = try bootstrap.bind(unixDomainSocketPath: configuration.socketPath).wait()
        } catch {
            umask(oldMask)
            throw error
        }
        umask(oldMask)
        if let gid = configuration.socketGroup {
            guard chown(configuration.socketPath, UInt32.max, gid) == 0 else {
                throw ServeError("cannot give the socket to group \(gid): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(configuration.socketPath, configuration.socketMode) == 0 else {
            throw ServeError("cannot set the socket's mode: \(String(cString: strerror(errno)))")
        }
        lock.lock()
        serverChannel = channel
        lock.unlock()
        context.logger.info("listening", metadata: ["socket": "\(configuration.socketPath)",
                                                    "mode": "\(String(configuration.socketMode, radix: 8))",
                                                    "threads": "\(configuration.threads)"])
    }

    private static func initialize(_ channel: any Channel, peer: PeerCredentials?, context: ServeContext) -> EventLoopFuture<Void> {
        if let peer, !context.configuration.peers.allows(peer) {
            return refuse(channel, code: .peerRefused, message: "peer \(peer) is not allowed", log: "refused peer", peer: peer, context: context)
        }
        guard context.admit(channel) else {
            return refuse(channel, code: .limitExceeded, message: "too many sessions (limit \(context.configuration.maxSessions))",
                          log: "refused: session limit", peer: peer, context: context)
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(SidecarFrameDecoder(maxPayload: context.configuration.maxFramePayload)))
            try channel.pipeline.syncOperations.addHandler(SidecarSessionHandler(context: context, peer: peer))
        }
    }

    private static func refuse(_ channel: any Channel, code: SidecarErrorCode, message: String, log: String,
                               peer: PeerCredentials?, context: ServeContext) -> EventLoopFuture<Void> {
        context.metrics.sessionsRefused.increment()
        context.logger.warning("\(log)", metadata: ["uid": "\(peer.map { "\($0.uid)" } ?? "?")",
                                                    "gid": "\(peer.map { "\($0.gid)" } ?? "?")",
                                                    "pid": "\(peer.map { "\($0.pid)" } ?? "?")"])
        // The channel is not registered yet: the refusal is written once it is active.
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RefusalHandler(frame: SidecarFrames.error(code, message)))
        }
    }

    private static func removeStaleSocket(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ServeError("\(path) exists and is not a socket; not replacing it")
        }
        // A live daemon still answers on it: refuse to steal its socket.
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ServeError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { dst in
            for (i, b) in bytes.enumerated() { dst[i] = b }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 { throw ServeError("another maskd is serving on \(path)") }
        unlink(path)
    }

    /// Stops accepting, waits up to the drain time for open sessions to end, tells the rest
    /// `shutting_down`, and shuts the event loops down.
    /// Serves `policy` to every session from its next server frame on (SIGHUP); sessions are kept.
    public func reload(_ policy: MaskPolicy) {
        context.catalog.invalidate()
        context.policies.replace(with: policy)
    }

    /// The policy being served.
    public var policy: MaskPolicy { context.policies.current.policy }

    public func drainAndStop() {
        lock.lock()
        let channel = serverChannel
        lock.unlock()
        try? channel?.close().wait()
        unlink(context.configuration.socketPath)
        let deadline = ContinuousClock.now + .milliseconds(Int(context.configuration.drainSeconds * 1000))
        var announced = false
        while !context.openSessions.isEmpty && ContinuousClock.now < deadline {
            if !announced {
                context.logger.info("draining", metadata: ["sessions": "\(context.openSessions.count)"])
                announced = true
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        for channel in context.openSessions {
            // Runs on the channel's loop after any frame it is masking now: in-flight work finishes first.
            channel.eventLoop.execute {
                if let handler = try? channel.pipeline.syncOperations.handler(type: SidecarSessionHandler.self),
                   let handlerContext = try? channel.pipeline.syncOperations.context(handlerType: SidecarSessionHandler.self) {
                    handler.shutDown(context: handlerContext)
                } else {
                    channel.close(promise: nil)
                }
            }
        }
        let closeDeadline = ContinuousClock.now + .seconds(2)
        while !context.openSessions.isEmpty && ContinuousClock.now < closeDeadline { Thread.sleep(forTimeInterval: 0.02) }
        try? group.syncShutdownGracefully()
        context.logger.info("stopped")
    }
}

/// A daemon set-up problem (exit 78 or 74 from the command).
public struct ServeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Answers a refused connection with its error frame, then closes it; nothing it sends is read.
final class RefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let frame: [UInt8]

    init(frame: [UInt8]) { self.frame = frame }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(bytes: frame))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
