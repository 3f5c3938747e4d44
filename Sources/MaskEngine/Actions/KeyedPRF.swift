import Crypto

/// HMAC-SHA256 under the token key, with the key schedule done once.
///
/// `HMAC<SHA256>` is a value holding two SHA-256 contexts already keyed (the ipad and opad blocks), so
/// each call copies it and hashes only the message: two compression-function calls for short inputs.
struct KeyedPRF {
    private let keyed: HMAC<SHA256>

    init(key: TokenKey) { keyed = HMAC<SHA256>(key: key.symmetric) }

    /// The MAC of `tag` followed by `message`, written to `out` (32 bytes).
    @inline(__always)
    func mac(tag: UInt8, _ message: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        var h = keyed
        withUnsafeBytes(of: tag) { h.update(data: $0) }
        h.update(data: message)
        let code = h.finalize()
        code.withUnsafeBytes { out.copyMemory(from: $0) }
    }

    /// The first 64 bits of the MAC of `tag` and `message`, little-endian.
    @inline(__always)
    func mac64(tag: UInt8, _ message: UnsafeRawBufferPointer) -> UInt64 {
        var h = keyed
        withUnsafeBytes(of: tag) { h.update(data: $0) }
        h.update(data: message)
        return h.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }
}
