import FuzzTargets

/// libFuzzer's entry point: one input through `LZ4Target`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLZ4(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    LZ4Target.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
