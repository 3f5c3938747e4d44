import Logging
import MaskEngine
import NIOCore
import NIOPosix

/// Where a proxy session's server bytes are masked: in this process (the same state machine `maskd
/// serve` runs), or by a `maskd serve` daemon over its socket protocol.
enum MaskingLink: @unchecked Sendable {
    // @unchecked: a link is used only on its proxy session's event loop.
    case inProcess(WireSession)
    case remote(any Channel)
}

/// One client connection of `maskd proxy`: the startup packet is read here (SSLRequest and
/// GSSENCRequest answered `N`, CancelRequest passed to the server on its own, replication refused), then
/// every byte is relayed — the client's to the server unchanged (and to the masker, for state), the
/// server's only through the masker. All three channels live on the client's event loop, so the
/// session's state needs no lock.
///
/// Fail closed: if masking fails, or the daemon goes away, the client gets one ErrorResponse (FATAL,
/// 08006) at a message boundary and the connection is closed; no server byte that was not masked is
/// ever written to the client.
final class ProxySession: @unchecked Sendable {
    // @unchecked: every method runs on the client channel's event loop, where the upstream and daemon
    // channels are created too; nothing is shared across threads.
    private enum Phase: Equatable {
        case startup
        case connecting
        case relaying
        case closed
    }

    private let client: any Channel
    private let configuration: ProxyConfiguration
    private var logger: Logger
    private var phase = Phase.startup
    private var startupBuffer: ByteBuffer
    private var upstream: (any Channel)?
    private var link: MaskingLink?
    /// Client bytes that arrived while the upstream and the daemon were being connected.
    private var heldClientBytes: [ByteBuffer] = []
    /// S frames sent to the daemon and not yet answered.
    private var outstanding = 0
    /// The payload sizes of those frames, oldest first from `inFlightHead`, and their sum: the server
    /// is not read while the sum is over half the daemon's in-flight limit (docs/protocol.md, Flow
    /// control), or a client that does not read would have its whole result buffered on the way.
    private var inFlightSizes: [Int] = []
    private var inFlightHead = 0
    private var inFlightBytes = 0
    private var inFlightLimit = 4 << 20
    private var readingUpstream = true
    private var upstreamClosed = false
    private var masked = MaskedChunk()
    private let policies: PolicyStore
    private let audit: AuditLog?
    /// In-process masking: the session's masking state and identity, for policy reloads and audit.
    private var masking: MaskSession?
    private var identity: SessionIdentity?
    private var policyGeneration = 0

    private let catalog: CatalogLineage

    init(client: any Channel, configuration: ProxyConfiguration, policies: PolicyStore, audit: AuditLog?, catalog: CatalogLineage,
         logger: Logger) {
        self.client = client
        self.catalog = catalog
        self.configuration = configuration
        self.policies = policies
        self.audit = audit
        self.logger = logger
        startupBuffer = client.allocator.buffer(capacity: 512)
    }

    // MARK: Client

    func clientRead(_ bytes: ByteBuffer) {
        switch phase {
        case .startup:
            var bytes = bytes
            startupBuffer.writeBuffer(&bytes)
            readStartup()
        case .connecting:
            heldClientBytes.append(bytes)
        case .relaying:
            relayClient(bytes)
        case .closed:
            break
        }
    }

    private func readStartup() {
        guard startupBuffer.readableBytes >= 8, let length = startupBuffer.getInteger(at: startupBuffer.readerIndex, as: Int32.self),
              let code = startupBuffer.getInteger(at: startupBuffer.readerIndex + 4, as: Int32.self) else { return }
        guard length >= 8 && length <= 10_000 else { return refuse("invalid startup packet length \(length)") }
        guard startupBuffer.readableBytes >= Int(length) else { return }
        let packet = startupBuffer.readSlice(length: Int(length))!
        switch code {
        case 80_877_103, 80_877_104:
            // SSLRequest / GSSENCRequest: this proxy does not terminate TLS, and a masker cannot read
            // ciphertext, so encryption is declined; the client goes on in clear or gives up.
            guard startupBuffer.readableBytes == 0 else { return refuse("bytes after an SSLRequest before its answer") }
            client.writeAndFlush(client.allocator.buffer(bytes: [UInt8(ascii: "N")]), promise: nil)
        case 80_877_102:
            forwardCancel(packet)
        case 196_608, 196_610:
            startSession(packet)
        default:
            refuse("unsupported protocol version \(code >> 16).\(code & 0xFFFF)")
        }
    }

    private func startSession(_ packet: ByteBuffer) {
        var parameters: [String: String] = [:]
        var reader = packet
        reader.moveReaderIndex(forwardBy: 8)
        while let key = reader.readNullTerminatedString(), !key.isEmpty {
            guard let value = reader.readNullTerminatedString() else { return refuse("malformed startup packet") }
            parameters[key] = value
        }
        if let replication = parameters["replication"], !["false", "off", "no", "0"].contains(replication.lowercased()) {
            return refuse("replication connections are refused by maskd: physical streaming and base backups copy data files that cannot be masked, and logical replication rows are not masked", code: "0A000")
        }
        let user = parameters["user"] ?? ""
        logger[metadataKey: "user"] = "\(user)"
        var attributes: [(key: String, value: String)] = [("user", user), ("database", parameters["database"] ?? user)]
        if let application = parameters["application_name"] { attributes.append(("application", application)) }
        if let address = client.remoteAddress?.ipAddress { attributes.append(("client_addr", address)) }
        phase = .connecting
        heldClientBytes.append(packet)
        if startupBuffer.readableBytes > 0 { heldClientBytes.append(startupBuffer.slice()) }
        let loop = client.eventLoop
        let upstreamFuture = connectUpstream(on: loop)
        let linkFuture: EventLoopFuture<MaskingLink>
        if let socket = configuration.maskdSocket {
            linkFuture = connectDaemon(socket, attributes: attributes, on: loop)
        } else {
            let identity = SessionIdentity(sessionID: String(UInt64.random(in: 0...UInt64.max), radix: 16), attributes: attributes)
            let (policy, generation) = policies.current
            let masking = MaskSession(policy: policy, key: configuration.key, identity: identity.identity)
            self.masking = masking
            self.identity = identity
            policyGeneration = generation
            attachLineage(policy)
            var options = WireSession.Options()
            options.recordsResultSets = audit != nil
            linkFuture = loop.makeSucceededFuture(.inProcess(WireSession(masking: masking, options: options)))
        }
        upstreamFuture.and(linkFuture).whenComplete { result in
            switch result {
            case .success(let (upstream, link)):
                guard case .connecting = self.phase else {
                    self.logger.debug("connected after the client left", metadata: ["phase": "\(self.phase)"])
                    upstream.close(promise: nil)
                    if case .remote(let c) = link { c.close(promise: nil) }
                    return
                }
                self.upstream = upstream
                self.link = link
                self.phase = .relaying
                let held = self.heldClientBytes
                self.heldClientBytes = []
                for bytes in held { self.relayClient(bytes) }
                // The client's read that brought these bytes completed long ago: flush them now.
                self.clientReadComplete()
            case .failure(let error):
                self.logger.warning("cannot connect", metadata: ["error": "\(error)"])
                self.fail("cannot reach the server or the masking daemon", code: "08006")
                upstreamFuture.whenSuccess { $0.close(promise: nil) }
                linkFuture.whenSuccess { if case .remote(let c) = $0 { c.close(promise: nil) } }
            }
        }
    }

    private func relayClient(_ bytes: ByteBuffer) {
        guard let upstream, let link else { return }
        // The masker learns of a request before the server can answer it.
        switch link {
        case .inProcess(let session):
            do throws(WireSessionError) {
                try bytes.withUnsafeReadableBytes { raw throws(WireSessionError) in
                    try session.receiveClient(raw.bindMemory(to: UInt8.self))
                }
            } catch {
                return fail("masking stopped: \(error.description)")
            }
        case .remote(let daemon):
            var frame = daemon.allocator.buffer(capacity: SidecarProtocol.headerSize + bytes.readableBytes)
            frame.writeSidecarHeader(.clientBytes, length: bytes.readableBytes)
            var b = bytes
            frame.writeBuffer(&b)
            daemon.write(frame, promise: nil)
        }
        upstream.write(bytes, promise: nil)
    }

    func clientReadComplete() {
        upstream?.flush()
        if case .remote(let daemon) = link { daemon.flush() }
    }

    func clientClosed() {
        logger.debug("client closed", metadata: ["phase": "\(phase)"])
        guard phase != .closed else { return }
        finishAudit()
        phase = .closed
        upstream?.close(promise: nil)
        if case .remote(let daemon) = link {
            var frame = daemon.allocator.buffer(capacity: 8)
            frame.writeSidecarHeader(.end, length: 0)
            daemon.writeAndFlush(frame).whenComplete { _ in daemon.close(promise: nil) }
        }
    }

    // MARK: Server

    func upstreamRead(_ bytes: ByteBuffer) {
        guard case .relaying = phase, let link else { return }
        switch link {
        case .inProcess(let session):
            masked.output.removeAll(keepingCapacity: true)
            masked.findings.removeAll(keepingCapacity: true)
            refreshPolicy()
            do throws(WireSessionError) {
                try bytes.withUnsafeReadableBytes { raw throws(WireSessionError) in
                    try session.receiveServer(raw.bindMemory(to: UInt8.self), into: &masked)
                }
            } catch {
                writeResultSets(session.finishResultSets())
                return fail("masking stopped: \(error.description)")
            }
            writeResultSets(session.takeResultSets())
            if !masked.output.isEmpty { client.write(client.allocator.buffer(bytes: masked.output), promise: nil) }
        case .remote(let daemon):
            var frame = daemon.allocator.buffer(capacity: SidecarProtocol.headerSize + bytes.readableBytes)
            frame.writeSidecarHeader(.serverBytes, length: bytes.readableBytes)
            var b = bytes
            frame.writeBuffer(&b)
            outstanding += 1
            inFlightSizes.append(bytes.readableBytes)
            inFlightBytes += bytes.readableBytes
            daemon.write(frame, promise: nil)
            updateUpstreamReading()
        }
    }

    func upstreamReadComplete() {
        if case .remote(let daemon) = link { daemon.flush() } else { client.flush() }
    }

    func upstreamClosedByServer() {
        guard case .relaying = phase else { return }
        upstreamClosed = true
        if outstanding == 0 { closeAll() }
    }

    /// Whether the client can take more; while it cannot, the server is not read (backpressure).
    func clientWritabilityChanged() { updateUpstreamReading() }

    /// Reads the server only while the client takes what it is sent and, through a daemon, while the
    /// bytes in flight stay under half its limit (a read burst may add more before reading stops).
    private func updateUpstreamReading() {
        let read = client.isWritable && inFlightBytes < inFlightLimit / 2
        guard read != readingUpstream, let upstream else { return }
        readingUpstream = read
        upstream.setOption(ChannelOptions.autoRead, value: read).whenFailure { _ in }
    }

    // MARK: Daemon

    func daemonFrame(_ frame: SidecarFrame) {
        switch frame.kind {
        case .welcome:
            let welcome = frame.payload.withUnsafeReadableBytes { try? SidecarWelcome.decode($0) }
            guard let welcome, welcome.major == SidecarProtocol.major else { return fail("the masking daemon speaks another protocol version") }
            logger[metadataKey: "session"] = "\(welcome.sessionID)"
            if welcome.maxInFlightBytes > 0 { inFlightLimit = Int(welcome.maxInFlightBytes) }
        case .masked:
            guard outstanding > 0 else { return fail("the masking daemon answered a frame that was not sent") }
            outstanding -= 1
            if inFlightHead < inFlightSizes.count {
                inFlightBytes -= inFlightSizes[inFlightHead]
                inFlightHead += 1
                if inFlightHead == inFlightSizes.count {
                    inFlightSizes.removeAll(keepingCapacity: true)
                    inFlightHead = 0
                }
            }
            if case .closed = phase { return }
            updateUpstreamReading()
            if frame.payload.readableBytes > 0 { client.write(frame.payload, promise: nil) }
            client.flush()
            if upstreamClosed && outstanding == 0 { closeAll() }
        case .error:
            let error = frame.payload.withUnsafeReadableBytes { SidecarFrames.decodeError($0) }
            fail("masking stopped: \(error?.description ?? "malformed error frame")")
        case .ended:
            break
        default:
            fail("the masking daemon sent an unexpected \(frame.kind) frame")
        }
    }

    func daemonClosed() {
        // A daemon that goes away mid-session takes the session with it: without it nothing can be masked.
        if case .relaying = phase { fail("the masking daemon closed the connection") }
    }

    // MARK: Connections

    private func connectUpstream(on loop: any EventLoop) -> EventLoopFuture<any Channel> {
        let bootstrap = ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(session: self))
                }
            }
        switch configuration.upstream {
        case .tcp(let host, let port):
            // Small messages (a ReadyForQuery, a one-row result) must not wait for Nagle.
            return bootstrap.channelOption(.tcpOption(.tcp_nodelay), value: 1).connect(host: host, port: port)
        case .unix(let path):
            return bootstrap.connect(unixDomainSocketPath: path)
        }
    }

    private func connectDaemon(_ path: String, attributes: [(key: String, value: String)], on loop: any EventLoop)
        -> EventLoopFuture<MaskingLink>
    {
        ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SidecarFrameDecoder(maxPayload: 1 << 30)))
                    try channel.pipeline.syncOperations.addHandler(DaemonLinkHandler(session: self))
                }
            }
            .connect(unixDomainSocketPath: path)
            .map { channel in
                let hello = SidecarHello(attributes: attributes)
                channel.writeAndFlush(channel.allocator.buffer(bytes: hello.encode()), promise: nil)
                return .remote(channel)
            }
    }

    private func forwardCancel(_ packet: ByteBuffer) {
        phase = .closed
        let client = self.client
        connectUpstream(on: client.eventLoop).whenComplete { result in
            if case .success(let upstream) = result {
                upstream.writeAndFlush(packet).whenComplete { _ in upstream.close(promise: nil) }
            }
            client.close(promise: nil)
        }
    }

    // MARK: Failure

    func connectionError(_ side: String, _ error: any Error) {
        logger.warning("connection error", metadata: ["side": "\(side)", "error": "\(error)"])
    }

    private func refuse(_ message: String, code: String = "08P01") {
        logger.warning("refused", metadata: ["reason": "\(message)"])
        fail(message, code: code)
    }

    /// Sends the client one ErrorResponse and closes everything. The client's stream is at a message
    /// boundary here: only whole masked messages were ever written to it.
    /// Re-resolves the in-process session's policy when the proxy reloaded its policy file.
    private func refreshPolicy() {
        guard let masking, let identity, policies.currentGeneration != policyGeneration else { return }
        let (policy, generation) = policies.current
        masking.policy = policy.resolve(identity.identity)
        policyGeneration = generation
        attachLineage(policy)
    }

    /// View lineage for the session's database: through the policy's `catalog`, else through the
    /// upstream as the session's own user (which works where that user needs no password: trust, peer,
    /// a .pgpass file). Only needed when the policy has OID rules.
    private func attachLineage(_ policy: MaskPolicy) {
        guard let masking, let identity, policy.hasOIDRules else { return }
        let conninfo = policy.catalog ?? configuration.upstream.conninfo(user: identity.identity.value("user") ?? "")
        catalog.attach(to: masking, database: identity.identity.value("database"), conninfo: conninfo, logger: logger)
    }

    private func writeResultSets(_ records: [ResultSetRecord]) {
        guard !records.isEmpty, let audit, let identity, let masking else { return }
        var lines = ""
        for record in records { lines += ResultSetAuditLine.json(record, identityMembers: identity.jsonMembers, policy: masking.policy) }
        audit.append(lines)
    }

    /// Writes the records of result sets still open when the session ends.
    private func finishAudit() {
        if case .inProcess(let session) = link { writeResultSets(session.finishResultSets()) }
    }

    private func fail(_ message: String, code: String = "08006") {
        guard phase != .closed else { return }
        finishAudit()
        logger.warning("session failed", metadata: ["reason": "\(message)"])
        phase = .closed
        var out = client.allocator.buffer(capacity: 128)
        out.writeErrorResponse(severity: "FATAL", code: code, message: "maskd: \(message)")
        let client = self.client
        client.writeAndFlush(out).whenComplete { _ in client.close(promise: nil) }
        upstream?.close(promise: nil)
        if case .remote(let daemon) = link { daemon.close(promise: nil) }
    }

    private func closeAll() {
        guard phase != .closed else { return }
        finishAudit()
        logger.debug("session closed", metadata: ["upstream_closed": "\(upstreamClosed)"])
        phase = .closed
        // Closed once every write before it has gone out: NIO's close drops writes still queued, and
        // a client that was slow to read would be left with the front of a message.
        let client = self.client
        client.writeAndFlush(client.allocator.buffer(capacity: 0)).whenComplete { _ in client.close(promise: nil) }
        if case .remote(let daemon) = link {
            var frame = daemon.allocator.buffer(capacity: 8)
            frame.writeSidecarHeader(.end, length: 0)
            daemon.writeAndFlush(frame).whenComplete { _ in daemon.close(promise: nil) }
        }
    }
}

extension ByteBuffer {
    mutating func writeSidecarHeader(_ kind: SidecarFrameKind, length: Int) {
        writeInteger(kind.rawValue)
        writeInteger(UInt8(0))
        writeInteger(UInt16(0))
        writeInteger(UInt32(length))
    }

    /// A PostgreSQL ErrorResponse with severity, SQLSTATE and message.
    mutating func writeErrorResponse(severity: String, code: String, message: String) {
        let start = writerIndex
        writeInteger(UInt8(ascii: "E"))
        writeInteger(Int32(0))
        for (field, value) in [("S", severity), ("V", severity), ("C", code), ("M", message)] {
            writeInteger(UInt8(ascii: Unicode.Scalar(field)!))
            writeBytes(value.utf8.filter { $0 != 0 })
            writeInteger(UInt8(0))
        }
        writeInteger(UInt8(0))
        setInteger(Int32(writerIndex - start - 1), at: start + 1)
    }
}
