/// The fuzz data, read front to back: control bytes first (which options, how to cut the input), then
/// the body. Reading past the end yields zeros, so every input is a valid program.
struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func flag() -> Bool { byte() & 1 == 1 }

    /// The bytes not yet read.
    mutating func rest() -> [UInt8] {
        let start = min(position, bytes.count)
        position = bytes.count
        return Array(bytes[start...])
    }
}

/// Piece sizes for feeding a stream in cuts, from a seed the fuzz data picks: the same input is cut the
/// same way every run, and different seeds reach every boundary (mid-header, mid-cell, between).
struct CutSizes {
    private var state: UInt64
    private let largest: Int

    /// `seed` 0 means one piece: the whole input at once.
    init(seed: UInt8, largest: Int = 64) {
        state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        self.largest = seed == 0 ? Int.max : max(1, largest)
    }

    mutating func next() -> Int {
        if largest == Int.max { return Int.max }
        // xorshift64: cheap, and deterministic per seed.
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return 1 + Int(state % UInt64(largest))
    }

    /// `bytes` cut into consecutive pieces.
    mutating func pieces(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var p = 0
        while p < bytes.count {
            let n = min(next(), bytes.count - p)
            out.append(bytes[p..<(p + n)])
            p += n
        }
        return out
    }
}
