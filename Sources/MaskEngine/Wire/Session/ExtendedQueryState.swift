/// What the server has been asked and not yet answered, and the objects the extended query protocol
/// has created: everything needed to know which columns a DataRow belongs to.
///
/// Requests are applied when the server answers them (ParseComplete creates the statement,
/// BindComplete the portal), not when the client sends them: that is when the server applies them,
/// so pipelined requests and requests skipped after an error come out right.
struct ExtendedQueryState {
    /// A request the client sent that the server has still to answer.
    enum Request: Equatable {
        /// A simple Query: answered by any number of results, then ReadyForQuery.
        case query
        case parse(statement: String)
        case bind(portal: String, statement: String, resultFormats: [Int16])
        case describeStatement(String)
        case describePortal(String)
        case execute(portal: String)
        case closeStatement(String)
        case closePortal(String)
        case sync
        /// FunctionCall: answered by FunctionCallResponse (or ErrorResponse), then ReadyForQuery.
        case functionCall

        /// Whether ReadyForQuery answers this request.
        var endsWithReadyForQuery: Bool { self == .query || self == .sync || self == .functionCall }
    }

    /// A prepared statement; `description` is nil until a Describe of it was answered.
    struct Statement {
        var description: RowDescription?
        /// A Describe answered NoData: the statement returns no rows.
        var returnsNoRows = false
    }

    /// A portal: its statement and the columns its rows will have (formats from Bind), when known.
    struct Portal {
        var statement: String
        var columns: ResultColumns?
    }

    private(set) var statements: [String: Statement] = [:]
    private(set) var portals: [String: Portal] = [:]
    private var queue: [Request] = []
    private var head = 0

    var current: Request? { head < queue.count ? queue[head] : nil }
    var isIdle: Bool { head == queue.count }
    var pendingCount: Int { queue.count - head }

    mutating func send(_ request: Request) {
        if isIdle, request == .query { destroyUnnamed() }
        queue.append(request)
    }

    /// Drops the request at the head, once answered.
    mutating func pop() {
        guard head < queue.count else { return }
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
        // A simple Query destroys the unnamed statement and portal when the server starts on it.
        if current == .query { destroyUnnamed() }
    }

    /// After an ErrorResponse in the extended protocol the server skips every request up to the next
    /// Sync.
    mutating func skipToSync() {
        while let r = current, r != .sync, r != .query, r != .functionCall { pop() }
    }

    private mutating func destroyUnnamed() {
        statements[""] = nil
        portals[""] = nil
    }

    mutating func parsed(_ name: String) {
        statements[name] = Statement()
    }

    mutating func described(statement name: String, as description: RowDescription?) {
        statements[name] = Statement(description: description, returnsNoRows: description == nil)
    }

    mutating func bound(portal: String, statement: String, resultFormats: [Int16]) {
        let columns: ResultColumns?
        if let s = statements[statement], let description = s.description {
            columns = ResultColumns(description, resultFormats: resultFormats)
        } else if statements[statement]?.returnsNoRows == true {
            columns = ResultColumns(columns: [])
        } else {
            columns = nil
        }
        portals[portal] = Portal(statement: statement, columns: columns)
    }

    mutating func described(portal name: String, as description: RowDescription?) {
        // Describe of a portal reports the real formats.
        let columns = description.map { ResultColumns($0) } ?? ResultColumns(columns: [])
        if portals[name] != nil {
            portals[name]!.columns = columns
        } else {
            // A portal made by SQL (DECLARE): no statement of the protocol owns it ("\0" names none).
            portals[name] = Portal(statement: "\0", columns: columns)
        }
    }

    mutating func closed(statement name: String) {
        statements[name] = nil
        // Closing a statement closes the portals made from it.
        portals = portals.filter { $0.value.statement != name }
    }

    mutating func closed(portal name: String) { portals[name] = nil }

    /// A transaction ended (ReadyForQuery with status idle): its portals are gone.
    mutating func transactionEnded() { portals.removeAll(keepingCapacity: true) }

    /// The columns of the rows an Execute of `portal` returns, or nil when they are not known.
    func columns(ofPortal portal: String) -> ResultColumns? { portals[portal]?.columns }
}
