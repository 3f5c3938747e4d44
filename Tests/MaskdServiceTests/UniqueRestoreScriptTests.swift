import Testing

/// Masking keeps uniqueness: a pg_dump of a table with UNIQUE on every masked column (emails, cards,
/// SSNs, 40-character secrets, emails in a varchar(12)) restores after `maskd pipe`, every row
/// arrives and no original value is left (Tests/Integration/unique-restore.sh, against a throwaway
/// PostgreSQL). The script prints PENDING, without failing, for the `Ann@x.com`/`ann@x.com` pair
/// while email tokens still fold case.
@Suite(.serialized) struct UniqueRestoreScriptTests {
    @Test func maskedDumpRestoresIntoUniqueColumns() throws {
        do {
            let output = try EndToEndScriptTests.runScript("unique-restore.sh")
            #expect(output.contains("unique restore: all checks passed"), "\(output)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
