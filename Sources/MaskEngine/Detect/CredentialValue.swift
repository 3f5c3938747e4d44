/// How a credential column's values hold their secrets, decided by the column's type
/// (`PostgresType.credentialValue`): what `CellScanner` masks in each value of such a column.
public enum CredentialValue: UInt8, Sendable, Equatable {
    /// Plain text, or a type not known: the whole value is the secret (the strings only, should it be
    /// a JSON object or array).
    case text
    /// An array of text in its text form (`{hunter2,"old pass",NULL}`): each element is a secret; the
    /// braces, the delimiters, the quotes and the `NULL`s stay, so the client still reads an array of
    /// as many elements, null where they were.
    case textArray
    /// A `json` or `jsonb` value: each string is a secret (a bare string's contents, every string of an
    /// object or array); names, numbers, `true`, `false` and `null` stay, so the document still parses.
    case json
}
