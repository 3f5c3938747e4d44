#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A shell-style pattern (`*`, `?`, `[a-z]`) that policy rules match names with: `*_notes`,
/// `agent-*`, `public.*`. Matching is case-sensitive. A column or table pattern written all in lower
/// case (`foldsCase`) also matches a name case-insensitively, since unquoted identifiers fold to lower
/// case and CSV headers say `Email`; identity patterns never fold, since `ana` and `"ANA"` are two
/// roles and a rule that grants `keep` to one must not grant it to the other.
public struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    private let caseInsensitive: Bool

    public init(_ text: String, foldsCase: Bool = true) {
        self.text = text
        caseInsensitive = foldsCase && text == text.lowercased()
    }

    public func matches(_ name: String) -> Bool {
        // fnmatch(3) is the standard matcher for exactly these patterns; FNM_CASEFOLD is a GNU extension
        // that glibc has, so fold by hand instead to stay portable.
        if fnmatch(text, name, 0) == 0 { return true }
        return caseInsensitive && fnmatch(text, name.lowercased(), 0) == 0
    }

    public var description: String { text }
}
