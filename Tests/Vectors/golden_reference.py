#!/usr/bin/env python3
"""A second implementation of maskd's tokens, to check the golden files from outside the engine.

The goldens under Tests/maskdTests/Golden are written by the engine itself (regenerate.sh), so on their
own they only say "the output did not change". This script recomputes every expected output from the
input, the report and the key, with code that shares nothing with the engine but the documented
construction (docs/detection/tokens.md, emails.md, cards-and-ssns.md):

- the token key: HKDF-SHA256 (RFC 5869, no salt) of the key file's 32 bytes, info `maskd token key v1`;
- every keyed MAC: HMAC-SHA256 (Python's `hmac`) under that key over one tag byte then the message;
- FF1 (NIST SP 800-38G): `ff1_reference.py` beside this file, itself checked against the nine NIST
  samples, under AES-128 with the key HMAC(0xF1, `maskd ff1 aes-128 key v1`)[:16];
- each token type written from the documentation's table (card, SSN, email, the length-keeping token
  of secrets and of narrow `varchar(n)` columns), never from the Swift code's loops;
- each format decoded by its own reader here: RFC 4180 CSV, pg_dump COPY text with its escapes, and
  PostgreSQL v3 backend messages.

What the documentation does not say, and was read from the Swift sources as constants only (no loop
was transliterated): HKDF's info label; that every MAC is over a one-byte tag then the message (email
0x01, the FF1 key 0xF1, keystream seeds 0x80 + type, its blocks 0xA0 over seed and a big-endian 32-bit
counter, the single-symbol permutations 0xB0 over a fixed label); FF1's tweaks (cards 0x02, SSNs 0x03,
secrets the two bytes 0x40 | type and `A` for letters and digits or `P` for marks); the numeral order
of the 62 letters and digits (0-9, a-z, A-Z) and of the 28 marks; the rejection bound of the
keystream. docs/detection/tokens.md says "HMAC-SHA256 over the address" for emails and "the type as
tweak" for secrets: true, but without these encodings nobody could recompute a token from the docs.

For each golden set it asserts that the masked output equals, byte for byte, the input with every
reported span replaced by this script's token, re-encoded for its format (CSV quoting, COPY escapes,
DataRow lengths). Any changed byte that no span explains, and any span whose token differs, fails.

Usage: python3 Tests/Vectors/golden_reference.py [DIR]   (needs the `cryptography` package, through
ff1_reference.py). DIR (default: the goldens) holds test.key and, for each format present among csv,
sql and wire, sample.F, sample.masked.F and sample.F.report.jsonl. Exits 0, printing one line per
format, when every file matches; 1 when one does not.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from ff1_reference import ALPHABET, ff1  # the NIST-checked FF1 and its radix-62 numerals
except ImportError as missing:  # its AES comes from the `cryptography` package
    sys.exit(f"golden_reference.py: {missing}; install it with `pip install cryptography` "
             f"(or Debian's python3-cryptography)")

# Entity types as the report names them, with the numbers tokens are keyed on (the engine's
# `EntityType` raw values; the docs name the type as the tweak without giving its encoding).
TYPE_NUMBER = {"email": 0, "credit_card": 1, "us_ssn": 2, "secret": 3}
PUNCTUATION = "!#$%&()*+-./:;<=>?@[]^_`{|}~"  # tokens.md: the 28 printable marks other than " ' , \


class ReferenceKey:
    """The token key and the keyed functions derived from it."""

    def __init__(self, material: bytes):
        # RFC 5869 with no salt: HMAC keyed with HashLen zero bytes for the extract step.
        prk = hmac.new(bytes(32), material, hashlib.sha256).digest()
        okm = hmac.new(prk, b"maskd token key v1" + b"\x01", hashlib.sha256).digest()
        self.key = okm  # L = 32: exactly one expand block
        self.aes = self.mac(0xF1, b"maskd ff1 aes-128 key v1")[:16]

    def mac(self, tag: int, message: bytes) -> bytes:
        return hmac.new(self.key, bytes([tag]) + message, hashlib.sha256).digest()

    # -- the keystream: HMAC-SHA256 in counter mode, one numeral per byte, rejection sampling -------
    def keystream(self, tag: int, message: bytes):
        seed = self.mac(tag, message)
        counter = 0
        while True:
            block = self.mac(0xA0, seed + struct.pack(">I", counter))
            counter += 1
            yield from block

    @staticmethod
    def draw(stream, radix: int) -> int:
        limit = 256 - 256 % radix
        while True:
            b = next(stream)
            if b < limit:
                return b % radix

    def single_permutation(self, radix: int) -> list:
        """The keyed permutation of one radix's symbols used when a class has a single position:
        Fisher-Yates from the keystream of a fixed label, letters-and-digits first, then marks."""
        stream = self.keystream(0xB0, b"maskd single-symbol permutations v1")
        tables = {}
        for r in (62, 28):
            table = list(range(r))
            for i in range(r - 1, 0, -1):
                j = self.draw(stream, i + 1)
                table[i], table[j] = table[j], table[i]
            tables[r] = table
        return tables[radix]

    # -- tokens, one per type (docs/detection/tokens.md, "Tokens by type") ------------------------------
    def email_token(self, address: bytes) -> bytes:
        # 16 base32 characters = the MAC's first 80 bits = its first 10 bytes, RFC 4648, lower case.
        if any(c in address for c in b"\\&%"):
            raise ValueError("escaped addresses are not in the goldens; this reference does not decode them")
        at = address.rindex(b"@")
        return base64.b32encode(self.mac(0x01, address)[:10]).lower() + address[at:at + 1] + b"example.invalid"

    def side_keeping_ff1(self, tweak: int, numerals: list, bigint: bool) -> list:
        """FF1 that keeps the value's side: a value starting with 0 keeps it and FF1 of one numeral fewer
        enciphers the rest; another is enciphered again (cycle walking) until its token does not start
        with 0 and, for an 18-numeral card payload, is on the value's side of 922337203685477580 (the
        payload of the largest bigint)."""
        if numerals[0] == 0:
            return [0] + ff1(self.aes, bytes([tweak]), 10, numerals[1:])

        def side(n):
            past = bigint and len(n) == 18 and int("".join(map(str, n))) >= 922337203685477580
            return (n[0] == 0, past)

        want = side(numerals)
        token = ff1(self.aes, bytes([tweak]), 10, numerals)
        while side(token) != want:
            token = ff1(self.aes, bytes([tweak]), 10, token)
        return token

    def digit_token(self, value: bytes, tweak: int, break_luhn: bool) -> bytes:
        digits = [c - 48 for c in value if 48 <= c <= 57]
        if break_luhn:
            payload = self.side_keeping_ff1(tweak, digits[:-1], bigint=True)
            digits = payload + [(luhn_check_digit(payload) + 1) % 10]  # one off the valid check digit
        else:
            digits = self.side_keeping_ff1(tweak, digits, bigint=False)
        out, k = bytearray(), 0
        for c in value:
            if 48 <= c <= 57:
                out.append(48 + digits[k])
                k += 1
            else:
                out.append(c)  # separators stay in place
        return bytes(out)

    @staticmethod
    def escape_length(value: bytes, i: int) -> int:
        """tokens.md, "Escape sequences are kept": the backslash at i and the character after it (with
        its continuation bytes); `\\u` takes the four letters, digits or non-ASCII bytes after it too."""
        if i + 1 >= len(value):
            return 1
        end = i + 2
        if value[i + 1] == ord("u") and end + 4 <= len(value) and \
                all(chr(c) in ALPHABET or c >= 0x80 for c in value[end:end + 4]):
            end += 4
        while end < len(value) and value[end] & 0xC0 == 0x80:
            end += 1
        return end - i

    def same_length_token(self, type_number: int, value: bytes, per_character: bool) -> bytes:
        """The secret token (tokens.md, "The secret token"): each byte keeps its class; with
        `per_character` one position per UTF-8 character (the varchar(n) fallback). Escape sequences
        stay where they are, and the rest is one value's token."""
        if b"\\" in value and len(value) > 1:
            escapes, rest, i = [], bytearray(), 0
            while i < len(value):
                if value[i] == 0x5C:
                    n = self.escape_length(value, i)
                    escapes.append((i, n))
                    i += n
                else:
                    rest.append(value[i])
                    i += 1
            token = iter(self.same_length_token(type_number, bytes(rest), per_character))
            out, i, kept = bytearray(), 0, dict(escapes)
            while i < len(value):
                if i in kept:
                    out += value[i:i + kept[i]]
                    i += kept[i]
                    continue
                if not per_character or value[i] & 0xC0 != 0x80:
                    out.append(next(token))
                i += 1
            return bytes(out)
        positions = []  # (class, byte) per position: 'a' letter/digit, 'p' mark, 'k' kept, 'n' non-ASCII
        for c in value:
            if c >= 0x80:
                if per_character and c & 0xC0 == 0x80:
                    continue
                positions.append(("n", c))
            elif chr(c) in ALPHABET:
                positions.append(("a", c))
            elif chr(c) in PUNCTUATION:
                positions.append(("p", c))
            else:
                positions.append(("k", c))
        letters = [ALPHABET.index(chr(c)) for k, c in positions if k == "a"]
        marks = [PUNCTUATION.index(chr(c)) for k, c in positions if k == "p"]
        non_ascii = sum(1 for k, _ in positions if k == "n")
        hide_marks = len(letters) + non_ascii < 4
        if non_ascii:
            stream = self.keystream(0x80 + type_number, value)
            draw = lambda radix: self.draw(stream, radix)  # noqa: E731
            letter_out = None
            mark_out = None
        else:
            draw = None
            letter_out = self.encipher(letters, 62, 40, bytes([0x40 | type_number, ord("A")]), type_number, value)
            mark_out = self.encipher(marks, 28, 48, bytes([0x40 | type_number, ord("P")]), type_number, value) \
                if hide_marks else None
        out, li, mi = bytearray(), 0, 0
        for kind, c in positions:
            if kind == "a":
                out.append(ord(ALPHABET[draw(62) if draw else letter_out[li]]))
                li += 1
            elif kind == "p":
                if hide_marks:
                    out.append(ord(PUNCTUATION[draw(28) if draw else mark_out[mi]]))
                    mi += 1
                else:
                    out.append(c)
            elif kind == "k":
                out.append(c)
            else:
                out.append(ord(ALPHABET[draw(62)]))
        return bytes(out)

    def encipher(self, numerals, radix, limit, tweak, type_number, value):
        if len(numerals) == 0:
            return []
        if len(numerals) == 1:
            return [self.single_permutation(radix)[numerals[0]]]
        if len(numerals) <= limit:
            return ff1(self.aes, tweak, radix, numerals)
        stream = self.keystream(0x80 + type_number, value)
        return [self.draw(stream, radix) for _ in numerals]

    def token(self, span_type: str, kind, value: bytes, per_character: bool = False) -> bytes:
        if kind == "documented_example":
            return value  # secrets.md: documented examples are reported and kept
        if span_type == "credit_card":
            return self.digit_token(value, 0x02, True)
        if span_type == "us_ssn":
            return self.digit_token(value, 0x03, False)
        if span_type == "email" and not per_character:
            return self.email_token(value)
        return self.same_length_token(TYPE_NUMBER[span_type], value, per_character)


def luhn_check_digit(payload: list) -> int:
    """The digit that makes payload + digit pass Luhn: double every second digit from the right of
    the full number, i.e. the payload's last digit and every second one before it."""
    total = 0
    for i, d in enumerate(reversed(payload)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def masked_cell(key: ReferenceKey, cell: bytes, spans: list, per_character: bool = False) -> bytes:
    out, at = bytearray(), 0
    for s in sorted(spans, key=lambda s: s["start"]):
        assert s["start"] >= at, f"overlapping spans {spans}"
        out += cell[at:s["start"]] + key.token(s["type"], s.get("kind"), cell[s["start"]:s["end"]], per_character)
        at = s["end"]
    return bytes(out + cell[at:])


def character_count(b: bytes) -> int:
    return sum(1 for c in b if c & 0xC0 != 0x80)


# -- formats ---------------------------------------------------------------------------------------------

def csv_records(raw: bytes):
    """RFC 4180: yields (records) of fields, each field (decoded bytes, raw start, raw end, quoted)."""
    records, fields, i, n = [], [], 0, len(raw)
    while i < n:
        start = i
        if raw[i:i + 1] == b'"':
            value, i = bytearray(), i + 1
            while True:
                q = raw.index(b'"', i)
                value += raw[i:q]
                if raw[q + 1:q + 2] == b'"':
                    value += b'"'
                    i = q + 2
                else:
                    i = q + 1
                    break
            fields.append((bytes(value), start, i, True))
        else:
            m = re.compile(rb"[^,\n]*").match(raw, i)
            i = m.end()
            fields.append((raw[start:i].rstrip(b"\r"), start, i, False))
        if i >= n or raw[i:i + 1] == b"\n":
            records.append(fields)
            fields = []
        i += 1
    return records


def check_csv(key, raw_in, report):
    records = csv_records(raw_in)[1:]  # the header is not a row
    expected, at = bytearray(), 0
    by_cell = group(report)
    for r, fields in enumerate(records):
        for c, (value, start, end, quoted) in enumerate(fields):
            spans = by_cell.pop((r, c), [])
            if not spans:
                continue
            masked = masked_cell(key, value, spans)
            encoded = b'"' + masked.replace(b'"', b'""') + b'"' if quoted else masked
            expected += raw_in[at:start] + encoded
            at = end
    assert not by_cell, f"report spans outside the CSV's cells: {sorted(by_cell)}"
    return bytes(expected + raw_in[at:])


COPY_ESCAPES = {ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("v"): 11}


def copy_field(raw: bytes, start: int, end: int) -> bytes:
    """Decodes one COPY text field (PostgreSQL docs, COPY, "Text Format")."""
    out, i = bytearray(), start
    while i < end:
        c = raw[i]
        if c != 0x5C:
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in COPY_ESCAPES:
            out.append(COPY_ESCAPES[nxt])
            i += 2
        elif 0x30 <= nxt <= 0x37:
            m = re.compile(rb"[0-7]{1,3}").match(raw, i + 1)
            out.append(int(m.group(), 8) & 0xFF)
            i = m.end()
        elif nxt == ord("x") and re.compile(rb"[0-9A-Fa-f]").match(raw, i + 2):
            m = re.compile(rb"[0-9A-Fa-f]{1,2}").match(raw, i + 2)
            out.append(int(m.group(), 16))
            i = m.end()
        else:
            out.append(nxt)
            i += 2
    return bytes(out)


def copy_escape(b: bytes) -> bytes:
    out = bytearray()
    for c in b:
        if c == 0x5C:
            out += b"\\\\"
        elif c in (8, 9, 10, 11, 12, 13):
            out += b"\\" + bytes([next(k for k, v in COPY_ESCAPES.items() if v == c)])
        else:
            out.append(c)
    return bytes(out)


def column_limits(script: bytes, table: str) -> dict:
    """Column name -> character limit for varchar(n)/char(n) columns of `CREATE TABLE table (...)`."""
    m = re.search(rb"CREATE TABLE " + re.escape(table.encode()) + rb" \((.*?)\n\);", script, re.S)
    limits = {}
    for line in m.group(1).split(b"\n"):
        col = re.match(rb'\s*("[^"]+"|\S+)\s+(character varying|varchar|character|char)\((\d+)\)', line)
        if col:
            limits[col.group(1).strip(b'"').decode()] = int(col.group(3))
    return limits


def check_sql(key, raw_in, report):
    expected, at = bytearray(), 0
    by_cell = {}
    for s in report:
        by_cell.setdefault((s["table"], s["row"], s["column"]), []).append(s)
    for copy in re.finditer(rb"^COPY (\S+) \((.*?)\) FROM stdin;\n", raw_in, re.M):
        table = copy.group(1).decode()
        columns = [c.strip().strip('"') for c in copy.group(2).decode().split(",")]
        limits = column_limits(raw_in, table)
        line_start, row = copy.end(), 0
        while not raw_in.startswith(b"\\.\n", line_start):
            line_end = raw_in.index(b"\n", line_start)
            field_start = line_start
            for c, bound in enumerate(tab_positions(raw_in, line_start, line_end)):
                spans = by_cell.pop((table, row, c), [])
                if spans:
                    value = copy_field(raw_in, field_start, bound)
                    masked = masked_cell(key, value, spans)
                    limit = limits.get(columns[c])
                    if limit is not None and character_count(masked) > limit:
                        # tokens.md, "pg_dump varchar(n) / char(n) fallback": each span keeps its
                        # character count.
                        masked = masked_cell(key, value, spans, per_character=True)
                    expected += raw_in[at:field_start] + copy_escape(masked)
                    at = bound
                field_start = bound + 1
            line_start, row = line_end + 1, row + 1
    assert not by_cell, f"report spans outside the dump's COPY rows: {sorted(by_cell)}"
    return bytes(expected + raw_in[at:])


def tab_positions(raw, start, end):
    """The end of each tab-separated field of one COPY line (a literal tab is always a separator)."""
    ends, i = [], start
    while True:
        t = raw.find(b"\t", i, end)
        if t < 0:
            return ends + [end]
        ends.append(t)
        i = t + 1


def check_wire(key, raw_in, report):
    expected, i, row = bytearray(), 0, 0
    by_cell = group(report)
    while i < len(raw_in):
        tag, length = raw_in[i:i + 1], struct.unpack(">i", raw_in[i + 1:i + 5])[0]
        body = raw_in[i + 5:i + 1 + length]
        if tag == b"T":
            formats = row_description_formats(body)
            assert set(formats) == {0}, "binary columns are not in the goldens"
        if tag == b"D":
            (count,), j, cells = struct.unpack(">h", body[:2]), 2, []
            for c in range(count):
                (n,) = struct.unpack(">i", body[j:j + 4])
                j += 4
                if n < 0:
                    cells.append(struct.pack(">i", -1))
                    continue
                value = body[j:j + n]
                j += n
                spans = by_cell.pop((row, c), [])
                masked = masked_cell(key, value, spans) if spans else value
                cells.append(struct.pack(">i", len(masked)) + masked)
            payload = struct.pack(">h", count) + b"".join(cells)
            expected += b"D" + struct.pack(">i", len(payload) + 4) + payload
            row += 1
        else:
            expected += raw_in[i:i + 1 + length]
        i += 1 + length
    assert not by_cell, f"report spans outside the DataRows: {sorted(by_cell)}"
    return bytes(expected)


def row_description_formats(body):
    (count,), j, formats = struct.unpack(">h", body[:2]), 2, []
    for _ in range(count):
        j = body.index(b"\0", j) + 1
        formats.append(struct.unpack(">h", body[j + 16:j + 18])[0])
        j += 18
    return formats


def group(report):
    by_cell = {}
    for s in report:
        by_cell.setdefault((s["row"], s["column"]), []).append(s)
    return by_cell


def first_difference(a: bytes, b: bytes) -> str:
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return f"first difference at byte {i}: expected {a[max(0, i - 30):i + 30]!r}, golden {b[max(0, i - 30):i + 30]!r}"


def main():
    golden = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "maskdTests", "Golden")
    with open(os.path.join(golden, "test.key")) as f:
        key = ReferenceKey(bytes.fromhex(f.read().strip()))
    failures = 0
    formats = [f for f in ("csv", "sql", "wire") if os.path.exists(os.path.join(golden, f"sample.{f}"))]
    for fmt in formats:
        check = {"csv": check_csv, "sql": check_sql, "wire": check_wire}[fmt]
        read = lambda name: open(os.path.join(golden, name), "rb").read()  # noqa: E731
        report = [json.loads(line) for line in read(f"sample.{fmt}.report.jsonl").splitlines() if line.strip()]
        raw_in, raw_out = read(f"sample.{fmt}"), read(f"sample.masked.{fmt}")
        expected = check(key, raw_in, report)
        if expected == raw_out:
            print(f"{fmt}: {len(report)} spans, golden output equals the reference's")
        else:
            failures += 1
            print(f"{fmt}: MISMATCH: golden sample.masked.{fmt} differs from the reference: "
                  f"{first_difference(expected, raw_out)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
