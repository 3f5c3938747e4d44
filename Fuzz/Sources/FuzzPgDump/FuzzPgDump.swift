import FuzzTargets

/// libFuzzer's entry point: one input through `PgDumpTarget`, a leak made a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPgDump(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    PgDumpTarget.run(UnsafeRawBufferPointer(start: start, count: count)).trapOnLeak()
    return 0
}
