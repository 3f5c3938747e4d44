/// A measurement maskbench runs beside maskd on the same corpus, to put its speed and quality in
/// proportion: the memory ceiling, what a user would write by hand, and a well-known open-source masker.
enum BaselineKind: String, CaseIterable {
    /// A plain read pass over the bytes already in memory: the speed no masker can beat.
    case readPass = "read"
    /// A hand-written masker: a CSV parser and one JIT-compiled PCRE2 pattern per type over every cell.
    case naiveRegex = "pcre2"
    /// Microsoft Presidio (analyzer + anonymizer) on a sample, when `presidio-analyzer` is importable.
    case presidio
}
