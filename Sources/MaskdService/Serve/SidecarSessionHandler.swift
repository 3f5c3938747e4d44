import Logging
import MaskEngine
import NIOCore

/// One proxy session on the socket: the handshake, then client bytes fed to the session's state
/// machine and server bytes masked and sent back, one `M` frame per `S` frame, in order.
///
/// Masking runs on the connection's event loop: it is CPU work of a few hundred microseconds per 64 KiB
/// cut, and one loop per core keeps every core busy without a hand-off. Backpressure: while the socket's
/// outbound buffer is over its high watermark (the proxy is not reading), the handler stops asking for
/// reads, so memory per session stays bounded by the watermark, one frame and one partial message.
///
/// Fail closed: any error sends one `E` frame (a code and a message naming positions, never a value)
/// and closes the connection; nothing of the failing frame is sent.
final class SidecarSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = SidecarFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingHello
        case active(WireSession)
        case closed
    }

    private let context: ServeContext
    private let peer: PeerCredentials?
    private var state = State.awaitingHello
    private var logger: Logger
    private var identity: SessionIdentity?
    /// The session's masking state, whose policy is re-resolved when the served policy changes.
    private var masking: MaskSession?
    private var policyGeneration = 0
    private var compress = false
    private var masked = MaskedChunk()
    private var scratch: [UInt8] = []
    private var readPending = false
    private var pendingFlush = false
    private let started = ContinuousClock.now

    init(context: ServeContext, peer: PeerCredentials?) {
        self.context = context
        self.peer = peer
        logger = context.logger
        if let peer { logger[metadataKey: "peer_uid"] = "\(peer.uid)" }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context.sessionOpened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .active(let session) = state {
            logger.info("session closed by the proxy before End")
            writeResultSets(session.finishResultSets())
            writeSessionRecord(outcome: "disconnected")
        }
        state = .closed
        self.context.sessionClosed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        if case .closed = state { return }
        do throws(SidecarError) {
            if frame.flags & SidecarProtocol.flagLZ4 != 0 {
                guard compress else { throw SidecarError(.malformedFrame, "a compressed frame before LZ4 was granted") }
                // The declared size is checked before decompressing: a 13-byte frame may claim 64 MiB, and
                // the decompressor allocates what is claimed.
                let declared = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt32.self).map(Int.init) ?? 0
                let limit = self.context.configuration.maxFramePayload
                guard declared <= limit else {
                    throw SidecarError(.frameTooLarge, "a compressed \(frame.kind) frame declares \(declared) bytes, over the limit of \(limit)")
                }
                try frame.payload.withUnsafeReadableBytes { p throws(SidecarError) in
                    try SidecarCompression.decompress(p, into: &scratch)
                }
                guard scratch.count <= self.context.configuration.maxFramePayload else {
                    throw SidecarError(.frameTooLarge, "a compressed \(frame.kind) frame expands to \(scratch.count) bytes, over the limit of \(self.context.configuration.maxFramePayload)")
                }
                frame.payload = context.channel.allocator.buffer(bytes: scratch)
            }
            try handle(frame, context: context)
        } catch {
            fail(error, context: context)
        }
    }

    private func handle(_ frame: SidecarFrame, context: ChannelHandlerContext) throws(SidecarError) {
        switch (state, frame.kind) {
        case (.awaitingHello, .hello):
            try hello(frame.payload, context: context)
        case (.active(let session), .clientBytes):
            do throws(WireSessionError) {
                try frame.payload.withUnsafeReadableBytes { raw throws(WireSessionError) in
                    try session.receiveClient(raw.bindMemory(to: UInt8.self))
                }
            } catch {
                throw SidecarError(SidecarErrorCode(error.kind), error.description)
            }
        case (.active(let session), .serverBytes):
            try serverBytes(frame.payload, session: session, context: context)
        case (.active(let session), .end):
            guard frame.payload.readableBytes == 0 else { throw SidecarError(.malformedFrame, "an End frame has no payload") }
            // A proxy whose client hung up in the middle of a result ends the session wherever its last
            // server read was cut: the start of a message may be pending here. It is dropped, never
            // answered (fail closed), and the end is a normal one: a client leaving is not a malformed
            // server stream, and reporting it as one put `backend_protocol` errors in the metrics of a
            // healthy soak (Benchmarks/RESULTS.md).
            let discarded = session.pendingServerBytes
            var out = context.channel.allocator.buffer(capacity: 24)
            out.writeBytes(SidecarFrames.ended(rows: UInt64(session.rows), findings: UInt64(session.findingCounts.reduce(0, +))))
            writeResultSets(session.finishResultSets())
            writeSessionRecord(outcome: "ended", discardedServerBytes: discarded)
            state = .closed
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
        case (_, let kind):
            throw SidecarError(.unexpectedFrame, "a \(kind) frame is not allowed \(stateName)")
        }
    }

    private var stateName: String {
        switch state {
        case .awaitingHello: "before Hello"
        case .active: "after Hello"
        case .closed: "after the session ended"
        }
    }

    private func hello(_ payload: ByteBuffer, context: ChannelHandlerContext) throws(SidecarError) {
        let hello = try payload.withUnsafeReadableBytes { p throws(SidecarError) in try SidecarHello.decode(p) }
        guard hello.major == SidecarProtocol.major else {
            throw SidecarError(.unsupportedVersion, "protocol major version \(hello.major) is not supported; this maskd speaks \(SidecarProtocol.major).\(SidecarProtocol.minor)")
        }
        let sessionID = hello.value("session_id") ?? self.context.makeSessionID()
        let identity = SessionIdentity(sessionID: sessionID, hello: hello)
        self.identity = identity
        logger[metadataKey: "session"] = "\(sessionID)"
        if let user = hello.value("user") { logger[metadataKey: "user"] = "\(user)" }
        let granted = hello.capabilities & self.context.configuration.capabilities
        compress = granted & SidecarProtocol.capabilityLZ4 != 0
        let (policy, generation) = self.context.policies.current
        let masking = MaskSession(policy: policy, key: self.context.configuration.key, identity: identity.identity)
        self.masking = masking
        policyGeneration = generation
        self.context.catalog.attach(to: masking, database: hello.value("database"), conninfo: policy.hasOIDRules ? policy.catalog : nil, logger: logger)
        logger[metadataKey: "identity_rule"] = "\(masking.policy.rule.map { String($0.index) } ?? "none")"
        var options = WireSession.Options()
        options.maxMessageBytes = self.context.configuration.maxMessageBytes
        options.recordsResultSets = self.context.audit != nil
        state = .active(WireSession(masking: masking, options: options))
        let welcome = SidecarWelcome(major: SidecarProtocol.major, minor: min(hello.minor, SidecarProtocol.minor),
                                     capabilities: granted, maxFramePayload: UInt32(self.context.configuration.maxFramePayload),
                                     maxInFlightBytes: UInt32(self.context.configuration.highWatermark), sessionID: sessionID)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: welcome.encode())), promise: nil)
        pendingFlush = true
        self.context.metrics.sessionsStarted.increment()
        logger.info("session started", metadata: ["database": "\(hello.value("database") ?? "")",
                                                  "application": "\(hello.value("application") ?? "")",
                                                  "lz4": "\(compress)"])
    }

    private func serverBytes(_ payload: ByteBuffer, session: WireSession, context: ChannelHandlerContext) throws(SidecarError) {
        let start = ContinuousClock.now
        masked.output.removeAll(keepingCapacity: true)
        masked.findings.removeAll(keepingCapacity: true)
        masked.rows = 0
        for i in masked.counts.indices { masked.counts[i] = 0 }
        refreshPolicy()
        do throws(WireSessionError) {
            try payload.withUnsafeReadableBytes { raw throws(WireSessionError) in
                try session.receiveServer(raw.bindMemory(to: UInt8.self), into: &masked)
            }
        } catch {
            throw SidecarError(SidecarErrorCode(error.kind), error.description)
        }
        writeResultSets(session.takeResultSets())
        var out: ByteBuffer
        if compress, masked.output.count >= 4096 {
            scratch.removeAll(keepingCapacity: true)
            let shrank = masked.output.withUnsafeBytes { SidecarCompression.compress($0, to: &scratch) }
            if shrank {
                out = context.channel.allocator.buffer(capacity: SidecarProtocol.headerSize + scratch.count)
                out.writeBytes(frameHeader(.masked, flags: SidecarProtocol.flagLZ4, length: scratch.count))
                out.writeBytes(scratch)
            } else {
                out = plainMasked(context)
            }
        } else {
            out = plainMasked(context)
        }
        context.write(wrapOutboundOut(out), promise: nil)
        pendingFlush = true
        let metrics = self.context.metrics
        metrics.bytesIn.increment(by: Int64(payload.readableBytes))
        metrics.bytesOut.increment(by: Int64(masked.output.count))
        metrics.rows.increment(by: Int64(masked.rows))
        for (i, n) in masked.counts.enumerated() where n > 0 { metrics.findings[i].increment(by: Int64(n)) }
        metrics.frameLatency.record(ContinuousClock.now - start)
    }

    private func plainMasked(_ context: ChannelHandlerContext) -> ByteBuffer {
        var out = context.channel.allocator.buffer(capacity: SidecarProtocol.headerSize + masked.output.count)
        out.writeBytes(frameHeader(.masked, flags: 0, length: masked.output.count))
        out.writeBytes(masked.output)
        return out
    }

    private func frameHeader(_ kind: SidecarFrameKind, flags: UInt8, length: Int) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(8)
        SidecarFrameHeader.append(kind, flags: flags, length: length, to: &header)
        return header
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if pendingFlush {
            pendingFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    // MARK: Backpressure

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && readPending {
            readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Errors and records

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? SidecarError {
            fail(error, context: context)
        } else if error is ByteToMessageDecoderError {
            fail(SidecarError(.malformedFrame, "undecodable frame"), context: context)
        } else {
            logger.warning("connection error", metadata: ["error": "\(type(of: error))"])
            state = .closed
            context.close(promise: nil)
        }
    }

    /// Sends the error frame and closes: the session is poisoned.
    private func fail(_ error: SidecarError, context: ChannelHandlerContext) {
        if case .closed = state { return }
        self.context.metrics.errors[error.code]?.increment()
        logger.warning("session stopped", metadata: ["code": "\(error.code.name)", "reason": "\(error.message)"])
        if case .active(let session) = state {
            writeResultSets(session.finishResultSets())
            // Written while the state is still active: the record reads the session's counts from it.
            writeSessionRecord(outcome: error.code.name)
        }
        state = .closed
        let frame = context.channel.allocator.buffer(bytes: SidecarFrames.error(error.code, error.message))
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Sends `shutting_down` and closes, for a session still open when the drain time is over.
    func shutDown(context: ChannelHandlerContext) {
        fail(SidecarError(.shuttingDown, "maskd is shutting down"), context: context)
    }

    /// Re-resolves the session's policy when the daemon reloaded its policy file.
    private func refreshPolicy() {
        guard let masking, let identity else { return }
        let generation = context.policies.currentGeneration
        guard generation != policyGeneration else { return }
        let (policy, current) = context.policies.current
        masking.policy = policy.resolve(identity.identity)
        policyGeneration = current
        context.catalog.attach(to: masking, database: identity.identity.value("database"), conninfo: policy.hasOIDRules ? policy.catalog : nil, logger: logger)
        logger.debug("policy reloaded for session", metadata: ["version": "\(policy.version)"])
    }

    private func writeResultSets(_ records: [ResultSetRecord]) {
        guard !records.isEmpty, let audit = context.audit, let identity, let masking else { return }
        var lines = ""
        for record in records { lines += ResultSetAuditLine.json(record, identityMembers: identity.jsonMembers, policy: masking.policy) }
        audit.append(lines)
    }

    private func writeSessionRecord(outcome: String, discardedServerBytes: Int = 0) {
        guard case .active(let session) = state else { return }
        let counts = EntityType.builtIns.map { "\"\($0.name)\":\(session.findingCounts[Int($0.rawValue)])" }.joined(separator: ",")
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        var metadata: Logger.Metadata = ["outcome": "\(outcome)", "rows": "\(session.rows)",
                                         "findings": "\(session.findingCounts.reduce(0, +))"]
        if discardedServerBytes > 0 { metadata["discarded_server_bytes"] = "\(discardedServerBytes)" }
        logger.info("session summary", metadata: metadata)
        guard let audit = self.context.audit, let identity else { return }
        let line = "{\"event\":\"session\",\(identity.jsonMembers),\"outcome\":\"\(outcome)\",\"rows\":\(session.rows),\"findings\":{\(counts)},\"seconds\":\(seconds)}\n"
        audit.append(Array(line.utf8))
    }
}
