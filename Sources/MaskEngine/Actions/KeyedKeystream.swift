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
    /// Bytes 0..<32 the seed, 32..<36 the block counter (big-endian): the MAC input of each block;
    /// 64..<96 the current block.
    private let state: UnsafeMutableRawPointer
    /// How many bytes of the current block are used (32: none left).
    private let used: UnsafeMutablePointer<Int>

    init(prf: KeyedPRF) {
        self.prf = prf
        state = .allocate(byteCount: 96, alignment: 8)
        state.initializeMemory(as: UInt8.self, repeating: 0, count: 96)
        used = .allocate(capacity: 1)
        used.initialize(to: 32)
    }

    func deallocate() {
        state.deallocate()
        used.deallocate()
    }

    /// Starts the stream of `message` under `tag`.
    func start(tag: UInt8, _ message: UnsafeRawBufferPointer) {
        prf.mac(tag: tag, message, into: UnsafeMutableRawBufferPointer(start: state, count: 32))
        state.storeBytes(of: UInt32(0), toByteOffset: 32, as: UInt32.self)
        used.pointee = 32
    }

    func start(tag: UInt8, _ message: [UInt8]) {
        message.withUnsafeBytes { start(tag: tag, $0) }
    }

    /// The next numeral below `radix` (2...256).
    @inline(__always)
    func next(below radix: Int) -> UInt8 {
        let limit = 256 - 256 % radix
        while true {
            if used.pointee == 32 { refill() }
            let b = Int(state.load(fromByteOffset: 64 + used.pointee, as: UInt8.self))
            used.pointee += 1
            if b < limit { return UInt8(b % radix) }
        }
    }

    private func refill() {
        let counter = UInt32(bigEndian: state.load(fromByteOffset: 32, as: UInt32.self))
        prf.mac(tag: Self.blockTag, UnsafeRawBufferPointer(start: state, count: 36),
                into: UnsafeMutableRawBufferPointer(start: state + 64, count: 32))
        state.storeBytes(of: (counter &+ 1).bigEndian, toByteOffset: 32, as: UInt32.self)
        used.pointee = 0
    }
}
