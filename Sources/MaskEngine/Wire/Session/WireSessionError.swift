/// Why a live session was stopped. The session is poisoned after any of these: nothing more of the
/// server's bytes may reach the client. The message names positions and kinds, never a value.
public struct WireSessionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A malformed server message (framing, a DataRow that disagrees with its description, …).
        case backendProtocol
        /// A malformed client message.
        case frontendProtocol
        /// A session maskd will not mask: replication, an SSLRequest relayed instead of answered, a
        /// client encoding whose bytes cannot be scanned safely, CopyBoth.
        case unsupportedSession
        /// A message over the configured limit.
        case limitExceeded
    }

    public var kind: Kind
    public var message: String
    public var location: StreamLocation?

    public init(_ kind: Kind, _ message: String, at location: StreamLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    init(_ kind: Kind, _ error: StreamError) {
        self.kind = kind
        message = error.description
        location = nil
    }

    public var description: String {
        if let location { return "\(message) (\(location))" }
        return message
    }
}
