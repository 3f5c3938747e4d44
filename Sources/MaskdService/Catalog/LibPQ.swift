#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The few libpq calls the catalog lookup makes, from the system's libpq opened on first use.
///
/// maskd is not linked against libpq: its dependency chain (Kerberos, LDAP, GnuTLS, SASL: 14 shared
/// libraries) cost every process about 6 ms to load, `maskd pipe` included, which never reads a catalog
/// (Benchmarks/RESULTS.md). `maskd serve` and `maskd proxy` open it when a policy names a catalog. The
/// signatures and the two status values are libpq's stable ABI (soname 5 since PostgreSQL 8.2);
/// `LibPQTests` checks them against `libpq-fe.h`.
struct LibPQ: Sendable {
    typealias Connection = OpaquePointer
    typealias Result = OpaquePointer

    /// `CONNECTION_OK` of `ConnStatusType`.
    static let connectionOK: Int32 = 0
    /// `PGRES_TUPLES_OK` of `ExecStatusType`.
    static let tuplesOK: Int32 = 2

    let connectdb: @convention(c) (UnsafePointer<CChar>) -> Connection?
    let finish: @convention(c) (Connection?) -> Void
    let status: @convention(c) (Connection?) -> Int32
    let errorMessage: @convention(c) (Connection?) -> UnsafeMutablePointer<CChar>?
    let exec: @convention(c) (Connection?, UnsafePointer<CChar>) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorMessage: @convention(c) (Result?) -> UnsafeMutablePointer<CChar>?
    let ntuples: @convention(c) (Result?) -> Int32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    let clear: @convention(c) (Result?) -> Void

    #if os(macOS)
    static let libraryName = "libpq.5.dylib"
    #else
    static let libraryName = "libpq.so.5"
    #endif

    /// The library, opened on first use and kept for the process's life; the error says what is missing
    /// when it cannot be. A failure is not kept: libpq installed while `maskd serve` runs is found by the
    /// next catalog read, without a restart (a failed `dlopen` costs a path search, and `CatalogLineage`
    /// reads a database's catalog at most once per freshness period, a failed read included).
    static var shared: Swift.Result<LibPQ, CatalogError> { load(named: libraryName, keptIn: opened) }

    private static let opened = Mutex<LibPQ?>(nil)

    /// The library `name` kept in `cache`, or opened and kept there if it opens (`shared`'s rule, for any
    /// name and cache, so that the tests can ask for a library that is missing).
    static func load(named name: String, keptIn cache: borrowing Mutex<LibPQ?>) -> Swift.Result<LibPQ, CatalogError> {
        cache.withLock { cached in
            if let cached { return .success(cached) }
            let result = open(name)
            if case .success(let library) = result { cached = library }
            return result
        }
    }

    private static func open(_ libraryName: String) -> Swift.Result<LibPQ, CatalogError> {
        guard let handle = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            return .failure(CatalogError(message: "libpq could not be loaded (\(reason)); install libpq5"))
        }
        // The handle stays open for the process's life: the function pointers below point into it.
        func symbol<F>(_ name: String, as type: F.Type) throws(CatalogError) -> F {
            guard let address = dlsym(handle, name) else { throw CatalogError(message: "\(libraryName) lacks \(name)") }
            // Sound: `name` is a libpq function whose C signature `F` spells out (see the type's doc).
            return unsafeBitCast(address, to: type)
        }
        do throws(CatalogError) {
            return .success(LibPQ(
                connectdb: try symbol("PQconnectdb", as: (@convention(c) (UnsafePointer<CChar>) -> Connection?).self),
                finish: try symbol("PQfinish", as: (@convention(c) (Connection?) -> Void).self),
                status: try symbol("PQstatus", as: (@convention(c) (Connection?) -> Int32).self),
                errorMessage: try symbol("PQerrorMessage", as: (@convention(c) (Connection?) -> UnsafeMutablePointer<CChar>?).self),
                exec: try symbol("PQexec", as: (@convention(c) (Connection?, UnsafePointer<CChar>) -> Result?).self),
                resultStatus: try symbol("PQresultStatus", as: (@convention(c) (Result?) -> Int32).self),
                resultErrorMessage: try symbol("PQresultErrorMessage", as: (@convention(c) (Result?) -> UnsafeMutablePointer<CChar>?).self),
                ntuples: try symbol("PQntuples", as: (@convention(c) (Result?) -> Int32).self),
                getvalue: try symbol("PQgetvalue", as: (@convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>?).self),
                clear: try symbol("PQclear", as: (@convention(c) (Result?) -> Void).self)))
        } catch {
            return .failure(error)
        }
    }
}
