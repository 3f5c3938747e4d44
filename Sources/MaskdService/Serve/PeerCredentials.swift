#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The uid, gid and pid of the process at the other end of a Unix socket (SO_PEERCRED), as the kernel
/// recorded them at connect time: a peer cannot forge them.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public var description: String { "uid \(uid) gid \(gid) pid \(pid)" }

    /// Reads the credentials of a connected Unix-socket channel.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(PeerCredentialsUnavailable())
        }
        // Sound: SO_PEERCRED at SOL_SOCKET yields a `struct ucred`, which `UCred` mirrors field for field.
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET),
                                                                           name: SocketOptionName(17 /* SO_PEERCRED */))
        return future.map { PeerCredentials(pid: $0.pid, uid: $0.uid, gid: $0.gid) }
    }
}

struct PeerCredentialsUnavailable: Error {}

/// Linux's `struct ucred` (pid_t, uid_t, gid_t), which Glibc hides behind _GNU_SOURCE.
struct UCred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Who may connect: by default only the daemon's own uid (and root). `--allow-uid` and `--allow-gid`
/// add others.
public struct PeerPolicy: Sendable {
    public var uids: Set<UInt32>
    public var gids: Set<UInt32>

    public init(uids: Set<UInt32>, gids: Set<UInt32>) {
        self.uids = uids
        self.gids = gids
    }

    public func allows(_ peer: PeerCredentials) -> Bool { uids.contains(peer.uid) || gids.contains(peer.gid) }
}
