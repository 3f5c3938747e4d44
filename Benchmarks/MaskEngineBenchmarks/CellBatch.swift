/// Cells laid out one after another in one buffer, separated by commas, as a decoder leaves them: the
/// stage-1 index covers the whole buffer and stage 2 is asked about one cell range at a time.
///
/// The buffer is allocated once and never freed (benchmark inputs live as long as the process), so
/// the measured loops reach it through a pointer without retain or release.
struct CellBatch {
    let bytes: UnsafeBufferPointer<UInt8>
    let bounds: [Range<Int>]

    init(_ cells: [String]) {
        var joined: [UInt8] = []
        var bounds: [Range<Int>] = []
        for cell in cells {
            let start = joined.count
            joined.append(contentsOf: cell.utf8)
            bounds.append(start..<joined.count)
            joined.append(UInt8(ascii: ","))
        }
        self.bytes = CellBatch.permanentCopy(joined)
        self.bounds = bounds
    }

    var count: Int { bounds.count }

    /// A copy of `bytes` that is never deallocated.
    static func permanentCopy(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        _ = copy.initialize(from: bytes)
        return UnsafeBufferPointer(rebasing: copy[0..<bytes.count])
    }
}
