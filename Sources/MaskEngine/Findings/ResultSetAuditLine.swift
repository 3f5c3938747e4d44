import Foundation

/// One `result_set` audit record as a JSON line: when, who (the session's identity members), under
/// which policy version and identity rule, what kind of query, per column what was found and what was
/// done, and how the result ended. Built only from `ResultSetRecord`, which holds no value and no token.
public enum ResultSetAuditLine {
    /// `identityMembers` are the JSON members naming the session and its identity
    /// (`AuditIdentity.members`), without braces.
    /// `table` names the table a dump block or a CSV (`--table`) comes from, where the input names one.
    public static func json(_ record: ResultSetRecord, identityMembers: String, policy: SessionPolicy, table: String? = nil) -> String {
        var out = "{\"event\":\"result_set\",\"time\":\"\(timestamp(record.started))\",\(identityMembers)"
        out += ",\"policy_version\":\(AuditIdentity.quote(policy.policy.version))"
        out += ",\"identity_rule\":\(policy.rule.map { String($0.index) } ?? "null")"
        if let table { out += ",\"table\":\(AuditIdentity.quote(table))" }
        out += ",\"query_kind\":\"\(record.kind.rawValue)\",\"columns\":["
        for (i, column) in record.columns.enumerated() {
            if i > 0 { out += "," }
            out += "{\"name\":\(AuditIdentity.quote(column.name)),\"table_oid\":\(column.tableOID),\"column\":\(column.attributeNumber),\"found\":{"
            for (j, found) in column.found.enumerated() {
                if j > 0 { out += "," }
                // A pattern-limit entry has a key of its own: JSON members must differ.
                let name = policy.policy.name(of: found.type) + (found.patternLimit ? "/pattern_limit" : "")
                out += "\(AuditIdentity.quote(name)):{\"count\":\(found.count),\"action\":\"\(found.action.name)\"}"
            }
            out += "}}"
        }
        let duration = Double(record.duration.components.seconds) * 1000 + Double(record.duration.components.attoseconds) / 1e15
        out += "],\"rows\":\(record.rows),\"bytes\":\(record.bytes),\"masked_cells\":\(record.maskedCells)"
        out += ",\"duration_ms\":\(String(format: "%.3f", duration)),\"outcome\":\"\(record.outcome)\""
        if let code = record.errorCode { out += ",\"error_code\":\(AuditIdentity.quote(code))" }
        return out + "}\n"
    }

    public static func timestamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = Int((date.timeIntervalSince1970 - Double(time)) * 1000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, millis)
    }
}

/// A session's identity as the JSON members every audit record starts with.
public enum AuditIdentity {
    /// `"session":"…","user":"…",…,"groups":[…],"attributes":{…}` (no braces); `"unknown":true` when
    /// the session sent no identity.
    public static func members(sessionID: String, identity: Identity) -> String {
        var members = ["\"session\":\(quote(sessionID))"]
        for key in ["user", "database", "application", "client_addr"] {
            if let v = identity.value(key) { members.append("\"\(key)\":\(quote(v))") }
        }
        for key in ["group", "role"] {
            let values = identity.values(key)
            if !values.isEmpty { members.append("\"\(key)s\":[\(values.map(quote).joined(separator: ","))]") }
        }
        let known = ["session_id", "user", "database", "application", "client_addr", "group", "role"]
        let free = identity.attributes.filter { !known.contains($0.key) }
        if !free.isEmpty {
            members.append("\"attributes\":{\(free.map { "\(quote($0.key)):\(quote($0.value))" }.joined(separator: ","))}")
        }
        if identity.isUnknown { members.append("\"unknown\":true") }
        return members.joined(separator: ",")
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
