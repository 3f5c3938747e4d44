import FuzzTargets

/// libFuzzer's entry point: one input through `WireStreamTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireStream(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    WireStreamTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
