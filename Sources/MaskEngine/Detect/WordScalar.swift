/// Which non-ASCII characters can belong to a word (a name, a mailbox, a domain label), decided by
/// ranges rather than by Unicode's full property tables.
///
/// An address in UTF-8 text has no delimiter of its own on its left: the backward scan from an `@`
/// stops at the first character that cannot be in a word. Letters, marks and digits of every script
/// (Latin, Greek, Cyrillic, Han, Hangul, Arabic, Devanagari, …) are word characters. Spaces,
/// punctuation and symbols are not: the Latin-1 punctuation and symbols (`«`, `»`, `¿`, NBSP, `×`),
/// the General Punctuation to Miscellaneous Symbols blocks (U+2000–U+2BFF: typographic quotes and
/// dashes, arrows, mathematical and technical symbols), CJK punctuation (`、`, `。`, `「`, `」`), the
/// full-width and small-form punctuation (`，`, `：`, `（`, `＠`), the sentence marks of other scripts
/// (Arabic comma and full stop, Devanagari danda, Armenian full stop, Ethiopic wordspace), emoji,
/// private-use characters, specials (BOM, U+FFFD) and surrogates. Zero-width joiner and non-joiner stay
/// word characters: Persian and Indic words contain them.
///
/// Being wrong is cheap in one direction only: a symbol taken for a letter widens a masked span by
/// that symbol; a letter taken for punctuation would leave the front of a name in clear. So the lists
/// name what is surely not a letter and let everything else through.
enum WordScalar {
    /// Whether the scalar (at least 0x80) can be part of a word. Out of line: callers test ASCII first,
    /// and their ASCII path stays small enough to inline.
    @inline(never)
    static func isWordLike(_ s: UInt32) -> Bool {
        switch s {
        case 0x80...0xBF, 0xD7, 0xF7: false
        case 0x037E, 0x0387, 0x055A...0x055F, 0x0589, 0x05BE, 0x05C0, 0x05C3, 0x05C6, 0x05F3, 0x05F4: false
        case 0x060C, 0x060D, 0x061B, 0x061E, 0x061F, 0x066A...0x066D, 0x06D4: false
        case 0x0964, 0x0965, 0x0970, 0x0E4F, 0x0E5A, 0x0E5B, 0x1360...0x1368, 0x166D, 0x166E, 0x1680: false
        case 0x1800...0x180A: false
        case 0x2000...0x200B, 0x200E...0x2BFF, 0x2E00...0x2E7F: false
        case 0x3000...0x3004, 0x3008...0x3020, 0x3030, 0x303D...0x303F: false
        case 0xD800...0xDFFF, 0xE000...0xF8FF: false
        case 0xFD3E, 0xFD3F, 0xFE10...0xFE1F, 0xFE30...0xFE6F, 0xFEFF: false
        case 0xFF00...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65, 0xFFF0...0xFFFF: false
        case 0x1F000...0x1FFFF, 0xE0000...: false
        default: s >= 0x80
        }
    }

    /// Whether the scalar belongs to a script written without spaces between words (Han, kana, Hangul
    /// syllables as Korean text runs them into Latin, Thai, Lao, Khmer, Myanmar). Where such text
    /// meets a Latin address (`请发邮件到ann@example.com或者打电话`), the change of script is the only
    /// word boundary there is.
    @inline(__always)
    static func isSpaceless(_ s: UInt32) -> Bool {
        switch s {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF: true
        case 0x1100...0x11FF, 0x3040...0x30FF, 0x3130...0x318F, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF: true
        case 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x3FFFF: true
        default: false
        }
    }
}

/// The kind of the last letter a scan passed, to notice where a spaceless script meets a spaced one.
enum LetterScript: UInt8 {
    case none, spaced, spaceless

    /// The kind of `scalar`, or `.none` for digits, punctuation and symbols (which belong to neither).
    @inline(__always)
    static func of(_ scalar: UInt32) -> LetterScript {
        if scalar < 0x80 { return ASCII.isAlpha(UInt8(truncatingIfNeeded: scalar)) ? .spaced : .none }
        return WordScalar.isSpaceless(scalar) ? .spaceless : .spaced
    }
}

/// The script an address scan is in, and whether it has crossed into another script that must then
/// come back (`hans.m端ller@…`, a mojibake letter inside Latin) rather than begin the surrounding text
/// (`邮箱ann@…`). The backward scan of the local part and the forward scan of the domain share it.
struct ScriptRun {
    private var script = LetterScript.none
    private var enclosed = false

    init() {}

    /// The run after a stretch of ASCII letters, digits and hyphens (`asciiLetters`: some of them
    /// letters): what `admits` leaves after taking them one by one.
    init(asciiLetters: Bool) {
        script = asciiLetters ? .spaced : .none
    }

    /// Whether the scan may take a character of `kind`; `resumes(script)` says whether the run's own
    /// script comes back past it, asked only where the script changes.
    @inline(__always)
    mutating func admits(_ kind: LetterScript, resumes: (LetterScript) -> Bool) -> Bool {
        guard kind != .none else { return true }
        if script == .none {
            script = kind
        } else if kind == script {
            enclosed = false
        } else if !enclosed {
            guard resumes(script) else { return false }
            enclosed = true
        }
        return true
    }
}
