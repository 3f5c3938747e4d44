import CLibPQ
@testable import MaskdService
import Synchronization
import Testing

/// maskd opens libpq when a catalog is first read instead of linking it (`LibPQ`): its declared status
/// values must be the header's, and its calls must reach the real library.
@Suite struct LibPQTests {
    @Test func theStatusValuesAreTheHeaders() {
        #expect(LibPQ.connectionOK == Int32(CONNECTION_OK.rawValue))
        #expect(LibPQ.tuplesOK == Int32(PGRES_TUPLES_OK.rawValue))
    }

    @Test func theOpenedLibraryIsTheRealOne() throws {
        let pq = try LibPQ.shared.get()
        // No server listens on this socket directory: libpq itself must say so.
        let connection = pq.connectdb("host=/nonexistent-maskd-test port=1 connect_timeout=1")
        #expect(connection != nil)
        defer { pq.finish(connection) }
        #expect(pq.status(connection) == Int32(CONNECTION_BAD.rawValue))
        let message = CatalogLineage.text(pq.errorMessage(connection))
        #expect(message.contains("/nonexistent-maskd-test"), "libpq's message: \(message)")
    }

    /// A library that is missing is looked for again at the next read (libpq installed while `maskd serve`
    /// runs needs no restart); one that opened is kept, whatever is asked after.
    @Test func aFailedLoadIsNotKeptAndASuccessfulOneIs() throws {
        let cache = Mutex<LibPQ?>(nil)
        let missing = "libpq-missing-maskd-test.so.5"
        guard case .failure(let error) = LibPQ.load(named: missing, keptIn: cache) else {
            Issue.record("a library that does not exist was opened")
            return
        }
        #expect(error.message.contains("install libpq5"), "\(error)")
        #expect(cache.withLock { $0 == nil })
        _ = try LibPQ.load(named: LibPQ.libraryName, keptIn: cache).get()
        #expect(cache.withLock { $0 != nil })
        // Kept: the missing name now answers with the library opened before.
        _ = try LibPQ.load(named: missing, keptIn: cache).get()
    }

    /// The error is libpq's own (it names the socket it tried), not the loader's: a lookup that threw for
    /// want of the library would pass a test that only asked for an error.
    @Test func aCatalogThatCannotBeReadSaysWhy() {
        do {
            _ = try CatalogLineage().lineage(database: "postgres", conninfo: "host=/nonexistent-maskd-test port=1")
            Issue.record("a catalog behind no server was read")
        } catch {
            #expect(error.message.contains("/nonexistent-maskd-test"), "\(error)")
        }
    }
}
