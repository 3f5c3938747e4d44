import FuzzTargets

/// libFuzzer's entry point: one input through `WireSessionTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireSession(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    WireSessionTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
