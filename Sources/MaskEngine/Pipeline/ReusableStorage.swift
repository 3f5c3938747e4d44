/// The memory of a hand-made reusable buffer of trivial elements (`ByteScratch`, `TextFields`): room that
/// grows keeping what was written, and that gives back what one huge input grew it to. The owner keeps
/// the count and deallocates it once.
struct ReusableStorage<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `needed` elements, keeping the first `count`: at least doubles, so that a buffer
    /// grown element by element copies each element a bounded number of times.
    @inline(__always)
    mutating func reserve(_ needed: Int, keeping count: Int) {
        if needed > capacity { grow(to: needed, keeping: count) }
    }

    private mutating func grow(to needed: Int, keeping count: Int) {
        let grown = max(needed, capacity * 2)
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: grown)
        // Sound: both regions hold at least `count` elements, they do not overlap, and the elements are trivial.
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }

    /// Gives back the memory when it grew past `limit` elements; what it held is forgotten.
    mutating func shrink(toAtMost limit: Int) {
        guard capacity > limit else { return }
        base.deallocate()
        capacity = max(16, limit)
        base = .allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }
}
