import CMaskKernels

/// The fields of a `TextRecordBatch`, in one buffer of C structs that `mk_text_gather` writes into.
///
/// Written by hand rather than kept in an `[FieldSpan]`: a CSV batch's fields come from C a whole read
/// at a time (`append(atMost:_:)`), and the array's append cost about 50 instructions a field (a
/// uniqueness check, a capacity check, an 80-byte element). One per batch, reused, so steady state
/// allocates nothing.
final class TextFields {
    // Unchecked: a class's stored property gets a dynamic exclusivity check per access; the buffer is
    // used by one thread at a time and no method of it calls another while it holds an access.
    @exclusivity(unchecked) private var storage: ReusableStorage<mk_text_field>
    /// Fields added so far.
    private(set) var count = 0

    init(capacity: Int) {
        storage = ReusableStorage(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Field `i` (`i < count`).
    subscript(i: Int) -> FieldSpan {
        @inline(__always) get {
            precondition(i >= 0 && i < count, "field index out of range")
            return FieldSpan(storage.base[i])
        }
        @inline(__always) set {
            precondition(i >= 0 && i < count, "field index out of range")
            storage.base[i] = newValue.c
        }
    }

    /// The fields, for a loop that reads and updates many: valid until the next call that adds.
    var buffer: UnsafeMutableBufferPointer<mk_text_field> { UnsafeMutableBufferPointer(start: storage.base, count: count) }

    @inline(__always)
    func append(_ field: FieldSpan) {
        storage.reserve(count + 1, keeping: count)
        // Sound: count < capacity after the reservation above.
        (storage.base + count).initialize(to: field.c)
        count += 1
    }

    /// Lets `write` add up to `n` fields at the end (it returns how many it wrote).
    @inline(__always)
    func append(atMost n: Int, _ write: (UnsafeMutablePointer<mk_text_field>) -> Int) {
        storage.reserve(count + n, keeping: count)
        // Sound: room for n fields after `count`; `write` writes at most that many (checked below).
        let written = write(storage.base + count)
        precondition(written >= 0 && written <= n, "wrote past the reserved fields")
        count += written
    }

    /// Forgets the fields from `index` on.
    func removeLast(from index: Int) {
        precondition(index >= 0 && index <= count, "field index out of range")
        count = index
    }

    /// Forgets every field; when a huge record grew the buffer past `limit` fields, its memory is given back.
    func removeAll(keepingAtMost limit: Int) {
        count = 0
        storage.shrink(toAtMost: limit)
    }
}
