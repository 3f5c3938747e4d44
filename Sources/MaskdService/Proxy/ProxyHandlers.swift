import MaskEngine
import NIOCore

/// The client side of a proxy session: bytes and events go to the session.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let makeSession: (any Channel) -> ProxySession
    private var session: ProxySession?

    init(makeSession: @escaping (any Channel) -> ProxySession) { self.makeSession = makeSession }

    func channelActive(context: ChannelHandlerContext) {
        session = makeSession(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { session?.clientRead(unwrapInboundIn(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { session?.clientReadComplete() }
    func channelWritabilityChanged(context: ChannelHandlerContext) { session?.clientWritabilityChanged() }

    func channelInactive(context: ChannelHandlerContext) {
        session?.clientClosed()
        session = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session?.connectionError("client", error)
        context.close(promise: nil)
    }
}

/// The server side: what PostgreSQL sends goes to the masker, never straight to the client.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let session: ProxySession

    init(session: ProxySession) { self.session = session }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { session.upstreamRead(unwrapInboundIn(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { session.upstreamReadComplete() }
    func channelInactive(context: ChannelHandlerContext) { session.upstreamClosedByServer() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session.connectionError("server", error)
        context.close(promise: nil)
    }
}

/// The daemon side: frames from `maskd serve`.
final class DaemonLinkHandler: ChannelInboundHandler {
    typealias InboundIn = SidecarFrame
    private let session: ProxySession

    init(session: ProxySession) { self.session = session }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { session.daemonFrame(unwrapInboundIn(data)) }
    func channelInactive(context: ChannelHandlerContext) { session.daemonClosed() }
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session.connectionError("daemon", error)
        context.close(promise: nil)
    }
}
