import Foundation
import MaskEngine

/// One `result_set` audit record as a JSON line: when, who (the session's identity members), under
/// which policy version and identity rule, what kind of query, per column what was found and what was
/// done, and how the result ended. Built only from `ResultSetRecord`, which holds no value and no token.
enum ResultSetAuditLine {
    static func json(_ record: ResultSetRecord, identity: SessionIdentity, policy: SessionPolicy) -> String {
        var out = "{\"event\":\"result_set\",\"time\":\"\(timestamp(record.started))\",\(identity.jsonMembers)"
        out += ",\"policy_version\":\(SessionIdentity.quote(policy.policy.version))"
        out += ",\"identity_rule\":\(policy.rule.map { String($0.index) } ?? "null")"
        out += ",\"query_kind\":\"\(record.kind.rawValue)\",\"columns\":["
        for (i, column) in record.columns.enumerated() {
            if i > 0 { out += "," }
            out += "{\"name\":\(SessionIdentity.quote(column.name)),\"table_oid\":\(column.tableOID),\"column\":\(column.attributeNumber),\"found\":{"
            for (j, found) in column.found.enumerated() {
                if j > 0 { out += "," }
                out += "\(SessionIdentity.quote(policy.policy.name(of: found.type))):{\"count\":\(found.count),\"action\":\"\(found.action.name)\"}"
            }
            out += "}}"
        }
        let duration = Double(record.duration.components.seconds) * 1000 + Double(record.duration.components.attoseconds) / 1e15
        out += "],\"rows\":\(record.rows),\"bytes\":\(record.bytes),\"masked_cells\":\(record.maskedCells)"
        out += ",\"duration_ms\":\(String(format: "%.3f", duration)),\"outcome\":\"\(record.outcome)\""
        if let code = record.errorCode { out += ",\"error_code\":\(SessionIdentity.quote(code))" }
        return out + "}\n"
    }

    static func timestamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = Int((date.timeIntervalSince1970 - Double(time)) * 1000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, millis)
    }
}
