import CMaskKernels

/// The fields of a `TextRecordBatch`, in one buffer of C structs that `mk_csv_gather` writes into.
///
/// Written by hand rather than kept in an `[FieldSpan]`: a CSV batch's fields come from C a whole read
/// at a time (`append(atMost:_:)`), and the array's append cost about 50 instructions a field (a
/// uniqueness check, a capacity check, an 80-byte element). One per batch, reused, so steady state
/// allocates nothing.
final class TextFields {
    private var base: UnsafeMutablePointer<mk_text_field>
    private var capacity: Int
    /// Fields added so far.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Field `i` (`i < count`).
    subscript(i: Int) -> FieldSpan {
        @inline(__always) get {
            precondition(i >= 0 && i < count, "field index out of range")
            return FieldSpan(base[i])
        }
        @inline(__always) set {
            precondition(i >= 0 && i < count, "field index out of range")
            base[i] = newValue.c
        }
    }

    /// The fields, for a loop that reads and updates many: valid until the next call that adds.
    var buffer: UnsafeMutableBufferPointer<mk_text_field> { UnsafeMutableBufferPointer(start: base, count: count) }

    @inline(__always)
    func append(_ field: FieldSpan) {
        if count == capacity { grow(to: count + 1) }
        // Sound: count < capacity after the growth above.
        (base + count).initialize(to: field.c)
        count += 1
    }

    /// Lets `write` add up to `n` fields at the end (it returns how many it wrote).
    @inline(__always)
    func append(atMost n: Int, _ write: (UnsafeMutablePointer<mk_text_field>) -> Int) {
        if count + n > capacity { grow(to: count + n) }
        // Sound: room for n fields after `count`; `write` writes at most that many (checked below).
        let written = write(base + count)
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
        if capacity > limit {
            base.deallocate()
            capacity = max(16, limit)
            base = .allocate(capacity: capacity)
        }
    }

    private func grow(to needed: Int) {
        let grown = max(needed, capacity * 2)
        let larger = UnsafeMutablePointer<mk_text_field>.allocate(capacity: grown)
        // Sound: both regions hold at least `count` fields, and they do not overlap; the fields are trivial.
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }
}
