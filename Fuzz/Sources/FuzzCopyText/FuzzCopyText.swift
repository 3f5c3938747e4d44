import FuzzTargets

/// libFuzzer's entry point: one input through `CopyTextTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCopyText(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    CopyTextTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
