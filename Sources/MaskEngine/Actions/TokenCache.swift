#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bounded memo of one tokenizer's tokens: values repeat in real tables (a customer's email in
/// every order row), and a hit costs a hash and two short copies where a miss costs an HMAC or an FF1.
///
/// Shape: 4,096 sets of 4 ways (16,384 entries), each entry one 128-byte slot holding its value and
/// its token side by side, so a lookup touches one or two cache lines per way it checks. Memory is fixed
/// (2 MiB, allocated on the first insert, so a tokenizer that never tokenizes costs nothing) and no
/// lookup or insert allocates. Values whose value and token do not fit a slot together (over 120
/// bytes) are not cached. Replacement is round-robin within a set: no bookkeeping on a hit.
///
/// Never a wrong token: an entry matches only when its kind (what was asked of the tokenizer, and
/// for which type) and its value's length and bytes are equal to the lookup's, compared in full; the
/// hash only chooses the set and skips most comparisons. The tokenizer's key is fixed for its life,
/// so the key needs no place in the entry. Owned by one tokenizer, used by one thread at a time.
final class TokenCache {
    /// Which question a token answers: the tokenizer call, times 32, plus the entity type.
    struct Kind: Equatable {
        let rawValue: UInt8

        enum Call: UInt8 {
            case token = 0, hash, sameSizeBytes, sameSizeCharacters, digestBytes, digestCharacters
        }

        init(_ call: Call, _ type: EntityType) {
            // Entity types are below 32 (EntityType.slotCount), so the two fields never overlap.
            rawValue = call.rawValue &* 32 &+ (type.rawValue & 31)
        }
    }

    static let setCount = 4096
    static let ways = 4
    static let slotSize = 128
    /// Slot header: tag (UInt32: the hash's top half, never 0 in a used slot), kind, value length,
    /// token length, one byte unused. The value's bytes follow, then the token's.
    static let headerSize = 8
    static let dataCapacity = slotSize - headerSize

    private var slots: UnsafeMutableRawPointer?
    /// Per set, the way the next insert replaces.
    private var victims: UnsafeMutablePointer<UInt8>?

    init() {}

    deinit {
        free(slots)
        victims?.deallocate()
    }

    /// The hash of `value` under `kind`: it picks the set, and its top half tags the entry.
    @inline(__always)
    static func hash(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = (UInt64(kind.rawValue) << 32 | UInt64(value.count)) &* 0x9E37_79B9_7F4A_7C15
        guard let base = value.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= value.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < value.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < value.count {
                tail |= UInt64(base[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) | 1 }

    /// Appends the cached token of `value` under `kind` to `out` and returns true, or returns false
    /// (and leaves `out` alone) when it is not cached.
    @inline(__always)
    func appendToken(of value: UnsafeBufferPointer<UInt8>, kind: Kind, hash: UInt64, to out: inout [UInt8]) -> Bool {
        guard let slots, value.count <= Self.dataCapacity else { return false }
        let tag = Self.tag(hash)
        // Sound: the set index is below setCount, and each of its `ways` slots lies inside the
        // setCount * ways * slotSize bytes allocated; a used slot's lengths sum to at most dataCapacity.
        let set = slots + Int(truncatingIfNeeded: hash & UInt64(Self.setCount - 1)) * Self.ways * Self.slotSize
        for way in 0..<Self.ways {
            let slot = set + way * Self.slotSize
            guard slot.load(as: UInt32.self) == tag,
                  slot.load(fromByteOffset: 4, as: UInt8.self) == kind.rawValue,
                  Int(slot.load(fromByteOffset: 5, as: UInt8.self)) == value.count,
                  Self.equal(slot + Self.headerSize, value) else { continue }
            let tokenLength = Int(slot.load(fromByteOffset: 6, as: UInt8.self))
            let token = (slot + Self.headerSize + value.count).assumingMemoryBound(to: UInt8.self)
            out.append(contentsOf: UnsafeBufferPointer(start: token, count: tokenLength))
            return true
        }
        return false
    }

    /// Remembers `token` as the token of `value` under `kind`, when both fit a slot.
    @inline(__always)
    func insert(_ value: UnsafeBufferPointer<UInt8>, kind: Kind, hash: UInt64, token: UnsafeBufferPointer<UInt8>) {
        guard value.count + token.count <= Self.dataCapacity else { return }
        if slots == nil { allocate() }
        guard let slots, let victims else { return }
        let setIndex = Int(truncatingIfNeeded: hash & UInt64(Self.setCount - 1))
        let way = Int(victims[setIndex])
        victims[setIndex] = UInt8((way + 1) % Self.ways)
        // Sound: as in appendToken; value.count + token.count <= dataCapacity was checked above.
        let slot = slots + (setIndex * Self.ways + way) * Self.slotSize
        slot.storeBytes(of: Self.tag(hash), as: UInt32.self)
        slot.storeBytes(of: kind.rawValue, toByteOffset: 4, as: UInt8.self)
        slot.storeBytes(of: UInt8(value.count), toByteOffset: 5, as: UInt8.self)
        slot.storeBytes(of: UInt8(token.count), toByteOffset: 6, as: UInt8.self)
        if let v = value.baseAddress { (slot + Self.headerSize).copyMemory(from: v, byteCount: value.count) }
        if let t = token.baseAddress {
            (slot + Self.headerSize + value.count).copyMemory(from: t, byteCount: token.count)
        }
    }

    /// Forgets every entry (tests; a key never changes under a tokenizer).
    func removeAll() {
        guard let slots else { return }
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: Self.setCount * Self.ways * Self.slotSize)
    }

    private func allocate() {
        // Zeroed (a zero tag marks an empty slot; tags are odd) by calloc, which for a block this size
        // maps fresh zero pages: a session that caches a few values touches only their pages.
        guard let memory = calloc(Self.setCount * Self.ways, Self.slotSize) else { return }
        slots = memory
        let v = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.setCount)
        v.initialize(repeating: 0, count: Self.setCount)
        victims = v
    }

    @inline(__always)
    private static func equal(_ stored: UnsafeRawPointer, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = value.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= value.count {
            if stored.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < value.count {
            if stored.load(fromByteOffset: i, as: UInt8.self) != base[i] { return false }
            i += 1
        }
        return true
    }
}
