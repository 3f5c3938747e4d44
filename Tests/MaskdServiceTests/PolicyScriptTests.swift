import Testing

/// Policies as users meet them (Tests/Integration/policy-e2e.sh, against a throwaway PostgreSQL): the
/// same query under three identities through `maskd proxy` with psql gives three maskings; `SELECT email
/// AS e` and views over the table are still masked by the OID rule; a custom PCRE2 detector masks its
/// pattern; SIGHUP under load reloads a valid file and refuses an invalid one with its line; every
/// result set leaves an audit record, with no value in it; and the same through `maskd serve`.
@Suite(.serialized) struct PolicyScriptTests {
    @Test func policiesThroughTheProxyAndTheDaemon() throws {
        do {
            let output = try EndToEndScriptTests.runScript("policy-e2e.sh")
            #expect(output.contains("policy e2e: all checks passed"), "\(output)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
