import Testing
import WireTestSupport
@testable import MaskEngine

/// Column names that announce SSNs and cards: the ASCII path gives the `Character` rules' answer on
/// every name, and names with other characters still take the `Character` rules.
@Suite struct ColumnNameWordsTests {
    /// Names built from the pieces the rules look at (words, separators, case changes) and random ASCII.
    static func names(count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix(seed: seed)
        let pieces = ["ssn", "SSN", "Ssn", "ssns", "social", "_security", "Security", "socialsecurity", "social security",
                      "card", "Card", "CARD", "cards", "cardno", "CardNum", "cardnumber", "creditcard", "debit", "cc", "CC",
                      "ccn", "ccnum", "ccno", "pan", "PAN", "phone", "Phone", "tel", "msisdn", "Mobile", "fax", "primary", "Primary", "account", "Account", "id", "Id", "ID", "ids",
                      "Ids", "number", "Number", "_", "-", " ", ".", "1", "9", "x", "X", "aB", "Ab", "lesson", "discard",
                      "ean", "EAN", "ean13", "Upc", "upca", "gtin", "GTIN14", "isbn", "barcode", "Barcodes", "mean",
                      "password", "Password", "PASSWD", "pwd", "Token", "token", "tokens", "secret", "Secret", "api", "Api", "key",
                      "Key", "private", "access", "hash", "Hash", "digest", "is", "Is", "has", "apikey", "APIKey", "AccessToken"]
        return (0..<count).map { _ in
            var name = ""
            for _ in 0..<Int(rng.next() % 5 + 1) {
                if rng.next() % 4 == 0 {
                    name += String(UnicodeScalar(UInt8(rng.next() % 95 + 32)))
                } else {
                    name += pieces[Int(rng.next() % UInt64(pieces.count))]
                }
            }
            return name
        }
    }

    @Test func theASCIIPathAnswersAsTheCharacterRulesDo() {
        var announcing = (ssn: 0, card: 0, credential: 0)
        for name in Self.names(count: 20_000, seed: 7) {
            let ascii = ASCIIColumnName(name)
            #expect(ascii != nil)
            #expect(ascii?.namesSSN == ColumnContext.characterNamesSSN(name), "\(name)")
            #expect(ascii?.namesCard == ColumnContext.characterNamesCard(name), "\(name)")
            #expect(ascii?.namesBarcode == ColumnContext.characterNamesBarcode(name), "\(name)")
            #expect(ascii.map { $0.namesPhone($0.words) } == ColumnContext.characterNamesPhone(name), "\(name)")
            let credential = ColumnWords.namesCredential(ColumnContext.characterWords(name))
            #expect(ascii.map { $0.namesCredential($0.words) } == credential, "\(name)")
            if credential { announcing.credential += 1 }
            if ColumnContext.characterNamesSSN(name) { announcing.ssn += 1 }
            if ColumnContext.characterNamesCard(name) { announcing.card += 1 }
        }
        // Both answers occur often enough for the comparison to mean something.
        #expect(announcing.ssn > 1_000 && announcing.card > 1_000 && announcing.credential > 1_000, "\(announcing)")
    }

    /// Every name of up to four characters over the letters of the words and the separators.
    @Test func everyShortNameGetsTheSameAnswerBothWays() {
        let alphabet = Array("sSnNcCdDpPiI_ 1a")
        var names = [""]
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            names += frontier
        }
        var differing: [String] = []
        for name in names {
            guard let ascii = ASCIIColumnName(name) else { differing.append(name); continue }
            if ascii.namesSSN != ColumnContext.characterNamesSSN(name) || ascii.namesCard != ColumnContext.characterNamesCard(name)
                || ascii.namesBarcode != ColumnContext.characterNamesBarcode(name)
                || ascii.namesPhone(ascii.words) != ColumnContext.characterNamesPhone(name) {
                differing.append(name)
            }
        }
        #expect(names.count == 69_905)
        #expect(differing.isEmpty, "\(differing.prefix(10))")
    }

    @Test func namesWithOtherCharactersKeepTheCharacterRules() {
        #expect(ASCIIColumnName("numéro_carte") == nil)
        #expect(ColumnContext.namesCard("Kreditkarte_card"))
        #expect(ColumnContext.namesCard("cárd_id") == ColumnContext.characterNamesCard("cárd_id"))
        #expect(ColumnContext.namesSSN("ssn_ünique"))
        #expect(ColumnContext.namesBarcode("código_ean"))
        for name in ["ean", "EAN13", "product_ean", "upc", "gtinCode", "isbn", "barcode"] { #expect(ColumnContext.namesBarcode(name), "\(name)") }
        for name in ["mean", "ocean_id", "upcoming", "barcoded", "card"] { #expect(!ColumnContext.namesBarcode(name), "\(name)") }
        #expect(ColumnContext.namesPhone("téléphone_mobile") && ColumnContext.namesPhone("número_de_tel"))
        for name in ["phone", "cell_phone", "MobileNo", "msisdn", "fax_number", "telNo"] { #expect(ColumnContext.namesPhone(name), "\(name)") }
        for name in ["hotel", "telemetry", "iphone_model", "mobiles", "faxed"] { #expect(!ColumnContext.namesPhone(name), "\(name)") }
        for name in ["password", "passwd", "user_password", "encrypted_password", "password_hash", "PasswordDigest", "api_key",
                     "apiKey", "API_KEY", "APIKey", "access_token", "refreshToken", "client_secret", "secret", "private_key",
                     "AWS_SECRET_ACCESS_KEY", "passphrase", "contraseña_password", "mot_de_passe_pwd", "contraseña", "Passwort",
                     "mot_de_passe", "MotDePasse", "senha_usuario_senha", "пароль", "Пароль", "ユーザー_パスワード", "rolpassword",
                     "security_answer", "SecretAnswer", "recovery_answers", "pass_hash", "pw_hash", "pwd_hash", "passhash",
                     "pwHash", "passwordhash", "user_pass", "smtp_pass", "DB_PASS", "hashedpassword", "cvv", "card_cvv",
                     "CVC2", "cardCvc", "csc", "card_security_code", "SecurityCode", "verification_code",
                     "card_verification_value", "api_keys", "privateKeys", "apikeys", "api_tokens", "refresh_tokens",
                     "accessTokens", "refreshtoken", "backup_codes", "recovery_codes", "mfa_backup_codes", "session_key",
                     "sessionKey", "session_token", "csrf_token"] {
            #expect(ColumnContext.namesCredential(name), "\(name)")
        }
        for name in ["password_changed_at", "token_type", "tokens", "token_count", "is_secret", "has_password", "secret_question",
                     "key", "primary_key", "key_id", "api_key_id", "password_reset_required", "hash", "file_digest",
                     "passwords_expire", "passe", "de_passe_x", "senha_id", "answer", "quiz_answer", "security_question",
                     "secret_answer_id", "pass", "boarding_pass", "season_pass", "pass_rate", "pass_count", "user_pass_id",
                     "compass", "cvv_checked_at", "zip_code", "code", "security_level", "verification_status",
                     "value", "discount_code", "keys", "primary_keys", "tokens", "input_tokens", "output_tokens",
                     "max_tokens", "backup_count", "promo_codes", "session_id", "session_key_id", "session_count"] {
            #expect(!ColumnContext.namesCredential(name), "\(name)")
        }
    }
}

