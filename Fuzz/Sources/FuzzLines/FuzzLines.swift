import FuzzTargets

/// libFuzzer's entry point: one input through `LinesTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLines(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    LinesTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
