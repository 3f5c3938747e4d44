import MaskEngine

/// `maskd pipe --format lines`: text, one value per line, a PEM block's lines as one value, whichever
/// chunks the lines fall in.
///
/// Layout: cut seed, chunk size, report flag, then the text. Canaries go between spaces, quotes,
/// parentheses, commas or line ends, as in a dump's script text (the email standing in for digits,
/// which a neighbouring number may join into a longer group).
public enum LinesTarget {
    public static func run(_ data: UnsafeRawBufferPointer) -> FuzzVerdict {
        EngineRun.pipeTarget(data, format: .lines, stage: "lines", configure: { $0.maxRecordBytes = 1 << 20 },
                             splice: { TextCanarySplicer.scriptText($0[...]) })
    }
}
