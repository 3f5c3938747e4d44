import Testing
@testable import MaskEngine

@Suite struct ScratchListTests {
    /// Appends past the first capacity keep every element in order; `removeAll` empties the list and
    /// keeps its memory, so a reused list grows no more.
    @Test func appendsKeepOrderAcrossGrowthAndReuse() {
        let list = ScratchList<Int>(capacity: 4)
        for round in 0..<3 {
            for i in 0..<1_000 { list.append(i * 7 + round) }
            #expect(list.count == 1_000)
            #expect(Array(list.buffer) == (0..<1_000).map { $0 * 7 + round })
            list[10] = -1
            #expect(list[10] == -1 && list.buffer[10] == -1)
            let grown = list.capacity
            list.removeAll()
            #expect(list.isEmpty && list.capacity == grown)
        }
    }
}
