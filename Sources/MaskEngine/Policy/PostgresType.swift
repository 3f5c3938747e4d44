/// PostgreSQL type OIDs that matter to masking.
public enum PostgresType {
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let numeric: UInt32 = 1700
    public static let jsonb: UInt32 = 3802

    /// Types whose text form cannot hold an email, card number, SSN or secret: booleans, floating point
    /// (a 16-digit integer prints as `4.111111111111111e+15`), date and time types, UUIDs, network
    /// addresses, geometric types, OIDs, money and ranges of those. Integer and numeric types are
    /// scanned: an SSN or a card number is often stored in a `bigint` or `numeric` column.
    public static let unscannedOIDs: Set<UInt32> = [
        16,  // bool
        700, 701,  // float4, float8
        1082, 1083, 1114, 1184, 1186, 1266,  // date, time, timestamp, timestamptz, interval, timetz
        2950,  // uuid
        869, 650, 829, 774,  // inet, cidr, macaddr, macaddr8
        600, 601, 602, 603, 604, 628, 718,  // point, lseg, path, box, polygon, line, circle
        26, 27, 28, 29, 24, 2202, 2203, 2204, 2205, 2206, 4089, 4096, 3734, 3769,  // oid, tid, xid, cid, reg*
        790,  // money
        3904, 3906, 3910, 3912, 3926,  // int4range, numrange, tsrange, tstzrange, daterange, int8range
        1560, 1562,  // bit, varbit
        3220,  // pg_lsn
    ]

    /// Text-like types: their binary format is the same bytes as their text format.
    public static let textLikeOIDs: Set<UInt32> = [25, 1043, 1042, 19, 114, 142, 705, 0, 18]  // text, varchar, bpchar, name, json, xml, unknown, "char"

    /// Plain text, no document format: text, varchar, bpchar, name, unknown (705), "char", and a type
    /// not known (0): the columns a credential's token may replace (`ColumnContext.forColumn`).
    public static let plainTextOIDs: Set<UInt32> = [25, 1043, 1042, 19, 705, 18, 0]

    /// Arrays of plain text (`text[]`, `varchar[]`, `bpchar[]`, `name[]`, `"char"[]`): a credential
    /// column of one (`passwords text[]`, `array_agg(password)`) holds a secret in every element.
    public static let textArrayOIDs: Set<UInt32> = [1009, 1015, 1014, 1003, 1002]

    /// `json` and `jsonb`: a credential column of one (`json_agg(password)`, `to_jsonb(secret)`) holds a
    /// secret in every string.
    public static let jsonOIDs: Set<UInt32> = [114, 3802]

    /// How a credential column of this type holds its secrets, or nil when it can hold none a token
    /// may replace (a number, a uuid, an XML document: each keeps its own rules). A bytea is its bytes
    /// (`password::bytea`, a `secret bytea` column): masked whole once decoded, text by a token, other
    /// bytes by a same-length one.
    public static func credentialValue(_ oid: UInt32) -> CredentialValue? {
        if plainTextOIDs.contains(oid) || oid == bytea { return .text }
        if textArrayOIDs.contains(oid) { return .textArray }
        if jsonOIDs.contains(oid) { return .json }
        return nil
    }

    /// Whether a binary-format cell of this type holds the same bytes as its text (text types, and jsonb:
    /// a version byte, then JSON text), so that a masked value may change its length.
    public static func binaryIsText(_ oid: UInt32) -> Bool { textLikeOIDs.contains(oid) || oid == 3802 }

    /// Whether cells of this type are never scanned. OID 0 (unknown) is always scanned.
    public static func cannotHoldPII(_ oid: UInt32) -> Bool { unscannedOIDs.contains(oid) }
}
