import FuzzTargets

/// libFuzzer's entry point: one input through `SidecarTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSidecar(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    SidecarTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
