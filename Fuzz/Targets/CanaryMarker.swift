/// Where a canary goes: the two bytes `C0 k` (`C0` never occurs in UTF-8 text, so seeds and mutations
/// rarely make one by accident), replaced by canary `k` (`Canary.pick`) when it is a whole value: both
/// neighbours are field boundaries of the format (or the start and end of the input).
///
/// A marker glued to other bytes is left as it is: there the canary would no longer be a value (a card
/// inside a longer digit run is not a card), and the oracle must not call that a leak.
enum CanaryMarker {
    static let lead: UInt8 = 0xC0

    /// `bytes` with each whole-value marker replaced by what `replacement` returns for it (nil: leave
    /// it). `replacement` gets the selector byte and the neighbours (nil at the ends). The start and end
    /// of `bytes` count as boundaries; pass `endIsBoundary: false` for a line of a longer input, whose
    /// last byte may be a marker's selector with the next line glued on after it.
    static func splice(_ bytes: ArraySlice<UInt8>, endIsBoundary: Bool = true, isBoundary: (UInt8) -> Bool,
                       replacement: (_ selector: UInt8, _ before: UInt8?, _ after: UInt8?) -> [UInt8]?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 256)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == lead, i + 1 < bytes.endIndex {
                let before: UInt8? = i > bytes.startIndex ? bytes[i - 1] : nil
                let after: UInt8? = i + 2 < bytes.endIndex ? bytes[i + 2] : nil
                if before.map(isBoundary) ?? true, after.map(isBoundary) ?? endIsBoundary,
                   let canary = replacement(bytes[i + 1], before, after) {
                    out.append(contentsOf: canary)
                    i += 2
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
