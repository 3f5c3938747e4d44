/// A fuzz target by the name its executable (`Fuzz<name>`), corpus (`Fuzz/Corpus/<name>/`) and fail
/// cases (`Fuzz/FailCases/<name>/`) share, and its body.
public struct FuzzTarget: Sendable {
    public let name: String
    public let body: @Sendable (UnsafeRawBufferPointer) -> FuzzVerdict

    /// Every parser target, in the order `Fuzz/run` runs them.
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "WireStream", body: WireStreamTarget.run),
        FuzzTarget(name: "WireSession", body: WireSessionTarget.run),
        FuzzTarget(name: "Sidecar", body: SidecarTarget.run),
        FuzzTarget(name: "CSV", body: CSVTarget.run),
        FuzzTarget(name: "PgDump", body: PgDumpTarget.run),
        FuzzTarget(name: "CopyText", body: CopyTextTarget.run),
        FuzzTarget(name: "CopyStream", body: CopyStreamTarget.run),
        FuzzTarget(name: "Lines", body: LinesTarget.run),
        FuzzTarget(name: "LZ4", body: LZ4Target.run),
        FuzzTarget(name: "Policy", body: PolicyTarget.run),
    ]

    /// `run` on the bytes of an array.
    public func run(_ bytes: [UInt8]) -> FuzzVerdict { bytes.withUnsafeBytes { body($0) } }
}
