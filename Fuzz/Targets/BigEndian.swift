/// PostgreSQL's and the socket protocol's integers: big-endian, read at absolute indices of a slice.
func readUInt32(_ s: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
    UInt32(s[i]) << 24 | UInt32(s[i + 1]) << 16 | UInt32(s[i + 2]) << 8 | UInt32(s[i + 3])
}

func readUInt16(_ s: ArraySlice<UInt8>, _ i: Int) -> UInt16 {
    UInt16(s[i]) << 8 | UInt16(s[i + 1])
}

func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
    out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
}
