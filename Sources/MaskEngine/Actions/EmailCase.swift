/// Whether email tokens tell addresses apart by case.
///
/// PostgreSQL compares text byte by byte, so a `UNIQUE(email)` column can hold both `Ann@x.com` and
/// `ann@x.com`; if both got one token, restoring the masked table would fail. `keep` (the default)
/// therefore keys the token on the address as written. `fold` keys it on the lower-cased address
/// (Unicode's default lower-case mapping), for users whose joins ignore case (`lower(email)`,
/// `citext`), at the price of that uniqueness.
public enum EmailCase: String, Sendable, CaseIterable {
    /// `Ann@x.com` and `ann@x.com` get different tokens.
    case keep
    /// `Ann@x.com` and `ann@x.com` get the same token.
    case fold
}
