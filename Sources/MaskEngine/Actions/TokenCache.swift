/// A tokenizer's memory of the tokens it made: the value's bytes and its token, so that a value seen
/// again costs a hash and a copy instead of FF1 or HMAC-SHA256.
///
/// Real tables repeat values (the same customer's email in each of their orders, a card on every
/// payment), and a token is a pure function of the key, the kind of token and the value's bytes, so a
/// remembered token is always the token. A lookup compares the whole value byte for byte: the hash
/// only picks the slot, so a collision costs a miss, never a wrong token.
///
/// A value is remembered the second time it is tokenized, not the first: a one-bit doorkeeper per
/// hash (TinyLFU's) takes the first sighting. In a table of distinct keys most values are seen once,
/// and storing each would write two cache lines per token for nothing; a value that repeats costs one
/// more miss before it hits.
///
/// It steps aside where it does not pay. A miss costs tens of nanoseconds (the hash, a tag read, the
/// doorkeeper, the slot writes of admitted values, which mostly miss the CPU's caches); a hit saves
/// 200-1,500 ns. So the cache counts its hits per window of `window` lookups, and when fewer than one
/// in `minimumHitShare` hit, it is bypassed for the next `bypassWindows` windows (a counter decrement
/// per token), then tried again. On the generated dense corpus (28 % of values repeat, 6 % within
/// reach of 2,048 slots) the cache without this was ~4 % slower than none (`maskd pipe`, dense wire
/// stream, 0.93 against 0.89 s, min of 7); with it, 0.94 against 0.94.
///
/// It starts small (`initialSlotCount`, 34 KiB, allocated when the first value is admitted) and grows
/// fourfold, up to its maximum, when a window ends with the table filled and either the cache paying
/// (enough hits) or values repeating further apart than it holds (enough second sightings, few hits):
/// `maskd serve` may hold thousands of sessions, and only those whose values repeat should hold a
/// large table. Growing drops what it held (the values come back by their second sighting).
///
/// Four-way set associative (`slotCount` slots of 128 bytes and an 8-byte tag each), values of at
/// most `maxValueBytes` and tokens of at most `maxTokenBytes`; longer ones are not remembered. A set's
/// four tags share one cache line, so a miss reads one line; a full set gives up its slots in turn.
/// One thread at a time, like its tokenizer. Written by hand: no kept package offers a bounded cache
/// keyed by borrowed bytes without allocating per entry, and this sits on the path of every token.
final class TokenCache {
    /// The most slots a session's tokenizer grows to: 272 KiB.
    static let defaultSlotCount = 2_048
    /// Slots it starts with: 34 KiB.
    static let initialSlotCount = 256
    static let ways = 4
    static let slotBytes = 128
    /// Slot layout: the variant (2 bytes), the value's length (1), the token's length (1), the value,
    /// then the token. The slot's tag (the hash, never 0 once used) lives in the tag array.
    private static let headerBytes = 4
    static let maxValueBytes = 56
    static let maxTokenBytes = slotBytes - headerBytes - maxValueBytes

    // The mutable fields are `@exclusivity(unchecked)`: a class's stored properties get a dynamic
    // exclusivity check per access, five of them per lookup, a third of a hit's cost. Sound: a cache is
    // used by one thread at a time and none of its methods calls another while it holds an access.
    @exclusivity(unchecked) private(set) var slotCount: Int
    @exclusivity(unchecked) private var setMask: Int
    private let maxSlotCount: Int
    /// Stores since the table was (re)allocated: it has filled once there are slotCount of them.
    @exclusivity(unchecked) private var storesSinceGrowth = 0
    /// `slotCount` tags, then `slotCount` slots (nil until the first store).
    @exclusivity(unchecked) private var memory: UnsafeMutableRawPointer?
    /// One bit per hash of the values seen once (`doorkeeperBits` bits), and how many are set: cleared
    /// when half are, so that it keeps telling a second sighting from a first.
    @exclusivity(unchecked) private var doorkeeper: UnsafeMutablePointer<UInt64>?
    @exclusivity(unchecked) private var doorkeeperSet = 0
    static let doorkeeperBits = 1 << 15
    /// The way a full set gives up next (one counter for all sets: a cheap stand-in for random).
    @exclusivity(unchecked) private var victim = 0
    /// Lookups answered from the cache, tokens remembered, and lookups skipped while bypassed: what
    /// tests read to see it work.
    @exclusivity(unchecked) private(set) var hits = 0
    @exclusivity(unchecked) private(set) var stores = 0
    @exclusivity(unchecked) private(set) var bypassed = 0

    static let window = 4_096
    static let minimumHitShare = 8
    static let bypassWindows = 32
    @exclusivity(unchecked) private var windowLookups = 0
    @exclusivity(unchecked) private var windowHits = 0
    @exclusivity(unchecked) private var windowStores = 0
    /// Lookups (and their stores) still to skip.
    @exclusivity(unchecked) private var bypassLeft = 0

    /// A cache of up to `slotCount` slots (0, or a power of two of at least `ways`); 0 remembers nothing.
    init(slotCount: Int = TokenCache.defaultSlotCount) {
        precondition(slotCount == 0 || (slotCount >= Self.ways && slotCount & (slotCount &- 1) == 0),
                     "0, or a power of two of at least \(Self.ways)")
        maxSlotCount = slotCount
        self.slotCount = min(slotCount, Self.initialSlotCount)
        setMask = self.slotCount / Self.ways &- 1
    }

    deinit {
        memory?.deallocate()
        doorkeeper?.deallocate()
    }

    var isEnabled: Bool { maxSlotCount > 0 }

    /// Appends the remembered token of `value` (made as `variant`) to `out` and returns true, or
    /// returns false when it is not remembered.
    @inline(__always)
    func append(_ variant: UInt16, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        if bypassLeft > 0 {
            bypassLeft &-= 1
            bypassed &+= 1
            return false
        }
        guard isEnabled, value.count <= Self.maxValueBytes else { return false }
        windowLookups &+= 1
        if windowLookups == Self.window { closeWindow() }
        guard let memory, let slot = slot(of: value, variant, in: memory) else { return false }
        let tokenLength = Int(slot.load(fromByteOffset: 3, as: UInt8.self))
        let token = UnsafeRawPointer(slot + Self.headerBytes + value.count).assumingMemoryBound(to: UInt8.self)
        out.append(copying: UnsafeBufferPointer(start: token, count: tokenLength))
        hits &+= 1
        windowHits &+= 1
        return true
    }

    /// Whether `append` would find the token of `value` now (without counting a lookup).
    func contains(_ variant: UInt16, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bypassLeft == 0, let memory, value.count <= Self.maxValueBytes else { return false }
        return slot(of: value, variant, in: memory) != nil
    }

    /// The slot that holds `value` (at most `maxValueBytes`) made as `variant`, or nil.
    @inline(__always)
    private func slot(of value: UnsafeBufferPointer<UInt8>, _ variant: UInt16, in memory: UnsafeMutableRawPointer)
        -> UnsafeMutableRawPointer? {
        let hash = Self.hash(variant, value)
        let first = Self.setIndex(hash, setMask) * Self.ways
        // Sound: `first + way` < slotCount (the set index is masked), and `memory` holds slotCount tags
        // and then slotCount slots.
        let tags = memory.assumingMemoryBound(to: UInt64.self)
        for way in 0..<Self.ways where tags[first + way] == hash {
            let slot = slotAddress(memory, first + way)
            guard slot.loadUnaligned(as: UInt16.self) == variant,
                  Int(slot.load(fromByteOffset: 2, as: UInt8.self)) == value.count else { continue }
            if value.count == 0 || ShortBytes.equal(UnsafeRawPointer(slot + Self.headerBytes), UnsafeRawPointer(value.baseAddress!), count: value.count) {
                return slot
            }
        }
        return nil
    }

    /// Remembers `token` as the token of `value` made as `variant` if the value was seen before: in a
    /// free slot of its set, else in place of one the set held.
    func store(_ variant: UInt16, _ value: UnsafeBufferPointer<UInt8>, token: UnsafeBufferPointer<UInt8>) {
        guard isEnabled, bypassLeft == 0, value.count <= Self.maxValueBytes, token.count <= Self.maxTokenBytes else { return }
        let hash = Self.hash(variant, value)
        guard admits(hash) else { return }
        let memory = self.memory ?? allocate()
        let first = Self.setIndex(hash, setMask) * Self.ways
        let tags = memory.assumingMemoryBound(to: UInt64.self)
        var way = 0
        while way < Self.ways && tags[first + way] != 0 { way += 1 }
        if way == Self.ways {
            victim = (victim &+ 1) & (Self.ways - 1)
            way = victim
        }
        tags[first + way] = hash
        let slot = slotAddress(memory, first + way)
        slot.storeBytes(of: variant, as: UInt16.self)
        slot.storeBytes(of: UInt8(value.count), toByteOffset: 2, as: UInt8.self)
        slot.storeBytes(of: UInt8(token.count), toByteOffset: 3, as: UInt8.self)
        // Sound: header + value + token fit the slot (the guards above), and both sources are whole buffers.
        if value.count > 0 { (slot + Self.headerBytes).copyMemory(from: value.baseAddress!, byteCount: value.count) }
        if token.count > 0 {
            (slot + Self.headerBytes + value.count).copyMemory(from: token.baseAddress!, byteCount: token.count)
        }
        stores &+= 1
        storesSinceGrowth &+= 1
        windowStores &+= 1
    }

    /// Ends a window of lookups: too few hits, and the cache is bypassed for a while.
    private func closeWindow() {
        let paying = windowHits * Self.minimumHitShare >= windowLookups
        // Values seen a second time (admitted) in one lookup in `minimumHitShare`, and few hits: they
        // repeat further apart than this table holds.
        let outgrown = windowStores * Self.minimumHitShare >= windowLookups
        if (paying || outgrown) && storesSinceGrowth >= slotCount && slotCount < maxSlotCount {
            memory?.deallocate()
            memory = nil
            slotCount = min(maxSlotCount, slotCount * 4)
            setMask = slotCount / Self.ways &- 1
            storesSinceGrowth = 0
        } else if !paying {
            bypassLeft = Self.bypassWindows * Self.window
        }
        windowLookups = 0
        windowHits = 0
        windowStores = 0
    }

    /// Whether `hash` was seen before (its doorkeeper bit is set); sets the bit when not.
    private func admits(_ hash: UInt64) -> Bool {
        let words = Self.doorkeeperBits / 64
        let bits = doorkeeper ?? {
            let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            bits.initialize(repeating: 0, count: words)
            doorkeeper = bits
            return bits
        }()
        // The bit from hash bits 1...15 (bit 0 is always set; the set index uses the high half).
        let bit = Int(truncatingIfNeeded: hash >> 1) & (Self.doorkeeperBits - 1)
        let mask: UInt64 = 1 << UInt64(bit & 63)
        if bits[bit >> 6] & mask != 0 { return true }
        bits[bit >> 6] |= mask
        doorkeeperSet += 1
        if doorkeeperSet >= Self.doorkeeperBits / 2 {
            bits.update(repeating: 0, count: words)
            doorkeeperSet = 0
        }
        return false
    }

    @inline(__always)
    private func slotAddress(_ memory: UnsafeMutableRawPointer, _ slot: Int) -> UnsafeMutableRawPointer {
        memory + slotCount * 8 + slot * Self.slotBytes
    }

    private func allocate() -> UnsafeMutableRawPointer {
        let count = slotCount * (8 + Self.slotBytes)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        // Zeroed: a tag of 0 marks a slot never used (`hash` never returns 0).
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        self.memory = memory
        return memory
    }

    /// The set of a hash: from its high half (the low bit is always set).
    @inline(__always)
    static func setIndex(_ hash: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: hash >> 32) & mask }

    /// A 64-bit multiply-xor hash of the variant and the value (at most `maxValueBytes`), never 0. Not
    /// keyed: values that collide on purpose only evict each other.
    @inline(__always)
    static func hash(_ variant: UInt16, _ value: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = (UInt64(variant) << 8 | UInt64(value.count)) &* k
        var i = 0
        let count = value.count
        if let base = value.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
                h ^= h >> 29
                i += 8
            }
            if i < count {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while i < count { tail |= UInt64(base[i]) << shift; shift += 8; i += 1 }
                h = (h ^ tail) &* k
            }
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h | 1
    }
}
