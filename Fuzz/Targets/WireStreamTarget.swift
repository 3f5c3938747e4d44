import MaskEngine

/// `maskd pipe` on a stream of backend messages (format `wire`): the reader's frame walk, chunks cut
/// at message boundaries, DataRow/RowDescription/COPY/notice masking. The input is read in fuzz-chosen
/// pieces and cut into chunks of 64 B to 8 KB, so messages straddle every kind of boundary.
///
/// Layout: cut seed, chunk size, report flag, then the message stream (DataRow cells and notice fields
/// that are `C0 k` become canaries).
public enum WireStreamTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        EngineRun.pipeTarget(data, format: .wire, stage: "wire", configure: { $0.maxMessageBytes = 1 << 20 },
                             splice: WireCanarySplicer.splice)
    }
}

extension FuzzVerdict {
    /// This verdict if it is a leak, else `other`.
    func or(_ other: @autoclosure () -> FuzzVerdict) -> FuzzVerdict { self == .clean ? other() : self }
}
