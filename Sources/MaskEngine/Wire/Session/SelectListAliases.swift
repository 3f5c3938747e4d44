#if canImport(Glibc)
import Glibc
#endif

/// What a query's text says of the columns it renames: `SELECT password AS p` sends its rows under the
/// name `p`, and a RowDescription's name is all the masker is told of a column, so the password, a bare
/// nine-digit SSN (`ssn AS s`) or an API key (`api_key k`) would be read as a column named `p`, `s` or
/// `k` and pass in clear. Each alias of a select list (or a `RETURNING` list) is given the context of
/// the names its expression reads (`coalesce(u.password, '') AS x`, `(SELECT ssn FROM …) AS s`): those
/// that make the masker stricter (an SSN, card or credential column), never those that relax it. An
/// unnamed call or `CASE` is given it under the name the server gives its column (`coalesce`, `case`).
///
/// Read from a Query's or a Parse's text with PostgreSQL's lexical rules (scan.l) as far as they hide
/// names: `'…'` (`''`), `E'…'` (backslash escapes), `$tag$ … $tag$`, `"…"` (`""`, case kept), `--` and
/// nested `/* … */` comments; unquoted words folded to lower case, as the server names them. Not a
/// parser: an alias it misses is masked as before (by its own name and content), and a name it takes
/// for an alias wrongly only makes a column of that name stricter. Not followed: a column alias list
/// in `FROM` (`AS t(p)`), a view's renamed columns. `COPY (SELECT …) TO STDOUT` has no RowDescription:
/// its columns are named from its select list (`outputNames`).
struct SelectListAliases {
    /// The context each alias gets from its expression's names (only aliases with such a context).
    private(set) var contexts: [String: ColumnContext] = [:]
    /// The order aliases were last read in, oldest first, to forget the oldest past `capacity`.
    private var order: [String] = []
    /// At most this many aliases are kept: a session that sends ever new ones (generated SQL) has
    /// memory bounded; a RowDescription follows its own query's Parse or Query, whose aliases were
    /// read last and are kept.
    let capacity: Int

    init(capacity: Int = 1024) { self.capacity = capacity }

    var isEmpty: Bool { contexts.isEmpty }

    /// The context a column of this name gets from the queries read, or nil.
    func context(of name: String) -> ColumnContext? { contexts.isEmpty ? nil : contexts[name] }

    /// Reads one query's text (several statements, any of them) and keeps its aliases. Returns the
    /// context of each output column of its first top-level select list, in order (what each item's
    /// expression reads: `login || ' ' || password` is a credential column named `?column?`), or nil
    /// when the text has none or one with `*`: for the RowDescription that answers this very query.
    @discardableResult
    mutating func read(_ query: UnsafeBufferPointer<UInt8>) -> [ColumnContext]? {
        var reader = Reader(known: contexts)
        reader.read(query)
        for (alias, context) in reader.found { remember(alias, context) }
        return reader.outputState == .done ? reader.outputContexts : nil
    }

    /// The names of the output columns of `query`'s first top-level select list, in order, as PostgreSQL
    /// names them: an alias, a column's name (the last part of `u.password`), a call's function or `case`,
    /// or "" for another expression (`?column?`, which has no context); nil when the text has no select
    /// list or one with `*` (its columns are not in the text). For `COPY (SELECT …) TO STDOUT`, whose rows come
    /// with no RowDescription.
    static func outputNames(_ query: UnsafeBufferPointer<UInt8>) -> [String]? {
        var reader = Reader(known: [:])
        reader.read(query)
        return reader.outputState == .done ? reader.output : nil
    }

    private mutating func remember(_ alias: String, _ context: ColumnContext) {
        if var known = contexts[alias] {
            known.adoptStricter(context)
            contexts[alias] = known
            if let i = order.lastIndex(of: alias) { order.remove(at: i) }
        } else {
            contexts[alias] = context
        }
        order.append(alias)
        if order.count > capacity {
            let dropped = order.count - capacity
            for old in order.prefix(dropped) { contexts[old] = nil }
            order.removeFirst(dropped)
        }
    }

    /// The streaming reader: a frame per parenthesis depth, each knowing whether it is in a select list
    /// and, for the list's current item, the names its expression read and its last two tokens (which
    /// say whether the item ends in an alias).
    private struct Reader {
        enum Last: Equatable {
            /// Nothing yet in the item, or a token that cannot end an expression (an operator, a keyword
            /// such as `AND`).
            case none
            /// `AS`: the next word or quoted name is the alias, whatever it spells (`AS from` is legal).
            case asKeyword
            /// A word or quoted name, not yet known to be an expression's or the alias.
            case name
            /// A token that ends an expression: a literal, a number, a parameter, `)`.
            case value
            /// The alias after `AS`, taken.
            case alias
        }

        struct Frame {
            var selectList = false
            /// The names' contexts in the current item, but for the last name (`pending`), which may be
            /// the item's alias.
            var item = ColumnContext(scanned: true)
            var pending = ColumnContext(scanned: true)
            var pendingName = ""
            var last = Last.none
            var beforeLast = Last.none
            /// Every name read in this frame and the frames it closed: what a parenthesised expression
            /// gives the item around it.
            var all = ColumnContext(scanned: true)
            /// The current item's tokens so far (`DISTINCT` and `ALL` before its first not counted).
            var tokens = 0
            /// Whether the item is a name or a qualified one so far (`password`, `u.password`): its
            /// output column is named by its last part.
            var simple = true
            var afterDot = false
            /// Whether the item is `*` or `t.*`: how many columns it gives is not in the text.
            var star = false
            /// The function an item starts with a call of (`lower(password)`, `pg_catalog.lower(…)`), and
            /// whether it starts with `CASE`: PostgreSQL names such a column `lower` or `case`.
            var callName: String? = nil
            var startsWithCase = false

            /// The pending name is part of the expression after all.
            mutating func fold() {
                item.adoptStricter(pending)
                pending = ColumnContext(scanned: true)
                pendingName = ""
            }

            /// A token of the item that is no name (a value, an operator, a keyword, a closed parenthesis):
            /// the item is no plain name any more, and `last` is now `kind`.
            mutating func takeOther(_ kind: Last) {
                fold()
                tokens += 1
                simple = false
                afterDot = false
                beforeLast = last
                last = kind
            }
        }

        /// The first top-level select list's output names, as RowDescription would give them.
        enum OutputState { case notStarted, recording, done, unknown }
        var outputState = OutputState.notStarted
        var output: [String] = []
        var outputContexts: [ColumnContext] = []

        var frames = [Frame()]
        /// Parentheses open past `maximumDepth`, whose tokens are skipped: a text of a million `(` would
        /// otherwise hold a million frames.
        var overflow = 0
        static let maximumDepth = 128
        /// How many frames are in a select list. While none is, only `SELECT` and `RETURNING` matter: a
        /// long INSERT's VALUES are skipped at the cost of reading them.
        var openLists = 0
        var found: [(String, ColumnContext)] = []
        /// Aliases read before and in this text: a name that reads one (`WITH t AS (SELECT password AS pw
        /// …) SELECT pw AS z FROM t`) passes its context on.
        var known: [String: ColumnContext]

        init(known: [String: ColumnContext]) { self.known = known }

        /// Words that end a select list at its own depth.
        static let listEnds: Set<String> = ["from", "into", "where", "group", "having", "window", "order", "limit",
                                            "offset", "fetch", "for", "union", "intersect", "except"]
        /// Words that cannot be an alias without `AS` and do not end an expression (`a IS NULL`; `CASE …
        /// END` ends one: `end` is read as a value).
        static let notImplicitAliases: Set<String> = ["and", "or", "not", "is", "null", "true", "false", "in", "like",
                                                      "ilike", "between", "similar", "escape", "collate", "at", "zone",
                                                      "distinct", "all", "case", "when", "then", "else", "over", "filter",
                                                      "within", "asc", "desc", "nulls", "first", "last", "isnull",
                                                      "notnull", "any", "some", "array", "row", "interval", "only"]

        mutating func read(_ text: UnsafeBufferPointer<UInt8>) {
            var i = 0
            let n = text.count
            var previousWordByte = false
            while i < n {
                let b = text[i]
                switch b {
                case 32, 9, 10, 13, 12:
                    i += 1
                    previousWordByte = false
                    continue
                case UInt8(ascii: "-") where i + 1 < n && text[i + 1] == UInt8(ascii: "-"):
                    i = text[i...].firstIndex(of: 10) ?? n
                case UInt8(ascii: "/") where i + 1 < n && text[i + 1] == UInt8(ascii: "*"):
                    i = Self.commentEnd(text, from: i + 2)
                case UInt8(ascii: "'"):
                    i = Self.stringEnd(text, from: i + 1, escapes: false)
                    value()
                case UInt8(ascii: "\""):
                    var name: [UInt8] = []
                    var j = i + 1
                    while j < n {
                        if text[j] == UInt8(ascii: "\"") {
                            if j + 1 < n && text[j + 1] == UInt8(ascii: "\"") { name.append(text[j]); j += 2; continue }
                            break
                        }
                        name.append(text[j])
                        j += 1
                    }
                    i = min(j + 1, n)
                    word(String(decoding: name, as: UTF8.self), quoted: true)
                case UInt8(ascii: "$") where !previousWordByte:
                    if let tag = ScriptLexer.dollarTag(text, at: i) {
                        var j = i + tag.count + 2
                        while j < n && !(text[j] == UInt8(ascii: "$") && ScriptLexer.closes(text, at: j, tag: tag)) { j += 1 }
                        i = min(j + tag.count + 2, n)
                    } else {
                        // `$1`: a parameter.
                        i += 1
                        while i < n && ASCII.isDigit(text[i]) { i += 1 }
                    }
                    value()
                case UInt8(ascii: "("), UInt8(ascii: "["):
                    i += 1
                    if overflow > 0 || frames.count >= Self.maximumDepth { overflow += 1; continue }
                    let outer = frames.count - 1
                    if b == UInt8(ascii: "("), frames[outer].selectList, frames[outer].simple, frames[outer].tokens > 0,
                       frames[outer].callName == nil {
                        frames[outer].callName = frames[outer].pendingName
                    }
                    frames.append(Frame())
                    continue
                case UInt8(ascii: ")"), UInt8(ascii: "]"):
                    if overflow > 0 { overflow -= 1 } else { close() }
                    i += 1
                case UInt8(ascii: ","):
                    endItem()
                    i += 1
                case UInt8(ascii: ";"):
                    overflow = 0
                    while frames.count > 1 { close() }
                    endList()
                    i += 1
                default:
                    if ASCII.isAlpha(b) || b == UInt8(ascii: "_") || b >= 0x80 {
                        var j = i + 1
                        while j < n && (ASCII.isAlnum(text[j]) || text[j] == UInt8(ascii: "_") || text[j] == UInt8(ascii: "$") || text[j] >= 0x80) { j += 1 }
                        // `E'…'` (and `e'…'`): an escape string, a value.
                        if j == i + 1 && (b | 0x20) == UInt8(ascii: "e") && j < n && text[j] == UInt8(ascii: "'") {
                            i = Self.stringEnd(text, from: j + 1, escapes: true)
                            value()
                            continue
                        }
                        // `B'…'`, `X'…'`, `U&'…'` and a typed literal (`date '…'`) are a word and a string:
                        // the string that follows ends the expression either way.
                        if openLists == 0 && !Self.opensList(text, i, j) {
                            i = j
                            previousWordByte = true
                            continue
                        }
                        // Folded in place: a word of up to 15 bytes is a small string, no allocation.
                        let folded = String(unsafeUninitializedCapacity: j - i) { folded in
                            for k in i..<j { folded[k - i] = text[k] &- 65 < 26 ? text[k] | 0x20 : text[k] }
                            return j - i
                        }
                        i = j
                        word(folded, quoted: false)
                        previousWordByte = true
                        continue
                    } else if ASCII.isDigit(b) {
                        var j = i + 1
                        while j < n && (ASCII.isAlnum(text[j]) || text[j] == UInt8(ascii: ".") || text[j] == UInt8(ascii: "_")) { j += 1 }
                        i = j
                        value()
                        previousWordByte = true
                        continue
                    } else if b == UInt8(ascii: ".") {
                        // `u.password`: the qualified name's parts are one expression, the last part its name.
                        i += 1
                        if overflow == 0 {
                            frames[frames.count - 1].last = .none
                            frames[frames.count - 1].afterDot = true
                        }
                    } else {
                        operatorToken(b)
                        i += 1
                    }
                }
                previousWordByte = false
            }
            overflow = 0
            while frames.count > 1 { close() }
            endList()
        }

        /// A `/* … */` comment's end (they nest), from just after its opening.
        /// Whether the word `text[i..<j]` is `SELECT` or `RETURNING`, in any case.
        static func opensList(_ text: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int) -> Bool {
            func spells(_ word: StaticString) -> Bool {
                guard j - i == word.utf8CodeUnitCount else { return false }
                let w = word.utf8Start
                for k in 0..<(j - i) where text[i + k] | 0x20 != w[k] { return false }
                return true
            }
            return spells("select") || spells("returning")
        }

        /// Puts `frame` in a select list or out of one, keeping `openLists`.
        private mutating func setList(_ frame: inout Frame, _ list: Bool) {
            if frame.selectList != list { openLists += list ? 1 : -1 }
            frame.selectList = list
        }

        static func commentEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
            var depth = 1
            var j = start
            while j + 1 < text.count {
                if text[j] == UInt8(ascii: "/") && text[j + 1] == UInt8(ascii: "*") { depth += 1; j += 2; continue }
                if text[j] == UInt8(ascii: "*") && text[j + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    j += 2
                    if depth == 0 { return j }
                    continue
                }
                j += 1
            }
            return text.count
        }

        /// A string's end (just past its closing quote), from just after its opening one.
        static func stringEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int, escapes: Bool) -> Int {
            var j = start
            if !escapes {
                // memchr to each quote: a bulk INSERT is mostly string literals.
                while j < text.count, let base = text.baseAddress,
                      let quote = memchr(base + j, Int32(UInt8(ascii: "'")), text.count - j) {
                    let q = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
                    if q + 1 < text.count && text[q + 1] == UInt8(ascii: "'") { j = q + 2; continue }
                    return q + 1
                }
                return text.count
            }
            while j < text.count {
                let b = text[j]
                if escapes && b == UInt8(ascii: "\\") { j += 2; continue }
                if b == UInt8(ascii: "'") {
                    if j + 1 < text.count && text[j + 1] == UInt8(ascii: "'") { j += 2; continue }
                    return j + 1
                }
                j += 1
            }
            return text.count
        }

        private mutating func word(_ word: String, quoted: Bool) {
            guard overflow == 0 else { return }
            var frame = frames[frames.count - 1]
            defer { frames[frames.count - 1] = frame }
            let top = frames.count == 1
            if !quoted {
                if word == "select" || word == "returning" {
                    endItem(&frame, top: top)
                    setList(&frame, true)
                    frame.last = .none
                    frame.beforeLast = .none
                    if top && word == "select" && outputState == .notStarted { outputState = .recording }
                    return
                }
                if frame.last != .asKeyword {
                    if word == "as" {
                        frame.fold()
                        frame.beforeLast = frame.last
                        frame.last = .asKeyword
                        return
                    }
                    if Self.listEnds.contains(word) {
                        endItem(&frame, top: top)
                        setList(&frame, false)
                        if top && outputState == .recording { outputState = .done }
                        return
                    }
                }
            }
            // A name's context is read only where a select list may take it (words elsewhere, such as
            // a long INSERT's `true` and `null`, would each cost a look-up for nothing).
            var context = ColumnContext(scanned: true)
            if openLists > 0 {
                context = ColumnContext.named(word, scanned: true)
                if let alias = known[word] { context.adoptStricter(alias) }
            }
            frame.all.adoptStricter(context)
            guard frame.selectList else { return }
            if frame.last == .asKeyword {
                frame.pendingName = word
                frame.pending = ColumnContext(scanned: true)
                frame.beforeLast = .asKeyword
                frame.last = .alias
                return
            }
            if !quoted && word == "end" {
                // `CASE … END` ends an expression, as a literal does: an alias may follow (`END p`).
                frame.takeOther(.value)
                return
            }
            if !quoted && Self.notImplicitAliases.contains(word) {
                if frame.tokens == 0 && (word == "distinct" || word == "all") { return }
                if frame.tokens == 0 && word == "case" { frame.startsWithCase = true }
                frame.takeOther(.none)
                return
            }
            if frame.tokens > 0 && !frame.afterDot { frame.simple = false }
            frame.tokens += 1
            frame.afterDot = false
            frame.fold()
            frame.pendingName = word
            frame.pending = context
            frame.beforeLast = frame.last
            frame.last = .name
        }

        /// A literal, number or parameter: it ends an expression.
        private mutating func value() {
            guard openLists > 0, overflow == 0 else { return }
            frames[frames.count - 1].takeOther(.value)
        }

        private mutating func operatorToken(_ b: UInt8) {
            guard openLists > 0, overflow == 0 else { return }
            let top = frames.count - 1
            if b == UInt8(ascii: "*") && (frames[top].tokens == 0 || frames[top].afterDot) { frames[top].star = true }
            frames[top].takeOther(.none)
        }

        private mutating func close() {
            guard frames.count > 1 else { return }
            var closed = frames.removeLast()
            endItem(&closed, top: false)
            setList(&closed, false)
            var frame = frames[frames.count - 1]
            frame.takeOther(.value)
            frame.item.adoptStricter(closed.all)
            frame.all.adoptStricter(closed.all)
            frames[frames.count - 1] = frame
        }

        private mutating func endItem() {
            guard openLists > 0, overflow == 0 else { return }
            var frame = frames[frames.count - 1]
            endItem(&frame, top: frames.count == 1)
            frames[frames.count - 1] = frame
        }

        private mutating func endList() {
            var frame = frames[0]
            endItem(&frame, top: true)
            setList(&frame, false)
            frames[0] = frame
            if outputState == .recording { outputState = .done }
        }

        /// Ends the select-list item in `frame`: its last name is an alias after `AS`, or after a token
        /// that ends an expression (`u.password p`, `x::text p`, `(…) p`).
        /// `top`: the frame is the text's outermost, whose first select list names the output columns.
        private mutating func endItem(_ frame: inout Frame, top: Bool) {
            defer {
                frame.item = ColumnContext(scanned: true)
                frame.pending = ColumnContext(scanned: true)
                frame.pendingName = ""
                frame.last = .none
                frame.beforeLast = .none
                frame.tokens = 0
                frame.simple = true
                frame.afterDot = false
                frame.star = false
                frame.callName = nil
                frame.startsWithCase = false
            }
            guard frame.selectList, frame.tokens > 0 else { return }
            let aliased = frame.last == .alias || (frame.last == .name && (frame.beforeLast == .name || frame.beforeLast == .value))
            // What the item's expression reads (an alias is no part of it).
            var read = frame.item
            if !aliased { read.adoptStricter(frame.pending) }
            // The column's name: the alias, the column's own (a plain name), or what PostgreSQL names an
            // expression that starts with a call or a CASE (`lower`, `coalesce`, `case`); nil for the
            // others (`?column?`, whose context a session's every computed column would share).
            let name: String?
            if aliased || frame.simple {
                name = frame.pendingName
            } else {
                frame.fold()
                // `CAST(x AS t)` is named as `x` is, which has a name of its own or none.
                name = frame.callName == "cast" ? nil : frame.callName ?? (frame.startsWithCase ? "case" : nil)
            }
            if top && outputState == .recording {
                if frame.star {
                    outputState = .unknown
                } else {
                    output.append(name ?? "")
                    outputContexts.append(read)
                }
            }
            // A plain name has its own context already.
            guard let name, !name.isEmpty, aliased || !frame.simple, frame.item.makesStricter else { return }
            found.append((name, frame.item))
            known[name, default: ColumnContext(scanned: true)].adoptStricter(frame.item)
        }
    }
}
