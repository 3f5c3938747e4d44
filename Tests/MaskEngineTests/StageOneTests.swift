import CMaskKernels
import Testing
@testable import MaskEngine

/// The AVX2 kernel and its scalar twin agree on every length and alignment, and the CSV splitter
/// agrees with a naive quote-aware scan on each of its paths. Every comparison forces each path and
/// asserts it ran (KernelPathTests.swift); on a CPU without AVX2 the comparisons are reported as
/// skipped, not passed.
@Suite struct StageOneTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    /// Every field of every block, AVX2 against scalar, with the byte at `p` named on failure.
    static func expectSameMasks(_ fast: [mk_block_masks], _ slow: [mk_block_masks], blocks: Int, _ what: String) {
        for i in 0..<blocks {
            let a = fast[i], b = slow[i]
            #expect(a.anchor == b.anchor && a.trigger == b.trigger && a.digit == b.digit && a.digitstart == b.digitstart
                    && a.structural == b.structural && a.longrun == b.longrun && a.tokenstart == b.tokenstart
                    && a.otherstart == b.otherstart,
                    "\(what) block \(i)")
        }
    }

    /// Classifies `bytes[start..<start + length]` through `mk_classify` with `path` forced, and expects
    /// that path to have run.
    static func classify(_ bytes: [UInt8], start: Int, length: Int, structural: [UInt8], on path: KernelPath)
        -> [mk_block_masks] {
        var masks = [mk_block_masks](repeating: mk_block_masks(), count: max((length + 63) / 64, 1))
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) {
            bytes.withUnsafeBufferPointer { b in mk_classify(b.baseAddress, b.count, start, length, structural, &masks, StageOneIndex.tokenPrefixes) }
        }
        return masks
    }

    /// Classifies `bytes[start..<start + length]` on the vector path `fast` and on the scalar twin.
    static func classifyBoth(_ bytes: [UInt8], start: Int, length: Int, structural: [UInt8], fast: KernelPath)
        -> (vector: [mk_block_masks], scalar: [mk_block_masks]) {
        (classify(bytes, start: start, length: length, structural: structural, on: fast),
         classify(bytes, start: start, length: length, structural: structural, on: .portable))
    }

    /// Each vector path (AVX2, and AVX-512BW where the CPU has it) gives the scalar twin's masks.
    @Test(.requires(.stageOneClassify), arguments: AcceleratedKernel.stageOneClassify.vectorPaths)
    func vectorPathsMatchScalar(_ fastPath: KernelPath) {
        var g = Generator(state: 42)
        // Token bytes are frequent, so runs of 16 straddle block and window ends; keyword letters, digits
        // and joiners make every derived condition fire somewhere.
        let alphabet = Array("@_=:>-yJxoIAzabcdefgh0123456789.~,\"'\n\r \t(%#uUX/$[]!?+|keypaswordtincQ".utf8)
            + Array("abcdefghijklmnop".utf8) + [0, 0x80, 0xC3, 0xFF, 0x7F]
        let structural: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        for total in 0..<420 {
            let bytes = (0..<total).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            for start in stride(from: 0, through: max(0, total - 1), by: 64) {
                // A window that ends before the buffer does, and one that runs to its end.
                for length in Set([total - start, min(total - start, 64 + Int(g.next() % 64))]) where length >= 0 {
                    let (fast, slow) = Self.classifyBoth(bytes, start: start, length: length, structural: structural, fast: fastPath)
                    Self.expectSameMasks(fast, slow, blocks: (length + 63) / 64, "\(fastPath): total \(total) start \(start) length \(length)")
                    for i in 0..<((length + 63) / 64) {
                        // The long-run mask says what a byte loop says, and token starts are word starts of long runs.
                        for bit in 0..<64 where start + i * 64 + bit < start + length {
                            let p = start + i * 64 + bit
                            let expected = p + 16 <= total && bytes[p..<(p + 16)].allSatisfy(Self.isTokenByte)
                            #expect(((slow[i].longrun >> UInt64(bit)) & 1 == 1) == expected, "long run at \(p) of \(total)")
                            let wordStart = Self.isAlnum(bytes[p]) && (p == 0 || !Self.isAlnum(bytes[p - 1]))
                            #expect((slow[i].tokenstart >> UInt64(bit)) & 1 == 0 || (expected && wordStart), "token start at \(p)")
                            // A long run's start at a token byte that is no letter or digit, where a token
                            // can start, exactly.
                            let otherStart = expected && !Self.isAlnum(bytes[p]) && (p == 0 || !Self.isTokenByte(bytes[p - 1]))
                                && Self.tokenMayStart(bytes, at: p)
                            #expect(((slow[i].otherstart >> UInt64(bit)) & 1 == 1) == otherStart, "other start at \(p) of \(total)")
                        }
                    }
                }
            }
        }
    }

    /// Buffers of many blocks, so that the vector paths' eight-block groups and what one group hands
    /// the next (the class masks of the block before, the keyword fill, the last "-u", digit groups
    /// across the group's end) are compared too: pieces of digit text (runs of every length, cards, SSNs,
    /// dates), credential phrases, "-u" commands, dash runs, emails and random bytes, with windows
    /// starting at every block and ending anywhere.
    @Test(.requires(.stageOneClassify), arguments: AcceleratedKernel.stageOneClassify.vectorPaths, [
        // CSV's, a column batch's copies (none), tab-separated text with a NUL among the four (a zero is
        // compared once another byte is not), and a delimiter from 0x80 (the wide path's tables take
        // bytes below it only).
        ",\"\n\r", "\0\0\0\0", "\t\0\n\0", "\u{7F};\n\r",
    ].map { Array($0.utf8) } + [[0xA7, 0x22, 0x0A, 0x0D]])
    func vectorPathsMatchScalarAcrossBlockGroups(_ fastPath: KernelPath, structural: [UInt8]) {
        var g = Generator(state: 7)
        let phrases = ["password=", "api_key: \"", "curl -u admin:", " -U x ", "-----BEGIN ", "token\",", "ghp_",
                       "sk_live_", "eyJhbGciOi", "a@b.example", "%40", "&#64;", "https://", " == ", "(\"", "secret'",
                       "1234567890123", "AKIA", "\u{00E9}t\u{00E9}", " --password ", "-api-token ", " my password is ",
                       " pin was ", "-x81Q~", "_a9Q~x"].map { Array($0.utf8) }
        let alphabet = Array("@_=:>-yJxoIAzabcdefgh0123456789.~,\"'\n\r \t(%#uUX/$[]!?+|;".utf8) + [0, 0x80, 0xFF, 0xA7, 0x7F]
        for round in 0..<24 {
            let total = 1100 + Int(g.next() % 2000)
            var bytes: [UInt8] = []
            while bytes.count < total {
                switch g.next() % 5 {
                case 0: bytes += Self.digitText(&g, bytes: 1 + Int(g.next() % 40))
                case 1: bytes += phrases[Int(g.next() % UInt64(phrases.count))]
                case 2: bytes += [UInt8](repeating: UInt8(ascii: round % 2 == 0 ? "-" : "9"), count: 1 + Int(g.next() % 140))
                default: bytes += (0..<(1 + Int(g.next() % 30))).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
                }
            }
            bytes.removeLast(bytes.count - total)
            for start in stride(from: 0, to: total, by: 64) {
                for length in Set([total - start, min(total - start, 1 + Int(g.next() % 1200))]) {
                    let (fast, slow) = Self.classifyBoth(bytes, start: start, length: length, structural: structural, fast: fastPath)
                    Self.expectSameMasks(fast, slow, blocks: (length + 63) / 64,
                                         "\(fastPath): round \(round) total \(total) start \(start) length \(length)")
                }
            }
        }
    }

    /// Tables of numbers: three to eight runs of ten digits or more a block (ids, timestamps, phone
    /// numbers, Luhn-valid numbers of 12 to 19 digits, runs of 20 and more), lone or joined to more
    /// digits, ending anywhere in the window and at the buffer's end: the wide path, which checks such
    /// blocks' runs and Luhn sums all at once, gives the scalar twin's masks.
    @Test(.requires(.stageOneClassify), arguments: AcceleratedKernel.stageOneClassify.vectorPaths)
    func blocksOfManyLongRunsMatchScalar(_ fastPath: KernelPath) {
        var g = Generator(state: 0x1D5)
        func digits(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(48 + g.next() % 10) } }
        func luhnValid(_ n: Int) -> [UInt8] { Self.withLuhnCheckDigit(digits(n - 1)) }
        let separators = Array(",,,\n ;-.x\t".utf8)
        let structural: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        var kept = 0
        for round in 0..<40 {
            let total = 200 + Int(g.next() % 1800)
            var bytes: [UInt8] = []
            while bytes.count < total {
                switch g.next() % 4 {
                case 0: bytes += luhnValid(12 + Int(g.next() % 8))
                case 1: bytes += digits(10 + Int(g.next() % 14))
                case 2: bytes += digits(1 + Int(g.next() % 9))
                default: bytes += digits(12 + Int(g.next() % 8))
                }
                bytes.append(separators[Int(g.next() % UInt64(separators.count))])
            }
            bytes.removeLast(bytes.count - total)
            for start in stride(from: 0, to: total, by: 64) {
                for length in Set([total - start, min(total - start, 1 + Int(g.next() % 700))]) {
                    let (fast, slow) = Self.classifyBoth(bytes, start: start, length: length,
                                                         structural: round % 2 == 0 ? structural : [0, 0, 0, 0], fast: fastPath)
                    Self.expectSameMasks(fast, slow, blocks: (length + 63) / 64,
                                         "\(fastPath): round \(round) total \(total) start \(start) length \(length)")
                    kept += slow.prefix((length + 63) / 64).reduce(0) { $0 + $1.digitstart.nonzeroBitCount }
                }
            }
        }
        #expect(kept > 1000)
    }

    /// Adversarial buffers: long runs of one class (all digits, all keyword letters, all dashes, all
    /// spaces), so carries cross every block and the warm-up before a window starts inside a run.
    @Test(.requires(.stageOneClassify), arguments: AcceleratedKernel.stageOneClassify.vectorPaths)
    func vectorPathsMatchScalarOnRuns(_ fastPath: KernelPath) {
        let fills: [[UInt8]] = [Array("9".utf8), Array("password ".utf8), Array("-".utf8), Array(" ".utf8),
                                Array("1234 ".utf8), Array("key=".utf8), Array("-u a:".utf8), Array("@a".utf8),
                                Array("--password ".utf8)]
        for fill in fills {
            for total in [63, 64, 65, 127, 128, 129, 255, 256, 257, 320, 383, 384, 385, 700] {
                let bytes = (0..<total).map { fill[$0 % fill.count] }
                for start in stride(from: 0, to: total, by: 64) {
                    let (fast, slow) = Self.classifyBoth(bytes, start: start, length: total - start, structural: [0, 0, 0, 0],
                                                         fast: fastPath)
                    Self.expectSameMasks(fast, slow, blocks: (total - start + 63) / 64,
                                         "\(fastPath): fill \(fill) total \(total) start \(start)")
                }
            }
        }
    }

    /// The masks of a window do not depend on where the window starts: a window inside the buffer sees
    /// what a classification of the whole buffer sees, except that the keyword fill may stay open longer
    /// (a superset). On each path the CPU has.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func windowsAgreeWithWholeBuffer(_ path: KernelPath) {
        var g = Generator(state: 9)
        let alphabet = Array("0123456789 -.:=_@\"',(abkeypassuxX%#\n".utf8)
        for total in [200, 300, 513, 1000] {
            let bytes = (0..<total).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            let whole = Self.classify(bytes, start: 0, length: total, structural: [0, 0, 0, 0], on: path)
            for start in stride(from: 64, to: total, by: 64) {
                let part = Self.classify(bytes, start: start, length: total - start, structural: [0, 0, 0, 0], on: path)
                for i in 0..<((total - start + 63) / 64) {
                    let w = whole[start / 64 + i], p = part[i]
                    #expect(w.digitstart == p.digitstart && w.trigger == p.trigger && w.digit == p.digit
                            && w.longrun == p.longrun && w.tokenstart == p.tokenstart, "total \(total) start \(start) block \(i)")
                    #expect(w.anchor & ~p.anchor == 0, "a window lost an anchor: total \(total) start \(start) block \(i)")
                }
            }
        }
    }

    /// A reader that walks forward the way the CSV and COPY record loops do (find a field's end, then
    /// scan the field from its start) has each block classified about once: a window that follows the
    /// last one starts a little before it, so the field that crossed the boundary is not classified again
    /// from its start. Small windows too: each new window still moves on.
    @Test(arguments: [256, 4096, 16 * 1024])
    func aForwardReaderHasEachBlockClassifiedAboutOnce(_ windowBytes: Int) {
        var g = Generator(state: 31)
        var text: [UInt8] = []
        while text.count < 1 << 20 {
            text += (0..<Int(5 + g.next() % 60)).map { _ in UInt8(ascii: "a") + UInt8(g.next() % 26) }
            text.append(g.next() % 8 == 0 ? 10 : UInt8(ascii: ","))
        }
        let index = StageOneIndex(structural: (UInt8(ascii: ","), 10, 10, 10), windowBytes: windowBytes)
        text.withUnsafeBufferPointer { bytes in
            index.reset(bytes)
            var pos = 0
            var fields = 0
            while pos < bytes.count {
                let end = index.nextStructural(from: pos, before: bytes.count) ?? bytes.count
                _ = index.hasCandidatesToScan(pos, max(end, pos + 1))
                pos = end + 1
                fields += 1
            }
            let blocks = (bytes.count + 63) / 64
            // A window of W blocks costs W, its overlap (a quarter at most, 16 at most) and 4 warm-up blocks.
            let windowBlocks = windowBytes / 64
            let perWindow = Double(windowBlocks + 4 + min(16, windowBlocks / 4))
            let bound = Double(blocks) * perWindow / Double(windowBlocks - min(16, windowBlocks / 4)) + perWindow
            #expect(fields > 10_000)
            #expect(Double(index.classifiedBlocks) <= bound,
                    "\(index.classifiedBlocks) blocks classified for \(blocks), window \(windowBytes) bytes")
        }
    }

    /// A batch reader (`TextRecordBatch`) pins the window at a batch's start, reads its records forward,
    /// then walks its columns in any order: the walk finds every block classified (none classified
    /// again), the masks are those of a classification of the whole buffer (anchors a superset), and
    /// the buffer is classified about once in all.
    @Test func aPinnedWindowKeepsItsBatchClassifiedOnce() {
        var g = Generator(state: 77)
        let alphabet = Array("0123456789 -.:=_@\"',(abkeypassuxX%#\n".utf8)
        let bytes = (0..<100_000).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
        let whole = StageOneIndex(windowBytes: 1 << 20)
        let index = StageOneIndex(windowBytes: 1024)
        bytes.withUnsafeBufferPointer { b in
            whole.reset(b)
            index.reset(b)
            whole.ensure(0, b.count)
            var pos = 0
            var batches = 0
            while pos < b.count {
                index.pin(from: pos)
                let batchEnd = min(b.count, pos + 3000 + Int(g.next() % 6000))
                var q = pos
                while q < batchEnd {
                    let end = min(batchEnd, q + 1 + Int(g.next() % 300))
                    index.ensure(q, end)
                    q = end
                }
                let classified = index.classifiedBlocks
                for _ in 0..<40 {
                    let lower = pos + Int(g.next() % UInt64(batchEnd - pos))
                    let upper = min(batchEnd, lower + 1 + Int(g.next() % 200))
                    index.ensure(lower, upper)
                    for block in (lower >> 6)...((upper - 1) >> 6) {
                        let w = whole.block(block), p = index.block(block)
                        #expect(w.digitstart == p.digitstart && w.trigger == p.trigger && w.digit == p.digit
                                && w.longrun == p.longrun && w.tokenstart == p.tokenstart, "block \(block)")
                        #expect(w.anchor & ~p.anchor == 0, "a pinned window lost an anchor in block \(block)")
                    }
                }
                #expect(index.classifiedBlocks == classified, "the walk of batch \(batches) classified blocks again")
                index.unpin()
                pos = batchEnd
                batches += 1
            }
            // Each extension classifies a window's 16 blocks and warms up on 4.
            let blocks = (b.count + 63) / 64
            #expect(Double(index.classifiedBlocks) <= Double(blocks) * 1.3 + 64, "\(index.classifiedBlocks) for \(blocks)")
        }
    }

    /// The column batches' gate for values between zero bytes (`CandidateGate` with
    /// `valuesBetweenNeutralBytes`, and the walk's `firstPossibleCandidate`) never passes a value in which
    /// the scanner, asked on its own, finds something: values made of the fragments below after a byte
    /// that is no letter or digit (`-`, `_`, `.`, `~`, whose long runs are the kernel's other starts, kept
    /// only where a token can start), negative numbers with many digits, and Azure AD client secrets that
    /// start with such a byte. On each path the CPU has.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func gateBetweenZeroBytesPassesNoFinding(_ path: KernelPath) {
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) { Self.gateBetweenZeroBytesPassesNoFinding() }
    }

    static func gateBetweenZeroBytesPassesNoFinding() {
        var g = Generator(state: 99)
        let heads = ["-", "_", ".", "~", "--", "-.", "", "", ""].map { Array($0.utf8) }
        let extras = ["-122.41941550000001", "-4451292327690245682", "-x81Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456",
                      ".a92Q~AbCdEfGhIjKlMnOpQrStUvWxYz01234567", "~pq3Q~x", "-70.679718965139841",
                      "_ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "-sk_live_4eC39HqLyjWDarjtT1zdp7dc"].map { Array($0.utf8) }
        let index = StageOneIndex()
        var admittedFindings = 0
        defer { #expect(admittedFindings > 100, "values with findings: \(admittedFindings)") }
        for round in 0..<300 {
            var bytes: [UInt8] = []
            var values: [Range<Int>] = []
            while bytes.count < 2000 {
                let lower = bytes.count
                bytes += heads[Int(g.next() % UInt64(heads.count))]
                bytes += g.next() % 3 == 0 ? extras[Int(g.next() % UInt64(extras.count))]
                    : Array(Self.fragments[Int(g.next() % UInt64(Self.fragments.count))].utf8)
                if bytes.count > lower { values.append(lower..<bytes.count) }
                bytes.append(0)
            }
            bytes.withUnsafeBufferPointer { b in
                index.reset(b)
                index.ensure(0, b.count)
                var gate = CandidateGate(index: index, bytes: b, valuesBetweenNeutralBytes: true)
                var walkGate = CandidateGate(index: index, bytes: b, valuesBetweenNeutralBytes: true)
                for value in values {
                    var found: [Finding] = []
                    CellScanner().scan(b, lower: value.lowerBound, upper: value.upperBound, index: index,
                                       context: ColumnContext(bareSSN: true, cardColumn: true), into: &found)
                    guard !found.isEmpty else { continue }
                    admittedFindings += 1
                    let what = "round \(round) value \(String(decoding: b[value], as: UTF8.self))"
                    let admitted = gate.hasCandidates(value.lowerBound, value.upperBound)
                    #expect(admitted, "gate passed a finding: \(what)")
                    #expect(walkGate.firstPossibleCandidate(from: value.lowerBound).at < value.upperBound,
                            "walk skipped a finding: \(what)")
                }
            }
        }
    }

    /// Pieces of text that the validators accept, or nearly: glued together at random, they put every
    /// rule's trigger next to every kind of neighbour.
    static let fragments: [String] = [
        "password=S3cr3tPa55", "api_key: \"AKIAZ7QK3M5N8P2R4T6V\"", "MY_ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "token_sk_live_4eC39HqLyjWDarjtT1zdp7dc", "curl -u admin:s3cretpw", "curl --user \"bob:hunter22\"",
        "wget --proxy-user=al:pw9x8y7z", "postgres://app:S3cr3t@db:5432/prod", "redis://:password@cache",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "https://discord.com/api/webhooks/1234567890/AbCdEfGhIjKlMnOpQrStUvWxYz",
        "https://contoso.webhook.office.com/webhookb2/0a1b2c3d-4e5f/IncomingWebhook/9f8e7d6c5b4a", "https://www.example.com/a?b=c",
        "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "if (\"hunter2x\" == password)", "\"s3cr3tv\" != dbPassword",
        "setProperty(\"API_TOKEN\", \"abcd1234efgh5678\")", "std::string secret(\"s3cret99\")",
        "<passwordToken>abc123xyz</passwordToken>", "pw -> \"xyzzy123\"", "<add key=\"DbPassword\" value=\"Pa55w0rd!\"/>",
        "var fooToken string = \"a8f9e0d1c2b3a4f5\"", "char secret[25] = \"topsecret1\"", "DB_PASSWORD ::= hunter2hunter",
        "$dbPass .= 's3cr3t'", "\"token\" => \"8f7e6d5c4b3a29180716\"", "clientSecret := \"q8W!e7R$t6Y\"",
        "password     =     spaced_out", "PASSWORD:hunter2", "sessionid=a1b2c3d4e5f6g7h8", "x-api-key: 9f8e7d6c5b4a39281706",
        "Authorization: Bearer abcdef0123456789xyz", "Secret  :  \"plain text secret\"", "auth=A1b2A1b2A1b2A1b2",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n-----END RSA PRIVATE KEY-----",
        "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs", "path/ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c",
        "x-AKIAZ7QK3M5N8P2R4T6V", "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", "0123456789abcdef0a1b2c3d4e5f6789-us21",
        "Xk3mP9qR2sT5vW.atlasv1.Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5uVw8x",
        "oQO1Q~t~1cZaHs43YI1b1GUBRUyyM7EY1SIKTt", "s.Ab3dEf6hIj9kLm2nOp5qRs8t", "ya29.a0AfH6SMBx3k9mP2qR5sT8vW1yZ4bC7eF0hI3kL6nO9",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "3d585a8c-2869-428f-859c-95c8c2111081", "3f790f3d351375a3e6f5d905d0f574301f1f7aab",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", "$1$./ab$/Kx.9Pq2Zr7mVt3Lw8Ns4Q",
        "pbkdf2_sha256$870000$Xh3LbZ5G1Q2w$JmO0Ufb1gV3c9p2JQK6dl4sVxqX0X2wS4kq6vyzE3c8=", "$P$BqyVmQ3QxY0e1VgZ1lK0qv3kH7m5mM1",
        "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$aGVsbG9oZWxsb2hlbGxvaGVsbG8=:d29ybGR3b3JsZHdvcmxk", "US$5", "$HOME$PATH",
        "pbkdf2:sha256:600000$Fq0bS9xB$2c8e8f1a9c6d0b4f1f8e3a7b5c2d9e0f", "$argon2id$v=19$m=65536,t=3,p=4$c29tZQ$RdescudvJCsgt3ub+b+dWRWJ",
        "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "4111.1111.1111.1111", "3782 822463 10005",
        "536-90-4399", "536 90 4399", "536.90.4399", "536904399", "SSN: 536904399", "card 4111111111111111",
        "1234.5678", "12345.678", "2024-01-15", "ann%40example.com", "ann\\u0040example.com", "ann&#64;example.com",
        "ann&#x40;example.com", "ann&#0064;example.com", "a\\\\u0040b.com", "ann@example.com", "\"john..doe\"@example.com",
        "o'brien@x.co.uk", "a+b@[192.0.2.1]", "zo\u{EB}@ex\u{E4}mple.com", "user:p@ss@host", "@mention", "x @ y.com",
        " ", ", ", "\"", "'", "_", ":", "=", "--", "(", "\t", "\n", "9", "12", "key", "value", "-u", "%", "#", "x",
    ]

    /// Whether the digit path, started at the run `p..<runEnd`, finds a card or an SSN in the most
    /// permissive column (one named for both, so that no announcement is missing): what `scanDigits`
    /// does at a digit candidate.
    static func digitPathFinds(_ bytes: UnsafeBufferPointer<UInt8>, at p: Int, runEnd: Int, lower: Int, upper: Int) -> Bool {
        guard DigitGroupDetector.mayStartGroup(bytes, start: p, end: runEnd, upper: upper) else { return false }
        var found = false
        _ = DigitGroupDetector.scan(bytes, at: p, lower: lower, upper: upper,
                                    column: ColumnContext(bareSSN: true, cardColumn: true)) { _ in found = true }
        return found
    }

    /// Stage 2's candidate set is a superset of what the validators accept: at every position of random
    /// texts, whatever cell bounds, a digit-run start where the digit path finds a card or SSN, a long
    /// run's start where a token rule finds a token, an encoded '@', an '@' the
    /// email or URL rule accepts, and a trigger byte the secret rules accept are all candidates. On each
    /// path the CPU has.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func everyAcceptedPositionIsACandidate(_ path: KernelPath) {
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) { Self.everyAcceptedPositionIsACandidate() }
    }

    static func everyAcceptedPositionIsACandidate() {
        var g = Generator(state: 2024)
        let index = StageOneIndex(windowBytes: 256)
        var tokensFound = 0, hashesFound = 0
        defer {
            #expect(tokensFound > 500, "tokens found: \(tokensFound)")
            #expect(hashesFound > 200, "hashes found: \(hashesFound)")
        }
        for round in 0..<400 {
            var text: [UInt8] = []
            while text.count < 300 {
                text += Array(Self.fragments[Int(g.next() % UInt64(Self.fragments.count))].utf8)
                if g.next() % 3 == 0 { text += Array(Self.fragments[Int(g.next() % 12) + Self.fragments.count - 12].utf8) }
            }
            text.withUnsafeBufferPointer { bytes in
                index.reset(bytes)
                for cell in 0..<6 {
                    let lower = g.next() % 2 == 0 ? 0 : Int(g.next() % UInt64(bytes.count / 2))
                    var upper = g.next() % 2 == 0 ? bytes.count : lower + 1 + Int(g.next() % UInt64(bytes.count - lower))
                    // Short cells too, where the gate often says no: a wrong no would lose a finding.
                    if cell >= 4 { upper = min(bytes.count, lower + 1 + Int(g.next() % 12)) }
                    var digits = Set<Int>(), anchors = Set<Int>(), tokens = Set<Int>()
                    var yielded = false
                    var cursor = index.candidates(lower, upper)
                    while let (position, kind) = cursor.next() {
                        yielded = true
                        if kind.contains(.digit) { digits.insert(position) }
                        if kind.contains(.anchor) { anchors.insert(position) }
                        if kind.contains(.tokenStart) { tokens.insert(position) }
                    }
                    // The gate CellScanner asks first says exactly whether the cursor yields anything, and
                    // the unfiltered gate (for unquoted copies) is never stricter.
                    #expect(index.hasCandidatesToScan(lower, upper) == yielded, "round \(round) cell \(lower)..<\(upper)")
                    #expect(!yielded || index.hasCandidates(lower, upper), "round \(round) cell \(lower)..<\(upper)")
                    let masks = index.blockBase
                    for p in lower..<upper {
                        let what = "round \(round) cell \(lower)..<\(upper) position \(p)"
                        if ASCII.isDigit(bytes[p]) {
                            let startsRun = p == lower || !ASCII.isDigit(bytes[p - 1])
                            var end = p
                            while end < upper && ASCII.isDigit(bytes[end]) { end += 1 }
                            if startsRun && Self.digitPathFinds(bytes, at: p, runEnd: end, lower: lower, upper: upper) {
                                #expect(digits.contains(p), "digit group start missed: \(what)")
                            }
                            if EmailDetector.encodedSeparator(bytes, digitsAt: p, lower: lower, upper: upper) != nil {
                                #expect(digits.contains(p), "encoded @ missed: \(what)")
                            }
                        }
                        // A token where the unfiltered masks put a token start (a long run at a word
                        // start or at the cell's first byte): the kernel's rule-start filter keeps it.
                        let longRun = (masks[p >> 6].longrun >> UInt64(p & 63)) & 1 == 1
                        let wordStart = ASCII.isAlnum(bytes[p]) && (p == 0 || !ASCII.isAlnum(bytes[p - 1]))
                        if longRun && (wordStart || p == lower),
                           SecretDetector.token(bytes, start: p, lower: lower, upper: upper) != nil {
                            tokensFound += 1
                            #expect(tokens.contains(p), "token start missed: \(what)")
                        }
                        if bytes[p] == UInt8(ascii: "@") {
                            if URLCredentialRule.match(bytes, at: p, lower: lower, upper: upper) != nil
                                || EmailDetector.match(bytes, at: p, lower: lower, upper: upper) != nil {
                                #expect(anchors.contains(p), "@ missed: \(what)")
                            }
                        } else if bytes[p] == UInt8(ascii: "$") {
                            // A hash found from any `$` of it is found from a candidate too.
                            if let (range, _) = SecretDetector.match(bytes, at: p, lower: lower, upper: upper) {
                                hashesFound += 1
                                #expect(anchors.contains { bytes[$0] == UInt8(ascii: "$")
                                    && SecretDetector.match(bytes, at: $0, lower: lower, upper: upper)?.0 == range },
                                        "password hash missed: \(what)")
                            }
                        } else if (masks[p >> 6].trigger >> UInt64(p & 63)) & 1 == 1,
                                  let (range, _) = SecretDetector.match(bytes, at: p, lower: lower, upper: upper) {
                            // The ':' of a compared literal's `:=` is no candidate: the '=' after it is,
                            // and stage 2 reads the same operator from it.
                            #expect(anchors.contains(p) || (bytes[p] == UInt8(ascii: ":") && anchors.contains {
                                        SecretDetector.match(bytes, at: $0, lower: lower, upper: upper)?.0 == range
                                    }), "secret trigger missed: \(what)")
                        }
                    }
                }
            }
        }
    }

    /// `digits` (ASCII) and the Luhn check digit that completes them.
    static func withLuhnCheckDigit(_ digits: [UInt8]) -> [UInt8] {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            var v = Int(d - 48)
            if i % 2 == 0 { v *= 2; if v > 9 { v -= 9 } }
            sum += v
        }
        return digits + [UInt8(48 + (10 - sum % 10) % 10)]
    }

    /// Digit text: runs of every length that matters, Luhn-valid cards in each grouping stage 2 accepts,
    /// issuable SSNs in each shape, dates, times, IPv4 addresses and UUID-like parts, glued by joiners
    /// (space, '-', '.') and by bytes that end a group.
    static func digitText(_ g: inout Generator, bytes count: Int) -> [UInt8] {
        func digits(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(48 + g.next() % 10) } }
        func card(_ groups: [Int], joiner: UInt8) -> [UInt8] {
            let number = Self.withLuhnCheckDigit([UInt8(ascii: "4")] + digits(groups.reduce(0, +) - 2))
            var out: [UInt8] = [], at = 0
            for (i, n) in groups.enumerated() {
                if i > 0 { out.append(joiner) }
                out += number[at..<(at + n)]
                at += n
            }
            return out
        }
        let joiners = Array(" -.".utf8), enders = Array(",:/\ta%x_\"".utf8)
        var text: [UInt8] = []
        while text.count < count {
            let joiner = joiners[Int(g.next() % 3)]
            switch g.next() % 11 {
            case 0: text += card([[4, 4, 4, 4], [4, 6, 5], [4, 6, 4], [4, 5, 6], [4, 4, 4], [4, 4, 4, 4, 3], [16], [13]][Int(g.next() % 8)],
                                 joiner: joiner)
            case 1: text += card([4, 4, 4, 4], joiner: UInt8(ascii: "."))
            case 2: text += Array("\(100 + g.next() % 799)".utf8) + [joiner] + Array("\(10 + g.next() % 89)".utf8) + [joiner]
                        + Array("\(1000 + g.next() % 8999)".utf8)
            case 3: text += Array("536904399".utf8)
            case 4: text += Array("2024-0\(1 + g.next() % 9)-1\(g.next() % 10) 10:23:45.123".utf8)
            case 5: text += Array("\(g.next() % 256).\(g.next() % 256).\(g.next() % 256).\(g.next() % 256)".utf8)
            case 6: text += digits(10 + Int(g.next() % 13))   // ten to 22: lone ones are dropped, cut ones not
            case 7: text += Array("\(g.next() % 10_000).".utf8) + digits(9 + Int(g.next() % 10))   // a float8's digits
            default: text += digits(1 + Int(g.next() % 10))
            }
            text.append(g.next() % 2 == 0 ? joiner : enders[Int(g.next() % UInt64(enders.count))])
        }
        return text
    }

    /// The digit filter of stage 1 (`starts_reaching_marks`) drops only group starts where the digit
    /// path finds nothing: at every run start of random digit text where the digit path, in a column
    /// that announces both cards and SSNs, finds one, there is a digit candidate. Cells are cut at random,
    /// inside runs and groups too, so stage 2 often sees a group shorter than the kernel's.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func everyDigitGroupTheDetectorAcceptsIsACandidate(_ path: KernelPath) {
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) {
            var g = Generator(state: 1987)
            let index = StageOneIndex(windowBytes: 256)
            var accepted = 0, dropped = 0
            for round in 0..<300 {
                let text = Self.digitText(&g, bytes: 400)
                text.withUnsafeBufferPointer { bytes in
                    index.reset(bytes)
                    for cell in 0..<8 {
                        let lower = cell == 0 ? 0 : Int(g.next() % UInt64(bytes.count - 1))
                        let upper = cell < 2 ? bytes.count : min(bytes.count, lower + 1 + Int(g.next() % 40))
                        var digits = Set<Int>()
                        var cursor = index.candidates(lower, upper)
                        while let (position, kind) = cursor.next() {
                            if kind.contains(.digit) { digits.insert(position) }
                        }
                        for p in lower..<upper where ASCII.isDigit(bytes[p]) && (p == lower || !ASCII.isDigit(bytes[p - 1])) {
                            var end = p
                            while end < upper && ASCII.isDigit(bytes[end]) { end += 1 }
                            if Self.digitPathFinds(bytes, at: p, runEnd: end, lower: lower, upper: upper) {
                                accepted += 1
                                #expect(digits.contains(p), "round \(round) cell \(lower)..<\(upper): \(p) missed")
                            } else if DigitGroupDetector.mayStartGroup(bytes, start: p, end: end, upper: upper) && !digits.contains(p) {
                                dropped += 1
                            }
                        }
                    }
                }
            }
            // Not vacuous: the digit path finds many, and the filter drops many starts it finds nothing at.
            #expect(accepted > 1000 && dropped > 1000, "accepted \(accepted), dropped \(dropped)")
        }
    }

    /// Stage 1 passes an `_` after a word only where a catalogue prefix starts at the word's start in the
    /// buffer (`prefixed_underscores`); a cell that starts inside the word (after a wire length byte
    /// that is a letter) makes the `_` a candidate of the cursor's own. At every cell start in texts of
    /// tokens glued after words of 0 to 17 letters, after a letter or a comma, each `_` where the secret
    /// rule finds a token is a candidate, and the gates say the cell has one.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func everyUnderscoreTheCatalogueAcceptsIsACandidate(_ path: KernelPath) {
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) {
            let tokens = ["ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"]
            let words = ["", "x", "MY", "token", "abcdefghijklmn", "abcdefghijklmnop", "abcdefghijklmnopq"]
            var accepted = 0, acceptedInsideWord = 0
            for token in tokens {
                for word in words {
                    for lead in ["A", ","] {
                        let bytes = Array((lead + word + token + ",feature_flags").utf8)
                        bytes.withUnsafeBufferPointer { b in
                            let index = StageOneIndex()
                            index.reset(b)
                            var gate = CandidateGate(index: index, bytes: b)
                            for lower in 0..<(lead.count + word.count + 1) {
                                var anchors = Set<Int>()
                                var cursor = index.candidates(lower, b.count)
                                while let (position, kind) = cursor.next() {
                                    if kind.contains(.anchor) { anchors.insert(position) }
                                }
                                for p in lower..<b.count where b[p] == UInt8(ascii: "_") {
                                    guard SecretDetector.match(b, at: p, lower: lower, upper: b.count) != nil else { continue }
                                    accepted += 1
                                    if lower > 0 && ASCII.isAlnum(b[lower - 1]) { acceptedInsideWord += 1 }
                                    #expect(anchors.contains(p), "\(String(decoding: b, as: UTF8.self)) from \(lower): \(p)")
                                    #expect(index.hasCandidatesToScan(lower, b.count) && gate.hasCandidates(lower, b.count))
                                }
                                // `feature_` starts no prefix: the kernel drops its `_`.
                                #expect(!anchors.contains(b.count - 6), "\(String(decoding: b, as: UTF8.self))")
                            }
                        }
                    }
                }
            }
            // A token glued after a word is found only from a cell that starts at its prefix (30 of the
            // 28 texts' cells: after a comma, also from the comma), most of them inside the word.
            #expect(accepted >= 28 && acceptedInsideWord >= 20, "accepted \(accepted), inside a word \(acceptedInsideWord)")
        }
    }

    /// Every catalogue prefix, as a long run's word start and as the word before its own `_`, keeps its
    /// stage-1 bit (a token start, an `_` anchor) on every path: the pair and triple tables that drop
    /// starts before the words are compared never drop a prefix's own.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func everyCataloguePrefixKeepsItsStart(_ path: KernelPath) {
        var starts = 0, underscores = 0
        for rule in TokenCatalogue.rules {
            let prefix = Array(rule.prefix.description.utf8)
            guard prefix.allSatisfy(Self.isTokenByte), Self.isAlnum(prefix[0]) else { continue }
            for lead in 0..<70 {
                // The prefix at every offset of a block, after a space, then a run long enough to be a token.
                let bytes = [UInt8](repeating: UInt8(ascii: " "), count: lead + 1) + prefix + Array("A1b2C3d4E5f6G7h8I9j0".utf8) + [10]
                let masks = Self.classify(bytes, start: 0, length: bytes.count, structural: [44, 34, 10, 13], on: path)
                let p = lead + 1
                #expect((masks[p >> 6].tokenstart >> UInt64(p & 63)) & 1 == 1, "\(rule.name) at \(p)")
                starts += 1
                if let u = prefix.firstIndex(of: UInt8(ascii: "_")), u <= 16, prefix[..<u].allSatisfy(Self.isAlnum) {
                    #expect((masks[(p + u) >> 6].anchor >> UInt64((p + u) & 63)) & 1 == 1, "\(rule.name)'s _ at \(p + u)")
                    underscores += 1
                }
            }
        }
        #expect(starts > 100 * 70 && underscores > 40 * 70, "\(starts) starts, \(underscores) underscores")
    }

    /// The column batches' gate (`CandidateGate`) answers exactly what `hasCandidatesToScan` answers for
    /// each of many values asked in ascending order: adjacent, apart, empty, one byte, starting inside a
    /// digit run or a long token run; and when a second pass asks from the start again, and now and then
    /// a value far behind the last one (out of order it must look again, never skip a candidate).
    @Test func theGateAgreesWithTheIndexOnAscendingValues() {
        var g = Generator(state: 4242)
        let index = StageOneIndex(windowBytes: 256)
        var disagreements = 0
        var answers = Set<Bool>()
        for round in 0..<300 {
            var text: [UInt8] = []
            while text.count < 200 + round * 7 {
                text += Array(Self.fragments[Int(g.next() % UInt64(Self.fragments.count))].utf8)
                if g.next() % 4 == 0 { text.append(0) }
            }
            text.withUnsafeBufferPointer { bytes in
                index.reset(bytes)
                index.ensure(0, bytes.count)
                var gate = CandidateGate(index: index, bytes: bytes)
                // The same gate told that values lie between bytes that are no letters or digits, asked
                // only about such values.
                var gateBetweenNeutral = CandidateGate(index: index, bytes: bytes, valuesBetweenNeutralBytes: true)
                for _ in 0..<2 {
                    var lower = Int(g.next() % 8)
                    while lower < bytes.count {
                        let upper = min(bytes.count, lower + Int(g.next() % (g.next() % 3 == 0 ? 4 : 40)))
                        let expected = index.hasCandidatesToScan(lower, upper)
                        answers.insert(expected)
                        if gate.hasCandidates(lower, upper) != expected {
                            disagreements += 1
                            Issue.record("round \(round) value \(lower)..<\(upper): gate \(!expected), index \(expected)")
                        }
                        let between = (lower == 0 || CellEdges.isNeutral(bytes[lower - 1]))
                            && (upper == bytes.count || CellEdges.isNeutral(bytes[upper]))
                        if between && gateBetweenNeutral.hasCandidates(lower, upper) != expected {
                            disagreements += 1
                            Issue.record("round \(round) value \(lower)..<\(upper) between neutral bytes: gate \(!expected)")
                        }
                        // Next value: adjacent, overlapping the end, further on, or (one in eight) back.
                        if g.next() % 8 == 0 && lower > 0 {
                            lower = Int(g.next() % UInt64(lower))
                            let back = min(bytes.count, lower + Int(g.next() % 40))
                            let expected = index.hasCandidatesToScan(lower, back)
                            if gate.hasCandidates(lower, back) != expected {
                                disagreements += 1
                                Issue.record("round \(round) value behind \(lower)..<\(back): gate \(!expected), index \(expected)")
                            }
                        }
                        lower = max(lower, upper - Int(g.next() % 2)) + Int(g.next() % 30)
                    }
                }
            }
            if disagreements > 5 { break }
        }
        #expect(answers == [true, false], "both answers were asked for")
    }

    /// What the CSV batches' skipping walk relies on (`CandidateGate.firstPossibleCandidate`): in texts
    /// of values that each lie between bytes that are no token bytes (a comma, a quote, a line end or a
    /// zero), no value that starts at or after the position asked from and ends at or before the answer has a
    /// candidate (but a long run's start at its first byte that is no letter or digit, where no token can
    /// start: the scanner finds nothing there), and a value that holds an answer marked as a candidate has
    /// one; whatever the gate was asked before.
    @Test func noValueBeforeTheFirstPossibleCandidateHasOne() {
        var g = Generator(state: 9090)
        let index = StageOneIndex(windowBytes: 256)
        var skipped = 0, marked = 0, failures = 0
        for round in 0..<300 {
            // Values (fragments and their pieces) between separators that are no token bytes.
            var text: [UInt8] = [], starts: [Int] = []
            while text.count < 200 + round * 5 {
                starts.append(text.count)
                let fragment = Array(Self.fragments[Int(g.next() % UInt64(Self.fragments.count))].utf8)
                let from = g.next() % 3 == 0 ? Int(g.next() % UInt64(fragment.count)) : 0
                text += fragment[from...]
                text.append([UInt8(ascii: ","), UInt8(ascii: "\""), 10, 0][Int(g.next() % 4)])
            }
            text.withUnsafeBufferPointer { bytes in
                index.reset(bytes)
                index.ensure(0, bytes.count)
                let gate = CandidateGate(index: index, bytes: bytes, valuesBetweenNeutralBytes: true)
                for (k, from) in starts.enumerated() {
                    let (next, isCandidate) = gate.firstPossibleCandidate(from: from)
                    for j in k..<starts.count {
                        let lower = starts[j]
                        // The value's end: its separator, or a cut before it at a byte that is no token
                        // byte (the piece of a value a separator ends).
                        let end = (j + 1 < starts.count ? starts[j + 1] : bytes.count) - 1
                        var upper = lower + Int(g.next() % UInt64(end - lower + 1))
                        if upper < end && Self.isTokenByte(bytes[upper]) { upper = end }
                        if upper <= next {
                            skipped += 1
                            var cursor = index.candidates(lower, upper)
                            var candidate = false
                            while let (position, _) = cursor.next() {
                                candidate = candidate || position != lower || ASCII.isAlnum(bytes[lower])
                                    || Self.tokenMayStart(bytes, at: lower)
                            }
                            var found: [Finding] = []
                            CellScanner().scan(bytes, lower: lower, upper: upper, index: index,
                                               context: ColumnContext(bareSSN: true, cardColumn: true), into: &found)
                            if candidate || !found.isEmpty {
                                failures += 1
                                if failures < 4 { Issue.record("round \(round): \(lower)..<\(upper) before \(next) has a candidate") }
                            }
                        } else if isCandidate && lower <= next {
                            marked += 1
                            #expect(index.hasCandidatesToScan(lower, upper), "round \(round): \(lower)..<\(upper) holds \(next)")
                            break
                        } else {
                            break
                        }
                    }
                }
            }
            if failures > 3 { break }
        }
        #expect(failures == 0)
        #expect(skipped > 5000 && marked > 500, "skipped \(skipped), marked \(marked)")
    }

    /// The candidates of a whole text, as the cursor yields them, on each path the CPU has (which
    /// must agree).
    static func candidates(in text: String) -> [Int] {
        let found = AcceleratedKernel.stageOneClassify.availablePaths.map { path in
            AcceleratedKernel.stageOneClassify.expectRuns(path) { candidatesOnThePathInForce(in: text) } ?? []
        }
        #expect(Set(found).count == 1, "the paths disagree on \(text)")
        return found[0]
    }

    static func candidatesOnThePathInForce(in text: String) -> [Int] {
        let bytes = Array(text.utf8)
        let index = StageOneIndex()
        return bytes.withUnsafeBufferPointer { b in
            index.reset(b)
            var cursor = index.candidates(0, b.count)
            var found: [Int] = []
            while let (position, _) = cursor.next() { found.append(position) }
            return found
        }
    }

    /// Named cases: what no rule can use is no candidate, what a rule needs is one.
    @Test(arguments: [
        ("id 12345 at 10:30 on 2024", []),                   // short numbers, a time: nothing to validate
        ("3.14159 and 12.5", []),                             // decimals
        ("x 536-90-4399", [2, 6]),                            // starts before an SSN's last joiner (the caller skips the second)
        ("2024-01-15 10:23:45.802455+00", []),                // a timestamp: joined runs, no card or SSN shape
        ("ip 203.103.130.108", []),                           // twelve digits, but no four-digit group
        ("uuid 3d585a8c-2869-428f-859c", []),                 // a UUID: no token rule's first bytes, no card shape
        ("key x-AKIAZ7QK3M5N8P2R4T6V", [6]),                  // a long run's word starts: only the prefix's
        ("1 4111 1111 1111 1111", [0, 2, 7]),                 // a card's shape, and the starts before it (the last
                                                              // two runs are eight digits: no card starts there)
        ("536-90-44", []),                                    // a 3-2-2: no SSN, no card
        ("x 536904399", [2]),                                 // nine digits
        ("at 1733480000, +15551234567", []),                  // ten and eleven digits alone: no card, no bare SSN
        ("x 1733480000 1234", [2]),                           // ten digits joined to more
        ("x 173348000000, 4111111111111111", [16]),          // twelve to nineteen alone: only a Luhn-valid one
        ("x 1733480000001 5", [2]),                           // a run joined to more digits is kept
        ("x 41111111111111111111111", []),                    // twenty digits or more alone: no card, no SSN
        (String(repeating: "7", count: 200), [0]),            // but a run whose end the window does not show stays
        ("x 0.6797621880147522, 123.6797621880147522", []),   // fractions alone, and the runs before them
        ("x 1234.6797621880147522", []),                      // four digits and a '.', but no second group of four
        ("x 0.6797621880147522 5", [4]),                      // a fraction joined to more digits
        ("x 536.90.4399", [2]),                               // a dotted three-digit area
        ("x 4111.1111.1111", [2]),                            // dotted four-digit groups
        ("x 4111.1111", []),                                  // but eight digits are no card
        ("+44 20 7946 0958, +49 30 12345678", []),            // phones: a 4-4 ends the group, a 2-2 is no 3-2
        ("ann%40example.com", [4]),                           // an encoded '@': its first digit
        ("{\"brand\": \"visa\", \"last4\": \"42\"}", []),          // JSON without a credential key
        ("{\"password\": \"hunter22\"}", [11, 12]),             // ':' and ' "' after a credential key
        ("a = b, sort=asc", []),                              // assignments without a keyword
        ("my api_key = zz", [11]),                            // '=' after the key; "api_" starts no token; "api" after a space starts no sentence's word
        ("my password is x", [3]),                            // a keyword after a space (a sentence may tell its value)
        ("my token is x", [3]),
        ("a license is x", []),                               // a keyword hit after a space, but no 'p', 's' or 't'
        ("my -api x", [4]),                                   // any keyword after a '-' (an option)
        ("mypassword is x", []),                              // a keyword inside a word
        ("MY_ghp_0123456789abcdefghijABCDEFGHIJKLMNOPQRSTUVWXYZ", [0, 3, 6]),  // token starts; '_' after "ghp", not "MY"; ten digits glued to a letter
        ("@mention and x @ y", []),                           // no local part before the '@'
        ("ann@example.com", [3]),
        ("see -----BEGIN x", [4]),                            // a PEM block's first dash only
        ("curl -u bob:pw", [11]),                             // a ':' after "-u"
        ("https://hooks.slack.com/services/x", [5]),          // a ':' before "//" and a webhook's host
        ("https://hooks.example", []),                        // but not before any host
        ("3d585a8c-2869-428f-859c-95c8c2111081,2020-07-18", []),  // a UUID before a date: the date's '-' 32 bytes on is no Mailchimp key's
        ("0123456789abcdef0a1b2c3d4e5f6789-us21", [0]),       // a Mailchimp key: 32 hex, "-us"
        ("sha aa183361369a1aff", []),                         // nine digits glued to a letter (a digest's)
        ("x 183361369 y", [2]),                               // the same nine alone
        ("ZIP 24033-4308", []),                               // a ZIP+4: a card's first run has four digits, not five
        ("x 12345 6789 0123 4567", [2, 8]),                   // but a card may follow a longer run in its group
        ("Windows NT 10.0; Win64; x64) AppleWebKit", []),     // "x64" is no encoded '@'
        ("a&#x40;b.com a&#64;b.com", [4, 16]),                // these are
        ("2001:db8::8d27 and a::b", []),                      // an IPv6 address's "::" is no operator
        ("if (\"x9\" := password)", [10, 12]),                // a compared literal's '=' (its ':' adds nothing)
    ] as [(String, [Int])])
    func sharpFilters(_ text: String, _ expected: [Int]) {
        #expect(Self.candidates(in: text) == expected)
    }

    /// The kernel drops a lone run of ten or eleven digits, but a cell that ends inside one holds a
    /// shorter run: nine digits are a bare SSN where the column announces one; and it drops a lone
    /// fraction, but a cell that starts at one (or at its '.') holds a number. The cursor yields those
    /// runs' starts (`CellEdges.cutRun`, `CellEdges.firstRun`), and the gates say so, on each path.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func aCellCuttingARunHasItsStart(_ path: KernelPath) {
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) {
            for (text, lower, upper, start) in [("ssn 5369043991,", 0, 13, 4), ("5369043991,", 0, 9, 0), ("x,53690439912", 2, 11, 2),
                                                ("a 12 5369043991", 0, 14, 5),
                                                // A cell that starts at a fraction, or at its '.', holds no fraction.
                                                ("1.4111111111111111,", 2, 18, 2), ("1.4111111111111111,", 1, 18, 2)] {
                let bytes = Array(text.utf8)
                bytes.withUnsafeBufferPointer { b in
                    let index = StageOneIndex()
                    index.reset(b)
                    var cursor = index.candidates(0, b.count)
                    var whole: [Int] = []
                    while let (position, _) = cursor.next() { whole.append(position) }
                    #expect(!whole.contains(start), "\(text): the whole run is no candidate")
                    cursor = index.candidates(lower, upper)
                    var digits: [Int] = []
                    while let (position, kind) = cursor.next() {
                        if kind.contains(.digit) { digits.append(position) }
                    }
                    #expect(digits.contains(start), "\(text) cut at \(upper): \(digits)")
                    #expect(index.hasCandidatesToScan(lower, upper))
                    var gate = CandidateGate(index: index, bytes: b)
                    let admitted = gate.hasCandidates(lower, upper)
                    #expect(admitted)
                    var runEnd = start
                    while runEnd < upper && ASCII.isDigit(b[runEnd]) { runEnd += 1 }
                    #expect(Self.digitPathFinds(b, at: start, runEnd: runEnd, lower: lower, upper: upper), "\(text): a card or SSN")
                }
            }
        }
    }

    /// Stage 1 arms a key's '=' only from a credential literal's start in the bytes (`exact_keywords`),
    /// not from every mix of the keyword buckets' letters: at the '=' after each credential name the
    /// assignment rule masks, on each path, there is a candidate; after `level` (a log line's), none.
    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func assignmentsAfterCredentialNamesAreCandidates(_ path: KernelPath) {
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) {
            let names = ["password", "passwd", "pwd", "pw", "pass", "passphrase", "passcode", "secret", "client_secret",
                         "api_key", "apikey", "x-api-key", "access_key", "accesskey", "access_token", "auth", "authorization",
                         "auth_token", "token", "bearer", "session", "sessionid", "session_token", "cookie", "sig", "signature",
                         "sid", "salt", "hmac", "cert", "license", "dsn", "pin", "psk", "sas", "creds", "credential", "connstr",
                         "connectionstring", "private_key", "privatekey", "pgpass", "mysqlpwd", "sharedaccesskey",
                         "refresh_token", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "adafruitToken", "SecretKey", "PIN"]
            var masked = 0
            for name in names {
                for text in ["\(name)=Zk3mQ9xR2vT8", "{\"\(name)\": \"Zk3mQ9xR2vT8\"}", "x \(name): Zk3mQ9xR2vT8"] {
                    let bytes = Array(text.utf8)
                    let index = StageOneIndex()
                    let found = bytes.withUnsafeBufferPointer { b -> Bool in
                        index.reset(b)
                        var cursor = index.candidates(0, b.count)
                        var positions: [Int] = []
                        while let (position, _) = cursor.next() { positions.append(position) }
                        let found = positions.contains { SecretDetector.match(b, at: $0, lower: 0, upper: b.count) != nil }
                        let any = (0..<b.count).contains { SecretDetector.match(b, at: $0, lower: 0, upper: b.count) != nil }
                        #expect(found || !any, "\(text): a secret the candidates miss")
                        return any
                    }
                    if found { masked += 1 }
                }
            }
            #expect(masked > 120, "assignments masked: \(masked)")
            #expect(Self.candidatesOnThePathInForce(in: "ts=1 level=info msg=ok") == [], "level=")
        }
    }

    /// Stage 1 keeps the ':' of a URL only where the host may be an incoming webhook's
    /// (`webhook_host`): at every fixed prefix of WebhookURLRule, and at a Microsoft tenant's host,
    /// whose URLs the rule masks; not at other hosts.
    @Test func webhookURLsKeepTheirColon() {
        let path = "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
        let webhooks = WebhookURLRule.prefixes.map { "see https://\($0)\(path)" }
            + ["see https://contoso.webhook.office.com/webhookb2/\(path)"]
        for text in webhooks {
            let bytes = Array(text.utf8)
            let found = bytes.withUnsafeBufferPointer { WebhookURLRule.match($0, colon: 9, lower: 0, upper: $0.count) }
            #expect(found != nil, "the rule masks \(text)")
            #expect(Self.candidates(in: text) == [9], "\(text)")
        }
        for text in ["see https://www.example.com/\(path)", "see https://hooks.example/\(path)", "see https://office.com/webhookb2/\(path)"] {
            #expect(Self.candidates(in: text) == [], "\(text)")
        }
    }

    /// Where a long run that starts at `p` with a byte that is no letter or digit may start a token, as
    /// the kernel keeps such starts (`other_start_kept`): an Azure AD client secret's digit and `Q~` at 3,
    /// or a catalogue rule's prefix (none starts so today; the test reads the rules, not that fact).
    static func tokenMayStart<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at p: Int) -> Bool where Bytes.Index == Int {
        if p + 5 < bytes.count && bytes[p + 5] == UInt8(ascii: "~") && bytes[p + 4] == UInt8(ascii: "Q")
            && ASCII.isDigit(bytes[p + 3]) { return true }
        return TokenCatalogue.rules.contains { rule in
            rule.prefix.withUTF8Buffer { bytes[p...].starts(with: $0) }
        }
    }

    static func isAlnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) }

    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) || b == 95 || b == 46 || b == 45 || b == 126
    }

    /// On each path the CPU has (KernelPathTests.cpuRunsAVX2CSVSplit reports a CPU without AVX2).
    @Test(arguments: AcceleratedKernel.csvSplit.availablePaths)
    func csvSplitMatchesNaiveScan(_ path: KernelPath) {
        var g = Generator(state: 7)
        let alphabet = Array("ab,\"\n\n".utf8)
        for length in [0, 1, 5, 63, 64, 65, 127, 128, 129, 500, 1000] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
                var quoted = false
                var end = 0, lines = 0, records = 0, seenLines = 0, seenRecords = 0
                for (i, b) in bytes.enumerated() {
                    if b == UInt8(ascii: "\"") { quoted.toggle() }
                    if b == UInt8(ascii: "\n") {
                        seenLines += 1
                        if !quoted { seenRecords += 1; end = i + 1; lines = seenLines; records = seenRecords }
                    }
                }
                let split = AcceleratedKernel.csvSplit.expectRuns(path) {
                    bytes.withUnsafeBufferPointer { mk_csv_last_record_end($0.baseAddress, length, UInt8(ascii: "\"")) }
                }
                #expect(split?.end == end && split?.lines == lines && split?.records == records, "length \(length)")
            }
        }
    }

    @Test(arguments: AcceleratedKernel.stageOneClassify.availablePaths)
    func detectionDoesNotDependOnAlignment(_ path: KernelPath) {
        let seed = "x ann@example.com 4111 1111 1111 1111 536-90-4399 AKIAZ7QK3M5N8P2R4T6V y"
        _ = AcceleratedKernel.stageOneClassify.expectRuns(path) {
            let expected = spans(in: seed)
            #expect(expected.count == 4, "an email, a card, an SSN and a key")
            for pad in 0..<130 {
                let padding = String(repeating: "q", count: pad)
                let padded = padding + " " + seed + " " + padding
                #expect(spans(in: padded) == expected, "pad \(pad)")
            }
        }
    }

    @Test func anIndexThatGaveBackItsMemoryClassifiesAsBefore() {
        // A session's gathered-copies index gives back what one huge column grew; it must then classify
        // as it did.
        let bytes = Array(repeating: Array("ann@example.com, key=abc_def 4111 1111 1111 1111 ".utf8), count: 2_000).flatMap { $0 }
        let index = StageOneIndex()
        func masks(_ b: UnsafeBufferPointer<UInt8>) -> [UInt64] {
            index.reset(b)
            index.ensure(0, b.count)
            return (0..<((b.count + 63) / 64)).flatMap { [index.block($0).anchor, index.block($0).digitstart] }
        }
        let first = bytes.withUnsafeBufferPointer { masks($0) }
        index.releaseMemory(keepingAtMost: 16)
        let second = bytes.withUnsafeBufferPointer { masks($0) }
        #expect(first == second)
        #expect(first.contains { $0 != 0 })
    }
}
