import CMaskKernels

/// Card, SSN and email tokens made ahead, several at a time, for the values a column batch is about to
/// rewrite.
///
/// One FF1 token is ten rounds of one AES block each, every round waiting on the one before: about
/// 215 ns, most of it AES-NI latency. Eight strings of one length run side by side fill the pipeline
/// instead: about 50–90 ns each (`Benchmarks/ff1_bench.c` modes 1 and 2). The digit kernel
/// (`mk_digit_tokens`) does a batch's cards and SSNs in one call: reads their digits, groups them by
/// length, runs each group's FF1 interleaved and writes the tokens, work that cost more per value in
/// Swift than the cipher. An email token's HMAC is two SHA-256 compressions, each sha256rnds2 waiting
/// on the one before; two emails' run interleaved, or sixteen in AVX-512 lanes (`KeyedPRF.macs`). So a
/// column batch collects its card, SSN and email spans first (`CellRewriter.requestTokens`,
/// `Tokenizer.prepareRequested`), and
/// the rewrite that follows finds each token here by its type and its bytes, compared whole: a span
/// the rewrite asks for that was not prepared (or a different one) is computed as before, so what is
/// prepared changes the speed, never a token.
///
/// Tokens are kept in the order the spans were given; the rewrite asks for them in the same order, so
/// a lookup usually checks one (it looks a few ahead when the rewrite skipped some, as for a cell a
/// `null` action empties). One thread at a time, like its tokenizer.
final class PreparedTokens {
    /// How far past the expected entry a lookup looks.
    static let lookAhead = 8

    /// A value whose token is asked for ahead (`request`): its bytes are `requested[range]`.
    struct Request: BitwiseCopyable {
        var type: EntityType
        // Bounds rather than a `Range`, which is not bitwise-copyable (a generic struct).
        private var start: Int, end: Int
        var range: Range<Int> { start..<end }

        init(type: EntityType, range: Range<Int>) {
            self.type = type
            (start, end) = (range.lowerBound, range.upperBound)
        }
    }

    /// An email request that gets a prepared token (`Tokenizer.prepareRequested`): its separator, and its
    /// key's bytes, `requested[key]` (the span itself) or `emailKeys[key]` when `decoded`.
    struct EmailRequest: BitwiseCopyable {
        var request: Int
        var decoded: Bool
        // Bounds rather than ranges, which are not bitwise-copyable; a separator start of -1: none.
        private var separatorStart: Int, separatorEnd: Int, keyStart: Int, keyEnd: Int
        var separator: Range<Int>? { separatorStart < 0 ? nil : separatorStart..<separatorEnd }
        var key: Range<Int> { keyStart..<keyEnd }

        init(request: Int, separator: Range<Int>?, key: Range<Int>, decoded: Bool) {
            self.request = request
            self.decoded = decoded
            (separatorStart, separatorEnd) = separator.map { ($0.lowerBound, $0.upperBound) } ?? (-1, -1)
            (keyStart, keyEnd) = (key.lowerBound, key.upperBound)
        }
    }

    /// The requests so far, in order: valid until the next request or `removeAll`.
    var requests: UnsafeBufferPointer<Request> { requestList.buffer }
    /// The requested values' bytes, copied when asked for: a batch's values may live in several
    /// buffers (a CSV batch's raw fields in the chunk, its unquoted ones in the batch's scratch).
    ///
    /// Both held by pointer (`ScratchList`, `ByteScratch`): an array's append, two per request, cost
    /// more than the lookup that later finds the token (`append(contentsOf:)` ~100 instructions).
    let requested = ByteScratch(capacity: 256)
    private let requestList = ScratchList<Request>()
    /// The card and SSN requests given to `mk_digit_tokens` (`Tokenizer.prepareRequested`); once it
    /// ran, its first `madeDigits` are those that got a token, in request order.
    @exclusivity(unchecked) var digitRequests: [mk_digit_token_request] = []
    /// Every prepared card, SSN and secret token, at its value's own offsets (as long as `requested`,
    /// grown when a batch needs more and never cleared: every byte read was written for that batch).
    /// Held by pointer, like `macs`: copied out of an array, each token retained and released the
    /// array's storage around the copy (an atomic pair per card, a seventh of a card's token in a column).
    let tokens = ByteScratch(capacity: 256)
    /// Scratch of the kernel: `MK_DIGIT_STRIDE` numeral slots per digit request.
    @exclusivity(unchecked) var numerals: [UInt8] = []
    @exclusivity(unchecked) var madeDigits = 0
    /// Scratch of `LengthKeepingTokenizer.prepare`: the secret requests it enciphers (their letters and
    /// digits as numerals, `secretStride` slots each), and one group of them gathered for one call.
    @exclusivity(unchecked) var secrets: [(request: Int, letters: Int)] = []
    @exclusivity(unchecked) var secretNumerals: [UInt8] = []
    @exclusivity(unchecked) var secretRun: [UInt8] = []
    /// The secret requests whose tokens are in `tokens`, in request order.
    @exclusivity(unchecked) var madeSecrets: [Int] = []
    /// Scratch of `LengthKeepingTokenizer.prepare` for secrets past FF1's 40 letters and digits (a JWT),
    /// whose numerals come from the keystream: the requests with their letter counts and blocks, the
    /// seeds' and blocks' MAC inputs, the MACs, and the numerals drawn. `made`: the token was written
    /// (a value whose rejections outran its blocks is left to the rewrite's one-by-one path).
    @exclusivity(unchecked) var streamSecrets: [(request: Int, letters: Int, firstBlock: Int, blocks: Int, made: Bool)] = []
    @exclusivity(unchecked) var streamInputs: [UInt8] = []
    @exclusivity(unchecked) var streamMACs: [UInt8] = []
    @exclusivity(unchecked) var streamNumerals: [UInt8] = []
    /// Bytes of keystream made beyond a value's expected need (see `LengthKeepingTokenizer.prepare`):
    /// tests set it below zero to make the shortfall path run.
    var streamMarginBytes = 8
    /// Scratch of `prepareRequested` for emails: the requests that get a prepared token, with their
    /// separator and their key's bytes (`requested[key]`, the span itself, or `emailKeys[key]` when
    /// decoded); then the MACs, 32 bytes each.
    let emails = ScratchList<EmailRequest>()
    @exclusivity(unchecked) var emailKeys: [UInt8] = []
    /// The MACs are bytes the class holds by pointer (a `ByteScratch`): read from an array, each lookup
    /// retained and released the array's storage around the read (an atomic pair per email).
    let macs = ByteScratch(capacity: 32 * 64)
    /// Where each email key to MAC starts and how long it is, handed to the MAC kernel in one call (valid
    /// only during `Tokenizer.prepareEmailMACs`, which fills them).
    let macMessages = ScratchList<UnsafePointer<UInt8>?>()
    let macLengths = ScratchList<Int>()

    /// The next of `emails` a lookup expects (emails are looked up in their own order: the rewrite asks
    /// for a cell's tokens in order, and an email's token is written from its MAC, not stored).
    @exclusivity(unchecked) private var nextEmail = 0
    /// The next of the made digit requests a lookup expects.
    @exclusivity(unchecked) private var next = 0
    /// The next of `madeSecrets` a lookup expects.
    @exclusivity(unchecked) private var nextSecret = 0
    /// Tokens taken from here: what tests read to see it used.
    @exclusivity(unchecked) private(set) var taken = 0

    var isEmpty: Bool { next >= madeDigits }
    /// Whether email tokens are prepared and not all taken.
    var hasEmails: Bool { nextEmail < emails.count }
    /// Whether secret tokens are prepared and not all taken.
    var hasSecrets: Bool { nextSecret < madeSecrets.count }

    /// Appends the prepared token of the card or SSN `value` to `out` and returns true, or returns false.
    @inline(__always)
    func append(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        if next >= madeDigits { return false }
        let kind = UInt8(type == .creditCard ? MK_DIGIT_CARD : MK_DIGIT_SSN)
        let last = min(madeDigits, next + Self.lookAhead)
        for i in next..<last {
            let r = digitRequests[i]
            let range = Int(r.start)..<(Int(r.start) + Int(r.length))
            guard r.kind == kind, isRequested(value, at: range) else { continue }
            appendToken(at: range, to: &out)
            next = i + 1
            taken &+= 1
            return true
        }
        return false
    }

    /// Appends the prepared token of the secret `value` to `out` and returns true, or returns false.
    @inline(__always)
    func appendSecret(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let last = min(madeSecrets.count, nextSecret + Self.lookAhead)
        for i in nextSecret..<last {
            let range = requests[madeSecrets[i]].range
            guard isRequested(value, at: range) else { continue }
            appendToken(at: range, to: &out)
            nextSecret = i + 1
            taken &+= 1
            return true
        }
        return false
    }

    /// Appends the prepared token of the email `value` to `out` and returns true, or returns false.
    @inline(__always)
    func appendEmail(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        let last = min(emails.count, nextEmail + Self.lookAhead)
        for i in nextEmail..<last {
            let email = emails[i]
            let range = requests[email.request].range
            guard isRequested(value, at: range) else { continue }
            // Sound: `prepareRequested` wrote 32 bytes of MAC per email, and nothing writes them until the next one.
            let mac = macs.bytes.baseAddress! + 32 * i
            out.append(writing: Tokenizer.emailTokenCount(separator: email.separator)) { token in
                Tokenizer.writeEmailToken(mac: mac, value: value, separator: email.separator, into: token)
            }
            nextEmail = i + 1
            taken &+= 1
            return true
        }
        return false
    }

    /// Whether `value` is the requested bytes `requested[range]`.
    @inline(__always)
    private func isRequested(_ value: UnsafeBufferPointer<UInt8>, at range: Range<Int>) -> Bool {
        guard range.count == value.count else { return false }
        // Sound: both hold range.count bytes (a request's range lies inside `requested`).
        return value.count == 0 || ShortBytes.equal(value.baseAddress!, requested.bytes.baseAddress! + range.lowerBound, count: range.count)
    }

    /// Appends the prepared token at `range` of `tokens` (a card's, SSN's or secret's, at its value's offsets).
    @inline(__always)
    private func appendToken(at range: Range<Int>, to out: inout [UInt8]) {
        if range.isEmpty { return }
        // Sound: `range` lies inside `tokens` (a request's offsets, and `tokens` is as long as `requested`).
        out.append(copying: UnsafeBufferPointer(rebasing: tokens.bytes[range]))
    }

    /// Asks for the token of the card, SSN or email `value`, to be made by `Tokenizer.prepareRequested`.
    /// Past `maxRequests` a request is dropped: its token is made one by one by the rewrite.
    func request(_ type: EntityType, _ value: UnsafeBufferPointer<UInt8>) {
        if requestList.count >= Self.maxRequests { return }
        if requestList.isEmpty && requestList.capacity < Self.typicalRequests { reserve(Self.typicalRequests) }
        let start = requested.count
        if let source = value.baseAddress {
            // Sound: room for value.count bytes after `start`, all written.
            requested.continueWriting(atMost: value.count).update(from: source, count: value.count)
            requested.setCount(start + value.count)
        }
        requestList.append(Request(type: type, range: start..<requested.count))
    }

    /// Requests the scratch is first sized for (about 36 KiB in all): half a column batch of cards
    /// (`DataRowBatch.maxRows` rows) without growing through a dozen reallocations per session, and no
    /// more memory than that for each of `maskd serve`'s sessions that ever sees two cards in a batch.
    static let typicalRequests = DataRowBatch.maxRows / 2

    /// The most requests one preparation holds. A batch of rows is bounded (`DataRowBatch.maxBytes`,
    /// `TextRecordBatch.maxBytes`) but one cell is not: a 640 MB cell of emails asked for 71 million
    /// tokens at once, and their copies, MACs and tokens took 15 GB before the row was refused
    /// (Benchmarks/RESULTS.md). The batches this speeds up hold a few hundred.
    static let maxRequests = 8192

    /// The requested bytes kept between batches: a batch of one huge cell's values may ask for more, and
    /// gives the rest back.
    static let maxKeptBytes = maxRequests * 64

    private func reserve(_ count: Int) {
        requestList.reserve(count)
        _ = requested.continueWriting(atMost: count * 24)
        digitRequests.reserveCapacity(count)
        numerals.reserveCapacity(count * Int(MK_DIGIT_STRIDE))
        emails.reserve(count)
        macMessages.reserve(count)
        macLengths.reserve(count)
        madeSecrets.reserveCapacity(count)
    }

    /// Grows `buffer` to at least `count` bytes (zeros past the old end), at least doubling its capacity:
    /// scratch that a session's batches grow step by step reallocates a few times, not once a batch.
    static func grow(_ buffer: inout [UInt8], to count: Int) {
        guard buffer.count < count else { return }
        if buffer.capacity < count { buffer.reserveCapacity(max(count, 2 * buffer.capacity)) }
        buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
    }

    /// Forgets every request and entry, keeping the capacity.
    func removeAll() {
        requestList.removeAll()
        requested.removeAll(keepingAtMost: Self.maxKeptBytes)   // one huge cell's values: given back
        digitRequests.removeAll(keepingCapacity: true)
        madeDigits = 0
        madeSecrets.removeAll(keepingCapacity: true)
        nextSecret = 0
        emails.removeAll()
        next = 0
        nextEmail = 0
    }
}
