import FuzzTargets

/// libFuzzer's entry point: one input through `PolicyTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    PolicyTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
