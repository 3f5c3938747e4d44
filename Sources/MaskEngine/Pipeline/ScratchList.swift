/// A growable list of plain values for per-batch scratch (a batch's token requests, the messages one
/// MAC call reads), held by pointer.
///
/// Written by hand rather than kept in an `Array` property of a class: each append paid a uniqueness
/// and a capacity check, and each read of the class's array retained and released its storage; per
/// token, these cost more than finding the token again (Benchmarks/RESULTS.md). One per session, reused,
/// so steady state allocates nothing.
final class ScratchList<Element: BitwiseCopyable> {
    // Unchecked: a class's stored property gets a dynamic exclusivity check per access; the list is
    // used by one thread at a time and no method of it calls another while it holds an access.
    @exclusivity(unchecked) private var storage: ReusableStorage<Element>
    /// Elements appended so far.
    private(set) var count = 0

    init(capacity: Int = 16) {
        storage = ReusableStorage(capacity: capacity)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }
    var capacity: Int { storage.capacity }

    /// The elements, in order: valid until the next append or `removeAll`.
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: storage.base, count: count) }

    /// Element `i` (`i < count`).
    subscript(i: Int) -> Element {
        @inline(__always) get {
            precondition(i >= 0 && i < count, "scratch index out of range")
            return storage.base[i]
        }
        @inline(__always) set {
            precondition(i >= 0 && i < count, "scratch index out of range")
            storage.base[i] = newValue
        }
    }

    @inline(__always)
    func append(_ element: Element) {
        // The count read once: after the element's store the compiler must assume `count` changed (the
        // storage could alias the object) and read it again.
        let n = count
        storage.reserve(n + 1, keeping: n)
        // Sound: n < capacity after the reservation above.
        (storage.base + n).initialize(to: element)
        count = n + 1
    }

    /// Makes room for `n` elements in all.
    func reserve(_ n: Int) { storage.reserve(n, keeping: count) }

    /// Forgets the elements, keeping the memory.
    func removeAll() { count = 0 }
}
