/// How far the masking pipeline runs. maskbench times each stage by subtraction: the same input runs
/// with the pipeline stopped after each stage in turn, and the differences are the stages' costs.
///
/// Any stage but `mask` writes no output at all (`StreamMasker` drops it), so a partial run can never
/// pass on unmasked bytes.
public enum PipelineStage: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Frames, records and cells are found and checked; nothing is classified or scanned.
    case decode
    /// And every scanned cell's bytes are classified by the stage-1 kernel (the one mask test per cell).
    case stageOne
    /// And the validators run at the candidates; findings are counted, nothing is rewritten.
    case detect
    /// Everything: findings are tokenized or redacted and the rows written out.
    case mask

    public static func < (a: PipelineStage, b: PipelineStage) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .decode: "decode"
        case .stageOne: "stage1"
        case .detect: "detect"
        case .mask: "mask"
        }
    }
}
