/// The words of a column name that announce what its values are, one list per rule, read by both paths:
/// `ASCIIColumnName` compares them as bytes (no allocation per column), the `Character` rules of
/// `ColumnContext` as strings (names with other characters). One list, so the paths cannot drift apart.
enum ColumnWords {
    /// Card columns (`card_number`, `cc`, `PAN`): `ColumnContext.namesCard`.
    static let card: [StaticString] = ["card", "cards", "cardno", "cardnum", "cardnumber", "creditcard", "debitcard",
                                       "cc", "ccn", "ccnum", "ccno", "pan"]
    /// GS1 product codes (`ean`, `product_ean13`, `UPC`, `gtinCode`, `isbn`): `ColumnContext.namesBarcode`.
    static let barcode: [StaticString] = ["ean", "ean8", "ean13", "upc", "upca", "gtin", "gtin8", "gtin12", "gtin13",
                                          "gtin14", "isbn", "isbn13", "barcode", "barcodes"]
    /// Phone numbers (`phone`, `cell_phone`, `MobileNumber`, `msisdn`): `ColumnContext.namesPhone`.
    static let phone: [StaticString] = ["phone", "phones", "phonenumber", "telephone", "tel", "telno", "mobile",
                                        "mobilephone", "mobileno", "msisdn", "fax", "cellphone", "telefon", "telefono",
                                        "telefone"]

    /// Credentials, as a name's last word (`password`, `api_key`, `accessToken`): `ColumnContext.namesCredential`.
    /// With the word for a password in the languages schemas are often written in (German, Spanish,
    /// Portuguese, Dutch, Swedish, Finnish, Polish, Russian, Japanese, Chinese; `mot de passe` below).
    /// And the catalog's own: `pg_authid.rolpassword` (a role's SCRAM or md5 verifier, which a wordlist
    /// cracks; `pg_shadow.passwd` is `passwd`), read by `pg_dumpall` and by hand through the proxy.
    static let credential: [StaticString] = ["password", "passwords", "passwd", "pwd", "passphrase", "passcode", "secret",
                                             "rolpassword",
                                             // Compounds written as one word (`passhash`, `pwHash` splits).
                                             "passhash", "pwhash", "pwdhash", "passwordhash", "passworddigest",
                                             "hashedpassword", "encryptedpassword", "cryptedpassword",
                                             // A card's verification code (PCI DSS forbids storing it at all).
                                             "cvv", "cvv2", "cvc", "cvc2", "cvn", "csc", "cav2", "securitycode",
                                             "secrets", "token", "apikey", "apitoken", "accesstoken", "authtoken",
                                             "secretkey", "privatekey", "accesskey", "clientsecret", "refreshtoken",
                                             // Their plurals (an array of them: `api_keys text[]`).
                                             "apikeys", "apitokens", "accesstokens", "authtokens", "secretkeys",
                                             "privatekeys", "accesskeys", "clientsecrets", "refreshtokens",
                                             "passwort", "kennwort", "contraseña", "contrasena", "senha", "wachtwoord",
                                             "lösenord", "losenord", "salasana", "hasło", "haslo", "пароль", "パスワード",
                                             "密码", "密碼"]
    /// The words before a last `key` or `keys` that make it a credential (`api_key`, `private_keys`), and
    /// `session_key` (Django's `django_session.session_key` is the session cookie's value: whoever reads
    /// it is logged in; a `session_id` is as often an analytics id, and stays scanned as any value).
    static let credentialKey: [StaticString] = ["api", "secret", "private", "access", "signing", "encryption", "master",
                                                "session"]
    /// A last `tokens` after one of `tokenOwners` (`api_tokens`, `refresh_tokens`): `tokens` alone is as
    /// often a count (of a language model's tokens) as the tokens themselves.
    static let tokensWord: [StaticString] = ["tokens"]
    static let tokenOwners: [StaticString] = ["api", "access", "auth", "refresh", "bearer", "session", "oauth", "secret"]
    /// The last words after `password`, `passwd`, `pass`, `pw` or `pwd` that are still one
    /// (`password_hash`, `passwd_digest`, `pw_hash`).
    static let credentialDerived: [StaticString] = ["hash", "digest"]
    static let keyWord: [StaticString] = ["key", "keys"]
    /// A last `answer` after one of `answerOwners` (`security_answer`, `SecretAnswer`): the answer to an
    /// account's recovery question opens the account as a password does (the question is no secret).
    static let answerWord: [StaticString] = ["answer", "answers"]
    static let answerOwners: [StaticString] = ["security", "secret", "recovery"]
    /// A last `code` after `security` or `verification` (`card_security_code`, `verification_code`: a
    /// card's CVV, a one-time code), or `codes` after `backup` or `recovery` too (`backup_codes`: a
    /// second factor's recovery codes, each of which opens the account), and a last `value` after
    /// `verification` (`card_verification_value`).
    static let codeWord: [StaticString] = ["code", "codes"]
    static let codeOwners: [StaticString] = ["security", "verification", "backup", "recovery"]
    static let valueWord: [StaticString] = ["value"]
    static let verificationWord: [StaticString] = ["verification"]
    static let passeWord: [StaticString] = ["passe"]
    static let deWord: [StaticString] = ["de"]
    static let passwordWords: [StaticString] = ["password", "passwd", "pass", "pw", "pwd"]
    /// A last `pass` after one of `passOwners` (`user_pass`, WordPress's password hash column; `db_pass`,
    /// `smtp_pass`): `pass` alone, or after other words (`boarding_pass`, `season_pass`), is as often a
    /// ticket or a test result.
    static let passWord: [StaticString] = ["pass"]
    static let passOwners: [StaticString] = ["user", "db", "database", "login", "admin", "root", "smtp", "ftp", "sftp",
                                             "mail", "email", "imap", "pop", "ldap", "proxy", "wifi", "vpn", "redis",
                                             "mysql", "pg", "postgres", "app", "account", "acct", "auth", "bind"]
    /// First words of Booleans' names (`is_secret`, `has_password`), which are not credentials.
    static let booleanPrefix: [StaticString] = ["is", "has"]

    /// `ColumnContext.namesCredential` on a name's lower-cased words; `word(i, list)` says whether word
    /// `i` is one of `list` (the two paths compare bytes or strings).
    static func namesCredential(count: Int, word: (Int, [StaticString]) -> Bool) -> Bool {
        guard count > 0, !word(0, booleanPrefix) || count == 1 else { return false }
        let last = count - 1
        if word(last, credential) { return true }
        guard count >= 2 else { return false }
        if word(last, keyWord) && word(last - 1, credentialKey) { return true }
        if word(last, tokensWord) && word(last - 1, tokenOwners) { return true }
        if word(last, passeWord) && word(last - 1, deWord) { return true }  // mot de passe
        if word(last, answerWord) && word(last - 1, answerOwners) { return true }
        if word(last, passWord) && word(last - 1, passOwners) { return true }
        if word(last, codeWord) && word(last - 1, codeOwners) { return true }
        if word(last, valueWord) && word(last - 1, verificationWord) { return true }
        return word(last, credentialDerived) && word(last - 1, passwordWords)
    }

    /// `namesCredential` on words as strings (the `Character` rules).
    static func namesCredential(_ words: [String]) -> Bool {
        namesCredential(count: words.count) { i, list in list.contains { "\($0)" == words[i] } }
    }

    static let cardSet = Set(card.map { "\($0)" })
    static let barcodeSet = Set(barcode.map { "\($0)" })
    static let phoneSet = Set(phone.map { "\($0)" })
}
