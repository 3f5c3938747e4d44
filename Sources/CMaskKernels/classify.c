// Stage 1 of the scan: one pass over the input that turns every 64-byte block into bit masks, so the
// scalar detectors of stage 2 run only where a mask bit is set. Swift has no movemask instruction
// (see shared/PERF-NOTES.md: building masks lane by lane is 40x slower), so this kernel is C.
//
// Three steps per block. `raw` (AVX-512BW, AVX2, or their scalar twin) turns bytes into one bit mask per
// byte class; `derive` combines the class masks of a block, of the block after it and of the byte before
// it into the candidate masks, with shifts and ANDs on 64-bit words (128-bit where a condition reads
// ahead), on the vector paths for eight blocks at once (`derive_lanes`, one lane per block); then the few
// '_' anchors and token starts left are checked against the token catalogue's prefixes in the buffer's
// bytes. Every condition is a necessary condition
// of a stage-2 rule, never a sufficient one: a candidate may match nothing, but a position that is no
// candidate can match nothing.
//
// Pseudo-code of `derive`, per byte position p of the block:
//   digitstart = p starts a digit run that mayStartGroup could accept (9+ digits, but no lone run where
//                stage 2 finds nothing: `lone_runs_without_cards`, `lone_run_digits`; a run followed by a
//                space or '-' and a digit; a 3- or 4-digit run followed by '.' and a digit) and, unless
//                it has 9+ digits, whose group holds a card or SSN shape at or after p (`starts_reaching_marks`),
//                and the byte before p is no letter (DigitGroupDetector.scan drops a run glued to a letter
//                inside its cell, a digest's digits; a cell that starts at p adds it, `CellEdges`)
//              | p is the first digit of an encoded '@' whose escape is whole before it (`%40`, `\u0040`,
//                `&#64;`, `&#0064;`, `&#x40;`: `encoded_escapes`)
//   anchor     = '@' after a local-part or user-information byte and before a byte that is no space
//              | '_' after a letter or digit (a token glued after an underscore) and, given the catalogue's
//                prefixes, after a word of at most 16 bytes where a prefix starts (`prefixed_underscores`)
//              | '=' ':' '>' '",' "'," ' "' " '" '("' "('" right after a credential keyword and a key's tail
//                (`armed`: a keyword hit filled forward through key, quote, bracket, space, operator bytes)
//              | '=' of a two-byte operator (a compared literal: `"x" == password`, `"x" := pw`; the ':'
//                before such a '=' adds nothing, stage 2 reads the same operator from either, and an IPv6
//                address's "::" is none)
//              | ':' before "//" and a host an incoming webhook's URL can have (`webhook_host`), between a
//                digit and 'A' (Telegram), or at most 160 bytes
//                after "-u" / "-U" (`curl -u user:pw`, `--user`, `--proxy-user`)
//              | the first of five '-' (a PEM block)
//              | '$' after a letter or digit (every password hash's shape has one: the '$' after its scheme,
//                `$2b$`, `pbkdf2_sha256$`, `SCRAM-SHA-256$`, `:600000$`; a price's "$12" has none) and
//                16 hash field bytes after it (`dollars_without_fields`: a price's `US$5` has none)
//              | a credential keyword hit right after '-' (a command-line option: `--password S3cret`),
//                or after a space when it starts with 'p', 's' or 't' (a sentence: `my password is …`)
//   trigger    = the unfiltered anchors of earlier versions ('@' '_' '=' ':' '>' and the pairs "--",
//                "\",", "',", " \"", "(\"", " '", "('"), the option keywords, and the '$' anchors (unquoting a copy keeps a '$'
//                after a letter or digit there): the gates of callers that scan a copy of the bytes
//   digit      = '0' <= b <= '9'
//   structural = b in {s0, s1, s2, s3}
//   longrun    = b and the 15 bytes after it are all token bytes [A-Za-z0-9_.~-]
//   otherstart = longrun, b is a token byte but no letter or digit, the byte before it no token byte, and
//                (given the catalogue's prefixes) a token can start at b (`other_start_kept`)
//   tokenstart = longrun, b is a letter or digit and the byte before it is not, and (given the catalogue's
//                prefixes) a token rule's first bytes are at b (`token_starts`)
// Credential keywords are found Teddy-style: four nibble-table lookups (bytes p..p+3, case folded)
// give 8-bit bucket sets whose AND is non-zero where a literal of a bucket may start. The tables
// describe each bucket's literals loosely, so hits are a superset of the literals (pw, pass, secr,
// sess, salt, psk, pin, api, sig, sid, sas, key, dsn, cred, conn, cert, cook, auth, acce, toke, hmac,
// bear, lice, valu: every word that CredentialKey accepts contains one); each hit is then checked
// against the literals in the bytes (`exact_keywords`), so only a literal's start arms a key.
//
// Masks computed for a window carry state across blocks (the byte before, the keyword fill, the last
// "-u"); a window that starts inside the buffer first runs up to four blocks before it, and assumes
// the keyword fill open at the first of them (a superset: the fill then ends at the first byte that
// can be in no key).
#include "mask_kernels.h"
#include "kernel_path_internal.h"
#include "bit_list_internal.h"

#include <stdlib.h>
#include <string.h>

// Byte classes: bit r of a row table is set when row r (the byte's high nibble, 0...7) holds the
// set's byte with that low nibble. A byte is in the set when ROW[hi] & TABLE[lo] != 0; bytes of 0x80
// and above are in none. Tables generated from the predicates below (`in_*`), which the scalar twin
// uses directly, so the AVX2-vs-scalar tests check the tables.
static const uint8_t ROW[16] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t GAP_LO[16] = {0xec, 0xfc, 0xfc, 0xf8, 0xfc, 0xf8, 0xf8, 0xfc, 0xf8, 0xf9, 0xf8, 0x74, 0xd0, 0x74, 0x54, 0x78};
static const uint8_t AT_PREV_LO[16] = {0xa8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xf8, 0xf8, 0xfc, 0x5c, 0xd4, 0x5c, 0xf4, 0x78};
static const uint8_t ENC_PREV_LO[16] = {0x00, 0x00, 0x00, 0x04, 0x00, 0x84, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t ENC_DIGIT_LO[16] = {0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t OP_BYTE_LO[16] = {0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x04, 0x80, 0x00, 0x04, 0x08};

// Keyword buckets, by position in the literal (0...3), on the byte | 0x20: bit j of LO[k][lo] & HI[k][hi]
// is set when a literal of bucket j may have that byte at position k (every byte past a short literal's
// end). Buckets: {dsn psk} {pass secr sas sess valu salt} {hmac lice acce toke} {pin sig sid} {pw}
// {api auth} {key bear} {cred cook cert conn}: the grouping that lets through the fewest English words
// (the product of each position's admitted letters, weighted by their frequency in English, summed over
// the buckets: 0.76 % of 4-letter strings, where {sig sid sas} {psk pin api} {key dsn} {pass secr sess
// salt} {cred conn cert cook} {auth acce toke} {hmac bear lice valu} let through 1.51 %, "here", "main",
// "please" and "message" among them). Each bucket's tables are the union of its literals' bytes, so any
// grouping keeps every literal: the choice decides only what else passes.
static const uint8_t KEYWORD_LO[4][16] = {
    {0x1b, 0x24, 0x40, 0x8a, 0x05, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x40, 0x04, 0x00, 0x00, 0x00},
    {0x20, 0x02, 0x80, 0x05, 0x00, 0xe2, 0x00, 0x10, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x04, 0x00, 0x84},
    {0x10, 0x54, 0x90, 0x16, 0x38, 0x90, 0x10, 0x18, 0x10, 0x70, 0x10, 0x15, 0x12, 0x10, 0x99, 0x90},
    {0x7b, 0x7b, 0x7b, 0x7f, 0xfb, 0x7f, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b, 0xfb, 0x7b, 0x7b, 0xfb, 0x7b},
};
static const uint8_t KEYWORD_HI[4][16] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe5, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xce, 0xb1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0xff, 0xf2, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10},
    {0x7b, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b, 0xff, 0xfb, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b, 0x7b},
};

/// Class masks of one 64-byte block: bit i describes byte i of the block.
typedef struct {
    uint64_t at, underscore, equals, colon, greater, dash, dquote, squote, comma, space, tilde, lparen, dot, slash, dollar;
    uint64_t upper_a, u_folded, pst_folded, digit, alnum, gap, at_prev, enc_prev, enc_digit, op_byte;
    uint64_t keyword, structural;
} raw_block;

// The same class masks for the vector paths, which derive eight blocks at once: each class's masks of
// consecutive blocks side by side, so that one vector load reads a class for eight blocks. Slot 0 is
// the block before the eight (its masks, or zeros at a window's start), slots 1...8 the eight, slot 9
// the block after them: loads at slots 0, 1 and 2 give each block's previous, own and next masks.
enum { LANES = 8, SLOTS = LANES + 2 };
typedef struct {
    uint64_t at[SLOTS], underscore[SLOTS], equals[SLOTS], colon[SLOTS], greater[SLOTS], dash[SLOTS], dquote[SLOTS],
        squote[SLOTS], comma[SLOTS], space[SLOTS], tilde[SLOTS], lparen[SLOTS], dot[SLOTS], slash[SLOTS], dollar[SLOTS];
    uint64_t upper_a[SLOTS], u_folded[SLOTS], pst_folded[SLOTS], digit[SLOTS], alnum[SLOTS], gap[SLOTS], at_prev[SLOTS], enc_prev[SLOTS],
        enc_digit[SLOTS], op_byte[SLOTS];
    uint64_t keyword[SLOTS], structural[SLOTS];
} raw_lanes;

// MARK: - Scalar classes

static inline int in_alnum(uint8_t b) {
    uint8_t folded = b | 0x20;
    return (b >= '0' && b <= '9') || (folded >= 'a' && folded <= 'z');
}
// Bytes that may stand between a credential keyword and the anchor after its key: the key's own bytes
// (identifier and '$'), quotes, brackets, spaces and the operator bytes AssignmentRule reads past.
static inline int in_gap(uint8_t b) {
    return in_alnum(b) || (b != 0 && strchr("_.-$ \t\"'`[]:?+|!", b) != NULL);
}
// What may end a local part or user information right before an '@'.
static inline int in_at_prev(uint8_t b) {
    return b >= 0x80 || (b > 0x20 && b != 0x7F && strchr("/@<>`()[]{}\\", b) == NULL);
}
static inline int in_set(uint8_t b, const char *set) { return b != 0 && strchr(set, b) != NULL; }

// The sets above for every byte, found once from the predicates at load (a set test by `strchr` per byte
// and set was nine tenths of the scalar twin's time): still the predicates' answers, so the vector
// paths' nibble tables are checked against them as before.
enum { SCALAR_GAP = 1, SCALAR_AT_PREV = 2, SCALAR_ENC_PREV = 4, SCALAR_ENC_DIGIT = 8, SCALAR_OP_BYTE = 16, SCALAR_HASH_FIELD = 32 };
static uint8_t scalar_sets[256];

__attribute__((constructor))
static void find_scalar_sets(void) {
    for (int b = 0; b < 256; b++) {
        const uint8_t c = (uint8_t)b;
        scalar_sets[b] = (uint8_t)((in_gap(c) ? SCALAR_GAP : 0) | (in_at_prev(c) ? SCALAR_AT_PREV : 0)
                                   | (in_set(c, "%u#xX") ? SCALAR_ENC_PREV : 0) | (in_set(c, "046") ? SCALAR_ENC_DIGIT : 0)
                                   | (in_set(c, ":?.+|!") ? SCALAR_OP_BYTE : 0)
                                   | (in_alnum(c) || in_set(c, "$./+=,:-_") ? SCALAR_HASH_FIELD : 0));
    }
}

static inline uint8_t keyword_bits(uint8_t b, int k) {
    uint8_t f = b | 0x20;
    return KEYWORD_LO[k][f & 15] & KEYWORD_HI[k][f >> 4];
}

// `p` holds 64 bytes plus 3 readable after them (the keyword lookups read ahead).
static void raw_scalar(const uint8_t *p, const uint8_t s[4], raw_block *r) {
    memset(r, 0, sizeof *r);
    const int any_structural = (s[0] | s[1] | s[2] | s[3]) != 0;   // none when all four are zero
    for (int i = 0; i < 64; i++) {
        uint8_t b = p[i];
        uint64_t bit = (uint64_t)1 << i;
        if (b == '@') r->at |= bit;
        if (b == '_') r->underscore |= bit;
        if (b == '=') r->equals |= bit;
        if (b == ':') r->colon |= bit;
        if (b == '>') r->greater |= bit;
        if (b == '-') r->dash |= bit;
        if (b == '"') r->dquote |= bit;
        if (b == '\'') r->squote |= bit;
        if (b == ',') r->comma |= bit;
        if (b == ' ') r->space |= bit;
        if (b == '~') r->tilde |= bit;
        if (b == '(') r->lparen |= bit;
        if (b == '.') r->dot |= bit;
        if (b == '/') r->slash |= bit;
        if (b == '$') r->dollar |= bit;
        if (b == 'A') r->upper_a |= bit;
        if ((b | 0x20) == 'u') r->u_folded |= bit;
        if ((b | 0x20) == 'p' || (b | 0x20) == 's' || (b | 0x20) == 't') r->pst_folded |= bit;
        if (b >= '0' && b <= '9') r->digit |= bit;
        if (in_alnum(b)) r->alnum |= bit;
        const uint8_t sets = scalar_sets[b];
        if (sets & SCALAR_GAP) r->gap |= bit;
        if (sets & SCALAR_AT_PREV) r->at_prev |= bit;
        if (sets & SCALAR_ENC_PREV) r->enc_prev |= bit;
        if (sets & SCALAR_ENC_DIGIT) r->enc_digit |= bit;
        if (sets & SCALAR_OP_BYTE) r->op_byte |= bit;
        if (keyword_bits(b, 0) & keyword_bits(p[i + 1], 1) & keyword_bits(p[i + 2], 2) & keyword_bits(p[i + 3], 3))
            r->keyword |= bit;
        if (any_structural && (b == s[0] || b == s[1] || b == s[2] || b == s[3])) r->structural |= bit;
    }
}

// MARK: - Derived masks

/// What `derive` carries from one block to the next.
typedef struct {
    // The classes of the byte before the block (bit 63 of the previous block's masks), as 0 or 1.
    uint64_t digit, enc_prev, at_prev, alnum, op_byte, dash, space, token, dot;
    uint64_t digits2;        // the two bytes before the block: bits 62 and 63 of the previous digit mask
    uint64_t keyword_fill;   // 1 when the keyword fill covers the byte before
    int64_t last_dash_u;     // absolute offset of the last "-u" / "-U", or a far negative number
} derive_state;

typedef unsigned __int128 u128;

static inline u128 wide(uint64_t low, uint64_t high) { return (u128)low | ((u128)high << 64); }

// Bits of `starts` (which must lie in `run`) extended forward to the end of their run of `run` bits.
static inline uint64_t fill_forward(uint64_t starts, uint64_t run) {
    return (((starts + run) ^ run) & run) | starts;
}

// Every bit at or above the lowest set bit of `hits` (a hit arms the rest of its block).
static inline uint64_t smear(uint64_t hits) {
    hits |= hits << 1;
    hits |= hits << 2;
    hits |= hits << 4;
    hits |= hits << 8;
    hits |= hits << 16;
    hits |= hits << 32;
    return hits;
}

static inline int ctz128(u128 x) {
    uint64_t low = (uint64_t)x;
    return low ? __builtin_ctzll(low) : 64 + __builtin_ctzll((uint64_t)(x >> 64));
}

// What may follow a card's first joiner, given `x`, the joiners followed by four digits: another such
// joiner five, six or seven bytes on (4 digits, a joiner and 4; 5, a joiner and 6; 6, a joiner and 4:
// see `starts_reaching_marks`). Reads up to 11 bits on.
static inline u128 card_rest(u128 x) { return (x >> 5) | (x >> 6) | (x >> 7); }

// The `starts` (run starts in the block's low 64 bits of `d`) whose digit group can hold a card or SSN
// window. Stage 2 (DigitGroupDetector.scan) rejects a group without one, and most joined runs are
// dates, times, IPv4 addresses and UUID parts: 350 instructions each in Swift, a few here.
//
// A group is digit runs joined by single joiners (space, '-', '.') followed by a digit. A window that
// stage 2 can accept starts at a run start p with one of three shapes:
//   card  4 digits (a whole run), a joiner, 4 digits, and five to seven bytes after that joiner another
//         joiner and 4 digits (4-4-4..., 4.4.4.4, 4-5-6, 4-6-5, 4-6-4): a card has twelve digits or more,
//         so its third run is there (a UK phone's "+44 20 7946 0958" has none)
//   ssn   3 digits (a whole run), a joiner, 2 digits, a joiner, 4 or more digits (3-2-4; a Berlin
//         phone's "+49 30 12345678" has a two-digit run before its 2-digit one)
//   long  9 or more digits (a run of 12 to 19 inside a group is a card window by itself)
// The shapes say "or more" of the last run because stage 2 may see a group cut short by its cell's end
// (the raw bytes run on into the next cell), where a run is shorter than here: every window inside the
// cut group still has its shape here.
//
// A start is kept when its group holds a mark at or after it, where `marks` (see derive) are the bits
// each shape sets inside its own group: a joiner with four digits and a card's third run (`card_rest`)
// after it and a run of exactly four digits before it, or four digits after it and a 3-2 before it (the
// card's first joiner, the SSN's second); the first of nine digits outside fractions; and
// every bit from `unread` on, where the marks would read past the 128-bit window.
static inline uint64_t starts_reaching_marks(uint64_t starts, u128 group, u128 marks) {
    // What the starts' groups cover from each start on (each start carried to its group's end by one
    // addition). Most windows with marks have them only where no start reaches (a long number's nine
    // digits, which start no group, among dates and addresses): then no start is kept, and the walk
    // below, a branch or two a start, is skipped (-9 % of stage 1 on PII-free CSV, Benchmarks/RESULTS.md).
    const u128 reach = ((((u128)starts + group) ^ group) & group) | starts;
    if ((reach & marks) == 0) return 0;
    uint64_t kept = 0, group_low = (uint64_t)group, marks_low = (uint64_t)marks;
    while (starts) {
        int c = __builtin_ctzll(starts);
        // The group from c is the run of ones at the bottom of `group >> c`. Most end inside the block
        // (64-bit words); one that reaches its end is followed into the next block (128-bit words).
        uint64_t rest = ~(group_low >> c);
        int length = __builtin_ctzll(rest | ((uint64_t)1 << 63));
        int found;
        if (c + length < 63) {
            found = ((marks_low >> c) & (((uint64_t)1 << length) - 1)) != 0;
        } else {
            u128 wide_rest = ~(group >> c);   // all ones only when the group fills the window: it reaches `unread`
            found = wide_rest == 0 || ((marks >> c) & ((((u128)1) << ctz128(wide_rest)) - 1)) != 0;
        }
        if (found) kept |= (uint64_t)1 << c;
        starts &= starts - 1;
    }
    return kept;
}

// The digits of the runs of at most 32 digits whose end is lone (no joiner and digit follow the run;
// the window must hold the byte after it, so the run ends before bit 126), each digit's run read forward
// from it in `d` (`d2`, `d4`, `d8`: two, four, eight digits on from a bit). A lone run that a '.' joins
// to the digits before it is a fraction (`0.6797621880147522`, a float8's digits), where stage 2 finds
// nothing (DigitGroupDetector.isFraction); nor is a fraction's run any window's: a card window of one
// run is no fraction, and the runs of a grouped card have at most six digits. A cell that starts at the
// fraction, or at its '.', sees no fraction: the cursor adds that run's start itself (`CellEdges`).
static inline u128 lone_run_digits(u128 d, u128 d2, u128 d4, u128 d8, u128 joiner_any) {
    const u128 inside = ((u128)1 << 127) - 1;   // the window's last byte has no byte after it here
    const u128 lone_end = (d << 1) & ~d & ~(joiner_any & (d >> 1)) & inside;
    u128 x = (lone_end >> 1) & d;   // the runs' last digits; then back over 1, 2, 4, 8, 16 more
    x |= (x >> 1) & d;
    x |= (x >> 2) & d2;
    x |= (x >> 4) & d4;
    x |= (x >> 8) & d8;
    x |= (x >> 16) & (d8 & (d8 >> 8));
    return x;
}

// Whether the `length` digits at `p` pass the Luhn check (every second digit from the right doubled,
// less 9 above 9), as CardRules.Number.passesLuhn reads them. (Eight digits a step by SWAR ran no faster
// in stage 1: its cost there is the runs' branches, not their sums.)
static inline int luhn_valid(const uint8_t *p, int length) {
    static const uint8_t doubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
    unsigned sum = 0;
    int i = length - 1;
    for (; i >= 1; i -= 2) sum += (unsigned)(p[i] - '0') + doubled[p[i - 1] - '0'];
    if (i == 0) sum += (unsigned)(p[0] - '0');
    return sum % 10 == 0;
}

// The long-run starts among `starts` (runs of ten digits or more, bit i at buffer offset base + i)
// from which stage 2 finds nothing: lone runs (no joiner and digit follow them), where a card has 12 to
// 19 digits and passes the Luhn check (CardRules.Number.isCard) and a bare SSN has nine; so runs of ten,
// eleven, twenty or more, and of twelve to nineteen that fail Luhn. Unix times in seconds, phone
// numbers, ids, epoch milliseconds and barcodes are such runs (nine in ten fail Luhn), and each was a
// cell scanned for nothing (Benchmarks/RESULTS.md). `d` and `joiners` (space, '-', '.') are the block's
// and the next block's; a run whose end the window does not show is kept. A cell that ends inside such
// a run sees a shorter one (nine digits, an SSN where announced): the cursor adds its start itself
// (`CellEdges.cutRun`).
static uint64_t lone_runs_without_cards(const uint8_t *buffer, size_t total, size_t base, uint64_t starts, u128 d,
                                        u128 joiners) {
    (void)total;   // the runs it reads lie inside the buffer
    uint64_t none = 0;
    for (uint64_t rest = starts; rest; rest &= rest - 1) {
        const int i = __builtin_ctzll(rest);
        const u128 after = ~(d >> i);   // zero only for a run that fills the window from bit 0
        if (after == 0) continue;
        const int end = i + ctz128(after);
        if (end >= 127 || (((joiners >> end) & (d >> (end + 1))) & 1)) continue;
        const int length = end - i;
        if (length < 12 || length >= 20 || !luhn_valid(buffer + base + (size_t)i, length)) none |= rest & -rest;
    }
    return none;
}

// Whether `buffer[at...]` starts with the `length` bytes of `text`.
static inline int has_text(const uint8_t *buffer, size_t total, size_t at, const char *text, size_t length) {
    return at + length <= total && memcmp(buffer + at, text, length) == 0;
}
#define HAS(at, literal) has_text(buffer, total, (at), literal, sizeof literal - 1)

// Whether the host after the ':' at `colon` (before "//") is one an incoming webhook's URL has
// (WebhookURLRule: Slack's, Discord's and Microsoft's hosts, or a host ending in ".webhook.office.com"
// at its first '/'), read more loosely than the rule (whose path prefixes and tenant bytes are its
// own). A test asks it of each of the rule's prefixes. Most URLs in data (sites, images, APIs) go here,
// and each was a cell scanned for nothing.
static int webhook_host(const uint8_t *buffer, size_t total, size_t colon) {
    const size_t host = colon + 3;
    if (host >= total) return 0;
    switch (buffer[host]) {
    case 'h': if (HAS(host, "hooks.slack.com/")) return 1; break;
    case 'd': if (HAS(host, "discord.com/") || HAS(host, "discordapp.com/")) return 1; break;
    case 'c': if (HAS(host, "canary.discord.com/")) return 1; break;
    case 'p': if (HAS(host, "ptb.discord.com/")) return 1; break;
    case 'o': if (HAS(host, "outlook.office.com/")) return 1; break;
    default: break;
    }
    const size_t end = total - host > 129 ? host + 129 : total;   // a host of up to 128 bytes, and its '/'
    const uint8_t *slash = memchr(buffer + host, '/', end - host);
    if (slash == NULL) return 0;
    const size_t at = (size_t)(slash - buffer);
    return at >= host + 20 && HAS(at - 19, ".webhook.office.com");
}
#undef HAS

// The ':' anchors `bits` of the block at `base` (each before "//", anchored for nothing else) whose
// host no incoming webhook has.
static uint64_t webhooks_without_hosts(const uint8_t *buffer, size_t total, size_t base, uint64_t bits) {
    uint64_t none = 0;
    for (uint64_t rest = bits; rest; rest &= rest - 1) {
        if (!webhook_host(buffer, total, base + (size_t)__builtin_ctzll(rest))) none |= rest & -rest;
    }
    return none;
}

// The credential literals the keyword buckets hold (Benchmarks/keyword_buckets.py's LITERALS), little-endian
// words of their case-folded bytes.
#define KW2(a, b) ((uint32_t)(a) | (uint32_t)(b) << 8)
#define KW3(a, b, c) (KW2(a, b) | (uint32_t)(c) << 16)
#define KW4(a, b, c, d) (KW3(a, b, c) | (uint32_t)(d) << 24)

// Whether one of the 24 credential literals starts at `buffer[p]` (case folded, as the buckets fold).
static inline int keyword_literal_at(const uint8_t *buffer, size_t total, size_t p) {
    uint32_t w = 0;
    if (p + 4 <= total) {
        memcpy(&w, buffer + p, 4);
    } else {
        for (size_t k = p; k < total; k++) w |= (uint32_t)buffer[k] << (8 * (k - p));
    }
    w |= 0x20202020u;   // a byte past the buffer folds to a space, no literal's
    const uint32_t three = w & 0xFFFFFF;
    switch (w & 0xFF) {
    case 'p': return (w & 0xFFFF) == KW2('p', 'w') || three == KW3('p', 's', 'k') || three == KW3('p', 'i', 'n')
                     || w == KW4('p', 'a', 's', 's');
    case 's': return three == KW3('s', 'i', 'g') || three == KW3('s', 'i', 'd') || three == KW3('s', 'a', 's')
                     || w == KW4('s', 'e', 'c', 'r') || w == KW4('s', 'e', 's', 's') || w == KW4('s', 'a', 'l', 't');
    case 'a': return three == KW3('a', 'p', 'i') || w == KW4('a', 'u', 't', 'h') || w == KW4('a', 'c', 'c', 'e');
    case 'k': return three == KW3('k', 'e', 'y');
    case 'd': return three == KW3('d', 's', 'n');
    case 'c': return w == KW4('c', 'r', 'e', 'd') || w == KW4('c', 'o', 'n', 'n') || w == KW4('c', 'e', 'r', 't')
                     || w == KW4('c', 'o', 'o', 'k');
    case 't': return w == KW4('t', 'o', 'k', 'e');
    case 'h': return w == KW4('h', 'm', 'a', 'c');
    case 'b': return w == KW4('b', 'e', 'a', 'r');
    case 'l': return w == KW4('l', 'i', 'c', 'e');
    case 'v': return w == KW4('v', 'a', 'l', 'u');
    default: return 0;
    }
}
#undef KW2
#undef KW3
#undef KW4

// The bucket hits `hits` of the block at `offset` where a credential literal does start: the buckets'
// nibble tables admit every mix of their literals' letters (the 'v' of "value", the 'e' of "secret",
// the 'l' of "salt": "level=info", once a log line), and each armed '=' or ':' after a key was a cell
// scanned for nothing. Hits are few (five a KB of the corpora, half of them literals).
static uint64_t exact_keywords(const uint8_t *buffer, size_t total, size_t offset, uint64_t hits) {
    uint64_t kept = 0;
    for (uint64_t rest = hits; rest; rest &= rest - 1) {
        if (keyword_literal_at(buffer, total, offset + (size_t)__builtin_ctzll(rest))) kept |= rest & -rest;
    }
    return kept;
}

// Of a block's anchors that only a keyword hit made (the armed '=' ':' '>' and quotes, `armable & armed`,
// and the option keywords, `hits & option_place`), those its literals make: the block's fill found
// again from its exact hits (`exact_keywords`) and the fill it came in with (`fill_in`, from the hits
// before it, kept as they were: a superset). Asked only for blocks with such anchors, which are few;
// checked for every block with a hit, the literals cost stage 1 a fifth of its time (a branch a block
// that missed a third of the time).
static uint64_t keyed_anchors_kept(const uint8_t *buffer, size_t total, size_t offset, uint64_t hits, uint64_t gap,
                                   uint64_t fill_in, uint64_t armable, uint64_t option_place) {
    const uint64_t exact = exact_keywords(buffer, total, offset, hits);
    const uint64_t armed = (fill_forward((exact & gap) | (fill_in & gap & 1), gap) << 1) | fill_in;
    return (armable & armed) | (exact & option_place);
}

// How far after "-u" a ':' may be: CommandLineCredentialRule reads at most 128 credential bytes, a
// quote, a space or '=', and an option of at most 16 bytes back from the ':' (146 in all).
enum { DASH_U_REACH = 160 };

/// Candidate masks of the block at absolute offset `base`, whose class masks are `r`; `n` is the next
/// block's (zero past the buffer), `valid` marks this block's and the next block's bytes inside the buffer.
static void derive(const uint8_t *buffer, size_t total, const raw_block *r, const raw_block *n, u128 valid, int64_t base,
                   derive_state *st, mk_block_masks *out, uint64_t *underscores, uint64_t *word_starts,
                   uint64_t *encoded_digits, uint64_t *long_ten, uint64_t *webhooks) {
    // Digit runs (most text blocks have none, and then no digit candidate).
    uint64_t before_digit = st->digit;
    *long_ten = 0;
    if (r->digit == 0) {
        out->digitstart = 0;
        *encoded_digits = 0;
    } else {
        u128 d = wide(r->digit, n->digit);
        uint64_t run_start = r->digit & ~((r->digit << 1) | before_digit);
        u128 d2 = d & (d >> 1), d4 = d2 & (d2 >> 2), d8 = d4 & (d4 >> 4);
        u128 nine = d8 & (d >> 8);
        u128 joiner = wide(r->space | r->dash, n->space | n->dash) & (d >> 1);
        u128 joined = d & (joiner >> 1);
        joined |= d & (joined >> 1);
        joined |= d2 & (joined >> 2);
        joined |= d4 & (joined >> 4);
        u128 dot_digit = wide(r->dot, n->dot) & (d >> 1);
        u128 dotted = (d2 & (d2 >> 1) & (dot_digit >> 3)) | (d4 & (dot_digit >> 4));
        uint64_t encoded = r->enc_digit & ((r->enc_prev << 1) | (st->enc_prev));
        // Run starts after a letter go (a digit cannot precede a run start).
        const uint64_t free_start = run_start & ~((r->alnum << 1) | st->alnum);
        u128 joiner_any = wide(r->space | r->dash | r->dot, n->space | n->dash | n->dot);
        // Runs of nine digits or more right after a digit and '.' (only those are candidates, or marks).
        const uint64_t fractions = run_start & ((r->dot << 1) | st->dot) & ((r->digit << 2) | st->digits2) & (uint64_t)nine;
        u128 fraction_digits = 0;
        uint64_t lone_fractions = 0;
        if (fractions) {
            fraction_digits = ((((u128)fractions + d) ^ d) & d) | fractions;   // each fraction's run
            lone_fractions = fractions & (uint64_t)lone_run_digits(d, d2, d4, d8, joiner_any);
        }
        uint64_t long_run = free_start & (uint64_t)nine & ~lone_fractions;
        // The caller drops those of ten digits or more where stage 2 finds nothing (`lone_runs_without_cards`).
        *long_ten = long_run & (uint64_t)(d >> 9);
        uint64_t group_starts = free_start & (uint64_t)(joined | dotted) & ~long_run;
        if (group_starts) {
            // A card's first joiner ends a run of exactly four (no digit five before it: a ZIP+4's
            // "24033-4308" has none) and starts one of its rests, an SSN's second one follows a run of
            // exactly three, a joiner and two digits.
            const u128 x = joiner_any & (d4 >> 1);
            u128 tail = x & ((((d4 << 4) & ~(d << 5)) & card_rest(x))
                             | ((d2 << 2) & (joiner_any << 3) & ((d2 & (d >> 2)) << 6) & ~(d << 7)));
            u128 unread = ~(((u128)1 << (128 - 13)) - 1);   // tails read up to 11 bytes ahead, nines 8
            // A fraction's nine digits are no window's (see `lone_run_digits`).
            u128 marks = tail | (nine & ~fraction_digits) | (unread & d);
            if (marks == 0) {
                group_starts = 0;   // most windows: dates, times with fractions, IPv4 addresses, UUIDs
            } else {
                u128 group = d | (joiner_any & (d << 1) & (d >> 1));
                group_starts = starts_reaching_marks(group_starts, group, marks | unread);
            }
        }
        out->digitstart = long_run | group_starts;
        *encoded_digits = encoded;   // the caller keeps those whose escape is whole (`encoded_escapes`)
    }
    out->digit = r->digit;

    // '@' between a local-part byte and a byte that is no space (a tab after it fails both rules too,
    // but they say so themselves).
    uint64_t at = 0;
    if (r->at) {
        u128 at_next = ~wide(r->space, n->space) & valid;
        at = r->at & ((r->at_prev << 1) | st->at_prev) & (uint64_t)(at_next >> 1);
    }
    uint64_t underscore = r->underscore & ((r->alnum << 1) | st->alnum);

    // Keyword fill: from a keyword hit forward through the bytes a key and its operator consist of.
    const uint64_t fill_in = st->keyword_fill;
    uint64_t starts = r->keyword & r->gap;
    if (fill_in && (r->gap & 1)) starts |= 1;
    uint64_t filled = fill_forward(starts, r->gap);
    uint64_t armed = (filled << 1) | fill_in;
    st->keyword_fill = filled >> 63;

    uint64_t comma_next = (r->comma >> 1) | (n->comma << 63);
    uint64_t quote_next = ((r->dquote | r->squote) >> 1) | ((n->dquote | n->squote) << 63);
    uint64_t dash_next = (r->dash >> 1) | (n->dash << 63);
    uint64_t quote_comma = (r->dquote | r->squote) & comma_next;
    uint64_t before_quote = (r->space | r->lparen) & quote_next;
    *underscores = underscore;   // anchors once the caller has read the words before them
    // `anchor` holds what no keyword hit made; `armable & armed` and the option keywords what one did.
    uint64_t anchor = at;
    uint64_t armable = quote_comma | before_quote | r->greater | r->equals;

    *webhooks = 0;
    uint64_t dash_u = r->dash & ((r->u_folded >> 1) | (n->u_folded << 63));
    int64_t reach = st->last_dash_u + DASH_U_REACH - base;
    if (r->colon | r->equals) {
        uint64_t op_next = r->equals | r->colon | r->greater;
        op_next = (op_next >> 1) | ((n->equals | n->colon | n->greater) << 63);
        uint64_t compared = (r->equals | r->colon) & ((r->op_byte << 1) | st->op_byte | op_next);
        anchor |= r->equals & compared;
        if (r->colon) {
            uint64_t slash_next = (r->slash >> 1) | (n->slash << 63);
            uint64_t slash_next2 = (r->slash >> 2) | (n->slash << 62);
            uint64_t webhook = slash_next & slash_next2;
            uint64_t telegram = ((r->digit << 1) | st->digit) & ((r->upper_a >> 1) | (n->upper_a << 63));
            uint64_t command = 0;
            if (dash_u || reach >= 0) {
                command = smear(dash_u);
                if (reach >= 63) command = ~(uint64_t)0;
                else if (reach >= 0) command |= ((uint64_t)2 << reach) - 1;
            }
            anchor |= r->colon & (webhook | telegram | command);
            armable |= r->colon;
            // Those only a webhook's host can keep: the caller reads the host (`webhook_host`).
            *webhooks = r->colon & webhook & ~(armed | telegram | command);
        }
    }
    if (dash_u) st->last_dash_u = base + 63 - __builtin_clzll(dash_u);

    uint64_t pairs = r->dash & dash_next;
    if (pairs) {
        u128 dash = wide(r->dash, n->dash);
        anchor |= (uint64_t)(dash & (dash >> 1) & (dash >> 2) & (dash >> 3) & (dash >> 4))
                  & ~((r->dash << 1) | st->dash);
    }
    // A password hash's '$' after its scheme.
    uint64_t hash_dollar = r->dollar & ((r->alnum << 1) | st->alnum);
    anchor |= hash_dollar;
    // A credential keyword right after a '-' (a command-line option: `--password S3cret`), or one that
    // starts with 'p', 's' or 't' after a space (a sentence: `my password is Hunter2-Secret9`; the
    // rule's words are `password`, `pin`, `secret`, `token` and such, and the other keywords' hits
    // after a space, `license`'s and what its loose tables let through, were most of them).
    const uint64_t option_place = ((r->dash << 1) | st->dash) | (r->pst_folded & ((r->space << 1) | st->space));
    uint64_t option_keyword = r->keyword & option_place;
    uint64_t keyed = ((armable & armed) | option_keyword) & ~anchor;
    if (keyed) keyed &= keyed_anchors_kept(buffer, total, (size_t)base, r->keyword, r->gap, fill_in, armable, option_place);
    anchor |= keyed;
    out->anchor = anchor;
    out->trigger = r->at | r->underscore | r->equals | r->colon | r->greater | pairs | quote_comma | before_quote
                   | hash_dollar | option_keyword;
    out->structural = r->structural;
    // Long runs: token bytes i...i+15 all set.
    // Token bytes [A-Za-z0-9_.~-], from the class masks.
    const uint64_t token = r->alnum | r->underscore | r->dot | r->tilde | r->dash;
    u128 t = wide(token, n->alnum | n->underscore | n->dot | n->tilde | n->dash);
    t &= t >> 1;
    t &= t >> 2;
    t &= t >> 4;
    t &= t >> 8;
    out->longrun = (uint64_t)t;
    out->otherstart = (uint64_t)t & ~r->alnum & ~((token << 1) | st->token);
    st->token = token >> 63;
    *word_starts = r->alnum & ~((r->alnum << 1) | (st->alnum));
    st->digit = r->digit >> 63;
    st->digits2 = r->digit >> 62;
    st->dot = r->dot >> 63;
    st->enc_prev = r->enc_prev >> 63;
    st->at_prev = r->at_prev >> 63;
    st->alnum = r->alnum >> 63;
    st->op_byte = r->op_byte >> 63;
    st->dash = r->dash >> 63;
    st->space = r->space >> 63;
}

// MARK: - Drivers

typedef void (*raw_function)(const uint8_t *p, const uint8_t s[4], raw_block *r);

// Class masks of the 64 bytes at `offset`, bytes at or past `total` read as zero.
static void raw_at(raw_function raw, const uint8_t *buffer, size_t total, size_t offset, const uint8_t s[4],
                   raw_block *r) {
    if (offset + 67 <= total) {
        raw(buffer + offset, s, r);
    } else {
        uint8_t padded[64 + 32];
        memset(padded, 0, sizeof padded);
        if (offset < total) memcpy(padded, buffer + offset, total - offset);
        raw(padded, s, r);
    }
}

static inline u128 valid_bits(int64_t base, size_t total) {
    int64_t inside = (int64_t)total - base;
    if (inside >= 128) return ~(u128)0;
    if (inside <= 0) return 0;
    return ((u128)1 << inside) - 1;
}

// Whether a catalogue prefix starts at `s` (up to 8 bytes compared; zeros past `total`, which no prefix has).
static inline int prefix_starts_at(const uint8_t *buffer, size_t total, size_t s, const mk_token_prefixes *prefixes) {
    uint64_t head = 0;
    if (s + 8 <= total) {
        memcpy(&head, buffer + s, 8);   // little-endian, as the words are
    } else {
        for (size_t i = s; i < total; i++) head |= (uint64_t)buffer[i] << (8 * (i - s));
    }
    unsigned pair = (unsigned)(head & 0xFFFF);   // every prefix has two bytes or more
    // One branch on both bits, not one on each: a start that passes the pair but not the triple would
    // otherwise cost the pair's branch a miss as often as it is taken.
    uint64_t passes = prefixes->pairs[pair >> 6] >> (pair & 63);
    if (prefixes->triples) {
        const unsigned triple = mk_prefix_triple_bit(head);
        passes &= prefixes->triples[triple >> 6] >> (triple & 63);
    }
    if (!(passes & 1)) return 0;
    // The pair's own words. A pair in `pairs` is in the table (both are built from the same words);
    // were it missing, the candidate is kept for stage 2.
    mk_prefix_group group;
    if (!mk_prefix_pair_group(prefixes, pair, &group)) return 1;
    for (unsigned k = group.start; k < (unsigned)group.start + group.count; k++) {
        if ((head & prefixes->words[k].mask) == prefixes->words[k].word) return 1;
    }
    return 0;
}

// Whether the '_' at bit `i` of the block at `base` (whose letters and digits are `alnum`) ends a word
// that may start a catalogue token. Stage 2 (SecretDetector.afterUnderscore) walks back from the '_' over at most
// 16 letters and digits, and the catalogue then needs a word start there (the cell's first byte, or a
// byte after no letter or digit) and a prefix. Where the cell starts at or before the word's start, that
// start is the one found here, in the buffer's bytes; a cell that starts inside the word (after a length
// byte that is a letter, on the wire) is the cursor's to look at (`CellEdges`).
static inline int underscore_word_prefixed(const uint8_t *buffer, size_t total, size_t base, uint64_t alnum, unsigned i,
                                           const mk_token_prefixes *prefixes) {
    size_t u = base + i;
    uint64_t others_below = ~alnum & (((uint64_t)1 << i) - 1);
    size_t s;
    if (others_below) {
        s = base + 64 - (size_t)__builtin_clzll(others_below);   // after the last byte no letter or digit
    } else {
        s = base;   // the word began in an earlier block
        while (s > 0 && u - s < 17 && in_alnum(buffer[s - 1])) s--;
    }
    if (u - s > 16) return 0;   // a word of 17+ bytes: the walk stops inside it
    return prefix_starts_at(buffer, total, s, prefixes);
}

// The '_' anchors `bits` of the block at `base` that `underscore_word_prefixed` keeps.
static uint64_t prefixed_underscores(const uint8_t *buffer, size_t total, size_t base, uint64_t alnum, uint64_t bits,
                                     const mk_token_prefixes *prefixes) {
    uint64_t kept = 0;
    for (uint64_t rest = bits; rest; rest &= rest - 1) {
        if (underscore_word_prefixed(buffer, total, base, alnum, (unsigned)__builtin_ctzll(rest), prefixes))
            kept |= rest & -rest;
    }
    return kept;
}

// An Azure AD client secret's shape at `p` (SecretDetector.suffixedToken): a digit three bytes on, then `Q~`.
// Both token starts (`token_start_kept`) and other starts (`other_start_kept`) ask it; p[3...5] readable.
static inline int azure_secret_shape(const uint8_t *p) {
    return p[5] == '~' && p[4] == 'Q' && (unsigned)(p[3] - '0') < 10;
}

// Whether the word start of a long run at bit `i` of the block at `base` is one where
// SecretDetector.token can find something: a catalogue prefix; a JWT's `eyJ`; a Discord bot token's first byte (its id is base64 of a
// number: 'M', 'N', 'O'); a suffixed token (`SecretDetector.suffixedToken`): letters and digits up to its
// separator at the shape's offset, MaxMind's `_` after 6, Terraform's `.` after 14, Mailchimp's `-us`
// after 32, or Azure's digit and `Q~` at 3. Stage 2 reads the same bytes inside its cell, so a start
// dropped here is one where it finds nothing. UUIDs, digests and words go. `alnum`: the letters and
// digits of the block and the next one (the run from a start is measured in them, as stage 2's head).
// A separator alone at its offset let through every UUID followed by a date: 32 bytes on from its
// second group, past the UUID's end, lies the date's first '-' (Benchmarks/RESULTS.md).
static inline int token_start_kept(const uint8_t *buffer, size_t total, size_t base, unsigned i, u128 alnum,
                                   const mk_token_prefixes *prefixes) {
    uint8_t tail[35];
    size_t s = base + i;
    const uint8_t *p = buffer + s;
    if (s + sizeof tail > total) {
        // Near the buffer's end, the bytes past it read as zero (stage 2 reads inside its cell only).
        memset(tail, 0, sizeof tail);
        memcpy(tail, p, total - s);
        p = tail;
    }
    int suffixed = 0;
    if ((p[6] == '_') | (p[14] == '.') | (p[32] == '-') | (p[5] == '~')) {
        // The letters and digits from the start on (at least 64 when they fill the two blocks from it,
        // which is longer than any head below).
        const u128 stops = ~(alnum >> i);
        const int head = stops ? ctz128(stops) : 128;
        suffixed = (head == 6 && p[6] == '_') | (head == 14 && p[14] == '.')
                   | (head == 32 && p[32] == '-' && p[33] == 'u' && p[34] == 's')
                   | azure_secret_shape(p);
    }
    const int may = (p[0] == 'e' && p[1] == 'y' && p[2] == 'J') || p[0] == 'M' || p[0] == 'N' || p[0] == 'O' || suffixed;
    return may || prefix_starts_at(buffer, total, s, prefixes);
}

// Whether `token_start_kept` may keep the start `s`: a necessary condition of it, read without a branch. A
// start near the buffer's end (whose bytes it reads from a copy), the first two bytes of a catalogue
// prefix, 'M', 'N' or 'O', `eyJ`, or `suffixed`: a separator it reads on for a suffixed token there.
static inline int token_start_may_pass(const uint8_t *buffer, size_t total, size_t s, const mk_token_prefixes *prefixes,
                                       uint64_t suffixed) {
    if (s + 35 > total) return 1;
    uint64_t head;
    memcpy(&head, buffer + s, 8);
    const unsigned pair = (unsigned)(head & 0xFFFF);
    const uint64_t prefix = (prefixes->pairs[pair >> 6] >> (pair & 63)) & 1;
    const uint64_t discord = (uint8_t)((uint8_t)head - 'M') < 3;
    const uint64_t jwt = (head & 0xFFFFFF) == ((uint64_t)'e' | (uint64_t)'y' << 8 | (uint64_t)'J' << 16);
    return (int)(prefix | discord | jwt | suffixed);
}

// The word starts `bits` of long runs in the block at `base` that `token_start_kept` keeps.
static uint64_t token_starts(const uint8_t *buffer, size_t total, size_t base, uint64_t bits, u128 alnum,
                             const mk_token_prefixes *prefixes) {
    uint64_t kept = 0;
    for (uint64_t rest = bits; rest; rest &= rest - 1) {
        if (token_start_kept(buffer, total, base, (unsigned)__builtin_ctzll(rest), alnum, prefixes)) kept |= rest & -rest;
    }
    return kept;
}

// Whether a long run that starts at `s` with a token byte that is no letter or digit (`-`, `_`, `.`, `~`)
// starts a token SecretDetector.token can find: a catalogue prefix, or an Azure AD client secret's shape
// (three bytes, a digit, then `Q~` at 5: SecretDetector.suffixedToken). Its other shapes start at a letter
// or digit (a suffixed token's head, a JWT's `eyJ`, a Discord bot token's 'M', 'N' or 'O'), or hold a
// space within the run's 16 bytes (a PEM block's `-----BEGIN `, which its five dashes anchor). The
// cursor tries a token at a value's first byte only (`CellEdges`), so these starts matter where a value
// starts: a negative number with many digits (`-122.41941550000001`, `-4451292327690245682`) was a value
// scanned for nothing (Benchmarks/RESULTS.md). The run's 16 bytes lie in the buffer.
static inline int other_start_kept(const uint8_t *buffer, size_t total, size_t s, const mk_token_prefixes *prefixes) {
    const uint8_t *p = buffer + s;
    if (azure_secret_shape(p)) return 1;
    return prefix_starts_at(buffer, total, s, prefixes);
}

// The other starts `bits` of the block at `base` that `other_start_kept` keeps.
static uint64_t other_starts(const uint8_t *buffer, size_t total, size_t base, uint64_t bits,
                             const mk_token_prefixes *prefixes) {
    uint64_t kept = 0;
    for (uint64_t rest = bits; rest; rest &= rest - 1) {
        if (other_start_kept(buffer, total, base + (size_t)__builtin_ctzll(rest), prefixes)) kept |= rest & -rest;
    }
    return kept;
}

// The '$' anchors `bits` of the block at `base` where no password hash can be (PasswordHashShape): a hash's
// last field holds 16 bytes or more of its field bytes (letters, digits, `$./+=,:-_`) after the '$' that
// ends its scheme, so a '$' without 16 of them after it (a price's `US$5`, a shell's `$HOME$PATH`) starts
// none. Bytes past the buffer count as none (a cell ends before them). Such '$' were a value scanned for
// nothing each on text with prices or shell lines (Benchmarks/RESULTS.md).
static uint64_t dollars_without_fields(const uint8_t *buffer, size_t total, size_t base, uint64_t bits) {
    uint64_t none = 0;
    for (uint64_t rest = bits; rest; rest &= rest - 1) {
        const size_t d = base + (size_t)__builtin_ctzll(rest);
        int fields = d + 17 <= total;
        for (size_t k = d + 1; fields && k <= d + 16; k++) fields = (scalar_sets[buffer[k]] & SCALAR_HASH_FIELD) != 0;
        if (!fields) none |= rest & -rest;
    }
    return none;
}

// The encoded '@' digits `bits` of the block at `base` whose escape is whole before them, as
// EmailDetector.encodedSeparator reads it: `%40`, `\u0040`, `&#64;` or `&#0064;`, `&#x40;` or `&#x0040;`. The
// class masks pair any of the digits with any of the bytes before them, and one such pair is "x64", in
// every browser's user agent.
static uint64_t encoded_escapes(const uint8_t *buffer, size_t base, uint64_t bits) {
    uint64_t kept = 0;
    for (uint64_t rest = bits; rest; rest &= rest - 1) {
        // s >= 1: a digit is encoded only after a byte of the buffer.
        const size_t s = base + (size_t)__builtin_ctzll(rest);
        const uint8_t d = buffer[s], p = buffer[s - 1];
        const uint8_t two = s >= 2 ? buffer[s - 2] : 0, three = s >= 3 ? buffer[s - 3] : 0;
        const int whole = (p == '%' && d == '4') || (p == 'u' && d == '0' && two == '\\')
                          || (p == '#' && (d == '6' || d == '0') && two == '&')
                          || ((p | 0x20) == 'x' && (d == '4' || d == '0') && two == '#' && three == '&');
        if (whole) kept |= rest & -rest;
    }
    return kept;
}

// Clears the bits past the window's `length` bytes in its last block.
static inline void clip_last_block(mk_block_masks *out, size_t blocks, size_t length) {
    size_t rest = length - (blocks - 1) * 64;
    if (rest < 64) {
        uint64_t keep = ((uint64_t)1 << rest) - 1;
        mk_block_masks *last = &out[blocks - 1];
        last->anchor &= keep;
        last->trigger &= keep;
        last->digit &= keep;
        last->digitstart &= keep;
        last->structural &= keep;
        last->longrun &= keep;
        last->tokenstart &= keep;
        last->otherstart &= keep;
    }
}

static void classify_with(raw_function raw, const uint8_t *buffer, size_t total, size_t start, size_t length,
                          const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes) {
    size_t blocks = (length + 63) / 64;
    if (blocks == 0) return;
    derive_state st;
    memset(&st, 0, sizeof st);
    st.last_dash_u = -(int64_t)DASH_U_REACH - 1;
    // Warm up on up to four blocks before the window, the fill assumed open at the first of them.
    size_t warm = start >= 256 ? start - 256 : 0;
    st.keyword_fill = warm > 0;
    // Two class-mask buffers, swapped by pointer: the current block's and the next one's.
    raw_block pair[2];
    raw_block *current = &pair[0], *next = &pair[1], *swap;
    mk_block_masks discard;
    uint64_t underscores, word_starts, encoded, long_ten, webhooks;
    raw_at(raw, buffer, total, warm, structural, current);
    for (size_t offset = warm; offset < start; offset += 64) {
        raw_at(raw, buffer, total, offset + 64, structural, next);
        derive(buffer, total, current, next, valid_bits((int64_t)offset, total), (int64_t)offset, &st, &discard, &underscores,
               &word_starts, &encoded, &long_ten, &webhooks);
        swap = current; current = next; next = swap;
    }
    for (size_t b = 0; b < blocks; b++) {
        size_t offset = start + b * 64;
        raw_at(raw, buffer, total, offset + 64, structural, next);
        derive(buffer, total, current, next, valid_bits((int64_t)offset, total), (int64_t)offset, &st, &out[b], &underscores,
               &word_starts, &encoded, &long_ten, &webhooks);
        if (webhooks) out[b].anchor &= ~webhooks_without_hosts(buffer, total, offset, webhooks);
        // The '$' anchors are `derive`'s password-hash '$' (no other rule anchors a '$').
        const uint64_t dollars = out[b].anchor & current->dollar;
        if (dollars) out[b].anchor &= ~dollars_without_fields(buffer, total, offset, dollars);
        if (long_ten) {
            const u128 joiners = wide(current->space | current->dash | current->dot, next->space | next->dash | next->dot);
            out[b].digitstart &= ~lone_runs_without_cards(buffer, total, offset, long_ten, wide(current->digit, next->digit),
                                                          joiners);
        }
        if (encoded) out[b].digitstart |= encoded_escapes(buffer, offset, encoded);
        if (underscores && prefixes)
            underscores = prefixed_underscores(buffer, total, offset, current->alnum, underscores, prefixes);
        out[b].anchor |= underscores;
        uint64_t token_bits = out[b].longrun & word_starts;
        if (out[b].otherstart && prefixes) out[b].otherstart = other_starts(buffer, total, offset, out[b].otherstart, prefixes);
        out[b].tokenstart = token_bits && prefixes
            ? token_starts(buffer, total, offset, token_bits, wide(current->alnum, next->alnum), prefixes) : token_bits;
        swap = current; current = next; next = swap;
    }
    clip_last_block(out, blocks, length);
}

void mk_classify_scalar(const uint8_t *buffer, size_t total, size_t start, size_t length,
                        const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes) {
    mk_path_record(MK_KERNEL_CLASSIFY, MK_PATH_PORTABLE);
    classify_with(raw_scalar, buffer, total, start, length, structural, out, prefixes);
}

// MARK: - Eight blocks at a time

// The vector paths run `derive` on eight blocks at once: each 64-bit mask of the scalar code becomes a
// vector of eight (one lane per block, GCC/Clang vector extensions, so one source compiles to AVX-512
// registers and to pairs of AVX2 ones), each 128-bit window a pair of such vectors (a lane's block and
// the block after it, shifted as `u128` shifts them: zeros in at both ends). Block by block, `derive`
// spent more instructions than the class masks themselves (Benchmarks/RESULTS.md). What one block hands
// the next stays scalar, in a short loop over the lanes: the keyword fill, the reach of the last "-u",
// and the few digit groups whose marks must be walked (`starts_reaching_marks`). Every lane computes
// exactly what `derive` computes for its block: the tests compare the two paths mask for mask.
// The helpers take and return 64-byte vectors without being compiled for AVX-512, which the compiler
// warns changes their calling convention; they are always inlined into `classify_avx2` and
// `classify_avx512`, so no call passes a vector at all.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
typedef uint64_t lanes __attribute__((vector_size(64)));
typedef struct { lanes lo, hi; } wide_lanes;

__attribute__((always_inline)) static inline lanes lanes_at(const uint64_t *slots) {
    lanes v;
    memcpy(&v, slots, sizeof v);
    return v;
}
__attribute__((always_inline)) static inline wide_lanes wl(lanes lo, lanes hi) { wide_lanes w = {lo, hi}; return w; }
__attribute__((always_inline)) static inline wide_lanes wl_and(wide_lanes a, wide_lanes b) { return wl(a.lo & b.lo, a.hi & b.hi); }
__attribute__((always_inline)) static inline wide_lanes wl_or(wide_lanes a, wide_lanes b) { return wl(a.lo | b.lo, a.hi | b.hi); }
// `u128 >> k` and `u128 << k`, 0 < k < 64.
__attribute__((always_inline)) static inline wide_lanes wl_shr(wide_lanes a, int k) {
    return wl((a.lo >> k) | (a.hi << (64 - k)), a.hi >> k);
}
__attribute__((always_inline)) static inline wide_lanes wl_shl(wide_lanes a, int k) {
    return wl(a.lo << k, (a.hi << k) | (a.lo >> (64 - k)));
}

// Whether any lane holds a set bit.
__attribute__((always_inline)) static inline int any_lane(lanes v) {
    uint64_t any = 0;
    for (int j = 0; j < LANES; j++) any |= v[j];
    return any != 0;
}

// A class's masks: of each lane's block, the block before it, the block after it.
#define OWN(field) lanes_at(&r->field[1])
#define BEFORE(field) lanes_at(&r->field[0])
#define AFTER(field) lanes_at(&r->field[2])

/// What the eight-block derive leaves per lane for the scalar loop and the caller.
typedef struct {
    uint64_t anchor[LANES], trigger[LANES], digitstart[LANES], longrun[LANES], otherstart[LANES], underscores[LANES],
        word_starts[LANES];
    uint64_t group_starts[LANES], colon[LANES], dash_u[LANES];
    uint64_t group_lo[LANES], group_hi[LANES], marks_lo[LANES], marks_hi[LANES], reached[LANES], encoded[LANES];
    uint64_t long_ten[LANES], webhooks[LANES];
    uint64_t keyed[LANES], armable[LANES], option_place[LANES];
    uint64_t token_suffix[LANES];
} lane_masks;

/// `derive` for the blocks in slots 1...8 of `r` (at `base`, `base` + 64, ...), all but what one block
/// hands the next: `armed` (the keyword fill, by lane) comes in, and `finish_lanes` adds the digit
/// groups' marks and the "-u" reach.
__attribute__((always_inline))
static inline void derive_lanes(const raw_lanes *r, lanes armed, wide_lanes valid, lane_masks *out) {
    const lanes one = {1, 1, 1, 1, 1, 1, 1, 1};
    // Digit runs.
    const lanes digit = OWN(digit), before_digit = BEFORE(digit) >> 63;
    const wide_lanes d = wl(digit, AFTER(digit));
    const lanes run_start = digit & ~((digit << 1) | before_digit);
    const wide_lanes d2 = wl_and(d, wl_shr(d, 1)), d4 = wl_and(d2, wl_shr(d2, 2)), d8 = wl_and(d4, wl_shr(d4, 4));
    const wide_lanes nine = wl_and(d8, wl_shr(d, 8));
    const wide_lanes spaces_dashes = wl(OWN(space) | OWN(dash), AFTER(space) | AFTER(dash));
    const wide_lanes joiner = wl_and(spaces_dashes, wl_shr(d, 1));
    wide_lanes joined = wl_and(d, wl_shr(joiner, 1));
    joined = wl_or(joined, wl_and(d, wl_shr(joined, 1)));
    joined = wl_or(joined, wl_and(d2, wl_shr(joined, 2)));
    joined = wl_or(joined, wl_and(d4, wl_shr(joined, 4)));
    const wide_lanes dot_digit = wl_and(wl(OWN(dot), AFTER(dot)), wl_shr(d, 1));
    const lanes dotted = (d2.lo & wl_shr(d2, 1).lo & wl_shr(dot_digit, 3).lo) | (d4.lo & wl_shr(dot_digit, 4).lo);
    const lanes encoded = OWN(enc_digit) & ((OWN(enc_prev) << 1) | (BEFORE(enc_prev) >> 63));
    const lanes free_start = run_start & ~((OWN(alnum) << 1) | (BEFORE(alnum) >> 63));   // none after a letter
    const wide_lanes joiner_any = wl(OWN(space) | OWN(dash) | OWN(dot), AFTER(space) | AFTER(dash) | AFTER(dot));
    // `derive`'s fractions, `lone_run_digits` and each fraction's run, where some lane has a fraction.
    const lanes fractions = run_start & ((OWN(dot) << 1) | (BEFORE(dot) >> 63)) & ((digit << 2) | (BEFORE(digit) >> 62))
                            & nine.lo;
    wide_lanes fraction_digits = wl((lanes){0}, (lanes){0});
    lanes lone_fractions = (lanes){0};
    if (any_lane(fractions)) {
        const lanes low = fractions + d.lo;
        fraction_digits = wl(((low ^ d.lo) & d.lo) | fractions, ((d.hi - (lanes)(low < fractions)) ^ d.hi) & d.hi);
        const wide_lanes inside = wl(~(lanes){0}, ~(one << 63));
        const wide_lanes lone_end = wl_and(wl_and(wl_shl(d, 1), wl(~d.lo, ~d.hi)),
                                           wl_and(wl(~(joiner_any.lo & wl_shr(d, 1).lo), ~(joiner_any.hi & (d.hi >> 1))), inside));
        const wide_lanes d16 = wl_and(d8, wl_shr(d8, 8));
        wide_lanes x = wl_and(wl_shr(lone_end, 1), d);
        x = wl_or(x, wl_and(wl_shr(x, 1), d));
        x = wl_or(x, wl_and(wl_shr(x, 2), d2));
        x = wl_or(x, wl_and(wl_shr(x, 4), d4));
        x = wl_or(x, wl_and(wl_shr(x, 8), d8));
        x = wl_or(x, wl_and(wl_shr(x, 16), d16));
        lone_fractions = fractions & x.lo;
    }
    const lanes long_run = free_start & nine.lo & ~lone_fractions;
    const lanes long_ten = long_run & wl_shr(d, 9).lo;
    memcpy(out->long_ten, &long_ten, sizeof long_ten);
    const lanes group_starts = free_start & (joined.lo | dotted) & ~long_run;
    const wide_lanes d5 = wl_shl(d, 5), four_before = wl_and(wl_shl(d4, 4), wl(~d5.lo, ~d5.hi));
    const wide_lanes d7 = wl_shl(d, 7), three = wl_and(wl_shl(wl_and(d2, wl_shr(d, 2)), 6), wl(~d7.lo, ~d7.hi));
    const wide_lanes x = wl_and(joiner_any, wl_shr(d4, 1));
    const wide_lanes card = wl_or(wl_or(wl_shr(x, 5), wl_shr(x, 6)), wl_shr(x, 7));   // `card_rest`
    const wide_lanes tail = wl_and(x, wl_or(wl_and(four_before, card),
                                            wl_and(wl_and(wl_shl(d2, 2), wl_shl(joiner_any, 3)), three)));
    // `unread` of derive: bits 115...127.
    const lanes unread_hi = ~((one << 51) - one);
    const wide_lanes marks = wl(tail.lo | (nine.lo & ~fraction_digits.lo),
                                tail.hi | (nine.hi & ~fraction_digits.hi) | (unread_hi & d.hi));
    const wide_lanes group = wl_or(d, wl_and(joiner_any, wl_and(wl_shl(d, 1), wl_shr(d, 1))));
    memcpy(out->group_starts, &group_starts, sizeof group_starts);
    // `starts_reaching_marks`'s first test in lanes (its 128-bit addition by a carry compare): the lanes
    // where no start's group reaches a mark, most of them, skip the scalar call (`finish_lane`).
    const lanes low = group_starts + group.lo;
    const lanes high = group.hi - (lanes)(low < group_starts);
    const lanes reached = ((((low ^ group.lo) & group.lo) | group_starts) & marks.lo)
                          | (((high ^ group.hi) & group.hi) & (marks.hi | unread_hi));
    memcpy(out->reached, &reached, sizeof reached);
    memcpy(out->group_lo, &group.lo, sizeof group.lo);
    memcpy(out->group_hi, &group.hi, sizeof group.hi);
    memcpy(out->marks_lo, &marks.lo, sizeof marks.lo);
    memcpy(out->marks_hi, &marks.hi, sizeof marks.hi);
    memcpy(out->digitstart, &long_run, sizeof long_run);   // and the group starts `finish_lane` keeps
    memcpy(out->encoded, &encoded, sizeof encoded);   // and the encoded '@' digits `encoded_escapes` keeps

    const lanes at_raw = OWN(at), space = OWN(space);
    const wide_lanes at_next = wl(~space & valid.lo, ~AFTER(space) & valid.hi);
    const lanes at = at_raw & ((OWN(at_prev) << 1) | (BEFORE(at_prev) >> 63)) & wl_shr(at_next, 1).lo;
    const lanes alnum = OWN(alnum), underscore_raw = OWN(underscore);
    const lanes underscores = underscore_raw & ((alnum << 1) | (BEFORE(alnum) >> 63));
    memcpy(out->underscores, &underscores, sizeof underscores);

    const lanes comma_next = (OWN(comma) >> 1) | (AFTER(comma) << 63);
    const lanes dquote = OWN(dquote), dash = OWN(dash), dash_after = AFTER(dash);
    const lanes squote = OWN(squote);
    const lanes quote_next = ((dquote | squote) >> 1) | ((AFTER(dquote) | AFTER(squote)) << 63);
    const lanes dash_next = (dash >> 1) | (dash_after << 63);
    const lanes quote_comma = (dquote | squote) & comma_next;
    const lanes before_quote = (space | OWN(lparen)) & quote_next;
    const lanes equals = OWN(equals), colon = OWN(colon), greater = OWN(greater);
    // `anchor` holds what no keyword hit made; `armable & armed` and the option keywords what one did
    // (`keyed`, which the caller checks against the literals: `keyed_anchors_kept`).
    lanes anchor = at;

    const lanes dash_u = dash & ((OWN(u_folded) >> 1) | (AFTER(u_folded) << 63));
    memcpy(out->dash_u, &dash_u, sizeof dash_u);
    memcpy(out->colon, &colon, sizeof colon);
    const lanes op_next = ((equals | colon | greater) >> 1) | ((AFTER(equals) | AFTER(colon) | AFTER(greater)) << 63);
    const lanes compared = (equals | colon) & ((OWN(op_byte) << 1) | (BEFORE(op_byte) >> 63) | op_next);
    anchor |= equals & compared;
    const lanes slash = OWN(slash), slash_after = AFTER(slash);
    const lanes webhook = ((slash >> 1) | (slash_after << 63)) & ((slash >> 2) | (slash_after << 62));
    const lanes telegram = ((digit << 1) | before_digit) & ((OWN(upper_a) >> 1) | (AFTER(upper_a) << 63));
    anchor |= colon & (webhook | telegram);   // and the "-u" reach, `finish_lane`'s
    const lanes armable = quote_comma | before_quote | greater | equals | colon;
    const lanes webhooks = colon & webhook & ~(armed | telegram);   // `derive`'s (the reach adds its own back)
    memcpy(out->webhooks, &webhooks, sizeof webhooks);

    const lanes pairs = dash & dash_next;
    const wide_lanes dashes = wl(dash, dash_after);
    anchor |= wl_and(wl_and(wl_and(dashes, wl_shr(dashes, 1)), wl_and(wl_shr(dashes, 2), wl_shr(dashes, 3))),
                     wl_shr(dashes, 4)).lo
              & ~((dash << 1) | (BEFORE(dash) >> 63));
    const lanes hash_dollar = OWN(dollar) & ((alnum << 1) | (BEFORE(alnum) >> 63));
    anchor |= hash_dollar;
    const lanes option_place = ((dash << 1) | (BEFORE(dash) >> 63)) | (OWN(pst_folded) & ((space << 1) | (BEFORE(space) >> 63)));
    const lanes option_keyword = OWN(keyword) & option_place;
    const lanes keyed = ((armable & armed) | option_keyword) & ~anchor;
    anchor |= keyed;
    memcpy(out->anchor, &anchor, sizeof anchor);
    memcpy(out->keyed, &keyed, sizeof keyed);
    memcpy(out->armable, &armable, sizeof armable);
    memcpy(out->option_place, &option_place, sizeof option_place);
    const lanes trigger = at_raw | underscore_raw | equals | colon | greater | pairs | quote_comma | before_quote
                          | hash_dollar | option_keyword;
    memcpy(out->trigger, &trigger, sizeof trigger);
    wide_lanes t = wl(alnum | underscore_raw | OWN(dot) | OWN(tilde) | dash,
                      AFTER(alnum) | AFTER(underscore) | AFTER(dot) | AFTER(tilde) | dash_after);
    t = wl_and(t, wl_shr(t, 1));
    t = wl_and(t, wl_shr(t, 2));
    t = wl_and(t, wl_shr(t, 4));
    t = wl_and(t, wl_shr(t, 8));
    memcpy(out->longrun, &t.lo, sizeof t.lo);
    const lanes token = alnum | underscore_raw | OWN(dot) | OWN(tilde) | dash;
    const lanes token_before = (BEFORE(alnum) | BEFORE(underscore) | BEFORE(dot) | BEFORE(tilde) | BEFORE(dash)) >> 63;
    const lanes otherstart = t.lo & ~alnum & ~((token << 1) | token_before);
    memcpy(out->otherstart, &otherstart, sizeof otherstart);
    const lanes word_starts = alnum & ~((alnum << 1) | (BEFORE(alnum) >> 63));
    memcpy(out->word_starts, &word_starts, sizeof word_starts);
    // Where `token_start_kept` finds a suffixed token's separator from each byte on ('_' six bytes on, '.'
    // 14, '-' 32, '~' five; the 32 in the block after, which a start's 128-bit window holds), for
    // `token_start_may_pass`. Here for eight blocks at once: per block, for the blocks with token starts
    // only, the scalar shifts cost more than they saved on tables of digests (Benchmarks/RESULTS.md).
    const lanes token_suffix = wl_shr(wl(underscore_raw, AFTER(underscore)), 6).lo | wl_shr(wl(OWN(dot), AFTER(dot)), 14).lo
                               | wl_shr(wl(dash, dash_after), 32).lo | wl_shr(wl(OWN(tilde), AFTER(tilde)), 5).lo;
    memcpy(out->token_suffix, &token_suffix, sizeof token_suffix);
}
#undef OWN
#undef BEFORE
#undef AFTER

/// `derive`'s keyword fill for `count` lanes, block after block: each lane's `armed` bits.
__attribute__((always_inline))
static inline lanes keyword_armed(const raw_lanes *r, int count, uint64_t *keyword_fill, uint64_t fill_in[LANES]) {
    uint64_t armed[LANES] = {0};
    uint64_t fill = *keyword_fill;
    for (int j = 0; j < count; j++) {
        fill_in[j] = fill;
        uint64_t gap = r->gap[1 + j];
        uint64_t starts = (r->keyword[1 + j] & gap) | (fill & gap & 1);
        uint64_t filled = fill_forward(starts, gap);
        armed[j] = (filled << 1) | fill;
        fill = filled >> 63;
    }
    *keyword_fill = fill;
    return lanes_at(armed);
}

/// What `derive` reads from one block to the next and the vector code cannot: the digit groups' marks
/// (`starts_reaching_marks` on the lanes where `derive_lanes` found a start reaching one) and the ':' after
/// "-u".
__attribute__((always_inline))
static inline void finish_lane(lane_masks *m, int j, int64_t base, int64_t *last_dash_u) {
    if (m->reached[j]) {
        const u128 unread = ~(((u128)1 << (128 - 13)) - 1);
        m->digitstart[j] |= starts_reaching_marks(m->group_starts[j], wide(m->group_lo[j], m->group_hi[j]),
                                                  wide(m->marks_lo[j], m->marks_hi[j]) | unread);
    }
    uint64_t dash_u = m->dash_u[j], colon = m->colon[j];
    int64_t reach = *last_dash_u + DASH_U_REACH - base;
    if (colon && (dash_u || reach >= 0)) {
        uint64_t command = smear(dash_u);
        if (reach >= 63) command = ~(uint64_t)0;
        else if (reach >= 0) command |= ((uint64_t)2 << reach) - 1;
        m->anchor[j] |= colon & command;
    }
    if (dash_u) *last_dash_u = base + 63 - __builtin_clzll(dash_u);
}

typedef void (*lane_raw_function)(const uint8_t *p, const uint8_t s[4], raw_lanes *r, int slot);

/// The byte tables of `raw_group_gfni`: four of 128 entries, a class a bit (the structural bytes' bit of
/// the fourth is the call's).
typedef struct { uint8_t exact_a[128], exact_b[128], sets[128], more[128]; } group_tables;
/// Class masks of the eight blocks from `p` into slots 2...9 of `r` (`raw_group_gfni`); `p` + 512 + 3
/// must be readable.
typedef void (*group_raw_function)(const uint8_t *p, const group_tables *tables, raw_lanes *r);

/// Class masks of the block at `offset` into slot `slot`, bytes at or past `total` read as zero.
__attribute__((always_inline))
static inline void raw_lane_at(lane_raw_function raw, const uint8_t *buffer, size_t total, size_t offset,
                               const uint8_t s[4], raw_lanes *r, int slot) {
    if (offset + 67 <= total) {
        raw(buffer + offset, s, r, slot);
    } else {
        uint8_t padded[64 + 32];
        memset(padded, 0, sizeof padded);
        if (offset < total) memcpy(padded, buffer + offset, total - offset);
        raw(padded, s, r, slot);
    }
}

/// Moves the last block's masks and the next one's to slots 0 and 1, for the next eight blocks.
__attribute__((always_inline))
static inline void shift_slots(raw_lanes *r) {
    uint64_t *classes = (uint64_t *)r;
    // Not vectorized: as a vector loop across classes, it became gathers and scatters.
#pragma clang loop vectorize(disable)
    for (size_t k = 0; k < sizeof *r / sizeof(uint64_t); k += SLOTS) memcpy(&classes[k], &classes[k + LANES], 16);
}

/// Adds a block's set bits to a list (`mk_bit_list_add`).
typedef void (*bit_lister)(mk_bit_list *list, uint64_t bits, unsigned block);
/// `lone_runs_without_cards` or a vector twin: the long-run starts of a block that stage 2 finds nothing at.
typedef uint64_t (*lone_runs_function)(const uint8_t *buffer, size_t total, size_t base, uint64_t starts, u128 d,
                                       u128 joiners);

/// At most this many blocks of a group with lists take their scalar steps apart (`lane_steps`): 1, 2,
/// 3 and 5 measured no better (Benchmarks/RESULTS.md).
enum { FEW_NEEDY = 4 };

/// The scalar steps of lane `j` (the block at `offset`): what the eight-block derive cannot do to the
/// lane's anchors, digit starts and other starts (the catalogue's filters, the digit groups' marks, the
/// "-u" reach, the lone runs' Luhn sums), into `m`.
__attribute__((always_inline))
static inline void lane_steps(lane_masks *m, const raw_lanes *r, int j, int64_t offset, const uint8_t *buffer, size_t total,
                              const mk_token_prefixes *prefixes, const uint64_t fill_in[LANES], int64_t *last_dash_u,
                              lone_runs_function lone_runs) {
    if (m->webhooks[j]) m->anchor[j] &= ~webhooks_without_hosts(buffer, total, (size_t)offset, m->webhooks[j]);
    const uint64_t dollars = m->anchor[j] & r->dollar[1 + j];
    if (dollars) m->anchor[j] &= ~dollars_without_fields(buffer, total, (size_t)offset, dollars);
    if (m->keyed[j]) {
        m->anchor[j] &= ~m->keyed[j] | keyed_anchors_kept(buffer, total, (size_t)offset, r->keyword[1 + j], r->gap[1 + j],
                                                          fill_in[j], m->armable[j], m->option_place[j]);
    }
    finish_lane(m, j, offset, last_dash_u);
    if (m->long_ten[j]) {
        const u128 joiners = wide(r->space[1 + j] | r->dash[1 + j] | r->dot[1 + j], r->space[2 + j] | r->dash[2 + j] | r->dot[2 + j]);
        m->digitstart[j] &= ~lone_runs(buffer, total, (size_t)offset, m->long_ten[j], wide(r->digit[1 + j], r->digit[2 + j]),
                                       joiners);
    }
    if (m->encoded[j]) m->digitstart[j] |= encoded_escapes(buffer, (size_t)offset, m->encoded[j]);
    if (m->otherstart[j] && prefixes) m->otherstart[j] = other_starts(buffer, total, (size_t)offset, m->otherstart[j], prefixes);
}

/// The eight blocks' masks from the lanes into `out[0...7]` (their '_' anchors and token starts listed
/// apart): each field's lanes to each block's fields by an 8x8 transpose, a store a block.
__attribute__((always_inline))
static inline void write_lanes(const lane_masks *m, const raw_lanes *r, mk_block_masks *out) {
    // In mk_block_masks' order: anchor, trigger, digit, digitstart, structural, longrun, tokenstart, otherstart.
    const lanes a0 = lanes_at(m->anchor), a1 = lanes_at(m->trigger), a2 = lanes_at(&r->digit[1]), a3 = lanes_at(m->digitstart);
    const lanes a4 = lanes_at(&r->structural[1]), a5 = lanes_at(m->longrun), a6 = (lanes){0}, a7 = lanes_at(m->otherstart);
    const lanes t0 = __builtin_shufflevector(a0, a1, 0, 8, 2, 10, 4, 12, 6, 14), t1 = __builtin_shufflevector(a0, a1, 1, 9, 3, 11, 5, 13, 7, 15);
    const lanes t2 = __builtin_shufflevector(a2, a3, 0, 8, 2, 10, 4, 12, 6, 14), t3 = __builtin_shufflevector(a2, a3, 1, 9, 3, 11, 5, 13, 7, 15);
    const lanes t4 = __builtin_shufflevector(a4, a5, 0, 8, 2, 10, 4, 12, 6, 14), t5 = __builtin_shufflevector(a4, a5, 1, 9, 3, 11, 5, 13, 7, 15);
    const lanes t6 = __builtin_shufflevector(a6, a7, 0, 8, 2, 10, 4, 12, 6, 14), t7 = __builtin_shufflevector(a6, a7, 1, 9, 3, 11, 5, 13, 7, 15);
    const lanes u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13), u2 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    const lanes u1 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13), u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    const lanes u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13), u6 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    const lanes u5 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13), u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    const lanes b[8] = {
        __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11), __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11),
        __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11), __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11),
        __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15), __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15),
        __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15), __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15),
    };
    _Static_assert(sizeof(mk_block_masks) == sizeof(lanes), "a block's masks are one lane vector");
    for (int j = 0; j < LANES; j++) memcpy(&out[j], &b[j], sizeof b[j]);
}

/// `classify_with` for the vector paths: the same window, warm-up and masks, eight blocks at a time.
/// Inlined into a function per instruction set, with `raw` and `list` (NULL: no lists) inlined too.
__attribute__((always_inline))
static inline void classify_lanes(lane_raw_function raw, const uint8_t *buffer, size_t total, size_t start,
                                  size_t length, const uint8_t structural[4], mk_block_masks *out,
                                  const mk_token_prefixes *prefixes, bit_lister list, lone_runs_function lone_runs,
                                  group_raw_function group, const group_tables *tables) {
    size_t blocks = (length + 63) / 64;
    if (blocks == 0) return;
    // Warm up on up to four blocks before the window, the fill assumed open at the first of them.
    size_t warm = start >= 256 ? start - 256 : 0;
    size_t skip = (start - warm) / 64, all = skip + blocks;
    uint64_t keyword_fill = warm > 0;
    int64_t last_dash_u = -(int64_t)DASH_U_REACH - 1;
    raw_lanes r;
    lane_masks m;
    memset(&r, 0, sizeof r);   // slot 0: nothing before the first block
    raw_lane_at(raw, buffer, total, warm, structural, &r, 1);
    for (size_t g = 0; g < all; g += LANES) {
        int count = all - g < LANES ? (int)(all - g) : LANES;
        if (group && count == LANES && warm + (g + LANES) * 64 + 67 <= total) {
            // Sound: the eighth block and the three bytes its keyword lookups read after it are in the buffer.
            group(buffer + warm + (g + 1) * 64, tables, &r);
        } else {
            for (int j = 1; j <= count; j++) raw_lane_at(raw, buffer, total, warm + (g + j) * 64, structural, &r, j + 1);
        }
        int64_t base = (int64_t)(warm + g * 64);
        wide_lanes valid;
        if (base + 64 * (LANES + 1) <= (int64_t)total) {
            valid.lo = valid.hi = ~(lanes){0};
        } else {
            for (int j = 0; j < LANES; j++) {
                u128 v = valid_bits(base + 64 * j, total);
                valid.lo[j] = (uint64_t)v;
                valid.hi[j] = (uint64_t)(v >> 64);
            }
        }
        uint64_t fill_in[LANES];
        derive_lanes(&r, keyword_armed(&r, count, &keyword_fill, fill_in), valid, &m);
        // With a lister, the eight blocks' '_' anchors and token starts are listed and checked against the
        // catalogue in one loop each after the blocks' masks are written: a call a block, with a loop of
        // as many turns as the block has candidates, missed its exits about once a block with them.
        mk_bit_list underscore_list, token_list;
        underscore_list.count = token_list.count = 0;
        uint64_t needy = ~(uint64_t)0;
        if (list && prefixes && count == LANES && g >= skip) {
            const int dash_u_near = any_lane(lanes_at(m.dash_u)) || last_dash_u + DASH_U_REACH >= base;
            needy = 0;
            for (int j = 0; j < LANES; j++) {
                const uint64_t work = m.webhooks[j] | (m.anchor[j] & r.dollar[1 + j]) | m.keyed[j] | m.reached[j] | m.dash_u[j]
                                      | m.long_ten[j] | m.encoded[j] | m.otherstart[j] | (dash_u_near ? m.colon[j] : 0);
                needy |= (uint64_t)(work != 0) << j;
            }
        }
        if (__builtin_popcountll(needy) <= FEW_NEEDY) {
            // A whole group inside the window, with lists, where few blocks need a scalar step: the
            // blocks' masks are written from the lanes at once (`write_lanes`), and only those blocks
            // take their steps. The loop below over all eight, a dozen tests a block, was a third of
            // stage 1's time on PII-free tables; where most blocks take a step (tables of numbers), it
            // stays (Benchmarks/RESULTS.md).
            for (uint64_t rest = needy; rest; rest &= rest - 1) {
                const int j = __builtin_ctzll(rest);
                lane_steps(&m, &r, j, base + 64 * j, buffer, total, prefixes, fill_in, &last_dash_u, lone_runs);
            }
            // Sound: the group's eight blocks are all past the warm-up and in the window (count == LANES,
            // g >= skip), so out[g - skip ... g - skip + 7] are its blocks' masks.
            write_lanes(&m, &r, &out[g - skip]);
            for (int j = 0; j < LANES; j++) {
                list(&underscore_list, m.underscores[j], (unsigned)j);
                list(&token_list, m.longrun[j] & m.word_starts[j], (unsigned)j);
            }
        } else for (int j = 0; j < count; j++) {
            // The steps of a block of the warm-up give no output (only what the next block takes from it:
            // the reach of its "-u").
            int64_t offset = base + 64 * j;
            lane_steps(&m, &r, j, offset, buffer, total, prefixes, fill_in, &last_dash_u, lone_runs);
            if (g + (size_t)j < skip) continue;
            mk_block_masks *o = &out[g + j - skip];
            uint64_t underscores = m.underscores[j];
            if (list && prefixes) {
                list(&underscore_list, underscores, (unsigned)j);
                underscores = 0;
            } else if (underscores && prefixes) {
                underscores = prefixed_underscores(buffer, total, (size_t)offset, r.alnum[1 + j], underscores, prefixes);
            }
            o->anchor = m.anchor[j] | underscores;
            o->trigger = m.trigger[j];
            o->digit = r.digit[1 + j];
            o->digitstart = m.digitstart[j];
            o->structural = r.structural[1 + j];
            o->longrun = m.longrun[j];
            o->otherstart = m.otherstart[j];
            uint64_t token_bits = m.longrun[j] & m.word_starts[j];
            if (list && prefixes) {
                list(&token_list, token_bits, (unsigned)j);
                token_bits = 0;
            } else if (token_bits && prefixes) {
                token_bits = token_starts(buffer, total, (size_t)offset, token_bits, wide(r.alnum[1 + j], r.alnum[2 + j]), prefixes);
            }
            o->tokenstart = token_bits;
        }
        for (size_t k = 0; k < underscore_list.count; k++) {
            const unsigned j = underscore_list.block[k], i = underscore_list.at[k];
            if (underscore_word_prefixed(buffer, total, (size_t)base + 64 * j, r.alnum[1 + j], i, prefixes))
                out[g + j - skip].anchor |= (uint64_t)1 << i;
        }
        // The listed starts through `token_start_kept`'s necessary conditions first, without a branch
        // (`token_start_may_pass`): its tests one branch after another missed every few starts on tables
        // of UUIDs and digests (a token start every few bytes; 38 % of stage 1's samples on UUIDs). Those
        // that may pass are listed again and take the whole test.
        if (token_list.count > 0) {
            uint64_t may_keep[LANES] = {0};
            for (size_t k = 0; k < token_list.count; k++) {
                const unsigned j = token_list.block[k], i = token_list.at[k];
                may_keep[j] |= (uint64_t)token_start_may_pass(buffer, total, (size_t)base + 64 * j + i, prefixes,
                                                              (m.token_suffix[j] >> i) & 1) << i;
            }
            // Only the blocks with a start left: a compress of each of the eight cost more than the test saved
            // on tables with a digest or a session key a row (`sessions`, Benchmarks/RESULTS.md).
            token_list.count = 0;
            for (int j = 0; j < count; j++) if (may_keep[j]) list(&token_list, may_keep[j], (unsigned)j);
        }
        for (size_t k = 0; k < token_list.count; k++) {
            const unsigned j = token_list.block[k], i = token_list.at[k];
            if (token_start_kept(buffer, total, (size_t)base + 64 * j, i, wide(r.alnum[1 + j], r.alnum[2 + j]), prefixes))
                out[g + j - skip].tokenstart |= (uint64_t)1 << i;
        }
        // The eighth block and the one after it are the next eight's before and first.
        shift_slots(&r);
    }
    clip_last_block(out, blocks, length);
}
#pragma clang diagnostic pop

#if defined(__x86_64__)
#include <immintrin.h>

// The kernel works on the block's two 32-byte halves side by side, one class at a time, so that each
// class's 64-bit mask is made in registers (two movemasks, a shift, an OR) and stored once. Computing a
// whole half's 25 masks first and joining the halves after kept 50 values live, which spilled (80 stack
// accesses a block); this form has none, and raw_avx2 runs 16 % fewer instructions (Benchmarks/RESULTS.md).
__attribute__((target("avx2"), always_inline))
static inline uint64_t mask64(__m256i a, __m256i b) {
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(a) | ((uint64_t)(uint32_t)_mm256_movemask_epi8(b) << 32);
}

// Bytes equal to `c`, in both halves.
__attribute__((target("avx2"), always_inline))
static inline uint64_t eq64(__m256i a, __m256i b, char c) {
    const __m256i k = _mm256_set1_epi8(c);
    return mask64(_mm256_cmpeq_epi8(a, k), _mm256_cmpeq_epi8(b, k));
}

__attribute__((target("avx2"), always_inline))
static inline __m256i table_of(const uint8_t table[16]) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)table));
}

// Set membership by nibble tables: TABLE[lo] & ROW[hi] != 0 (lo, rows: each half's).
__attribute__((target("avx2"), always_inline))
static inline uint64_t set64(__m256i lo_a, __m256i rows_a, __m256i lo_b, __m256i rows_b, const uint8_t table[16]) {
    const __m256i t = table_of(table), zero = _mm256_setzero_si256();
    const __m256i hit_a = _mm256_and_si256(_mm256_shuffle_epi8(t, lo_a), rows_a);
    const __m256i hit_b = _mm256_and_si256(_mm256_shuffle_epi8(t, lo_b), rows_b);
    return ~mask64(_mm256_cmpeq_epi8(hit_a, zero), _mm256_cmpeq_epi8(hit_b, zero));
}

// The keyword bucket set of position k for the 32 bytes at `p`, case folded.
__attribute__((target("avx2"), always_inline))
static inline __m256i keyword_lookup(const uint8_t *p, int k) {
    const __m256i f = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)p), _mm256_set1_epi8(0x20));
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_and_si256(f, nibble);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(f, 4), nibble);
    return _mm256_and_si256(_mm256_shuffle_epi8(table_of(KEYWORD_LO[k]), lo),
                            _mm256_shuffle_epi8(table_of(KEYWORD_HI[k]), hi));
}

// Bytes of the 32 at `p` where a keyword literal may start.
__attribute__((target("avx2"), always_inline))
static inline __m256i keyword_hits(const uint8_t *p) {
    return _mm256_and_si256(_mm256_and_si256(keyword_lookup(p, 0), keyword_lookup(p + 1, 1)),
                            _mm256_and_si256(keyword_lookup(p + 2, 2), keyword_lookup(p + 3, 3)));
}

// Class masks of the 64 bytes at `p`; p[64...66] must be readable (keyword lookups read ahead).
__attribute__((target("avx2"), always_inline))
static inline void raw_avx2(const uint8_t *p, const uint8_t s[4], raw_lanes *r, int slot) {
    const __m256i a = _mm256_loadu_si256((const __m256i *)p);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
    r->at[slot] = eq64(a, b, '@');
    r->underscore[slot] = eq64(a, b, '_');
    r->equals[slot] = eq64(a, b, '=');
    r->colon[slot] = eq64(a, b, ':');
    r->greater[slot] = eq64(a, b, '>');
    r->dash[slot] = eq64(a, b, '-');
    r->dquote[slot] = eq64(a, b, '"');
    r->squote[slot] = eq64(a, b, '\'');
    r->comma[slot] = eq64(a, b, ',');
    r->space[slot] = eq64(a, b, ' ');
    r->tilde[slot] = eq64(a, b, '~');
    r->lparen[slot] = eq64(a, b, '(');
    r->dot[slot] = eq64(a, b, '.');
    r->slash[slot] = eq64(a, b, '/');
    r->dollar[slot] = eq64(a, b, '$');
    r->upper_a[slot] = eq64(a, b, 'A');
    const __m256i case_bit = _mm256_set1_epi8(0x20);
    const __m256i folded_a = _mm256_or_si256(a, case_bit), folded_b = _mm256_or_si256(b, case_bit);
    r->u_folded[slot] = eq64(folded_a, folded_b, 'u');
    r->pst_folded[slot] = eq64(folded_a, folded_b, 'p') | eq64(folded_a, folded_b, 's') | eq64(folded_a, folded_b, 't');
    // Digits: b - '0' as unsigned is below 10, that is max(b - '0', 9) == 9; letters likewise, folded.
    const __m256i zero_char = _mm256_set1_epi8('0'), nine = _mm256_set1_epi8(9);
    const __m256i da = _mm256_sub_epi8(a, zero_char), db = _mm256_sub_epi8(b, zero_char);
    r->digit[slot] = mask64(_mm256_cmpeq_epi8(_mm256_max_epu8(da, nine), nine),
                      _mm256_cmpeq_epi8(_mm256_max_epu8(db, nine), nine));
    const __m256i a_char = _mm256_set1_epi8('a'), z_offset = _mm256_set1_epi8(25);
    const __m256i la = _mm256_sub_epi8(folded_a, a_char), lb = _mm256_sub_epi8(folded_b, a_char);
    r->alnum[slot] = mask64(_mm256_cmpeq_epi8(_mm256_max_epu8(la, z_offset), z_offset),
                      _mm256_cmpeq_epi8(_mm256_max_epu8(lb, z_offset), z_offset)) | r->digit[slot];
    const __m256i nibble = _mm256_set1_epi8(0x0F), row_table = table_of(ROW);
    const __m256i lo_a = _mm256_and_si256(a, nibble), lo_b = _mm256_and_si256(b, nibble);
    const __m256i rows_a = _mm256_shuffle_epi8(row_table, _mm256_and_si256(_mm256_srli_epi16(a, 4), nibble));
    const __m256i rows_b = _mm256_shuffle_epi8(row_table, _mm256_and_si256(_mm256_srli_epi16(b, 4), nibble));
    r->gap[slot] = set64(lo_a, rows_a, lo_b, rows_b, GAP_LO);
    r->at_prev[slot] = set64(lo_a, rows_a, lo_b, rows_b, AT_PREV_LO) | mask64(a, b);  // and every byte >= 0x80
    r->enc_prev[slot] = set64(lo_a, rows_a, lo_b, rows_b, ENC_PREV_LO);
    r->enc_digit[slot] = set64(lo_a, rows_a, lo_b, rows_b, ENC_DIGIT_LO);
    r->op_byte[slot] = set64(lo_a, rows_a, lo_b, rows_b, OP_BYTE_LO);
    const __m256i zero = _mm256_setzero_si256();
    r->keyword[slot] = ~mask64(_mm256_cmpeq_epi8(keyword_hits(p), zero), _mm256_cmpeq_epi8(keyword_hits(p + 32), zero));
    // The four structural bytes in one mask per half (none when all four are zero: see mk_classify).
    if ((s[0] | s[1] | s[2] | s[3]) == 0) {
        r->structural[slot] = 0;
        return;
    }
    const __m256i s0 = _mm256_set1_epi8((char)s[0]), s1 = _mm256_set1_epi8((char)s[1]);
    const __m256i s2 = _mm256_set1_epi8((char)s[2]), s3 = _mm256_set1_epi8((char)s[3]);
    const __m256i st_a = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, s0), _mm256_cmpeq_epi8(a, s1)),
                                         _mm256_or_si256(_mm256_cmpeq_epi8(a, s2), _mm256_cmpeq_epi8(a, s3)));
    const __m256i st_b = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, s0), _mm256_cmpeq_epi8(b, s1)),
                                         _mm256_or_si256(_mm256_cmpeq_epi8(b, s2), _mm256_cmpeq_epi8(b, s3)));
    r->structural[slot] = mask64(st_a, st_b);
}

__attribute__((target("avx2")))
static void classify_avx2(const uint8_t *buffer, size_t total, size_t start, size_t length, const uint8_t structural[4],
                          mk_block_masks *out, const mk_token_prefixes *prefixes) {
    classify_lanes(raw_avx2, buffer, total, start, length, structural, out, prefixes, NULL, lone_runs_without_cards, NULL, NULL);
}

// libgcc initialises the CPU model in a constructor, so this is a read of a global: safe from any thread.
int mk_classify_has_accelerated(void) { return mk_cpu_cap() >= MK_CPU_AVX2 && __builtin_cpu_supports("avx2") ? 1 : 0; }

// The same class masks with AVX-512BW: a 64-byte block is one register, and a compare gives its 64-bit
// mask directly (AVX2 makes each mask from two compares, two movemasks, a shift and an OR). The nibble
// tables are broadcast to the four 128-bit lanes, where vpshufb looks up as AVX2's does in its two.
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512i table512(const uint8_t table[16]) {
    return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)table));
}

// Set membership by nibble tables, as `set64`.
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline uint64_t set512(__m512i lo, __m512i rows, const uint8_t table[16]) {
    const __m512i hit = _mm512_and_si512(_mm512_shuffle_epi8(table512(table), lo), rows);
    return _mm512_test_epi8_mask(hit, hit);
}

// The keyword bucket set of position k for the 64 bytes at `p`, case folded.
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline __m512i keyword_lookup512(const uint8_t *p, int k) {
    const __m512i f = _mm512_or_si512(_mm512_loadu_si512((const void *)p), _mm512_set1_epi8(0x20));
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i lo = _mm512_and_si512(f, nibble);
    const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(f, 4), nibble);
    return _mm512_and_si512(_mm512_shuffle_epi8(table512(KEYWORD_LO[k]), lo),
                            _mm512_shuffle_epi8(table512(KEYWORD_HI[k]), hi));
}

// Class masks of the 64 bytes at `p`; p[64...66] must be readable (keyword lookups read ahead).
__attribute__((target("avx512f,avx512bw"), always_inline))
static inline void raw_avx512(const uint8_t *p, const uint8_t s[4], raw_lanes *r, int slot) {
    const __m512i v = _mm512_loadu_si512((const void *)p);
#define EQ(c) _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)(c)))
    r->at[slot] = EQ('@');
    r->underscore[slot] = EQ('_');
    r->equals[slot] = EQ('=');
    r->colon[slot] = EQ(':');
    r->greater[slot] = EQ('>');
    r->dash[slot] = EQ('-');
    r->dquote[slot] = EQ('"');
    r->squote[slot] = EQ('\'');
    r->comma[slot] = EQ(',');
    r->space[slot] = EQ(' ');
    r->tilde[slot] = EQ('~');
    r->lparen[slot] = EQ('(');
    r->dot[slot] = EQ('.');
    r->slash[slot] = EQ('/');
    r->dollar[slot] = EQ('$');
    r->upper_a[slot] = EQ('A');
    // None when all four are zero (see mk_classify): four broadcasts and compares a block saved.
    r->structural[slot] = (s[0] | s[1] | s[2] | s[3]) ? EQ(s[0]) | EQ(s[1]) | EQ(s[2]) | EQ(s[3]) : 0;
#undef EQ
    const __m512i folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    r->u_folded[slot] = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('u'));
    r->pst_folded[slot] = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('p')) | _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('s'))
                          | _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('t'));
    r->digit[slot] = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')), _mm512_set1_epi8(9));
    r->alnum[slot] = _mm512_cmple_epu8_mask(_mm512_sub_epi8(folded, _mm512_set1_epi8('a')), _mm512_set1_epi8(25)) | r->digit[slot];
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i lo = _mm512_and_si512(v, nibble);
    const __m512i rows = _mm512_shuffle_epi8(table512(ROW), _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble));
    r->gap[slot] = set512(lo, rows, GAP_LO);
    r->at_prev[slot] = set512(lo, rows, AT_PREV_LO) | _mm512_movepi8_mask(v);  // and every byte >= 0x80
    r->enc_prev[slot] = set512(lo, rows, ENC_PREV_LO);
    r->enc_digit[slot] = set512(lo, rows, ENC_DIGIT_LO);
    r->op_byte[slot] = set512(lo, rows, OP_BYTE_LO);
    const __m512i hits = _mm512_and_si512(_mm512_and_si512(keyword_lookup512(p, 0), keyword_lookup512(p + 1, 1)),
                                          _mm512_and_si512(keyword_lookup512(p + 2, 2), keyword_lookup512(p + 3, 3)));
    r->keyword[slot] = _mm512_test_epi8_mask(hits, hits);
}

__attribute__((target("avx512f,avx512bw")))
static void classify_avx512(const uint8_t *buffer, size_t total, size_t start, size_t length, const uint8_t structural[4],
                            mk_block_masks *out, const mk_token_prefixes *prefixes) {
    classify_lanes(raw_avx512, buffer, total, start, length, structural, out, prefixes, NULL, lone_runs_without_cards, NULL,
                   NULL);
}

// MARK: - Lone runs in vectors

// `lone_runs_without_cards` without a turn per run: on tables of ids, phone numbers and timestamps a block
// holds three to five runs of ten digits or more, and that loop (a run's end by ctz, its Luhn sum a digit
// pair a step) was a fifth of the time on twelve-digit numbers (Benchmarks/RESULTS.md). Here the runs'
// ends come from one carry (`d + starts` runs through each run to the byte after it), the lone ones are
// matched to their starts in order (PEXT, then PDEP), lengths from run-of-k masks, and the Luhn sums of
// all the runs of 12 to 19 digits at once: per position the digit and its double, two inclusive prefix
// sums over the window's 128 bytes (one doubling the even positions, one the odd: a run doubles the
// positions of its end's parity), each run's sum the difference of two bytes of them (it is at most
// 19 * 9, so bytes wrapping mod 256 lose nothing), a tenth by multiply and shift. A block with one long
// run (a card in text), or with none of a card's length, takes the loop, which is shorter there.
#define LONE_TARGET "avx512f,avx512bw,avx512vl,avx512dq,avx512vbmi,avx512vbmi2,bmi,bmi2,popcnt"

// Whether the CPU has what lone_runs_without_cards_vbmi needs (every CPU with VBMI2 so far), found once.
static int lone_vbmi_cpu = -1;
static int lone_runs_vbmi(void) {
    int cached = __atomic_load_n(&lone_vbmi_cpu, __ATOMIC_RELAXED);
    if (cached < 0) {
        cached = __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
                 && __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2")
                 && __builtin_cpu_supports("bmi2");
        __atomic_store_n(&lone_vbmi_cpu, cached, __ATOMIC_RELAXED);
    }
    return cached;
}

// Each byte's sum of the bytes of its 64-byte vector up to it (wrapping): within each eight bytes by one
// multiply, then each eight's offset, the sums of the eights before it, spread over its bytes.
__attribute__((target(LONE_TARGET), always_inline))
static inline __m512i byte_prefix_sums(__m512i x) {
    const __m512i ones = _mm512_set1_epi64(0x0101010101010101LL);
    const __m512i within = _mm512_mullo_epi64(x, ones);
    __m512i eights = _mm512_srli_epi64(within, 56);   // each eight's total
    const __m512i zero = _mm512_setzero_si512();
    __m512i before = _mm512_alignr_epi64(eights, zero, 7);   // the totals one eight up
    before = _mm512_add_epi64(before, _mm512_alignr_epi64(before, zero, 7));
    before = _mm512_add_epi64(before, _mm512_alignr_epi64(before, zero, 6));
    before = _mm512_add_epi64(before, _mm512_alignr_epi64(before, zero, 4));
    // Kept to a byte before it is spread (sums past 255 would carry into the next byte).
    before = _mm512_and_si512(before, _mm512_set1_epi64(0xff));
    return _mm512_add_epi8(within, _mm512_mullo_epi64(before, ones));
}

__attribute__((target(LONE_TARGET)))
static uint64_t lone_runs_without_cards_vbmi(const uint8_t *buffer, size_t total, size_t base, uint64_t starts, u128 d,
                                             u128 joiners) {
    // Runs of at least 12 and of at least 20 digits from a start.
    const u128 d2 = d & (d >> 1), d4 = d2 & (d2 >> 2), d8 = d4 & (d4 >> 4);
    const u128 d12 = d8 & (d4 >> 8), d20 = d12 & (d8 >> 12);
    // One run, or none that may be a card's length (phone numbers, Unix times): the loop is as short.
    if ((starts & (starts - 1)) == 0 || (starts & (uint64_t)d12) == 0)
        return lone_runs_without_cards(buffer, total, base, starts, d, joiners);
    // The byte after each run that starts here (a run that runs off the window has none; one that ends
    // at the window's last byte is kept, as the loop keeps it: the byte after that is not shown).
    const u128 after = (d + (u128)starts) & ~d & ~((u128)1 << 127);
    const u128 lone_after = after & ~(joiners & (d >> 1));
    const uint64_t after_lo = (uint64_t)after, after_hi = (uint64_t)(after >> 64);
    const uint64_t lone_in_order = _pext_u64((uint64_t)lone_after, after_lo)
                                   | (_pext_u64((uint64_t)(lone_after >> 64), after_hi) << __builtin_popcountll(after_lo));
    const uint64_t lone = _pdep_u64(lone_in_order, starts);
    const uint64_t cards = lone & (uint64_t)d12 & ~(uint64_t)d20;
    uint64_t none = lone & ~cards;
    if (cards == 0) return none;
    // The window's bytes (those past the buffer zero, never read), digits as values, and doubled.
    const size_t readable = total - base;
    const __mmask64 lo_valid = readable >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << readable) - 1);
    const __mmask64 hi_valid = readable >= 128 ? ~(__mmask64)0 : readable <= 64 ? 0 : (((__mmask64)1 << (readable - 64)) - 1);
    const __m512i zero_byte = _mm512_set1_epi8('0');
    const __m512i lo = _mm512_maskz_sub_epi8((__mmask64)(uint64_t)d, _mm512_maskz_loadu_epi8(lo_valid, buffer + base), zero_byte);
    const __m512i hi = _mm512_maskz_sub_epi8((__mmask64)(uint64_t)(d >> 64),
                                             _mm512_maskz_loadu_epi8(hi_valid, buffer + base + 64), zero_byte);
    const __m512i doubling = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 2, 4, 6, 8, 1, 3, 5, 7, 9, 0, 0, 0, 0, 0, 0));
    const __m512i lo2 = _mm512_shuffle_epi8(doubling, lo), hi2 = _mm512_shuffle_epi8(doubling, hi);
    const __mmask64 even = 0x5555555555555555ULL;
    // Inclusive prefix sums with the even positions doubled (for runs that end before an even byte: the
    // run's last digit is odd) and with the odd ones doubled; the high half's go on from the low's.
    const __m512i last = _mm512_set1_epi8(63);
    const __m512i even_lo = byte_prefix_sums(_mm512_mask_blend_epi8(even, lo, lo2));
    const __m512i odd_lo = byte_prefix_sums(_mm512_mask_blend_epi8(even, lo2, lo));
    const __m512i even_hi = _mm512_add_epi8(byte_prefix_sums(_mm512_mask_blend_epi8(even, hi, hi2)),
                                            _mm512_permutexvar_epi8(last, even_lo));
    const __m512i odd_hi = _mm512_add_epi8(byte_prefix_sums(_mm512_mask_blend_epi8(even, hi2, hi)),
                                           _mm512_permutexvar_epi8(last, odd_lo));
    // The runs' first digits and last digits, in order (their ends are `cards`' carries), as byte indexes.
    const __m512i positions = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
                                              43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
                                              23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const u128 ends = ((d + (u128)cards) & ~d) >> 1;   // each run's last digit
    const uint64_t ends_lo = (uint64_t)ends, ends_hi = (uint64_t)(ends >> 64);
    const int n_lo = __builtin_popcountll(ends_lo);
    const __m512i firsts = _mm512_maskz_compress_epi8(cards, positions);
    const __m512i lasts_lo = _mm512_maskz_compress_epi8(ends_lo, positions);
    const __m512i lasts_hi = _mm512_maskz_compress_epi8(ends_hi, _mm512_add_epi8(positions, _mm512_set1_epi8(64)));
    const __m512i lasts = _mm512_mask_permutexvar_epi8(lasts_lo, ~(__mmask64)0 << n_lo,
                                                       _mm512_sub_epi8(positions, _mm512_set1_epi8((char)n_lo)), lasts_hi);
    // A run's sum: the prefix at its last digit less the prefix before its first (the first's, less
    // the first digit's own term, which the first's parity names).
    const __m512i before_first = _mm512_sub_epi8(firsts, _mm512_set1_epi8(1));
    const __mmask64 first_at_zero = _mm512_cmpeq_epi8_mask(firsts, _mm512_setzero_si512());
    // Runs whose last digit is at an odd position double the even ones, and the other way round.
    const __mmask64 last_odd = _mm512_test_epi8_mask(lasts, _mm512_set1_epi8(1));
    const __m512i at_last = _mm512_mask_blend_epi8(last_odd, _mm512_permutex2var_epi8(odd_lo, lasts, odd_hi),
                                                   _mm512_permutex2var_epi8(even_lo, lasts, even_hi));
    const __m512i at_before = _mm512_maskz_mov_epi8(~first_at_zero,
        _mm512_mask_blend_epi8(last_odd, _mm512_permutex2var_epi8(odd_lo, before_first, odd_hi),
                               _mm512_permutex2var_epi8(even_lo, before_first, even_hi)));
    const __m512i sums = _mm512_sub_epi8(at_last, at_before);
    // sum mod 10 == 0, in 16-bit lanes: sum / 10 = sum * 205 >> 11 for sums below 1024.
    const __m512i wide_sums = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(sums));
    const __m512i tenths = _mm512_srli_epi16(_mm512_mullo_epi16(wide_sums, _mm512_set1_epi16(205)), 11);
    const __mmask32 valid = _mm512_cmpeq_epi16_mask(wide_sums, _mm512_mullo_epi16(tenths, _mm512_set1_epi16(10)));
    const int count = __builtin_popcountll(cards);
    const uint64_t passes = (uint64_t)valid & ((1ULL << count) - 1);
    return none | (cards & ~_pdep_u64(passes, cards));
}

// classify_avx512 with the catalogue's candidates listed per eight blocks (VBMI2's byte compress).
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))
static void classify_avx512_lists(const uint8_t *buffer, size_t total, size_t start, size_t length,
                                  const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes) {
    classify_lanes(raw_avx512, buffer, total, start, length, structural, out, prefixes, mk_bit_lister_vbmi2,
                   lone_runs_vbmi() ? lone_runs_without_cards_vbmi : lone_runs_without_cards, NULL, NULL);
}

// MARK: - Eight blocks' classes by bit transposition (VBMI, GFNI)

// The class masks of eight blocks without a compare into a mask register. On Zen 4 each such compare
// (with its mask's store) took about two cycles, and `raw_avx512` makes 33 a block: 60 cycles of stage
// 1's ~170 a block (Benchmarks/RESULTS.md). Here a byte's classes come eight at a time from a 128-entry
// table (VPERMI2B), four tables a block; GF2P8AFFINEQB with the identity matrix transposes each eight
// bytes' eight class bits (so each byte of a quadword holds one class's bits for those eight bytes), a
// VPERMB gathers each class's eight bytes into one quadword (the block's 64-bit mask of that class), and
// an 8x8 transpose of quadwords across the eight blocks gives each class's eight masks side by side, as
// `raw_lanes` keeps them, in one store. The transposition reads bit 7 of a byte for the quadword's first
// byte, so each quadword's bytes are reversed before the lookups. Bytes from 0x80 look up nothing (the
// tables have 128 entries) but at_prev, which they are all in.
enum { GT_AT_PREV = 1 << 5 };   // the bit of `sets` that bytes from 0x80 set

static group_tables group_base;
// The keyword buckets of each position (`keyword_bits`) for bytes below 0x80, and at positions 2 and 3
// for the bytes from 0x80 by their low six bits (`group_tables_exact`: the buckets allow that; positions
// 0 and 1 admit no such byte). Else the path is not taken.
static uint8_t group_keyword[4][128];
static uint8_t group_keyword_high[2][64];
static int group_tables_exact;

__attribute__((constructor))
static void find_group_tables(void) {
    static const char exact_a[8] = {'@', '_', '=', ':', '>', '-', '"', '\''};
    static const char exact_b[8] = {',', ' ', '~', '(', '.', '/', '$', 'A'};
    for (int b = 0; b < 128; b++) {
        const uint8_t c = (uint8_t)b, f = c | 0x20;
        for (int k = 0; k < 8; k++) {
            if (c == (uint8_t)exact_a[k]) group_base.exact_a[b] |= (uint8_t)(1 << k);
            if (c == (uint8_t)exact_b[k]) group_base.exact_b[b] |= (uint8_t)(1 << k);
        }
        group_base.sets[b] = (uint8_t)((f == 'u' ? 1 : 0) | (f == 'p' || f == 's' || f == 't' ? 2 : 0)
                                       | (c >= '0' && c <= '9' ? 4 : 0) | (in_alnum(c) ? 8 : 0)
                                       | ((GAP_LO[c & 15] & ROW[c >> 4]) ? 16 : 0) | ((AT_PREV_LO[c & 15] & ROW[c >> 4]) ? GT_AT_PREV : 0)
                                       | ((ENC_PREV_LO[c & 15] & ROW[c >> 4]) ? 64 : 0) | ((ENC_DIGIT_LO[c & 15] & ROW[c >> 4]) ? 128 : 0));
        group_base.more[b] = (OP_BYTE_LO[c & 15] & ROW[c >> 4]) ? 1 : 0;   // bit 1: structural, bit 2: keyword
        for (int k = 0; k < 4; k++) group_keyword[k][b] = keyword_bits(c, k);
    }
    int exact = 1;
    for (int b = 128; b < 256; b++) {
        if (keyword_bits((uint8_t)b, 0) | keyword_bits((uint8_t)b, 1)) exact = 0;
        for (int k = 2; k < 4; k++) {
            if (b < 192) group_keyword_high[k - 2][b & 63] = keyword_bits((uint8_t)b, k);
            else if (group_keyword_high[k - 2][b & 63] != keyword_bits((uint8_t)b, k)) exact = 0;
        }
    }
    group_tables_exact = exact;
}

// The keyword buckets of position `k` for the 64 bytes at `p` (what `keyword_lookup512` finds), by one
// 128-entry lookup and the bytes from 0x80 put right.
__attribute__((target("avx512f,avx512bw,avx512vbmi,gfni"), always_inline))
static inline __m512i keyword_lookup_gfni(const uint8_t *p, int k) {
    const __m512i x = _mm512_loadu_si512((const void *)p);
    const __m512i non_ascii = _mm512_gf2p8affine_epi64_epi8(x, _mm512_set1_epi64((long long)0x8080808080808080ULL), 0);
    const __m512i ascii = _mm512_permutex2var_epi8(_mm512_loadu_si512((const void *)group_keyword[k]), x,
                                                   _mm512_loadu_si512((const void *)(group_keyword[k] + 64)));
    if (k < 2) return _mm512_andnot_si512(non_ascii, ascii);
    const __m512i high = _mm512_permutexvar_epi8(x, _mm512_loadu_si512((const void *)group_keyword_high[k - 2]));
    return _mm512_ternarylogic_epi64(non_ascii, high, ascii, 0xCA);   // non_ascii ? high : ascii
}

// The eight blocks' masks of the eight classes of `table` (their bits 0...7 into `slots[0...7]`, each
// slot a class's `raw_lanes` row from slot 2). `more` adds the keyword bit (the fourth table).
__attribute__((target("avx512f,avx512bw,avx512vbmi,gfni"), always_inline))
static inline void group_classes(const uint8_t *p, const uint8_t table[128], int sets, int more, uint64_t *slots[8]) {
    // Each quadword's bytes reversed; byte 8c + j from byte 8j + c.
    const __m512i reverse = _mm512_set_epi8(56, 57, 58, 59, 60, 61, 62, 63, 48, 49, 50, 51, 52, 53, 54, 55, 40, 41, 42, 43, 44, 45,
                                            46, 47, 32, 33, 34, 35, 36, 37, 38, 39, 24, 25, 26, 27, 28, 29, 30, 31, 16, 17, 18, 19,
                                            20, 21, 22, 23, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    const __m512i by_class = _mm512_set_epi8(63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21,
                                             13, 5, 60, 52, 44, 36, 28, 20, 12, 4, 59, 51, 43, 35, 27, 19, 11, 3, 58, 50, 42, 34,
                                             26, 18, 10, 2, 57, 49, 41, 33, 25, 17, 9, 1, 56, 48, 40, 32, 24, 16, 8, 0);
    const __m512i identity = _mm512_set1_epi64(0x8040201008040201LL);
    const __m512i top_bit = _mm512_set1_epi64((long long)0x8080808080808080ULL);   // every bit from bit 7
    const __m512i low = _mm512_loadu_si512((const void *)table), high = _mm512_loadu_si512((const void *)(table + 64));
    __m512i m[8];
    for (int b = 0; b < 8; b++) {
        const uint8_t *block = p + 64 * b;
        const __m512i v = _mm512_permutexvar_epi8(reverse, _mm512_loadu_si512((const void *)block));
        const __m512i non_ascii = _mm512_gf2p8affine_epi64_epi8(v, top_bit, 0);   // 0xFF where the byte is >= 0x80
        __m512i c = _mm512_permutex2var_epi8(low, v, high);
        c = sets ? _mm512_ternarylogic_epi64(c, non_ascii, _mm512_set1_epi8(GT_AT_PREV), 0xB8)   // (c & ~n) | (n & at_prev)
                 : _mm512_andnot_si512(non_ascii, c);
        if (more) {
            const __m512i hits = _mm512_and_si512(_mm512_and_si512(keyword_lookup_gfni(block, 0), keyword_lookup_gfni(block + 1, 1)),
                                                  _mm512_and_si512(keyword_lookup_gfni(block + 2, 2), keyword_lookup_gfni(block + 3, 3)));
            // 4 where a keyword starts (no byte of 4 spills into its neighbour's), then reversed as `v` is.
            const __m512i keyword = _mm512_slli_epi16(_mm512_min_epu8(hits, _mm512_set1_epi8(1)), 2);
            c = _mm512_or_si512(c, _mm512_permutexvar_epi8(reverse, keyword));
        }
        m[b] = _mm512_permutexvar_epi8(by_class, _mm512_gf2p8affine_epi64_epi8(identity, c, 0));
    }
    // Quadword c of m[b] is block b's mask of class c: transposed, quadword b of m[c].
    const __m512i t0 = _mm512_unpacklo_epi64(m[0], m[1]), t1 = _mm512_unpackhi_epi64(m[0], m[1]);
    const __m512i t2 = _mm512_unpacklo_epi64(m[2], m[3]), t3 = _mm512_unpackhi_epi64(m[2], m[3]);
    const __m512i t4 = _mm512_unpacklo_epi64(m[4], m[5]), t5 = _mm512_unpackhi_epi64(m[4], m[5]);
    const __m512i t6 = _mm512_unpacklo_epi64(m[6], m[7]), t7 = _mm512_unpackhi_epi64(m[6], m[7]);
    const __m512i u0 = _mm512_shuffle_i64x2(t0, t2, 0x88), u1 = _mm512_shuffle_i64x2(t1, t3, 0x88);
    const __m512i u2 = _mm512_shuffle_i64x2(t0, t2, 0xdd), u3 = _mm512_shuffle_i64x2(t1, t3, 0xdd);
    const __m512i u4 = _mm512_shuffle_i64x2(t4, t6, 0x88), u5 = _mm512_shuffle_i64x2(t5, t7, 0x88);
    const __m512i u6 = _mm512_shuffle_i64x2(t4, t6, 0xdd), u7 = _mm512_shuffle_i64x2(t5, t7, 0xdd);
    _mm512_storeu_si512((void *)slots[0], _mm512_shuffle_i64x2(u0, u4, 0x88));
    _mm512_storeu_si512((void *)slots[1], _mm512_shuffle_i64x2(u1, u5, 0x88));
    _mm512_storeu_si512((void *)slots[2], _mm512_shuffle_i64x2(u2, u6, 0x88));
    _mm512_storeu_si512((void *)slots[3], _mm512_shuffle_i64x2(u3, u7, 0x88));
    _mm512_storeu_si512((void *)slots[4], _mm512_shuffle_i64x2(u0, u4, 0xdd));
    _mm512_storeu_si512((void *)slots[5], _mm512_shuffle_i64x2(u1, u5, 0xdd));
    _mm512_storeu_si512((void *)slots[6], _mm512_shuffle_i64x2(u2, u6, 0xdd));
    _mm512_storeu_si512((void *)slots[7], _mm512_shuffle_i64x2(u3, u7, 0xdd));
}

__attribute__((target("avx512f,avx512bw,avx512vbmi,gfni")))
static void raw_group_gfni(const uint8_t *p, const group_tables *t, raw_lanes *r) {
    // Sound: each row has SLOTS = 10 masks, and slots 2...9 are the eight written.
    uint64_t *exact_a[8] = {&r->at[2], &r->underscore[2], &r->equals[2], &r->colon[2], &r->greater[2], &r->dash[2],
                            &r->dquote[2], &r->squote[2]};
    uint64_t *exact_b[8] = {&r->comma[2], &r->space[2], &r->tilde[2], &r->lparen[2], &r->dot[2], &r->slash[2],
                            &r->dollar[2], &r->upper_a[2]};
    uint64_t *sets[8] = {&r->u_folded[2], &r->pst_folded[2], &r->digit[2], &r->alnum[2], &r->gap[2], &r->at_prev[2],
                         &r->enc_prev[2], &r->enc_digit[2]};
    uint64_t unused[8][8];
    uint64_t *more[8] = {&r->op_byte[2], &r->structural[2], &r->keyword[2], unused[3], unused[4], unused[5], unused[6],
                         unused[7]};
    group_classes(p, t->exact_a, 0, 0, exact_a);
    group_classes(p, t->exact_b, 0, 0, exact_b);
    group_classes(p, t->sets, 1, 0, sets);
    group_classes(p, t->more, 0, 1, more);
}

// classify_avx512_lists with `raw_group_gfni` for each whole group of eight blocks.
__attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,gfni,popcnt")))
static void classify_avx512_gfni(const uint8_t *buffer, size_t total, size_t start, size_t length,
                                 const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes,
                                 const group_tables *tables) {
    classify_lanes(raw_avx512, buffer, total, start, length, structural, out, prefixes, mk_bit_lister_vbmi2,
                   lone_runs_vbmi() ? lone_runs_without_cards_vbmi : lone_runs_without_cards, raw_group_gfni, tables);
}

// Whether the CPU has what `raw_group_gfni` needs beyond `classify_avx512_lists` (VBMI, GFNI), found once.
static int group_gfni_cpu = -1;
static int group_gfni(void) {
    int cached = __atomic_load_n(&group_gfni_cpu, __ATOMIC_RELAXED);
    if (cached < 0) {
        cached = __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("gfni") && group_tables_exact;
        __atomic_store_n(&group_gfni_cpu, cached, __ATOMIC_RELAXED);
    }
    return cached;
}

int mk_classify_has_wide(void) {
    return mk_cpu_cap() >= MK_CPU_AVX512BW && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
}
#endif

// MASKD_STAGE1 caps the path for a whole run (read once): `scalar` forces the scalar twin (the oracle
// runs use it), `avx2` keeps AVX2 on a CPU with AVX-512 (to measure or compare the two).
enum { STAGE1_ANY = 0, STAGE1_AVX2 = 1, STAGE1_SCALAR = 2 };
static int stage1_cap = -1;

static int environment_cap(void) {
    int cap = __atomic_load_n(&stage1_cap, __ATOMIC_RELAXED);
    if (cap < 0) {
        const char *value = getenv("MASKD_STAGE1");
        cap = value == NULL ? STAGE1_ANY : strcmp(value, "scalar") == 0 ? STAGE1_SCALAR
            : strcmp(value, "avx2") == 0 ? STAGE1_AVX2 : STAGE1_ANY;
        __atomic_store_n(&stage1_cap, cap, __ATOMIC_RELAXED);
    }
    return cap;
}

// The path of one mk_classify call: the thread's forced one, else the widest the CPU has (AVX-512BW,
// then AVX2) that the environment does not cap.
static mk_path classify_path(void) {
    mk_path forced = mk_path_forced_here(MK_KERNEL_CLASSIFY);
    if (forced != MK_PATH_NONE) return forced;
#if defined(__x86_64__)
    int cap = environment_cap();
    if (cap == STAGE1_ANY && mk_classify_has_wide()) return MK_PATH_WIDE;
    if (cap != STAGE1_SCALAR && mk_classify_has_accelerated()) return MK_PATH_ACCELERATED;
#endif
    return MK_PATH_PORTABLE;
}

// The unforced answer, found once (-1 until then): the small kernels that follow stage 1's path ask it per
// call (twice an email address, once a typed wire cell), and the CPU and environment checks were 30
// instructions a call.
static int unforced_vectors = -1;

int mk_classify_uses_vectors(void) {
    mk_path forced = mk_path_forced_here(MK_KERNEL_CLASSIFY);
    if (forced != MK_PATH_NONE) return forced != MK_PATH_PORTABLE;
    int cached = __atomic_load_n(&unforced_vectors, __ATOMIC_RELAXED);
    if (cached < 0) {
        cached = classify_path() != MK_PATH_PORTABLE;
        __atomic_store_n(&unforced_vectors, cached, __ATOMIC_RELAXED);
    }
    return cached;
}

mk_path mk_classify_path(void) { return classify_path(); }

void mk_classify(const uint8_t *buffer, size_t total, size_t start, size_t length,
                 const uint8_t structural[4], mk_block_masks *out, const mk_token_prefixes *prefixes) {
    // Read once per call: a window is at least one 64-byte block, so the dispatch is not in the loop.
    mk_path path = classify_path();
    mk_path_record(MK_KERNEL_CLASSIFY, path);
#if defined(__x86_64__)
    // mk_path_force admits a path only on a CPU that has it.
    if (path == MK_PATH_WIDE) {
        // The structural bytes by table take bytes below 0x80 (any byte is compared when one is not zero:
        // a zero among them is the NUL byte).
        const int any_structural = (structural[0] | structural[1] | structural[2] | structural[3]) != 0;
        if (mk_cpu_has_vbmi2() && group_gfni()
            && (structural[0] | structural[1] | structural[2] | structural[3]) < 0x80) {
            // The base tables as they are without structural bytes (a column batch's copies): a copy of
            // 512 bytes a call spared.
            group_tables tables;
            const group_tables *used = &group_base;
            if (any_structural) {
                tables = group_base;
                for (int k = 0; k < 4; k++) tables.more[structural[k]] |= 2;
                used = &tables;
            }
            classify_avx512_gfni(buffer, total, start, length, structural, out, prefixes, used);
        } else if (mk_cpu_has_vbmi2()) {
            classify_avx512_lists(buffer, total, start, length, structural, out, prefixes);
        } else {
            classify_avx512(buffer, total, start, length, structural, out, prefixes);
        }
        return;
    }
    if (path == MK_PATH_ACCELERATED) {
        classify_avx2(buffer, total, start, length, structural, out, prefixes);
        return;
    }
#endif
    classify_with(raw_scalar, buffer, total, start, length, structural, out, prefixes);
}
