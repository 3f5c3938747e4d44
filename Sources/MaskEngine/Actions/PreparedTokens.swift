#if canImport(Glibc)
import Glibc
#endif

/// Card, SSN and email tokens made ahead, several at a time, for the values a column batch is about to
/// rewrite.
///
/// One FF1 token is ten rounds of one AES block each, every round waiting on the one before: about
/// 215 ns, most of it AES-NI latency. Eight strings of one length run side by side
/// (`DigitCipher.encrypt(batch:)`) fill the pipeline instead: about 50–90 ns each
/// (`Benchmarks/ff1_bench.c` modes 1 and 2). An email token's HMAC is two SHA-256 compressions, each
/// sha256rnds2 waiting on the one before; two emails' run interleaved (`KeyedPRF.macPair`). So a
/// column batch collects its card, SSN and email spans first (`CellRewriter.requestTokens`,
/// `Tokenizer.prepareRequested`), and the rewrite that follows finds each token here by its type and
/// its bytes, compared whole: a span the rewrite asks for that was not prepared (or a different one)
/// is computed as before, so what is prepared changes the speed, never a token.
///
/// Entries are kept in the order the spans were given; the rewrite asks for them in the same order, so
/// a lookup usually checks one entry (it looks a few ahead when the rewrite skipped some, as for a cell
/// a `null` action empties). One thread at a time, like its tokenizer.
final class PreparedTokens {
    struct Entry {
        var type: EntityType
        /// The value's bytes in `bytes`; its token (the same length) follows them.
        var start: Int
        var count: Int
    }

    /// How far past the expected entry a lookup looks.
    static let lookAhead = 8

    /// A value whose token is asked for ahead (`request`): its bytes are `requested[range]`.
    struct Request {
        var type: EntityType
        var range: Range<Int>
    }

    @exclusivity(unchecked) private(set) var requests: [Request] = []
    /// The requested values' bytes, copied when asked for: a batch's values may live in several
    /// buffers (a CSV batch's raw fields in the chunk, its unquoted ones in the batch's scratch).
    @exclusivity(unchecked) private(set) var requested: [UInt8] = []
    /// Scratch of `Tokenizer.prepareRequested`: the requests that get an FF1 token, their numerals
    /// (`stride` slots each) and their counts.
    @exclusivity(unchecked) var eligible: [(request: Int, digits: Int, cipherCount: Int, card: Bool)] = []
    @exclusivity(unchecked) var numerals: [UInt8] = []
    /// Scratch of `prepareRequested`: the eligible requests sorted by tag and length, and one run of
    /// their numerals gathered for one interleaved call.
    @exclusivity(unchecked) var order: [Int] = []
    @exclusivity(unchecked) var run: [UInt8] = []
    /// Scratch of `prepareRequested` for emails: the requests that get a prepared token, with their
    /// separator and their key's bytes (`requested[key]`, the span itself, or `emailKeys[key]` when
    /// decoded); then the MACs, 32 bytes each.
    @exclusivity(unchecked) var emails: [(request: Int, separator: Range<Int>?, key: Range<Int>, decoded: Bool)] = []
    @exclusivity(unchecked) var emailKeys: [UInt8] = []
    @exclusivity(unchecked) var macs: [UInt8] = []
    /// Numeral slots per value: as many as `Tokenizer.digitCapacity`, so that a value is read exactly
    /// as the one-by-one path reads it.
    static let stride = Tokenizer.digitCapacity

    /// The next of `emails` a lookup expects (emails are looked up in their own order: the rewrite asks
    /// for a cell's tokens in order, and an email's token is written from its MAC, not stored).
    @exclusivity(unchecked) private var nextEmail = 0

    @exclusivity(unchecked) private(set) var entries: [Entry] = []
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    @exclusivity(unchecked) private var next = 0
    /// Tokens taken from here: what tests read to see it used.
    @exclusivity(unchecked) private(set) var taken = 0

    var isEmpty: Bool { next >= entries.count }
    /// Whether email tokens are prepared and not all taken.
    var hasEmails: Bool { nextEmail < emails.count }

    /// Adds the entry of a card or SSN `value` (of `type`), its token bytes to be filled in by `fill`.
    func add(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        let start = bytes.count
        let count = value.count
        // One append of the value and its token's room, then both written through one pointer: the
        // generic appends this replaces cost more than the interleaved FF1 saved per card.
        Tokenizer.appendInPlace(count: 2 * count, to: &bytes) { room in
            if let source = value.baseAddress { room.update(from: source, count: count) }
            fill(UnsafeMutableBufferPointer(start: room + count, count: count))
        }
        entries.append(Entry(type: type, start: start, count: count))
    }

    /// Appends the prepared token of the card or SSN `value` to `out` and returns true, or returns false.
    @inline(__always)
    func append(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        if next >= entries.count { return false }
        let last = min(entries.count, next + Self.lookAhead)
        return bytes.withUnsafeBufferPointer { all -> Bool in
            for i in next..<last {
                let e = entries[i]
                guard e.type == type, e.count == value.count else { continue }
                // memcmp, not `elementsEqual` (a generic element-by-element loop): sound, both ranges hold
                // e.count bytes (the entry's bytes lie inside `all`).
                if value.count > 0 && memcmp(value.baseAddress!, all.baseAddress! + e.start, e.count) != 0 {
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: all[(e.start + e.count)..<(e.start + 2 * e.count)]))
                next = i + 1
                taken &+= 1
                return true
            }
            return false
        }
    }

    /// Appends the prepared token of the email `value` to `out` and returns true, or returns false.
    @inline(__always)
    func appendEmail(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let last = min(emails.count, nextEmail + Self.lookAhead)
        for i in nextEmail..<last {
            let email = emails[i]
            let range = requests[email.request].range
            guard range.count == value.count else { continue }
            let same = requested.withUnsafeBufferPointer { all in
                // Sound: both hold range.count bytes (the request's bytes lie inside `requested`).
                value.count == 0 || memcmp(value.baseAddress!, all.baseAddress! + range.lowerBound, range.count) == 0
            }
            guard same else { continue }
            macs.withUnsafeBufferPointer { macs in
                Tokenizer.appendInPlace(count: Tokenizer.emailTokenCount(separator: email.separator), to: &out) { token in
                    // Sound: `prepareRequested` wrote 32 bytes of MAC per email.
                    Tokenizer.writeEmailToken(mac: macs.baseAddress! + 32 * i, value: value, separator: email.separator,
                                              into: token)
                }
            }
            nextEmail = i + 1
            taken &+= 1
            return true
        }
        return false
    }

    /// Asks for the token of the card, SSN or email `value`, to be made by `Tokenizer.prepareRequested`.
    func request(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>) {
        if requests.capacity == 0 { reserve(Self.typicalRequests) }
        let start = requested.count
        requested.append(contentsOf: value)
        requests.append(Request(type: type, range: start..<requested.count))
    }

    /// Requests the scratch is first sized for (about 36 KiB in all): half a column batch of cards
    /// (`DataRowBatch.maxRows` rows) without growing through a dozen reallocations per session, and no
    /// more memory than that for each of `maskd serve`'s sessions that ever sees two cards in a batch.
    static let typicalRequests = DataRowBatch.maxRows / 2

    private func reserve(_ count: Int) {
        requests.reserveCapacity(count)
        requested.reserveCapacity(count * 24)
        eligible.reserveCapacity(count)
        numerals.reserveCapacity(count * Self.stride)
        order.reserveCapacity(count)
        run.reserveCapacity(count * Self.stride)
        entries.reserveCapacity(count)
        bytes.reserveCapacity(count * 2 * 24)
        emails.reserveCapacity(count)
        macs.reserveCapacity(count * 32)
    }

    /// Forgets every request and entry, keeping the capacity.
    func removeAll() {
        requests.removeAll(keepingCapacity: true)
        requested.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        emails.removeAll(keepingCapacity: true)
        next = 0
        nextEmail = 0
    }
}
