import CMaskKernels
import MaskEngine
import Synchronization

/// Stage 1's AVX2 kernel against its scalar twin, each forced and asserted to run, on random buffers,
/// windows (start, length) and structural bytes (four zeros among them: none); the masks with a one-line
/// definition (digits, structural bytes, long runs; token starts only at word starts of long runs; other
/// starts only at long runs' starts, at every Azure secret's shape and at no start no prefix's pair
/// begins) against a byte loop too. Without AVX2 on the CPU the target compares nothing and says so on its first input.
public enum DifferentialStageOne: DifferentialTarget {
    public static let name = "DifferentialStageOne"

    /// Bytes that make the kernel's derived conditions fire: keyword letters, digits and joiners, every
    /// anchor byte, quotes, the encoded-'@' spellings, non-ASCII.
    static let alphabet = Array("@_=:>-yJxoIAzabcdefgh0123456789.~,\"'\n\r \t(%#uUX/$[]!?+|keypaswordtinc".utf8)
        + Array("abcdefghijklmnop".utf8) + [0, 0x80, 0xC3, 0xFF, 0x7F]

    public static func mismatch(in data: UnsafeRawBufferPointer) -> DifferentialMismatch? {
        let kernel = AcceleratedKernel.stageOneClassify
        guard kernel.isAvailable(.accelerated) else { return reportOnce(kernel) }
        var input = DifferentialInput(data)
        let mapped = input.byte() & 1 == 0
        let structural = input.bytes(4)
        let startBlock = Int(input.byte() % 8)
        let lengthCut = Int(input.byte())
        let bytes = mapped ? input.rest.map { alphabet[Int($0) % alphabet.count] } : input.rest
        let start = min(startBlock * 64, bytes.count / 64 * 64)
        // A window that ends before the buffer does (cut short by up to 255 bytes), or runs to its end.
        let length = max(0, bytes.count - start - lengthCut)
        let blocks = max((length + 63) / 64, 1)
        var slow = [mk_block_masks](repeating: mk_block_masks(), count: blocks)
        let ranSlow = kernel.withPath(.portable) {
            mk_classify(bytes, bytes.count, start, length, structural, &slow, StageOneIndex.tokenPrefixes)
            return kernel.lastPath
        }
        guard ranSlow == .portable else {
            return DifferentialMismatch("the forced portable path ran \(String(describing: ranSlow))")
        }
        var at: String { "total \(bytes.count) start \(start) length \(length)" }
        // Each vector path the CPU has (AVX2, AVX-512BW) against the scalar twin.
        for path in kernel.vectorPaths {
            var fast = [mk_block_masks](repeating: mk_block_masks(), count: blocks)
            let ranFast = kernel.withPath(path) {
                mk_classify(bytes, bytes.count, start, length, structural, &fast, StageOneIndex.tokenPrefixes)
                return kernel.lastPath
            }
            guard ranFast == path else {
                return DifferentialMismatch("the forced \(path) path ran \(String(describing: ranFast))")
            }
            for b in 0..<((length + 63) / 64) {
                let f = fast[b], s = slow[b]
                let same = f.anchor == s.anchor && f.trigger == s.trigger && f.digit == s.digit && f.digitstart == s.digitstart
                    && f.structural == s.structural && f.longrun == s.longrun && f.tokenstart == s.tokenstart
                    && f.otherstart == s.otherstart
                for (field, x, y) in same ? [] : [("anchor", f.anchor, s.anchor), ("trigger", f.trigger, s.trigger),
                                      ("digit", f.digit, s.digit), ("digitstart", f.digitstart, s.digitstart),
                                      ("structural", f.structural, s.structural), ("longrun", f.longrun, s.longrun),
                                      ("tokenstart", f.tokenstart, s.tokenstart), ("otherstart", f.otherstart, s.otherstart)]
                                      where x != y {
                    return DifferentialMismatch("\(field) of block \(b): \(path) \(hex(x)), scalar \(hex(y)) (\(at))")
                }
            }
        }
        for b in 0..<((length + 63) / 64) {
            let s = slow[b]
            // Bit by bit without allocating (an array of checks per byte took most of a run's time).
            for bit in 0..<64 where b * 64 + bit < length {
                let p = start + b * 64 + bit
                let set = { (mask: UInt64) in (mask >> UInt64(bit)) & 1 == 1 }
                let digit = bytes[p] >= 0x30 && bytes[p] <= 0x39
                // Four zero structural bytes ask for none (mk_classify).
                let isStructural = structural != [0, 0, 0, 0] && structural.contains(bytes[p])
                var longrun = p + 16 <= bytes.count
                if longrun { for q in p..<(p + 16) where !isTokenByte(bytes[q]) { longrun = false; break } }
                let wordstart = isAlnum(bytes[p]) && (p == 0 || !isAlnum(bytes[p - 1]))
                var field: String? = nil
                var expected = false
                if set(s.digit) != digit { field = "digit"; expected = digit }
                else if set(s.structural) != isStructural { field = "structural"; expected = isStructural }
                else if set(s.longrun) != longrun { field = "longrun"; expected = longrun }
                else if set(s.tokenstart) && !(longrun && wordstart) { field = "tokenstart"; expected = false }
                else if case let runStart = longrun && !isAlnum(bytes[p]) && (p == 0 || !isTokenByte(bytes[p - 1])),
                        case let kept = set(s.otherstart),
                        // A run's start where a token can start: always at an Azure AD client secret's
                        // shape (a digit three bytes on, then `Q~`), never where no catalogue prefix's
                        // first two bytes are (the catalogue's pair table), and only at a run's start.
                        kept && !runStart || runStart && (azureShape(bytes, p) && !kept || !prefixPair(bytes, p) && !azureShape(bytes, p) && kept) {
                    field = "otherstart"; expected = !kept
                }
                if let field {
                    return DifferentialMismatch("\(field) at byte \(p): kernel \(!expected), byte loop \(expected) (\(at))")
                }
            }
        }
        return nil
    }

    /// An Azure AD client secret's shape at `p`: a digit three bytes on, then `Q~`.
    static func azureShape(_ bytes: [UInt8], _ p: Int) -> Bool {
        p + 5 < bytes.count && bytes[p + 5] == UInt8(ascii: "~") && bytes[p + 4] == UInt8(ascii: "Q")
            && bytes[p + 3] >= 0x30 && bytes[p + 3] <= 0x39
    }

    /// Whether the two bytes at `p` are the first two of a catalogue prefix (the kernel's pair table).
    static func prefixPair(_ bytes: [UInt8], _ p: Int) -> Bool {
        guard p + 1 < bytes.count else { return true }
        let pair = Int(bytes[p]) | Int(bytes[p + 1]) << 8
        return (StageOneIndex.tokenPrefixes.pointee.pairs[pair >> 6] >> UInt64(pair & 63)) & 1 == 1
    }

    static func isAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) }
    static func isTokenByte(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "~") || b == UInt8(ascii: "-") }
    static func hex(_ x: UInt64) -> String { "0x" + String(x, radix: 16) }
}

/// Says once per process that a differential target cannot compare on this CPU, and compares nothing.
func reportOnce(_ kernel: AcceleratedKernel) -> DifferentialMismatch? {
    CPUWarning.once(kernel)
    return nil
}

enum CPUWarning {
    private static let warned = Mutex<Set<String>>([])
    static func once(_ kernel: AcceleratedKernel) {
        guard warned.withLock({ $0.insert(kernel.cpuFeature).inserted }) else { return }
        print("this CPU has no \(kernel.cpuFeature): the \(kernel) differential target compares nothing here")
    }
}
