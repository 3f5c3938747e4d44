/// Which secret a `.secret` finding is; `.none` for the other entity types.
///
/// The rules written in code have fixed kinds below; every rule of `TokenCatalogue` has a kind of its
/// own, numbered from `catalogueBase`, so a report names the service (`gitlab_pat`, `npm_token`) without
/// an enum case per service.
public struct SecretKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = SecretKind(rawValue: 0)
    public static let awsAccessKeyID = SecretKind(rawValue: 1)
    public static let awsSecretAccessKey = SecretKind(rawValue: 2)
    public static let githubToken = SecretKind(rawValue: 3)
    public static let slackToken = SecretKind(rawValue: 4)
    public static let stripeKey = SecretKind(rawValue: 5)
    public static let googleAPIKey = SecretKind(rawValue: 6)
    public static let jwt = SecretKind(rawValue: 7)
    public static let privateKey = SecretKind(rawValue: 8)
    /// A value assigned to a credential-named key: `password=…`, `"api_key": "…"`, `<secretKey>…<`.
    public static let passwordAssignment = SecretKind(rawValue: 9)
    /// The user information of a URL: `scheme://user:password@host`.
    public static let urlCredentials = SecretKind(rawValue: 10)
    /// A key from a vendor's documentation (`AKIAIOSFODNN7EXAMPLE`): reported, kept unless the policy
    /// says to mask documented examples too.
    public static let documentedExample = SecretKind(rawValue: 11)
    /// `123456789:AA…` (Telegram bot API).
    public static let telegramBotToken = SecretKind(rawValue: 12)
    /// Incoming-webhook URLs whose path is the credential (Slack, Discord, Microsoft Teams).
    public static let webhookURL = SecretKind(rawValue: 13)
    /// `MTk4…` `.` 6 `.` 27–38 (Discord bot tokens).
    public static let discordBotToken = SecretKind(rawValue: 14)
    public static let maxmindLicenseKey = SecretKind(rawValue: 15)
    public static let mailchimpAPIKey = SecretKind(rawValue: 16)
    public static let terraformToken = SecretKind(rawValue: 17)
    public static let azureClientSecret = SecretKind(rawValue: 18)
    /// A whole cell a custom detector could not finish (a PCRE2 limit or its time budget): which bytes
    /// matched is unknown, and the cell may hold values of any type, so it is never kept
    /// (`CellRewriter.action(for:in:)`).
    public static let patternLimit = SecretKind(rawValue: 19)
    /// A whole value of a column whose name says it holds credentials (`password`, `api_key`,
    /// `access_token`: `ColumnContext.namesCredential`), whatever its shape.
    public static let credentialColumn = SecretKind(rawValue: 20)
    /// A password hash by its shape: bcrypt, argon2, the crypt family, Django's, Werkzeug's, SCRAM
    /// verifiers (`PasswordHashShape`).
    public static let passwordHash = SecretKind(rawValue: 21)

    static let builtInNames = [
        "", "aws_access_key_id", "aws_secret_access_key", "github_token", "slack_token", "stripe_key",
        "google_api_key", "jwt", "private_key", "password_assignment", "url_credentials", "documented_example",
        "telegram_bot_token", "webhook_url", "discord_bot_token",
        "maxmind_license_key", "mailchimp_api_key", "terraform_token", "azure_client_secret", "pattern_limit",
        "credential_column", "password_hash",
    ]

    /// Kinds at and above this number are `TokenCatalogue.rules[rawValue - catalogueBase]`.
    static let catalogueBase: UInt16 = 64

    /// The name written in reports as `"kind"`.
    public var name: String {
        if Int(rawValue) < Self.builtInNames.count { return Self.builtInNames[Int(rawValue)] }
        let index = Int(rawValue) - Int(Self.catalogueBase)
        if index >= 0 && index < TokenCatalogue.rules.count { return TokenCatalogue.rules[index].name.description }
        return "secret_\(rawValue)"
    }

    public var description: String { name }

    /// Every kind a report can name: the built-in ones, then the catalogue's.
    public static var allCases: [SecretKind] {
        (0..<UInt16(builtInNames.count)).map(SecretKind.init(rawValue:))
            + (0..<UInt16(TokenCatalogue.rules.count)).map { SecretKind(rawValue: catalogueBase + $0) }
    }
}
