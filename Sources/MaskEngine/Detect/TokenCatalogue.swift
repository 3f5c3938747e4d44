import CMaskKernels

/// Prefix-token formats of the services people leak keys of, one rule each, matched where a run of
/// 16+ token bytes starts (stage 1's `longrun` mask) or where a token follows an `_`.
///
/// The facts (prefixes, alphabets, lengths) come from the vendors' documentation and from gitleaks'
/// public rule catalogue; the rules are written here. Rules are looked up by their first byte, so a
/// candidate costs one table read and a few prefix compares. Bodies that are placeholders (`ghp_xxxx…`,
/// one repeated character, very low entropy) are not tokens; bodies of a vendor's documented examples
/// (`AKIAIOSFODNN7EXAMPLE`) are reported as `documented_example`.
///
/// Order matters within a first byte: longer, more specific prefixes come first.
enum TokenCatalogue {
    typealias S = TokenSegment

    static let rules: [TokenRule] = [
        // GitHub
        TokenRule("github_token", "ghp_", .atLeast(.alnum, 36)),
        TokenRule("github_token", "gho_", .atLeast(.alnum, 36)),
        TokenRule("github_token", "ghu_", .atLeast(.alnum, 36)),
        TokenRule("github_token", "ghs_", .atLeast(.alnum, 36)),
        TokenRule("github_token", "ghr_", .atLeast(.alnum, 36)),
        // GitHub's fine-grained tokens hold `[A-Za-z0-9_]` only; a `github_pat_` token with `-` in its
        // body is still a credential, and a body read as words stopped at the `-` and left the rest in clear.
        TokenRule("github_token", "github_pat_", .atLeast(.base64URL, 22)),
        // GitLab
        TokenRule("gitlab_token", "glpat-", .atLeast(.base64URLDot, 20)),
        TokenRule("gitlab_token", "glptt-", S(.hex, 40)),
        TokenRule("gitlab_token", "glrt-", .atLeast(.base64URLDot, 20)),
        TokenRule("gitlab_token", "gldt-", .atLeast(.base64URL, 20)),
        TokenRule("gitlab_token", "glsoat-", .atLeast(.base64URL, 20)),
        TokenRule("gitlab_token", "glffct-", .atLeast(.base64URL, 20)),
        TokenRule("gitlab_token", "glft-", .atLeast(.base64URL, 20)),
        TokenRule("gitlab_token", "glimt-", .atLeast(.base64URL, 25)),
        TokenRule("gitlab_token", "glagent-", .atLeast(.base64URL, 50)),
        TokenRule("gitlab_token", "gloas-", .atLeast(.base64URL, 64)),
        TokenRule("gitlab_token", "glcbt-", .atLeast(.base64URL, 22)),
        TokenRule("gitlab_token", "GR1348941", .atLeast(.base64URL, 20)),
        // Grafana
        TokenRule("grafana_token", "glc_", .atLeast(.base64, 32)),
        TokenRule("grafana_token", "glsa_", S(.alnum, 32), "_", S(.hex, 8)),
        TokenRule("grafana_token", "eyJrIjoi", .atLeast(.base64, 70)),
        // Slack
        // Slack: the numeric team and user ids come first, so `xoxb-my-bot-token` is not a token.
        TokenRule("slack_token", "xoxb-", S(.digits, 8, 14), "-", .atLeast(.alnumDash, 8)),
        TokenRule("slack_token", "xoxp-", S(.digits, 8, 14), "-", .atLeast(.alnumDash, 8)),
        TokenRule("slack_token", "xoxa-", S(.digits, 1, 14), "-", .atLeast(.alnumDash, 9)),
        TokenRule("slack_token", "xoxa-", S(.alnum, 11, 48)),
        TokenRule("slack_token", "xoxr-", S(.digits, 1, 14), "-", .atLeast(.alnumDash, 9)),
        TokenRule("slack_token", "xoxr-", S(.alnum, 11, 48)),
        TokenRule("slack_token", "xoxs-", S(.digits, 1, 14), "-", .atLeast(.alnumDash, 9)),
        TokenRule("slack_token", "xoxo-", S(.digits, 1, 14), "-", .atLeast(.alnumDash, 9)),
        TokenRule("slack_token", "xoxe-", S(.digits, 1), "-", .atLeast(.alnum, 100)),
        TokenRule("slack_token", "xoxe.xoxb-", S(.digits, 1), "-", .atLeast(.alnum, 100)),
        TokenRule("slack_token", "xoxe.xoxp-", S(.digits, 1), "-", .atLeast(.alnum, 100)),
        TokenRule("slack_token", "xapp-", .atLeast(.alnumDash, 20)),
        // AWS and other clouds
        TokenRule("aws_access_key_id", "AKIA", S(.upperAlnum, 16)),
        TokenRule("aws_access_key_id", "ASIA", S(.upperAlnum, 16)),
        TokenRule("aws_access_key_id", "ABIA", S(.upperAlnum, 16)),
        TokenRule("aws_access_key_id", "ACCA", S(.upperAlnum, 16)),
        TokenRule("aws_access_key_id", "A3T", S(.upperAlnum, 17)),
        TokenRule("aws_bedrock_api_key", "ABSK", .atLeast(.base64, 100)),
        TokenRule("aws_bedrock_api_key", "bedrock-api-key-", .atLeast(.base64, 40)),
        TokenRule("google_api_key", "AIza", S(.base64URL, 35)),
        TokenRule("google_oauth_token", "ya29.", .atLeast(.base64URLDot, 30)),
        TokenRule("google_oauth_client_secret", "GOCSPX-", S(.base64URL, 28)),
        TokenRule("alibaba_access_key_id", "LTAI", S(.alnum, 20)),
        TokenRule("tencent_secret_id", "AKID", S(.alnum, 32)),
        TokenRule("yandex_api_key", "AQVN", S(.base64URL, 35, 38)),
        TokenRule("yandex_key", "YCAJE", S(.base64URL, 35)),
        TokenRule("yandex_key", "YCM", S(.base64URL, 37)),
        TokenRule("digitalocean_token", "dop_v1_", S(.hex, 64)),
        TokenRule("digitalocean_token", "doo_v1_", S(.hex, 64)),
        TokenRule("digitalocean_token", "dor_v1_", S(.hex, 64)),
        // AI
        // Anthropic keys are 93 characters and `AA` after their prefix.
        TokenRule("anthropic_api_key", "sk-ant-api03-", S(.base64URL, 95)),
        TokenRule("anthropic_api_key", "sk-ant-admin01-", S(.base64URL, 95)),
        TokenRule("openai_api_key", "sk-proj-", .atLeast(.base64URL, 40)),
        TokenRule("openai_api_key", "sk-svcacct-", .atLeast(.base64URL, 40)),
        TokenRule("openai_api_key", "sk-admin-", .atLeast(.base64URL, 40)),
        TokenRule("openai_api_key", "sk-None-", .atLeast(.base64URL, 40)),
        TokenRule("secret_key", "sk-", .atLeast(.alnum, 32)),
        TokenRule("huggingface_token", "hf_", S(.letters, 34, 40)),
        TokenRule("huggingface_token", "api_org_", S(.letters, 34)),
        TokenRule("replicate_token", "r8_", S(.alnum, 37)),
        TokenRule("groq_api_key", "gsk_", S(.alnum, 52)),
        TokenRule("xai_api_key", "xai-", .atLeast(.alnum, 70)),
        TokenRule("perplexity_api_key", "pplx-", .atLeast(.alnum, 48)),
        TokenRule("nvidia_api_key", "nvapi-", .atLeast(.base64URL, 60)),
        TokenRule("langsmith_api_key", "lsv2_", .atLeast(.word, 40)),
        TokenRule("pinecone_api_key", "pcsk_", .atLeast(.word, 40)),
        // Payments and commerce
        TokenRule("stripe_key", "sk_live_", .atLeast(.alnum, 16)),
        TokenRule("stripe_key", "sk_test_", .atLeast(.alnum, 16)),
        TokenRule("stripe_key", "sk_prod_", .atLeast(.alnum, 16)),
        TokenRule("stripe_key", "rk_live_", .atLeast(.alnum, 16)),
        TokenRule("stripe_key", "rk_test_", .atLeast(.alnum, 16)),
        TokenRule("stripe_key", "rk_prod_", .atLeast(.alnum, 16)),
        TokenRule("stripe_key", "whsec_", .atLeast(.alnum, 32)),
        TokenRule("shopify_token", "shpat_", S(.hex, 32)),
        TokenRule("shopify_token", "shpca_", S(.hex, 32)),
        TokenRule("shopify_token", "shppa_", S(.hex, 32)),
        TokenRule("shopify_token", "shpss_", S(.hex, 32)),
        TokenRule("square_token", "sq0atp-", S(.base64URL, 22, 60)),
        TokenRule("square_token", "sq0csp-", S(.base64URL, 40, 60)),
        TokenRule("square_token", "EAAA", S(.base64URL, 60)),
        TokenRule("shippo_token", "shippo_live_", S(.hex, 40)),
        TokenRule("shippo_token", "shippo_test_", S(.hex, 40)),
        TokenRule("duffel_token", "duffel_live_", S(.base64URLDot, 43)),
        TokenRule("duffel_token", "duffel_test_", S(.base64URLDot, 43)),
        TokenRule("flutterwave_key", "FLWSECK_TEST-", S(.hex, 12, 32), "-", S(.upperAlnum, 1)),
        TokenRule("flutterwave_key", "FLWSECK_TEST-", S(.hex, 12)),
        TokenRule("flutterwave_key", "FLWSECK-", S(.hex, 32), "-", S(.upperAlnum, 1)),
        TokenRule("flutterwave_key", "FLWPUBK_TEST-", S(.hex, 32), "-", S(.upperAlnum, 1)),
        TokenRule("easypost_token", "EZAK", S(.alnum, 54)),
        TokenRule("easypost_token", "EZTK", S(.alnum, 54)),
        TokenRule("adobe_client_secret", "p8e-", S(.alnum, 32)),
        // Messaging and email
        TokenRule("sendgrid_api_key", "SG.", S(.base64URL, 22), ".", S(.base64URL, 43)),
        TokenRule("sendinblue_api_key", "xkeysib-", S(.hex, 64), "-", S(.alnum, 16)),
        TokenRule("mailgun_key", "key-", S(.hex, 32)),
        TokenRule("mailgun_key", "pubkey-", S(.hex, 32)),
        TokenRule("twilio_api_key", "SK", S(.hex, 32)),
        TokenRule("telnyx_api_key", "KEY0", S(.base64URL, 54, 70)),
        // Databases: PostgreSQL's md5 role verifier (`md5` and the MD5 of the password and the role's
        // name: a wordlist cracks it), as `pg_authid`, `pg_dumpall` and old `CREATE ROLE … PASSWORD` hold it.
        TokenRule("postgres_md5_password", "md5", S(.lowerHex, 32)),
        // Developer platforms
        TokenRule("npm_token", "npm_", S(.alnum, 36)),
        TokenRule("pypi_token", "pypi-AgEIcHlwaS5vcmc", .atLeast(.base64URL, 50)),
        TokenRule("pypi_token", "pypi-AgENdGVzdC5weXBpLm9yZw", .atLeast(.base64URL, 50)),
        TokenRule("rubygems_token", "rubygems_", S(.hex, 48)),
        TokenRule("nuget_api_key", "oy2", S(.lowerAlnum, 43)),
        TokenRule("clojars_token", "CLOJARS_", S(.alnum, 60)),
        TokenRule("docker_hub_token", "dckr_pat_", .atLeast(.base64URL, 27)),
        TokenRule("docker_hub_token", "dckr_oat_", .atLeast(.base64URL, 27)),
        TokenRule("vault_token", "hvs.", .atLeast(.base64URL, 24)),
        TokenRule("vault_token", "hvb.", .atLeast(.base64URL, 24)),
        TokenRule("vault_token", "hvr.", .atLeast(.base64URL, 24)),
        TokenRule("vault_token", "s.", S(.alnum, 24)),
        TokenRule("pulumi_token", "pul-", S(.hex, 40)),
        TokenRule("doppler_token", "dp.pt.", S(.alnum, 43)),
        TokenRule("doppler_token", "dp.st.", .atLeast(.base64URLDot, 40)),
        TokenRule("doppler_token", "dp.sa.", .atLeast(.base64URLDot, 40)),
        TokenRule("doppler_token", "dp.ct.", .atLeast(.base64URLDot, 40)),
        TokenRule("doppler_token", "dp.scim.", .atLeast(.base64URLDot, 40)),
        TokenRule("doppler_token", "dp.audit.", .atLeast(.base64URLDot, 40)),
        TokenRule("databricks_token", "dapi", S(.hex, 32), "-", S(.digits, 1)),
        TokenRule("databricks_token", "dapi", S(.hex, 32)),
        TokenRule("dynatrace_token", "dt0c01.", S(.alnum, 24), ".", S(.alnum, 64)),
        TokenRule("dynatrace_token", "dt0s01.", S(.alnum, 24), ".", S(.alnum, 64)),
        TokenRule("new_relic_key", "NRAK-", S(.upperAlnum, 27)),
        TokenRule("new_relic_key", "NRII-", S(.base64URL, 32)),
        TokenRule("new_relic_key", "NRJS-", S(.hex, 19)),
        TokenRule("linear_api_key", "lin_api_", S(.alnum, 40)),
        TokenRule("notion_token", "ntn_", S(.alnum, 46)),
        TokenRule("notion_token", "secret_", S(.alnum, 43)),
        TokenRule("figma_token", "figd_", .atLeast(.base64URL, 40)),
        TokenRule("postman_api_key", "PMAK-", S(.hex, 24), "-", S(.hex, 34)),
        TokenRule("prefect_api_key", "pnu_", S(.alnum, 36)),
        TokenRule("readme_api_key", "rdme_", S(.lowerAlnum, 70)),
        TokenRule("scalingo_token", "tk-us-", S(.base64URL, 48)),
        TokenRule("sentry_token", "sntryu_", S(.hex, 64)),
        TokenRule("sentry_token", "sntrys_", .atLeast(.base64, 80), "_", S(.base64, 43)),
        TokenRule("sourcegraph_token", "sgp_", .atLeast(.word, 40)),
        TokenRule("sonarqube_token", "squ_", S(.hex, 40)),
        TokenRule("sonarqube_token", "sqp_", S(.hex, 40)),
        TokenRule("sonarqube_token", "sqa_", S(.hex, 40)),
        TokenRule("planetscale_token", "pscale_tkn_", S(.base64URLDot, 32, 64)),
        TokenRule("planetscale_token", "pscale_oauth_", S(.base64URLDot, 32, 64)),
        TokenRule("planetscale_token", "pscale_pw_", S(.base64URLDot, 32, 64)),
        TokenRule("settlemint_token", "sm_aat_", S(.alnum, 16)),
        TokenRule("settlemint_token", "sm_pat_", S(.alnum, 16)),
        TokenRule("settlemint_token", "sm_sat_", S(.alnum, 16)),
        TokenRule("typeform_token", "tfp_", S(.base64URLDot, 59)),
        TokenRule("frameio_token", "fio-u-", S(.base64URL, 64)),
        TokenRule("flyio_token", "fo1_", S(.base64URL, 43)),
        TokenRule("flyio_token", "fm1a_", .atLeast(.base64, 100)),
        TokenRule("flyio_token", "fm1r_", .atLeast(.base64, 100)),
        TokenRule("flyio_token", "fm2_", .atLeast(.base64, 100)),
        TokenRule("heroku_api_key", "HRKU-AA", S(.base64URL, 58)),
        TokenRule("infracost_token", "ico-", S(.alnum, 32)),
        TokenRule("intra42_secret", "s-s4t2ud-", S(.hex, 64)),
        TokenRule("intra42_secret", "s-s4t2af-", S(.hex, 64)),
        TokenRule("octopus_deploy_api_key", "API-", S(.upperAlnum, 26)),
        TokenRule("openshift_token", "sha256~", S(.base64URL, 43)),
        TokenRule("artifactory_token", "AKCp", S(.alnum, 69)),
        TokenRule("artifactory_token", "cmVmd", S(.alnum, 59)),
        TokenRule("clickhouse_secret", "4b1d", S(.alnum, 38)),
        TokenRule("cloudflare_origin_ca_key", "v1.0-", S(.hex, 24), "-", S(.hex, 146)),
        TokenRule("age_secret_key", "AGE-SECRET-KEY-1", S(.upperAlnum, 58)),
        TokenRule("onepassword_token", "ops_eyJ", .atLeast(.base64, 200)),
        TokenRule("onepassword_secret_key", "A3-", S(.upperAlnum, 6), "-", .atLeast(.upperAlnumDash, 25)),
        TokenRule("atlassian_api_token", "ATATT3", .atLeast(.base64URLDot, 150)),
        TokenRule("atlassian_api_token", "ATCTT3", .atLeast(.base64URLDot, 150)),
        TokenRule("airtable_token", "pat", S(.alnum, 14), ".", S(.hex, 64)),
        TokenRule("harness_token", "pat.", S(.base64URL, 22), ".", S(.alnum, 24), ".", S(.alnum, 20)),
        TokenRule("harness_token", "sat.", S(.base64URL, 22), ".", S(.alnum, 24), ".", S(.alnum, 20)),
        TokenRule("mapbox_token", "sk.eyJ", .atLeast(.base64URLDot, 60)),
        TokenRule("facebook_token", "EAAC", .atLeast(.alnum, 100)),
        TokenRule("facebook_token", "EAAM", .atLeast(.alnum, 100)),
        TokenRule("facebook_token", "EAAG", .atLeast(.alnum, 100)),
        TokenRule("dropbox_token", "sl.", .atLeast(.base64URLDot, 130)),
        TokenRule("defined_networking_token", "dnkey-", S(.base64URLDot, 79)),
        TokenRule("contentful_token", "CFPAT-", S(.base64URL, 43)),
        TokenRule("authress_key", "authress_", .atLeast(.base64URLDot, 40)),
    ]

    /// Rule indices grouped by first byte, then by second byte, in declaration order within a pair (two
    /// prefixes with different second bytes never match the same bytes, so the order between pairs
    /// decides nothing; within a pair the earlier rule wins, as declared).
    static let sorted: [UInt16] = rules.indices.sorted {
        let (a, b) = (rules[$0].prefix.utf8Start, rules[$1].prefix.utf8Start)
        return (a[0], a[1], $0) < (b[0], b[1], $1)
    }.map(UInt16.init)

    /// The prefix words in `sorted` order (each a rule's first, up to, 8 bytes,
    /// little-endian, with the mask of them and the rule's index), in memory that is never freed: one
    /// global read per candidate instead of two arrays' lazy-initialisation checks and bounds checks, and
    /// a rule's 100-byte description is read only when the candidate's first 8 bytes match its prefix
    /// (most long runs match none: hex digests, UUIDs, base64 blobs).
    ///
    /// `pairs` is a bit per two-byte start (first byte | second byte << 8) that some prefix begins with
    /// (every prefix has two bytes or more): 8 KiB, one load that rejects most candidates before their
    /// group's walk. A start that passes walks only its pair's words (`pairKeys`, `pairGroups`: see
    /// `mk_token_prefixes`): its first byte's group is long for some bytes ('s' starts 35 prefixes, 'p'
    /// 13), and a PII-free table's words ("session", "search", "feature_flags") walked all of it.
    ///
    /// `triples` is a bit per hash of a three-byte start (`mk_prefix_triple_bit`), which stage 1 asks
    /// with the pair's bit, in one branch (see `mk_token_prefixes`).
    ///
    /// The tables are laid out as C structs, so that stage 1 reads the same ones (`stageOne`): it passes
    /// an `_` anchor or a token start only where a prefix starts (`prefixed_underscores`, `token_starts`).
    struct Index: @unchecked Sendable {
        let words: UnsafeBufferPointer<mk_prefix_word>
        let pairs: UnsafeBufferPointer<UInt64>
        let pairKeys: UnsafeBufferPointer<UInt16>
        let pairGroups: UnsafeBufferPointer<mk_prefix_group>
        let stageOne: UnsafePointer<mk_token_prefixes>

        /// Whether some prefix starts with the byte at `start` and the one after it (zero at `upper`).
        @inline(__always)
        func mayStartPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ upper: Int) -> Bool {
            let second = start + 1 < upper ? Int(bytes[start + 1]) : 0
            let pair = Int(bytes[start]) | second << 8
            return pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0
        }

        /// The words of the prefixes that start with `pair` (first byte | second byte << 8): none for a
        /// pair no prefix starts with (the probe is the kernel's, `mk_prefix_pair_group`).
        @inline(__always)
        func words(startingWith pair: Int) -> mk_prefix_group {
            var group = mk_prefix_group(start: 0, count: 0)
            _ = mk_prefix_pair_group(stageOne, UInt32(truncatingIfNeeded: pair), &group)
            return group
        }

        init() {
            let words = UnsafeMutableBufferPointer<mk_prefix_word>.allocate(capacity: max(1, sorted.count))
            let pairs = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 65536 / 64)
            pairs.initialize(repeating: 0)
            let triples = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: Int(MK_PREFIX_TRIPLE_BITS) / 64)
            triples.initialize(repeating: 0)
            for (k, index) in sorted.enumerated() {
                let prefix = rules[Int(index)].prefix
                precondition(prefix.utf8CodeUnitCount >= 2, "a catalogue prefix has two bytes or more")
                var word: UInt64 = 0
                var mask: UInt64 = 0
                for i in 0..<min(8, prefix.utf8CodeUnitCount) {
                    word |= UInt64(prefix.utf8Start[i]) << UInt64(8 * i)
                    mask |= 0xFF << UInt64(8 * i)
                }
                words[k] = mk_prefix_word(word: word, mask: mask, rule: index)
                let pair = Int(word & 0xFFFF)  // the prefix's first two bytes, as `mayStartPrefix` reads them
                pairs[pair >> 6] |= 1 << UInt64(pair & 63)
                // Its first three bytes; a two-byte prefix, whatever byte follows it (zero too).
                let thirds = prefix.utf8CodeUnitCount >= 3 ? [UInt64(prefix.utf8Start[2])] : Array(UInt64(0)..<256)
                for third in thirds {
                    let bit = Int(mk_prefix_triple_bit(UInt64(pair) | third << 16))
                    triples[bit >> 6] |= 1 << UInt64(bit & 63)
                }
            }
            // Each pair's run of words in `sorted` (sorted by pair within a first byte), in a hash table.
            let slots = Int(MK_PREFIX_PAIR_SLOTS)
            let pairKeys = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: slots)
            pairKeys.initialize(repeating: 0)
            let pairGroups = UnsafeMutableBufferPointer<mk_prefix_group>.allocate(capacity: slots)
            pairGroups.initialize(repeating: mk_prefix_group(start: 0, count: 0))
            precondition(sorted.count < slots, "the pair table keeps an empty slot, which ends every probe")
            var k = 0
            while k < sorted.count {
                let pair = UInt16(truncatingIfNeeded: words[k].word & 0xFFFF)
                precondition(pair != 0, "a catalogue prefix starts with two non-zero bytes")
                var end = k + 1
                while end < sorted.count && UInt16(truncatingIfNeeded: words[end].word & 0xFFFF) == pair { end += 1 }
                var slot = Int(mk_prefix_pair_slot(UInt32(pair)))
                while pairKeys[slot] != 0 { slot = (slot + 1) & (slots - 1) }
                pairKeys[slot] = pair
                pairGroups[slot] = mk_prefix_group(start: UInt16(k), count: UInt16(end - k))
                k = end
            }
            self.words = UnsafeBufferPointer(words)
            self.pairs = UnsafeBufferPointer(pairs)
            self.pairKeys = UnsafeBufferPointer(pairKeys)
            self.pairGroups = UnsafeBufferPointer(pairGroups)
            let stageOne = UnsafeMutablePointer<mk_token_prefixes>.allocate(capacity: 1)
            stageOne.initialize(to: mk_token_prefixes(pairs: pairs.baseAddress, words: words.baseAddress,
                                                      pair_keys: pairKeys.baseAddress, pair_groups: pairGroups.baseAddress,
                                                      triples: triples.baseAddress))
            self.stageOne = UnsafePointer(stageOne)
        }
    }

    static let index = Index()

    /// The 8 bytes from `start` as a little-endian word, zeros past `upper` (no prefix holds a zero
    /// byte, so a prefix longer than what is left cannot match).
    @inline(__always)
    static func head(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ upper: Int) -> UInt64 {
        if start + 8 <= upper {
            // Sound: start..<start + 8 lies inside `bytes` (upper <= bytes.count).
            return UnsafeRawPointer(bytes.baseAddress! + start).loadUnaligned(as: UInt64.self)
        }
        var word: UInt64 = 0
        for i in start..<upper { word |= UInt64(bytes[i]) << UInt64(8 * (i - start)) }
        return word
    }

    /// The token that starts at `start`, with its kind, or nil. Tokens shorter than 16 bytes are found
    /// only as assignment values or after `_`: stage 1 triggers on runs of 16 token bytes.
    /// `table` is `index`, read once by a caller that asks many times (each read of the global is a call).
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, lower: Int, upper: Int,
                      in table: Index = index) -> (Range<Int>, SecretKind)? {
        guard start >= lower, start < upper, upper <= bytes.count,
              start == lower || !ASCII.isAlnum(bytes[start - 1]),
              table.mayStartPrefix(bytes, start, upper) else { return nil }
        // A pair that passed has its words: the prefixes that start with it.
        let head = head(bytes, start, upper)
        let group = table.words(startingWith: Int(truncatingIfNeeded: head & 0xFFFF))
        var k = Int(group.start)
        let end = k + Int(group.count)
        while k < end {
            let prefix = table.words[k]
            k += 1
            guard head & prefix.mask == prefix.word else { continue }
            let index = Int(prefix.rule)
            if let tokenEnd = rules[index].match(bytes, start: start, upper: upper) {
                let bodyStart = start + rules[index].prefix.utf8CodeUnitCount
                if TokenPlaceholder.isPlaceholder(bytes, bodyStart, tokenEnd) { return nil }
                if DocumentedExamples.contains(bytes, start, tokenEnd) { return (start..<tokenEnd, .documentedExample) }
                return (start..<tokenEnd, SecretKind(rawValue: SecretKind.catalogueBase + UInt16(index)))
            }
        }
        return nil
    }
}
