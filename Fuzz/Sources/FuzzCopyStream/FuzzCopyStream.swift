import FuzzTargets

/// libFuzzer's entry point: one input through `CopyStreamTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCopyStream(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    CopyStreamTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
