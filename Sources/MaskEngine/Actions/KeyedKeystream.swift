import CMaskKernels

/// Uniform numerals below a radix, drawn from HMAC-SHA256 in counter mode: the seed is the MAC of a
/// value (or of a fixed label), each block is MAC(seed ‖ counter), and each numeral is one byte of the
/// blocks, rejected when it would bias the remainder (bytes ≥ 248 for radix 62, ≥ 252 for radix 28).
///
/// Rejection keeps every numeral exactly uniform given the seed, which is what the collision bound of
/// `LengthKeepingTokenizer` (62^-m for m positions) assumes. The state lives in memory this struct
/// points to, so drawing a numeral needs no exclusive access to its owner; the owner calls
/// `deallocate()` once.
struct KeyedKeystream {
    /// MAC tags: the seed of a value of entity type t is under `valueTag + t` (tokens) or
    /// `digestTag + t` (the `hash` action, so that its tokens are unrelated to `tokenize`'s), blocks
    /// under `blockTag`, the seed of the single-symbol permutations under `singlesTag`. None is used by
    /// another MAC of the tokenizer (1...3 tokens, 4 + 16t hashes, 0xF1 the FF1 key).
    static let valueTag: UInt8 = 0x80
    static let digestTag: UInt8 = 0x90
    static let blockTag: UInt8 = 0xA0
    static let singlesTag: UInt8 = 0xB0

    private let prf: KeyedPRF
    /// Bytes 0..<32 the seed and 32..<36 the next block's counter (big-endian), 40..<76 the same with
    /// the counter after it: the MAC inputs of the next two blocks; 80..<144 the current two blocks.
    /// Blocks are made two at a time (`KeyedPRF.macPair`, their SHA-256 rounds interleaved): a long
    /// secret's token takes several, and two cost little more than one.
    private let state: UnsafeMutableRawPointer
    /// How many bytes of the current blocks are used (64: none left).
    private let used: UnsafeMutablePointer<Int>
    private static let blocks = 80

    init(prf: KeyedPRF) {
        self.prf = prf
        state = .allocate(byteCount: 144, alignment: 8)
        state.initializeMemory(as: UInt8.self, repeating: 0, count: 144)
        used = .allocate(capacity: 1)
        used.initialize(to: 64)
    }

    func deallocate() {
        state.deallocate()
        used.deallocate()
    }

    /// Starts the stream of `message` under `tag`.
    func start(tag: UInt8, _ message: UnsafeRawBufferPointer) {
        prf.mac(tag: tag, message, into: UnsafeMutableRawBufferPointer(start: state, count: 32))
        state.storeBytes(of: UInt32(0), toByteOffset: 32, as: UInt32.self)
        used.pointee = 64
    }

    func start(tag: UInt8, _ message: [UInt8]) {
        message.withUnsafeBytes { start(tag: tag, $0) }
    }

    /// The next numeral below `radix` (2...256).
    @inline(__always)
    func next(below radix: Int) -> UInt8 {
        var numeral: UInt8 = 0
        fill(&numeral, count: 1, below: radix)
        return numeral
    }

    /// Writes the next `count` numerals below `radix` (2...256) to `numerals`, each byte of the blocks
    /// taken in order unless rejection drops it. The letters kernel draws them (`mk_letters_from_keystream`,
    /// 64 bytes a step with AVX-512): a JWT's token draws ~150, and a Swift loop over the bytes spent ~15
    /// instructions on each.
    func fill(_ numerals: UnsafeMutablePointer<UInt8>, count: Int, below radix: Int) {
        var position = used.pointee
        var made = 0
        while made < count {
            if position == 64 {
                refill()
                position = 0
            }
            var consumed = 0
            // Sound: the current blocks' 64 - position unused bytes lie inside `state`, and `numerals`
            // has room for the count - made numerals still wanted.
            made += mk_letters_from_keystream((state + Self.blocks + position).assumingMemoryBound(to: UInt8.self),
                                              64 - position, UInt32(radix), numerals + made, count - made, &consumed)
            position += consumed
        }
        used.pointee = position
    }

    /// The next two blocks, counters c and c + 1: the same bytes, in the same order, as two blocks made
    /// one at a time.
    private func refill() {
        let counter = UInt32(bigEndian: state.load(fromByteOffset: 32, as: UInt32.self))
        // Sound: 0..<36 and 40..<76 are the two inputs, 80..<144 the two outputs, all inside `state`.
        (state + 40).copyMemory(from: state, byteCount: 32)
        state.storeBytes(of: (counter &+ 1).bigEndian, toByteOffset: 72, as: UInt32.self)
        let out = (state + Self.blocks).assumingMemoryBound(to: UInt8.self)
        prf.macPair(tag: Self.blockTag, UnsafeRawBufferPointer(start: state, count: 36),
                    UnsafeRawBufferPointer(start: state + 40, count: 36), into: out, out + 32)
        state.storeBytes(of: (counter &+ 2).bigEndian, toByteOffset: 32, as: UInt32.self)
        used.pointee = 0
    }
}
