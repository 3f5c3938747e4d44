import CMaskKernels
import Testing
@testable import MaskEngine

extension FF1Tests {
    /// Known answers at every length whose halves reach 2^48 (the wide rounds, whose NUM(S) reduction
    /// estimates a quotient with doubles), up to the kernel's longest, for radix 10, 28, 36 and 62, each
    /// under a random two-byte tweak (the length-keeping tokenizer's shape), a quarter of them all
    /// numerals at radix - 1 and a quarter all zero. Made by `python3 Tests/Vectors/ff1_reference.py`
    /// (the lines after "# wideVectors").
    static let wideVectors: [(Int, String, String, String)] = [
        (10, "5f60", "15334552154244433881633010766", "91611765637356996643969150557"),
        (10, "77c4", "100654932669574564464885058383", "187370601175560931706508606051"),
        (10, "6aa9", "2891053913260927170193285537388", "8244542964235365568802897266155"),
        (10, "52b1", "00000000000000000000000000000000", "53830552381820622207510135061856"),
        (10, "720b", "272574077635008416472848212023028", "619468573905847909389343098989181"),
        (10, "41af", "0000000000000000000000000000000000", "9524150847262449737339281679713374"),
        (10, "4fb7", "11246477844964695331659542843416248", "73805388120584346247040685179676287"),
        (10, "4061", "999999999999999999999999999999999999", "584465355832922972976540744025935174"),
        (10, "517c", "9999999999999999999999999999999999999", "8987866742595586627954774410101057589"),
        (10, "612b", "63766848716001902402636880129148616203", "33261144842911429860667272195697235612"),
        (10, "7d48", "000000000000000000000000000000000000000", "774575475389924049877236974072792337185"),
        (10, "7b54", "0802156479535827378731708030276262742659", "8092477186634934221752577150578843454195"),
        (10, "6c44", "00000000000000000000000000000000000000000", "01278377868232548674912754561439430362336"),
        (10, "7996", "716306593124416123876751278744617385311544", "910298827873231286612677371897149551008845"),
        (10, "4250", "8899099174545829486535791196174472989121053", "4321301190846421137739710742779594808900778"),
        (10, "53c0", "00000000000000000000000000000000000000000000", "96586991770895854701761669574352654490316927"),
        (10, "4c91", "980294765817880141798508187482636672535508963", "322828202951961100377187400866504655960046055"),
        (10, "79cb", "9999999999999999999999999999999999999999999999", "7828430601393078721390103344774436186400506198"),
        (10, "7d83", "81100220971013981003497066021517451575520453255", "23697779560755251909367058008026598435775187569"),
        (10, "6a1f", "999999999999999999999999999999999999999999999999", "376307029044662722141332533137708183895671036413"),
        (10, "4441", "0000000000000000000000000000000000000000000000000", "4360686261391338791314837559986431603236866532530"),
        (10, "442a", "99999999999999999999999999999999999999999999999999", "63557133610153831086849651323562008868004856149009"),
        (10, "5bdd", "204149551068369118102753622245275683208392181967123", "995602454711279886802959695830285243018435814035408"),
        (10, "5154", "3699216859612008600611077113475880546904827818148904", "6589624697505326285904172835641991927488917659885245"),
        (10, "6816", "00000000000000000000000000000000000000000000000000000", "71969601827763209346381058078938679596168527826822617"),
        (10, "6e55", "999999999999999999999999999999999999999999999999999999", "415905736960680591625079903448761190833616916530248099"),
        (10, "6554", "0000000000000000000000000000000000000000000000000000000", "6186876207217683831376436713491818100083694396618761944"),
        (10, "41ad", "00000000000000000000000000000000000000000000000000000000", "75087202582274002708149662302142290868919656636445250768"),
        (10, "48be", "467088890245019270733503772674370436800388302184508335294", "270074917805099499339469163784084644779493739974584143475"),
        (10, "468b", "5483613095488853476195232279621247565058806426774053746004", "9306814916232906056127584850934941467381667933543016456975"),
        (10, "5f85", "99999999999999999999999999999999999999999999999999999999999", "77940433215650494137803381135335385387747575217499865421889"),
        (10, "540d", "901647454700517632506131226779459652383954740215961891999034", "312870642274350899716177840068135549897821885048800772645683"),
        (10, "5b1e", "5253935107551640898879313989611254665528213528073418607101121", "9395268499224054815231791560517653666340594210286240873380453"),
        (10, "651d", "00000000000000000000000000000000000000000000000000000000000000", "93160570696459996106623526635940302251035777464643546597265665"),
        (10, "6041", "999999999999999999999999999999999999999999999999999999999999999", "842210830205520864451541876620846944611927520454499279874002258"),
        (10, "79bd", "0000000000000000000000000000000000000000000000000000000000000000", "2945998188437831381508909323996815564905879905946668761001214417"),
        (10, "60ce", "80504857599317073027089121704197616247191599545997959309025678029", "15501243014763084550730064059970364072539065580956306050109334393"),
        (10, "5b03", "230023962946219449882025089036066125128915329548295822361248571148", "029103551446789486723358875763082254921049753345400370730101908170"),
        (10, "5c09", "0000000000000000000000000000000000000000000000000000000000000000000", "2789150954143148095223123134171058975730969548346043008947581045519"),
        (10, "6ec2", "99999999999999999999999999999999999999999999999999999999999999999999", "45563888175321512199500238256278838453274870108407733154226045801940"),
        (10, "530b", "000000000000000000000000000000000000000000000000000000000000000000000", "687490559009403424213542841417747701751624587398531898075152934049609"),
        (10, "5886", "0000000000000000000000000000000000000000000000000000000000000000000000", "6380008375250862377689373102491858684134279784091442963254077857262985"),
        (10, "4056", "00000000000000000000000000000000000000000000000000000000000000000000000", "63957096603762689995634583783929433742584325523738416887490536637166340"),
        (10, "68ca", "442733967033624459275656959778432173846693571184932359732814605270154137", "960083716352350162721763006766120539399215407081810249110647613181302839"),
        (28, "702a", "ig22ron1jhek3m2gf1n", "pimdeg9h5dc0284ddpb"),
        (28, "4b13", "rrrrrrrrrrrrrrrrrrrr", "imfrca2887e4oce6fojh"),
        (28, "50fa", "4l8og0h9pl77jr0b9i3d3", "fak7b6hdp443jkdh41nal"),
        (28, "5cf6", "lrphej8d1d46n4lhda7ro0", "boga3opp0c3b3aja52ibo2"),
        (28, "42da", "00000000000000000000000", "k6kdq69gm7bj60bfh38af7e"),
        (28, "75ac", "5bmedm5bbmbdpd07if2a9g8n", "2r348rp7kqdg9b9l7638l08n"),
        (28, "72cb", "d6elm2p1d29d5h925io2kgr54", "233dp6qc279dgh5mpo3e0j2li"),
        (28, "5653", "00000000000000000000000000", "igj08af092ko72608hpn30g9b6"),
        (28, "5677", "fl3bi22cole33cqahflgl014b1h", "9iq574qgoo557o6cih70rgm665r"),
        (28, "7a7a", "mme0i3fpjgc8h5fb88rlrm9h11m4", "5l9d1bf76fkog3h701lihrf31ghr"),
        (28, "48ff", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrr", "bc1ffqf15kdp86rimg1grodbal357"),
        (28, "4e3f", "02dq5kge527jndf7onijq9ampbch2g", "95ejeioh1nm14pa4narnmik4j9b2bp"),
        (28, "426a", "25gponorp03b2lfcf50r9jod2fgo1ar", "crqa4iq9mjrn232cj42dmj7olefq6hf"),
        (28, "4378", "00000000000000000000000000000000", "10k04ieff6d62onqmcd5h7qirnp3h27i"),
        (28, "52a9", "2n486m7npijok22ln4ki2dcfd7n80dgkr", "rebkl8hop7ima4o2n4md5ee3i9dn5p9f9"),
        (28, "65cd", "0000000000000000000000000000000000", "nqek9b7608ah8jaq25igpfejn7b6j18f45"),
        (28, "5273", "rpr8rjm2gj24ce6403djjfj0b39mjr8c4j0", "ipm6qdl13lnl5i6k67p90rikc3h6h3akemj"),
        (28, "5498", "7d5j0m1rog72nh1dn5800dq1o8h67h9mga8p", "mjk470i97kh5pjq6hm3mkk9dfijq6g32q62q"),
        (28, "78e5", "0000000000000000000000000000000000000", "9fam7pcq4b38regr1g4ni0h2n0ekp3ekeh0o8"),
        (28, "651f", "gomb95elib7d11rq5g435jfiia6je8f1cop9pi", "62lq2jmrjgi4dc1k2cqdafnbainp2mm2pj7h79"),
        (28, "6867", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr", "9img5pl1bggkaig0gn5mq6jjr5g1ballag8eqmo"),
        (28, "663b", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr", "6hh5hj4f26c6ioo3n0hropoglhgdaej5q015aij8"),
        (28, "7511", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr", "4c1qn5inm5e2rb64qjmnhfeh3gaf19k7p17iqcnog"),
        (28, "50a3", "df9ehh22chrcbjmhff28j1gg89ecp8mo5odb3lj1jq", "6e19rh4j2h80fe8gr4i7l284fnjro4jcdabfj5lj8b"),
        (28, "50ca", "8cqm5nhhg33i04c8rhh411qn7l4hegk9ohad3ca6kli", "i07n7o0qp8q2geq1c9ioeajkrm50arp62m6e80ibmmn"),
        (28, "4d10", "kmor2lq37e86n0e546egoe10nae2dco23igpemcq39jg", "b940m6km154549mnkk58544d7p1l90d1j5gd216e7b68"),
        (28, "7dcb", "000000000000000000000000000000000000000000000", "hnc7n3rh250bg4rfbpnna3ch2irgap3jmojdkfea6m901"),
        (28, "4edf", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr", "jdoihmck30l793l3dl9a8bbdpc0ionbi8lq5p3i5f57gm2"),
        (28, "703f", "979hl9e1ai04rpm5m97hikqq3bcf89461kii16frklg4gmh", "olrg0334pd13bj4o13e4p2f4jlc15qbrqg2fc5dj3olpk9a"),
        (28, "5f59", "ojfcedd2bjlgl85de199rnffdr1hm8c6iqdqmlbdb832am04", "4h3o6dggnrmgql2393b93ca5cqr7b8frk7eb56k84nc27hin"),
        (36, "4d52", "khzi0w2n9u11wncwvpu", "9dgwia58lmmgay415ld"),
        (36, "77c9", "00000000000000000000", "0b1nk9n8hygpbqye6xnb"),
        (36, "49cd", "rxix7zhyzxx7lmr1frl5x", "dezqgg0hfe0uaelwyo84m"),
        (36, "5273", "zzzzzzzzzzzzzzzzzzzzzz", "xnrukh1nf9p8hwcvptewde"),
        (36, "50db", "zzzzzzzzzzzzzzzzzzzzzzz", "q134gps4wvgmezxxdbsmjoh"),
        (36, "7dc8", "zzzzzzzzzzzzzzzzzzzzzzzz", "pt4mil2dfu4s9xouyvfyhhuw"),
        (36, "4f7a", "zzzzzzzzzzzzzzzzzzzzzzzzz", "4t0hdl8d67gqj7qibzcrsav94"),
        (36, "5dab", "00000000000000000000000000", "gg0nfdwn5m7p1zv4r2f9dajb1f"),
        (36, "4a3b", "t3dz374mampb9ti29gkwn75i3tm", "s2mfz9jt9rvd6tz51rvdy89a92l"),
        (36, "421c", "zzy6sbw4uomwa1fo5dyb1zy50bc4", "aeunywc8m05o0r8pyp8b50hc4hrf"),
        (36, "44b5", "1kielzyyd4z28maji9e61sslt0hby", "gneszj1dj3ait0uk57bgpymkqlju2"),
        (36, "588b", "000000000000000000000000000000", "9vhcw9hgwdutz37gfpw7xsp8ujsvbb"),
        (36, "6fea", "kf1j38oc8f26um20a25a80orqn6ct7m", "1lfy30its6ucfl3icxtfvk8ku6avw0f"),
        (36, "7971", "t9u4f60k0cndpnzyjed5fz42mv83ox3a", "h4bbqgd7qtnzlc47gs5jvxvhz86737us"),
        (36, "6975", "v7mjn0podo8nf4mcpv7p7gzxip5i5ll42", "0cb1owmy2ikgmyhw1uteam3344b4antvx"),
        (36, "4a03", "arv1hou73iajzkgi5cl9wl6kfu3a6ymfww", "53nc9m0l8lo7hjed7wj8zmkyxcgozkgyhs"),
        (36, "4db8", "cl0x74lpsy8gg2uiqot2felwi13d961ojun", "yybsrzzrhnirgha8ulnf9o0lok7j5l5xj9t"),
        (36, "403f", "okukxqf0amx8vj9rdzy4aebud2fob8epmupu", "dacynzfdnjs1kcca8hjxn8u3csahx8x35q6k"),
        (36, "4335", "0000000000000000000000000000000000000", "87phyr6o0be5d1xb0m2wrujpgso6tumj513ma"),
        (36, "6f8e", "omenjpm00bglhb53nw0ihr09foqmp4y8b50rzf", "qdi8y7ah47jdbgk32fwmz0pnj51empgcgwsg2l"),
        (36, "7c56", "xintas9csa5n0m55ovc9m039wdxw427htaesxwx", "2oc4lrefzpfffdptlmw2u886mssdaykzze4brhs"),
        (36, "71e2", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "bps0g26uw8vckl3sbfhmjtj9drgtjf7ds2d1hqwv"),
        (36, "7946", "w2mxkvtbpqjrawqjc569lp3qv8h3owi4wob0t6ww4", "72z4gsq3ku1il2yavqkn1z4echyf5z4n5jvnm1zdm"),
        (36, "7959", "tr8ji6p8v3e6b811a85jqoydns8qzze79ptstdph9s", "uzdhfipgh3fnumsbu453orsyrbf0o73lvv3zyfqflm"),
        (36, "40b9", "0000000000000000000000000000000000000000000", "0al6zkutmqh5rmki1yrlnqtytz0le8qsllks6aitpxf"),
        (36, "5e14", "00000000000000000000000000000000000000000000", "sbapaeloa0pu6n250nkfs1enpu25vc49za26xyidygzn"),
        (36, "446a", "kv10dkd6ty3rmsfk4rq072ucpbgj816mcdjj3o2pyz57d", "w29lssce3hvyud10sqanfo4euabnld9tcv13pu1xgyabm"),
        (36, "7f20", "gy5ergtuhacyfa2940jtornrkl5e3si4dy512iuz9ht9hr", "muwcom4iz2b4b6ft62ro20lwtujoxhk92oxj6vwpe6iht1"),
        (62, "4e41", "00000000000000000", "72aAc4MlZ21UODKtE"),
        (62, "4b8c", "000000000000000000", "yV0XpyWpaK2b21ie0U"),
        (62, "7ba4", "0000000000000000000", "RKmeuD0qitbt46rR16a"),
        (62, "6cd7", "00000000000000000000", "PEVAsDM91JkqRf47zQR9"),
        (62, "66dd", "000000000000000000000", "wDUQKsKJcdb6eYcAdusRC"),
        (62, "4a03", "0000000000000000000000", "bGqhlUms4PvPjGA6KtY84y"),
        (62, "5994", "tH5qZkqAJ9Z0XkTrI7Lgfe6", "ZO8ntFjSvQIBUZrKLV5dfUR"),
        (62, "5467", "ZZZZZZZZZZZZZZZZZZZZZZZZ", "37gXnUGaVBQ4BpMwt0tZGndh"),
        (62, "6644", "F4LfEhnznk5zT3cu7oPHDCGa2", "hHht3EKi7ll84j5PaSUqeJO12"),
        (62, "6d9a", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "sTNSBxY00eMbnhyf7lti6YWg8G"),
        (62, "5ac5", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "RSJkjUtksbUtEG3DhqEddxeBa2z"),
        (62, "4bf0", "UMv05w4DGOZsWZQTQre6WVZZX026", "0Toe6Q3giXEli1ge4li205UwvF2V"),
        (62, "72d2", "F3yDHlr48KnW4H0EMLFyXt1wXGHDN", "FqVa5NKPwjOORVASZ3BkmNZRN91ln"),
        (62, "6032", "G2F9SbQTONpV3Dy3JEouCqp3Ho6L7u", "uNsS9LNdBWFXcPv7LLzPq3eoqofh9D"),
        (62, "5136", "xDAdYQZ9j0sETA639H4TGQm09GRTknb", "Nn9as7l5erVr1H7LrH2LCvxXMn5OARy"),
        (62, "6c0f", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "aRpZk1WEfU10DfACJPtwDucnBWkDRhJf"),
        (62, "5ca3", "oqxkYVInt9FJkf0XbGc88jJKytotlUdYY", "n0qo4Bh1oDrf26UyiVVsNP1HyvGLShMoF"),
        (62, "4030", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "9ZvQTvZmljmNmvs7TgmL8dMoyKlJC0yAHM"),
        (62, "73b1", "uAyTx1YnXGiwMQYnGk5ACYIAgYxI9xpUdDB", "RjodRNDJWcGS8gYzrWGIQ2rpI6fUgyuWU6o"),
        (62, "5538", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "OH5QSWDC4Hhsem5qk6wv4YTXEn73LJe7hUV6"),
        (62, "64fc", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "VvqxTw4WcLOj3p2bFFIwTyQ2hOZlWeUWNGF3U"),
        (62, "55c6", "00000000000000000000000000000000000000", "qjnyc6f2zPYWxhWHhZJ8sxoUHsqPI4NexhOtN9"),
        (62, "5d14", "2ZhTHhKhdGHrILIpbhChwQlY9hoioWuEKkyAzoN", "MMbS0H6f8PYOJFd2RYASMNLz1kDnh1tXNwFaNLr"),
        (62, "49c6", "ECdQo32CuAKvsr03SmNn5WTRT7BmdFXDyC7EDFfs", "z2JRhrRik5OYKMDymppmugqrCdKBwGLbi62Wg1pb"),
    ]

    /// Each wide vector through mk_ff1_encrypt, mk_ff1_decrypt and a prepared wide plan, on every AES path.
    @Test(arguments: wideVectors)
    func ff1MatchesTheReferenceAtEveryWideLength(_ radix: Int, _ tweak: String, _ plain: String, _ cipher: String) {
        Self.expectKnownAnswer(radix, tweak, plain, cipher)
    }

    /// The plans whose moduli the reduction tests walk: (radix, numerals) with moduli from about 2^65 to
    /// 2^119 and 3, 4 and 5 words of S; `body` gets each plan, which modulus (0 or 1) and its value.
    static func forEachWideModulus(_ body: (inout mk_ff1_wide_plan, _ which: Int, _ modulus: UInt128) -> Void) {
        var key = nistKey
        for (radix, n) in [(62, 22), (62, 24), (10, 44), (36, 28), (62, 30), (10, 60), (62, 36), (62, 40), (10, 72)] {
            var plan = mk_ff1_wide_plan()
            #expect(mk_ff1_prepare_wide(&plan, &key, [0x41, 0x41], 2, UInt32(radix), n) == 0, "radix \(radix), \(n) numerals")
            for which in 0..<2 {
                let modulus = which == 0
                    ? UInt128(plan.modulus_high.0) << 64 | UInt128(plan.modulus_low.0)
                    : UInt128(plan.modulus_high.1) << 64 | UInt128(plan.modulus_low.1)
                body(&plan, which, modulus)
            }
        }
    }

    /// A value T = k·m + δ (δ from −3 to 3, k random) as S's `words` big-endian 32-bit words: T fits the
    /// last words, whose weights are 2^(32j) exactly while 2^(32j) < m. nil when k·m + δ would not fit.
    static func nextToAMultiple(of modulus: UInt128, words: Int,
                                _ g: inout StageOneTests.Generator) -> (t: UInt128, w: [UInt32], delta: Int)? {
        let limbs = min(words, modulus > UInt128(1) << 96 ? 4 : 3)
        let top = limbs == 4 ? UInt128.max : (UInt128(1) << 96) - 1
        let k = UInt128(g.next()) % (top / modulus) + 1
        let delta = Int(g.next() % 7) - 3
        let base = k * modulus
        guard delta >= 0 ? top - base >= UInt128(delta) : base >= UInt128(-delta) else { return nil }
        let t = delta >= 0 ? base + UInt128(delta) : base - UInt128(-delta)
        var w = [UInt32](repeating: 0, count: words)
        for j in 0..<limbs { w[words - 1 - j] = UInt32(truncatingIfNeeded: t >> (32 * UInt128(j))) }
        return (t, w, delta)
    }

    /// The wide rounds' reduction of NUM(S) is exact next to multiples of the modulus, where the quotient
    /// estimated with doubles is one off either way and one correction must put it right: values
    /// k·m + δ (δ from −3 to 3) for moduli between 2^64 and 2^120, each against UInt128's `%`.
    @Test func theWideReductionIsExactNextToMultiplesOfTheModulus() {
        var g = StageOneTests.Generator(state: 0x51DE)
        var checked = 0
        Self.forEachWideModulus { plan, which, modulus in
            for _ in 0..<400 {
                guard let (t, w, delta) = Self.nextToAMultiple(of: modulus, words: Int(plan.words), &g) else { continue }
                var out: (UInt64, UInt64) = (0, 0)
                withUnsafeMutableBytes(of: &out) { o in
                    mk_ff1_wide_reduce(&plan, Int32(which), w, o.baseAddress!.assumingMemoryBound(to: UInt64.self))
                }
                let got = UInt128(out.1) << 64 | UInt128(out.0)
                #expect(got == t % modulus, "modulus \(modulus), δ \(delta)")
                checked += 1
            }
        }
        #expect(checked > 5_000)
    }

    /// The vector rounds' step, (A + NUM(S)) mod m in eight lanes, is exact next to multiples of the
    /// modulus, where the quotient estimated low leaves NUM(S)'s remainder between m and 2m and A + y
    /// must lose m twice: values k·m + δ (δ from −3 to 3) for moduli between 2^64 and 2^120, A at 0, 1,
    /// m − 1 or random, each against UInt128's `%`.
    @Test(.requires(.aes, .wide)) func theVectorRoundStepIsExactNextToMultiplesOfTheModulus() {
        var g = StageOneTests.Generator(state: 0x1A9E)
        var checked = 0
        // Lanes where A + y reaches m (A at m - 1): there an estimate left low (y_raw in [m, 2m), which the
        // k·m + δ values with δ >= 0 make) takes the sum past 2m, the case that needs the second subtraction.
        var sumsPastModulus = 0
        Self.forEachWideModulus { plan, which, modulus in
            let words = Int(plan.words)
            for _ in 0..<60 {
                var w = [UInt32](repeating: 0, count: 8 * 5)
                var a = [UInt64](repeating: 0, count: 16)
                var expected: [UInt128] = []
                for lane in 0..<8 {
                    var near = Self.nextToAMultiple(of: modulus, words: words, &g)
                    while near == nil { near = Self.nextToAMultiple(of: modulus, words: words, &g) }
                    let (t, tWords, _) = near!
                    for i in 0..<words { w[lane * 5 + i] = tWords[i] }
                    let r = UInt128(g.next()) << 64 | UInt128(g.next())
                    let aValue = [UInt128(0), 1, modulus - 1, r % modulus][lane % 4]
                    a[2 * lane] = UInt64(truncatingIfNeeded: aValue)
                    a[2 * lane + 1] = UInt64(truncatingIfNeeded: aValue >> 64)
                    let y = t % modulus
                    if aValue == modulus - 1 && y >= 1 { sumsPastModulus += 1 }
                    expected.append(aValue >= modulus - y ? aValue - (modulus - y) : aValue + y)
                }
                var out = [UInt64](repeating: 0, count: 16)
                #expect(mk_ff1_wide_round_lanes(&plan, Int32(which), w, a, &out) == 0)
                for lane in 0..<8 {
                    let got = UInt128(out[2 * lane + 1]) << 64 | UInt128(out[2 * lane])
                    #expect(got == expected[lane], "modulus \(modulus), lane \(lane)")
                    checked += 1
                }
            }
        }
        #expect(checked > 5_000 && sumsPastModulus > 100)
    }
}
