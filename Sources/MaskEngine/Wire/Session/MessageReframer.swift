/// Turns bytes cut anywhere (a proxy forwards what each `read` returned) into runs of whole PostgreSQL
/// messages. Runs are handed out without a copy when they lie in the input; only a message split
/// across cuts is gathered in `pending`, so a message costs one extra copy at most.
///
/// Every header is checked as soon as its bytes are there (a length below 4, or over the limit, is a
/// framing error at once, before its body is awaited), so a hostile length cannot make the session
/// wait for, or reserve, gigabytes.
struct MessageReframer {
    /// The largest message accepted, counting its length word.
    let limit: Int
    /// Whether the next message is a startup-phase packet without a type byte (the client's first).
    private(set) var untypedNext: Bool
    /// Bytes of a message not yet complete.
    private var pending: [UInt8] = []
    /// Stream offset of the first byte not yet handed out (where `pending` starts).
    private(set) var offset = 0
    /// Index of the next message to be handed out.
    private(set) var messageIndex = 0

    /// Which side's errors framing faults are.
    let side: WireSessionError.Kind

    init(limit: Int, untypedFirst: Bool, side: WireSessionError.Kind) {
        self.limit = limit
        self.side = side
        untypedNext = untypedFirst
    }

    /// Bytes held back because their message is not complete.
    var pendingCount: Int { pending.count }

    /// A run of whole messages: the bytes, their offset in the stream, the index of the first message,
    /// and whether the first message is untyped.
    struct Run {
        let bytes: UnsafeBufferPointer<UInt8>
        let offset: Int
        let messageIndex: Int
        let firstUntyped: Bool
        /// How many messages the run holds.
        let count: Int
    }

    /// Hands every run of whole messages in `pending + input` to `body`, in order, and keeps the
    /// incomplete tail.
    mutating func feed(_ input: UnsafeBufferPointer<UInt8>, _ body: (Run) throws(WireSessionError) -> Void) throws(WireSessionError) {
        var rest = input[...]
        if !pending.isEmpty {
            // Complete the one message that was split.
            let headerSize = untypedNext ? 4 : 5
            if pending.count < headerSize {
                let take = min(headerSize - pending.count, rest.count)
                pending.append(contentsOf: rest.prefix(take))
                rest = rest.dropFirst(take)
                if pending.count < headerSize { return }
            }
            let total = try pending.withUnsafeBufferPointer { p throws(WireSessionError) in
                try messageLength(p, at: 0, untyped: untypedNext, offset: offset, messageIndex: messageIndex)
            }
            let take = min(total - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if pending.count < total { return }
            let run = pending
            pending.removeAll(keepingCapacity: true)
            try run.withUnsafeBufferPointer { bytes throws(WireSessionError) in try hand(bytes, count: 1, body) }
        }
        let tail = UnsafeBufferPointer(rebasing: rest)
        var end = 0
        var count = 0
        var untyped = untypedNext
        while tail.count - end >= (untyped ? 4 : 5) {
            let length = try messageLength(tail, at: end, untyped: untyped, offset: offset + end, messageIndex: messageIndex + count)
            if tail.count - end < length { break }
            end += length
            count += 1
            untyped = false
        }
        if end > 0 { try hand(UnsafeBufferPointer(rebasing: tail[0..<end]), count: count, body) }
        pending.append(contentsOf: tail[end...])
    }

    private mutating func hand(_ bytes: UnsafeBufferPointer<UInt8>, count: Int,
                               _ body: (Run) throws(WireSessionError) -> Void) throws(WireSessionError) {
        let run = Run(bytes: bytes, offset: offset, messageIndex: messageIndex, firstUntyped: untypedNext, count: count)
        offset += bytes.count
        messageIndex += count
        untypedNext = false
        try body(run)
    }

    /// The whole length of the message at `position` (type byte included), checked.
    private func messageLength(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, untyped: Bool, offset: Int,
                               messageIndex: Int) throws(WireSessionError) -> Int {
        let lengthAt = untyped ? position : position + 1
        let length = Int(Int32(bitPattern: UInt32(bytes[lengthAt]) << 24 | UInt32(bytes[lengthAt + 1]) << 16
            | UInt32(bytes[lengthAt + 2]) << 8 | UInt32(bytes[lengthAt + 3])))
        let location = StreamLocation(byteOffset: offset, message: messageIndex)
        if untyped {
            // PostgreSQL itself refuses startup packets shorter than 8 or longer than 10,000 bytes.
            guard length >= 8 && length <= 10_000 else {
                throw WireSessionError(side, StreamError(.invalidMessageLength(type: 0, length: length), at: location))
            }
            return length
        }
        let type = bytes[position]
        guard length >= 4 else { throw WireSessionError(side, StreamError(.invalidMessageLength(type: type, length: length), at: location)) }
        guard length <= limit else {
            throw WireSessionError(.limitExceeded, StreamError(.messageTooLarge(type: type, length: length, limit: limit), at: location))
        }
        return length + 1
    }
}
