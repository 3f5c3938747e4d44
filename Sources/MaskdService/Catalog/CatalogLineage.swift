import Logging
import Foundation
import MaskEngine

/// Reads and caches, per database, which table column each view column reads (`ColumnLineage`), so
/// that OID column rules reach rows read through views.
///
/// One query per database per `freshness` (and again after a policy reload): the `_RETURN` rules of
/// every view. It runs when a session starts, before its first result can arrive, on the session's
/// event loop: a blocking libpq call of a few milliseconds on a local server, bounded by
/// `connect_timeout`. A lookup that fails is logged by the caller and the session goes on without
/// lineage: view columns are then matched by name and masked by content, never passed in clear.
public final class CatalogLineage: @unchecked Sendable {
    // @unchecked: `cache` is read and written only under `lock`.
    private let lock = NSLock()
    private var cache: [String: (lineage: ColumnLineage, fetched: ContinuousClock.Instant)] = [:]
    let freshness: Duration

    public init(freshness: Duration = .seconds(60)) { self.freshness = freshness }

    /// Forgets every database's lineage (a policy reload may name another catalog).
    public func invalidate() {
        lock.lock()
        cache.removeAll()
        lock.unlock()
    }

    /// The lineage of `database`, read through `conninfo` (its `dbname` replaced by the database) when
    /// not cached or stale.
    public func lineage(database: String, conninfo: String) throws(CatalogError) -> ColumnLineage {
        lock.lock()
        if let entry = cache[database], ContinuousClock.now - entry.fetched < freshness {
            lock.unlock()
            return entry.lineage
        }
        lock.unlock()
        do {
            let lineage = try Self.fetch(conninfo: conninfo + " dbname=" + Self.quote(database))
            lock.lock()
            cache[database] = (lineage, ContinuousClock.now)
            lock.unlock()
            return lineage
        } catch {
            // A catalog that cannot be read (no password for the session's user, a server down) is not
            // asked again for `freshness`: sessions start without lineage instead of each paying a
            // failed connection, and the warning is logged once per database per period.
            lock.lock()
            cache[database] = (ColumnLineage(), ContinuousClock.now)
            lock.unlock()
            throw error
        }
    }

    static func fetch(conninfo: String) throws(CatalogError) -> ColumnLineage {
        let pq = try LibPQ.shared.get()
        // Later keywords of a conninfo string override earlier ones, so a timeout given by the user wins.
        guard let connection = pq.connectdb("connect_timeout=3 application_name=maskd-catalog " + conninfo) else {
            throw CatalogError(message: "libpq could not allocate a connection")
        }
        defer { pq.finish(connection) }
        guard pq.status(connection) == LibPQ.connectionOK else {
            throw CatalogError(message: Self.text(pq.errorMessage(connection)))
        }
        let query = "SELECT ev_class::oid::int8, ev_action::text FROM pg_catalog.pg_rewrite WHERE rulename = '_RETURN'"
        guard let result = pq.exec(connection, query) else { throw CatalogError(message: "the catalog query was not sent") }
        defer { pq.clear(result) }
        guard pq.resultStatus(result) == LibPQ.tuplesOK else {
            throw CatalogError(message: Self.text(pq.resultErrorMessage(result)))
        }
        var rules: [(view: UInt32, action: String)] = []
        for row in 0..<pq.ntuples(result) {
            guard let oid = UInt32(Self.text(pq.getvalue(result, row, 0))) else { continue }
            rules.append((oid, Self.text(pq.getvalue(result, row, 1))))
        }
        return ColumnLineage(viewRules: rules)
    }

    /// A libpq message or value (never null for a valid result; empty if it were), without the newline libpq ends
    /// messages with.
    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A conninfo value in single quotes, with `\` and `'` escaped as libpq reads them.
    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

/// The catalog could not be read (connection or query), with libpq's message.
public struct CatalogError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "cannot read view definitions: \(message)" }
}

extension CatalogLineage {
    /// Gives `masking` the lineage of `database` when a catalog can be read; logs why not otherwise.
    func attach(to masking: MaskSession, database: String?, conninfo: String?, logger: Logger) {
        guard let database, let conninfo else { return }
        do {
            masking.lineage = try lineage(database: database, conninfo: conninfo)
        } catch {
            logger.warning("views are matched by column name only", metadata: ["database": "\(database)", "reason": "\(error)"])
        }
    }
}
