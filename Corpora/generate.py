#!/usr/bin/env python3
"""Deterministic, seeded generator of labelled PII corpora for maskd.

Every dataset is a table written as:

* ``NAME.csv``          RFC 4180 CSV (header row, ``\\n`` line endings; NULL is an
                        empty unquoted field, the empty string is ``""``),
* ``NAME.wire``         the same rows as a PostgreSQL v3 backend message stream
                        (RowDescription, DataRow*, CommandComplete, ReadyForQuery),
* ``NAME.labels.jsonl`` ground truth: one JSON object per PII span, byte offsets
                        into the UTF-8 cell value.

Same seed and arguments give byte-identical output: all randomness comes from
``random.Random`` instances seeded with strings derived from ``--seed``.
Python 3.11 standard library only.

Examples::

    python3 Corpora/generate.py --out Corpora/samples --seed 42 --rows 1500
    python3 Corpora/generate.py --out /tmp/big --target-mb 200 --no-labels
    python3 Corpora/generate.py --verify Corpora/samples
"""

from __future__ import annotations

import argparse
import base64
import collections
import csv
import functools
import io
import ipaddress
import json
import math
import multiprocessing
import os
import random
import re
import struct
import sys
import time
import unicodedata
from json.encoder import encode_basestring  # C-accelerated, keeps non-ASCII as UTF-8

# ---------------------------------------------------------------------------
# Constants: vocabularies
# ---------------------------------------------------------------------------

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
    "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph",
    "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew",
    "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Priya", "Wei", "Aisha", "Omar",
    "Yuki", "Hiroshi", "Fatima", "Ivan", "Olga", "Carlos", "Lucia", "Mateo",
    "Sofia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Arjun", "Mei",
    "Kwame", "Amara", "Grace", "Henry", "Chen", "Dmitri", "Ingrid", "Tariq",
    # a few accented names: byte offsets != char offsets after these
    "José", "Zoë", "Chloé", "Renée", "François", "Søren", "Łukasz", "Inés",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson",
    "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
    "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Patel", "Kim", "Chen", "Singh", "Okafor",
    "Kowalski", "Ivanova", "Tanaka", "Schmidt", "Rossi", "Haddad", "Novak",
    "O'Brien", "D'Angelo",
    "Müller", "Núñez", "García", "Dvořák", "Ødegaard", "Lefèvre",
)
EMAIL_DOMAINS = (
    "example.com", "example.org", "mail.example.net", "gmail.com", "outlook.com",
    "yahoo.co.jp", "proton.me", "fastmail.fm", "acme-corp.io", "eu.globex.co.uk",
    "corp.initech.technology", "students.uni-hamburg.de", "research.lab42.ai",
    "dev.hooli.xyz", "mail.umbrella-health.org", "contoso.onmicrosoft.com",
    "sales.wayne-enterprises.com", "hq.stark.industries",
)
PLUS_TAGS = ("news", "billing", "shop", "work", "2023", "alerts", "dev")
MENTIONS = ("@alice", "@bob", "@devops-oncall", "@j_doe", "@billing-team", "@maria")
NODOT_ADDRESSES = ("root@localhost", "deploy@buildbox", "admin@db01",
                   "postgres@localhost", "ci@runner7", "www-data@web3")
SERVICES_DB = ("postgres", "mysql", "redis", "mongodb")
SERVICES_API = ("sendgrid", "datadog", "internal-api", "twilio", "mailgun")
CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP", "CAD", "JPY", "AUD")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
CITIES = ("San Francisco", "Austin", "Chicago", "New York", "Seattle", "Denver",
          "Zürich", "São Paulo", "Berlin", "Toronto")
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36",
    "curl/8.4.0", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0",
)

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
ALPHA = ALNUM[:52]
LOWER_HEX = "0123456789abcdef"
BASE32_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
AWS_SECRET_CHARS = ALNUM + "/+"
GOOGLE_KEY_CHARS = ALNUM + "_-"
PASSWORD_CHARS = ALNUM + "!#$%^&*-_"
PASSWORD_KEYWORDS = ("password", "passwd", "secret", "api_key", "apikey", "token")
PASSWORD_SEPARATORS = (" = ", "=", ": ", " = ", ": ")
WEAK_ASSIGNMENTS = (
    "password = changeme", "password: ********", "token: none", "secret=null",
    "passwd: xxxxxxxx", "api_key=<your-api-key>", "password = REDACTED",
    "token = TODO", "apikey: ''",
)
SECRET_KINDS = (
    "aws_access_key_id", "aws_secret_access_key", "github_token", "slack_token",
    "stripe_key", "google_api_key", "jwt", "private_key", "password_assignment",
)
LABEL_TYPES = ("email", "credit_card", "us_ssn", "secret")

# Card issuers: (brand, prefixes, lengths). Prefix ranges are expanded here.
CARD_ISSUERS = (
    ("visa", ("4",), (16, 16, 16, 13, 19)),
    ("mastercard", tuple(str(p) for p in range(51, 56)), (16,)),
    ("mastercard", tuple(str(p) for p in range(2221, 2721)), (16,)),
    ("amex", ("34", "37"), (15,)),
    ("discover", ("6011", "644", "645", "646", "647", "648", "649", "65"), (16,)),
    ("jcb", tuple(str(p) for p in range(3528, 3590)), (16,)),
    ("diners", ("36", "300", "301", "302", "303", "304", "305", "38", "39"), (14,)),
    ("unionpay", ("62",), (16, 16, 17, 18, 19)),
)
CARD_BRAND_PERCENT = (40, 17, 8, 12, 8, 5, 4, 6)
_CARD_BRAND_TABLE = tuple(issuer for issuer, pct in zip(CARD_ISSUERS, CARD_BRAND_PERCENT)
                          for _ in range(pct))   # 100 entries, index = percentile

# PostgreSQL type descriptors: (type OID, typlen, typmod)
INT8 = (20, 8, -1)
TEXT = (25, -1, -1)
TIMESTAMPTZ = (1184, 8, -1)
UUID = (2950, 16, -1)
INET = (869, -1, -1)
JSONB = (3802, -1, -1)


def varchar(n: int) -> tuple:
    """varchar(n) descriptor: typmod is n + VARHDRSZ."""
    return (1043, -1, n + 4)


def bpchar(n: int) -> tuple:
    """character(n) descriptor."""
    return (1042, -1, n + 4)


def numeric(precision: int, scale: int) -> tuple:
    """numeric(p, s) descriptor: typmod is ((p << 16) | s) + VARHDRSZ."""
    return (1700, -1, ((precision << 16) | scale) + 4)


SCHEMAS = {
    "users": (("id", INT8), ("full_name", TEXT), ("email", varchar(255)),
              ("phone", varchar(32)), ("ssn", varchar(11)), ("zip", varchar(10)),
              ("created_at", TIMESTAMPTZ), ("last_ip", INET), ("signup_uuid", UUID)),
    "payments": (("id", INT8), ("user_email", varchar(255)), ("card_number", varchar(23)),
                 ("amount", numeric(12, 2)), ("currency", bpchar(3)),
                 ("order_number", TEXT), ("paid_at", TIMESTAMPTZ), ("txn_sha", TEXT)),
    "credentials": (("id", INT8), ("service", varchar(64)), ("config", TEXT),
                    ("owner_email", varchar(255)), ("notes", TEXT)),
    "tickets": (("id", INT8), ("subject", TEXT), ("body", TEXT)),
    "events": (("id", INT8), ("payload", JSONB)),
    "mixed": (("id", INT8), ("name", TEXT), ("email", varchar(255)),
              ("phone", varchar(32)), ("card", varchar(23)), ("ssn", varchar(11)),
              ("note", TEXT), ("event", JSONB), ("created_at", TIMESTAMPTZ),
              ("uuid", UUID), ("order_no", TEXT), ("ip", INET), ("user_agent", TEXT),
              ("amount", numeric(12, 2))),
    # --density none|sparse: an application's activity log, ids, words, numbers, timestamps,
    # uuids and hard negatives; with sparse, a PII sentence now and then in `message`.
    "activity": (("id", INT8), ("account_id", INT8), ("session_id", UUID),
                 ("created_at", TIMESTAMPTZ), ("kind", varchar(32)), ("status", varchar(16)),
                 ("path", TEXT), ("amount", numeric(12, 2)), ("currency", bpchar(3)),
                 ("order_no", TEXT), ("ip", INET), ("user_agent", TEXT), ("build", TEXT),
                 ("checksum", TEXT), ("duration_ms", INT8), ("meta", JSONB), ("message", TEXT)),
}
DATASET_ORDER = ("users", "payments", "credentials", "tickets", "events", "mixed", "activity")
# The datasets of --rows mode (mixed and activity are written only by --target-mb).
ROWS_DATASETS = DATASET_ORDER[:5]
# --density: which table --target-mb writes and how often it holds PII.
DENSITY_TABLES = {"dense": "mixed", "sparse": "activity", "none": "activity"}
# sparse: the share of activity rows whose message is a PII sentence. Rows average ~430 bytes of
# CSV and a PII sentence holds one labelled value, so this gives about one finding per 4 KB.
SPARSE_PII_RATE = 0.11
TABLE_OID_BASE = 16384
EPOCH_START = 1577836800      # 2020-01-01T00:00:00Z
EPOCH_SPAN = 5 * 365 * 86400  # five years
MB = 1_000_000
MIXED_POPULATION = 20000
MIXED_CHUNK_ROWS = 1000

_I32 = struct.Struct(">i")
_I16 = struct.Struct(">h")
_NULL_CELL = _I32.pack(-1)
# Hex strings / UUIDs must not contain card-length digit runs (>= 12 digits, also across '-').
_HEX_DIGIT_RUN = re.compile(r"[0-9]{12}")
_UUID_DIGIT_RUN = re.compile(r"[0-9][0-9-]{11}")
_UUID_V4_CLEAR = ~((0xF << 76) | (0x3 << 62))
_UUID_V4_SET = (0x4 << 76) | (0x2 << 62)
_FAMOUS_INVALID_SSNS = ("078051120", "219099999", "457555462")   # Woolworth, ads, LifeLock
_POW10 = tuple(10 ** i for i in range(40))
_LUHN_DOUBLE_TRANS = str.maketrans("0123456789", "0246813579")
_FOLD_EXTRA = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss",
                             "'": "", " ": ""})
_SECRET_PREFIXES = re.compile(
    r"AKIA|ASIA|gh[pousr]_|github_pat_|xox[bpar]-|[sr]k_(?:live|test)_|AIza|eyJ|PRIVATE KEY")


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def ascii_fold(s: str) -> str:
    """Strip accents/apostrophes/spaces so a name can become an email local part."""
    s = s.translate(_FOLD_EXTRA)
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def shannon_entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(s)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in collections.Counter(s).values())


def luhn_check_digit(payload: str) -> int:
    """Check digit that makes ``payload + digit`` Luhn-valid.

    Digits in doubled positions are mapped to their doubled digit sum with
    str.translate, then all digits are summed as ASCII bytes (C speed).
    """
    rev = payload[::-1]
    total = (sum(rev[0::2].translate(_LUHN_DOUBLE_TRANS).encode())
             + sum(rev[1::2].encode()) - 48 * len(rev))
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    """True if the digit string passes the Luhn checksum."""
    return luhn_check_digit(digits[:-1]) == ord(digits[-1]) - 48


class FastRandom(random.Random):
    """random.Random whose choice/randrange/randint use one random() float draw.

    The stock versions are pure Python loops over getrandbits() and dominate the
    profile; these are ~4x faster. Still fully deterministic for a given seed.
    Only for ranges well below 2**53 (use rand_digits() for long numbers).
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None):
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))


def rand_digits(rng: random.Random, n: int) -> str:
    """n random decimal digits (leading zeros allowed); exact for any n via getrandbits."""
    return "%0*d" % (n, rng.getrandbits(4 * n + 16) % _POW10[n])


def rand_str(rng: random.Random, alphabet: str, n: int) -> str:
    """n random characters from alphabet."""
    return "".join(rng.choices(alphabet, k=n))


def b64url(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def byte_offset(text: str, char_index: int) -> int:
    """UTF-8 byte offset of a character index."""
    return len(text[:char_index].encode("utf-8"))


class Text:
    """Append-only text builder that records PII spans.

    ``add`` is the bound ``list.append`` (the hot path); the write position is
    only summed up when ``pii`` needs it. Spans are char offsets until
    ``build()`` converts them to UTF-8 byte offsets.
    """
    __slots__ = ("parts", "add", "spans", "_pos", "_mark")

    def __init__(self):
        self.parts: list = []
        self.add = self.parts.append
        self.spans: list = []
        self._pos = 0
        self._mark = 0

    def pii(self, s: str, typ: str, kind: str | None = None) -> None:
        """Append a labelled value; the span covers exactly ``s``."""
        parts = self.parts
        pos = self._pos
        for i in range(self._mark, len(parts)):
            pos += len(parts[i])
        self.spans.append((pos, pos + len(s), typ, kind))
        parts.append(s)
        self._pos = pos + len(s)
        self._mark = len(parts)

    def build(self) -> tuple:
        """Return (text, spans) with spans converted to UTF-8 byte offsets."""
        text = "".join(self.parts)
        spans = self.spans
        if spans and not text.isascii():
            spans = [(byte_offset(text, s), byte_offset(text, e), t, k)
                     for s, e, t, k in spans]
        return text, spans


class JsonEscaped:
    """Sink for text inside a JSON string literal: plain text is JSON-escaped,
    PII is passed through (PII values never need escaping; checked)."""
    __slots__ = ("inner",)

    def __init__(self, inner: Text):
        self.inner = inner

    def add(self, s: str) -> None:
        self.inner.add(encode_basestring(s)[1:-1])

    def pii(self, s: str, typ: str, kind: str | None = None) -> None:
        if '"' in s or "\\" in s or "\n" in s:
            raise ValueError(f"PII value would need JSON escaping: {s!r}")
        self.inner.pii(s, typ, kind)


# ---------------------------------------------------------------------------
# Value generators: PII
# ---------------------------------------------------------------------------

def make_email(rng: random.Random, first: str, last: str) -> str:
    """Realistic address: dotted/underscored/hyphenated locals, digits, plus-tags, subdomains."""
    f, l = ascii_fold(first).lower() or "user", ascii_fold(last).lower() or "name"
    style = rng.randrange(9)
    if style == 0:
        local = f"{f}.{l}"
    elif style == 1:
        local = f"{f}_{l}{rng.randrange(100)}"
    elif style == 2:
        local = f"{f[0]}{l}"
    elif style == 3:
        local = f"{f}.{l}+{rng.choice(PLUS_TAGS)}"
    elif style == 4:
        local = f"{l}-{f}"
    elif style == 5:
        local = f"{f}{rng.randrange(1950, 2006)}"
    elif style == 6:
        local = f"{f[0]}.{l}.{rng.randrange(10, 99)}"
    elif style == 7:
        local = f"{f.capitalize()}.{l.capitalize()}"
    else:
        local = f"{f}+{rng.choice(PLUS_TAGS)}"
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def make_card(rng: random.Random) -> str:
    """Luhn-valid card in an issuer range; 16-digit and Amex sometimes grouped.

    One 128-bit draw picks brand (weighted), prefix, length, layout and digits.
    """
    x = rng.getrandbits(128)
    _, prefixes, lengths = _CARD_BRAND_TABLE[x % 100]
    x //= 100
    prefix = prefixes[x % len(prefixes)]
    x //= len(prefixes)
    length = lengths[x % len(lengths)]
    x //= len(lengths)
    style = x % 10
    x //= 10
    n = length - len(prefix) - 1
    payload = prefix + "%0*d" % (n, x % _POW10[n])
    number = payload + str(luhn_check_digit(payload))
    if style < 5 or length not in (15, 16):
        return number
    sep = " " if style < 8 else "-"
    if length == 16:
        return sep.join((number[0:4], number[4:8], number[8:12], number[12:16]))
    return sep.join((number[0:4], number[4:10], number[10:15]))   # Amex 4-6-5


def ssn_digits_ok(d: str) -> bool:
    """SSN validity: area 001-899 (not 666), group 01-99, serial 0001-9999, not trivial."""
    area, group, serial = int(d[:3]), int(d[3:5]), int(d[5:])
    if not (1 <= area <= 899) or area == 666 or group == 0 or serial == 0:
        return False
    if len(set(d)) == 1 or d in _FAMOUS_INVALID_SSNS:
        return False
    return d not in "0123456789012345678" and d not in "9876543210987654321"


def make_ssn(rng: random.Random, sep: str = "-") -> str:
    """Valid-looking SSN ``AAA-GG-SSSS`` (sep '-' or ' ') or bare 9 digits (sep '')."""
    while True:
        d = "%03d%02d%04d" % (rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999))
        if ssn_digits_ok(d):
            return f"{d[:3]}{sep}{d[3:5]}{sep}{d[5:]}"


def make_aws_key_id(rng: random.Random) -> str:
    """AKIA/ASIA + 16 chars of [A-Z2-7] (subset of [A-Z0-9]); never ends in EXAMPLE."""
    while True:
        v = rng.choice(("AKIA", "AKIA", "AKIA", "ASIA")) + rand_str(rng, BASE32_UPPER, 16)
        if not v.endswith("EXAMPLE"):
            return v


def make_aws_secret(rng: random.Random) -> str:
    """40 chars of [A-Za-z0-9/+]."""
    return rand_str(rng, AWS_SECRET_CHARS, 40)


def make_github_token(rng: random.Random) -> str:
    """Classic ghp_/gho_/ghu_/ghs_/ghr_ + 36 alnum, or github_pat_ + 22 + '_' + 59."""
    if rng.random() < 0.2:
        return "github_pat_" + rand_str(rng, ALNUM, 22) + "_" + rand_str(rng, ALNUM, 59)
    return rng.choice(("ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_")) + rand_str(rng, ALNUM, 36)


def _slack_digits(rng: random.Random) -> str:
    """12-digit Slack id group; starts with 1/7/8/9 so it can never look like a card prefix."""
    return rng.choice("1789") + rand_digits(rng, 11)


def make_slack_token(rng: random.Random) -> str:
    """xoxb-/xoxa-/xoxr- digits-digits-24 alnum, or xoxp- digits-digits-digits-32 hex."""
    prefix = rng.choice(("xoxb", "xoxb", "xoxp", "xoxa", "xoxr"))
    if prefix == "xoxp":
        return (f"xoxp-{_slack_digits(rng)}-{_slack_digits(rng)}-{_slack_digits(rng)}-"
                f"{rng.choice('abcdef')}{rand_str(rng, LOWER_HEX, 31)}")
    return (f"{prefix}-{_slack_digits(rng)}-{_slack_digits(rng)}-"
            f"{rng.choice(ALPHA)}{rand_str(rng, ALNUM, 23)}")


def make_stripe_key(rng: random.Random) -> str:
    """sk_/rk_ live/test + 24..99 alnum (mostly 24..34)."""
    prefix = rng.choice(("sk_live_", "sk_live_", "rk_live_", "sk_test_", "rk_test_"))
    n = 99 if rng.random() < 0.1 else rng.randint(24, 34)
    return prefix + rand_str(rng, ALNUM, n)


def make_google_key(rng: random.Random) -> str:
    """AIza + 35 of [A-Za-z0-9_-] (last char alnum)."""
    return "AIza" + rand_str(rng, GOOGLE_KEY_CHARS, 34) + rng.choice(ALNUM)


def make_jwt(rng: random.Random) -> str:
    """Real-shaped JWT: base64url(JSON header).base64url(JSON payload).43-char signature."""
    if rng.random() < 0.5:
        header = {"alg": "HS256", "typ": "JWT"}
    else:
        header = {"alg": "RS256", "typ": "JWT", "kid": rand_str(rng, LOWER_HEX, 8)}
    iat = EPOCH_START + rng.randrange(EPOCH_SPAN)
    payload = {"sub": str(rng.randrange(1, 10 ** 6)), "name": rng.choice(FIRST_NAMES),
               "scope": rng.choice(("read", "read write", "admin")), "iat": iat,
               "exp": iat + 3600}
    sig = rng.getrandbits(256).to_bytes(32, "big")
    return ".".join((b64url(json.dumps(header, separators=(",", ":")).encode()),
                     b64url(json.dumps(payload, separators=(",", ":"),
                                       ensure_ascii=False).encode()),
                     b64url(sig)))


def _pem(label: str, der: bytes) -> str:
    """PEM armour with 64-char lines."""
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def make_private_key(rng: random.Random) -> str:
    """PEM private key block (RSA / PKCS#8 / EC) with a plausible DER prefix."""
    style = rng.randrange(3)
    n = 1190 if rng.random() < 0.1 else rng.randint(590, 600)   # ~2048- / ~1024-bit
    if style == 0:
        der = b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + rng.randbytes(n)
        return _pem("RSA PRIVATE KEY", der)
    if style == 1:
        der = (b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7"
               b"\x0d\x01\x01\x01\x05\x00\x04\x82\x04\xa8") + rng.randbytes(n)
        return _pem("PRIVATE KEY", der)
    der = b"\x30\x77\x02\x01\x01\x04\x20" + rng.randbytes(112)
    return _pem("EC PRIVATE KEY", der)


def make_password_value(rng: random.Random) -> str:
    """12..32 chars of [A-Za-z0-9!#$%^&*-_], alnum at both ends, entropy >= 3.55 bits/char."""
    while True:
        n = 12 if rng.random() < 0.1 else rng.randint(14, 32)
        v = rng.choice(ALNUM) + rand_str(rng, PASSWORD_CHARS, n - 2) + rng.choice(ALNUM)
        if (shannon_entropy(v) >= 3.55 and any(c.isdigit() for c in v)
                and any(c.isalpha() for c in v)):
            return v


# ---------------------------------------------------------------------------
# Value generators: hard negatives and plain columns
# ---------------------------------------------------------------------------

def make_order_number(rng: random.Random) -> str:
    """16 digits that FAIL Luhn (often starting with 4, i.e. Visa-looking)."""
    x = rng.getrandbits(64)
    payload = "4444567123"[x % 10] + "%014d" % ((x >> 4) % _POW10[14])
    bad = (luhn_check_digit(payload) + 1 + (x >> 60) % 9) % 10
    return payload + str(bad)


def make_invoice_number(rng: random.Random) -> str:
    """Bare 9-digit invoice number (never placed in an ssn column)."""
    return str(rng.randrange(100_000_000, 1_000_000_000))


def make_hex(rng: random.Random, n: int) -> str:
    """n lowercase hex chars (git SHA = 40, SHA-256 = 64) without long digit runs."""
    while True:
        v = "%0*x" % (n, rng.getrandbits(4 * n))
        if not _HEX_DIGIT_RUN.search(v):
            return v


def make_uuid(rng: random.Random) -> str:
    """Version-4 UUID text without long digit chains."""
    while True:
        h = "%032x" % (rng.getrandbits(128) & _UUID_V4_CLEAR | _UUID_V4_SET)
        v = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        if not _UUID_DIGIT_RUN.search(v):
            return v


def make_epoch(rng: random.Random) -> int:
    """Random unix time within the corpus window."""
    return EPOCH_START + rng.getrandbits(40) % EPOCH_SPAN


def make_pg_timestamp(rng: random.Random) -> str:
    """timestamptz text as PostgreSQL prints it (UTC session), half with microseconds."""
    x = rng.getrandbits(60)
    base = "%04d-%02d-%02d %02d:%02d:%02d" % time.gmtime(
        EPOCH_START + (x & 0x3FFFFFFF) % EPOCH_SPAN)[:6]
    x >>= 30
    if x & 1:
        return "%s.%06d+00" % (base, (x >> 1) % 1_000_000)
    return base + "+00"


def make_iso_timestamp(rng: random.Random) -> str:
    """ISO-8601 UTC timestamp like 2024-01-15T10:22:33Z."""
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % time.gmtime(make_epoch(rng))[:6]


def make_date(rng: random.Random) -> str:
    """Date like 2024-01-15."""
    return "%04d-%02d-%02d" % time.gmtime(make_epoch(rng))[:3]


def make_epoch_ms(rng: random.Random) -> int:
    """13-digit epoch milliseconds forced to FAIL Luhn (never card-like)."""
    x = rng.getrandbits(48)
    v = str((EPOCH_START + x % EPOCH_SPAN) * 1000 + (x >> 38) % 1000)
    if luhn_valid(v):
        v = v[:-1] + str((int(v[-1]) + 1) % 10)
    return int(v)


def make_phone(rng: random.Random) -> str:
    """US phone: (415) 555-0134 / 415-555-0134 / +1 415 555 0134 / 415.555.0134.

    One getrandbits() draw supplies format, area code, exchange and line.
    """
    x = rng.getrandbits(48)
    return _PHONE_FORMATS[x & 3] % (201 + (x >> 2) % 789, 200 + (x >> 12) % 800,
                                    (x >> 24) % 10000)


_PHONE_FORMATS = ("(%03d) %03d-%04d", "%03d-%03d-%04d", "+1 %03d %03d %04d", "%03d.%03d.%04d")
_IP_FIRST_OCTETS = (10, 172, 192, 34, 52, 185, 203, 10)


def make_zip(rng: random.Random, plus4: bool | None = None) -> str:
    """ZIP or ZIP+4."""
    z = "%05d" % rng.randint(1001, 99950)
    if plus4 or (plus4 is None and rng.random() < 0.3):
        z += "-%04d" % rng.randrange(1, 10000)
    return z


def make_ipv4(rng: random.Random) -> str:
    """Dotted IPv4 address (one getrandbits() draw)."""
    x = rng.getrandbits(32)
    return "%d.%d.%d.%d" % (_IP_FIRST_OCTETS[x & 7], (x >> 3) & 255, (x >> 11) & 255,
                            1 + (x >> 19) % 254)


def make_inet(rng: random.Random) -> str:
    """inet output: mostly IPv4, some IPv6."""
    if rng.random() < 0.1:
        return "2001:db8:%x:%x::%x" % (rng.randrange(65536), rng.randrange(65536),
                                        rng.randint(1, 65535))
    return make_ipv4(rng)


def make_version(rng: random.Random) -> str:
    """Version strings: v2.14.3, 1.2.3.4-beta, 3.0.0-rc.2 (one getrandbits() draw)."""
    x = rng.getrandbits(32)
    style, x = x % 3, x // 3
    if style == 0:
        return "v%d.%d.%d" % (1 + x % 5, (x >> 3) % 30, (x >> 8) % 20)
    if style == 1:
        return "%d.%d.%d.%d-beta" % (1 + x % 4, (x >> 2) % 10, (x >> 6) % 10, (x >> 10) % 100)
    return "%d.0.0-rc.%d" % (1 + x % 8, 1 + (x >> 3) % 4)


def make_amount(rng: random.Random) -> str:
    """Decimal amount with two places, e.g. 1234.56."""
    cents = rng.randrange(100, 5_000_000)
    return "%d.%02d" % divmod(cents, 100)


def make_public_block(rng: random.Random) -> str:
    """PUBLIC KEY / CERTIFICATE PEM (hard negative) without secret prefixes or digit runs."""
    label = rng.choice(("PUBLIC KEY", "CERTIFICATE"))
    while True:
        der = b"\x30\x82\x01\x22\x30\x0d\x06\x09" + rng.randbytes(rng.randint(150, 300))
        block = _pem(label, der)
        if not _SECRET_PREFIXES.search(block) and not _HEX_DIGIT_RUN.search(block):
            return block


# ---------------------------------------------------------------------------
# People shared across datasets (joins)
# ---------------------------------------------------------------------------

class Person:
    """One synthetic person; the email is unique within a population."""
    __slots__ = ("first", "last", "full_name", "email", "phone", "ssn", "zip")

    def __init__(self, first, last, full_name, email, phone, ssn, zip_):
        self.first, self.last, self.full_name = first, last, full_name
        self.email, self.phone, self.ssn, self.zip = email, phone, ssn, zip_


def make_full_name(rng: random.Random, first: str, last: str) -> str:
    """Display name; sometimes 'Last, First' or with a quoted nickname (CSV quoting tests)."""
    r = rng.random()
    if r < 0.06:
        return f"{last}, {first}"
    if r < 0.09:
        return f'{first} "{rng.choice(("Bo", "Kit", "Sunny", "Ace"))}" {last}'
    return f"{first} {last}"


def make_person(rng: random.Random, used_emails: dict) -> Person:
    """Generate a person with a not-yet-used email address."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = make_email(rng, first, last)
    while email in used_emails:
        local, domain = email.split("@")
        email = f"{local}{rng.randrange(10, 100)}@{domain}"
    used_emails[email] = True
    ssn_style = rng.random()
    ssn = make_ssn(rng, "" if ssn_style < 0.2 else (" " if ssn_style < 0.35 else "-"))
    return Person(first, last, make_full_name(rng, first, last), email,
                  make_phone(rng), ssn, make_zip(rng))


def make_population(seed: int, n: int) -> list:
    """n people, deterministic for a seed; shared by every dataset of a run."""
    rng = FastRandom(f"{seed}/people")
    used: dict = {}
    return [make_person(rng, used) for _ in range(n)]


class Ctx:
    """Per-dataset generation context: its RNG, the shared population and the
    'current' person (so a template can pair a name with the same person's email)."""
    __slots__ = ("rng", "people", "reuse", "cur")

    def __init__(self, rng: random.Random, people: list, reuse: float = 0.85):
        self.rng, self.people, self.reuse = rng, people, reuse
        self.cur = None

    def person(self) -> Person:
        """A population member, skewed so some people appear much more often."""
        return self.people[int(len(self.people) * self.rng.random() ** 2)]

    def pick(self) -> Person:
        """Choose and remember the current person."""
        self.cur = self.person()
        return self.cur

    def current(self) -> Person:
        """The person chosen by the last pick() (picks one if none yet)."""
        return self.cur or self.pick()

    def email(self) -> str:
        """Mostly a known person's email (joins), sometimes a fresh one."""
        rng = self.rng
        if rng.random() < self.reuse:
            return self.people[int(len(self.people) * rng.random() ** 2)].email
        return make_email(rng, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))

    def name(self) -> str:
        """Display name of a population member."""
        return self.person().full_name


# ---------------------------------------------------------------------------
# Template slots. A template is text with $slot markers ($$ is a literal $);
# each slot writes into a sink offering add(str) and pii(str, type, kind).
# ---------------------------------------------------------------------------

def _pii_slot(make, typ: str, kind: str | None = None):
    """Slot writing one labelled value produced by make(rng)."""
    def slot(ctx, out):
        out.pii(make(ctx.rng), typ, kind)
    return slot


def _plain_slot(make):
    """Slot writing one unlabelled value produced by make(rng)."""
    def slot(ctx, out):
        out.add(make(ctx.rng))
    return slot


def _pick_slot(choices: tuple):
    """Slot writing a random constant from choices."""
    n = len(choices)

    def slot(ctx, out):
        out.add(choices[int(ctx.rng.random() * n)])
    return slot


def slot_email(ctx, out):
    """Email of a (mostly known) person."""
    out.pii(ctx.email(), "email")


def slot_email_angle(ctx, out):
    """<email>: the brackets are not part of the span."""
    out.add("<")
    out.pii(ctx.email(), "email")
    out.add(">")


def slot_email_paren(ctx, out):
    """(email): the parentheses are not part of the span."""
    out.add("(")
    out.pii(ctx.email(), "email")
    out.add(")")


def slot_pname(ctx, out):
    """Pick the current person and write their display name (pairs with $pemail)."""
    out.add(ctx.pick().full_name)


def slot_jpname(ctx, out):
    """Like $pname, as a JSON string literal."""
    out.add(encode_basestring(ctx.pick().full_name))


def slot_pemail(ctx, out):
    """Email of the person chosen by the preceding $pname / $jpname."""
    out.pii(ctx.current().email, "email")


def slot_ssn(ctx, out):
    """SSN with dashes (80%) or spaces."""
    out.pii(make_ssn(ctx.rng, " " if ctx.rng.random() < 0.2 else "-"), "us_ssn")


def slot_card_fields(ctx, out):
    """JSON members "brand", "last4", "number" of one card (number labelled), jsonb order."""
    card = make_card(ctx.rng)
    digits = card.replace(" ", "").replace("-", "")
    out.add(f'"brand": "{card_brand(digits)}", "last4": "{digits[-4:]}", "number": "')
    out.pii(card, "credit_card")
    out.add('"')


def slot_aws_secret_kw(ctx, out):
    """aws_secret_access_key=<40 chars>; only the 40 chars are labelled."""
    out.add(ctx.rng.choice(("aws_secret_access_key=", "aws_secret_access_key = ")))
    out.pii(make_aws_secret(ctx.rng), "secret", "aws_secret_access_key")


def slot_pwassign(ctx, out):
    """keyword SEP VALUE with a strong VALUE (labelled); templates follow it with whitespace."""
    rng = ctx.rng
    out.add(rng.choice(PASSWORD_KEYWORDS) + rng.choice(PASSWORD_SEPARATORS))
    out.pii(make_password_value(rng), "secret", "password_assignment")


def slot_pwline(ctx, out):
    """A config line: strong assignment (85%) or a weak, unlabelled one."""
    if ctx.rng.random() < 0.85:
        slot_pwassign(ctx, out)
    else:
        out.add(ctx.rng.choice(WEAK_ASSIGNMENTS))


def slot_message(ctx, out):
    """1-2 free-text sentences, JSON-escaped, for use inside a JSON string literal."""
    rng = ctx.rng
    sink = JsonEscaped(out)
    for i in range(rng.randint(1, 2)):
        if i:
            sink.add(rng.choice((" ", "\n", "\n\n")))
        render_sentence(ctx, sink, 0.5)


SLOTS = {
    # labelled values
    "email": slot_email,
    "email_angle": slot_email_angle,
    "email_paren": slot_email_paren,
    "pemail": slot_pemail,
    "card": _pii_slot(make_card, "credit_card"),
    "card_fields": slot_card_fields,
    "ssn": slot_ssn,
    "ssn_dash": _pii_slot(make_ssn, "us_ssn"),
    "aws_id": _pii_slot(make_aws_key_id, "secret", "aws_access_key_id"),
    "aws_secret": _pii_slot(make_aws_secret, "secret", "aws_secret_access_key"),
    "aws_secret_kw": slot_aws_secret_kw,
    "github": _pii_slot(make_github_token, "secret", "github_token"),
    "slack": _pii_slot(make_slack_token, "secret", "slack_token"),
    "stripe": _pii_slot(make_stripe_key, "secret", "stripe_key"),
    "google": _pii_slot(make_google_key, "secret", "google_api_key"),
    "jwt": _pii_slot(make_jwt, "secret", "jwt"),
    "pem": _pii_slot(make_private_key, "secret", "private_key"),
    "pw": _pii_slot(make_password_value, "secret", "password_assignment"),
    "pwassign": slot_pwassign,
    "pwline": slot_pwline,
    "message": slot_message,
    # unlabelled values and hard negatives
    "pname": slot_pname,
    "jpname": slot_jpname,
    "name": lambda ctx, out: out.add(ctx.name()),
    "first": lambda ctx, out: out.add(ctx.person().first),
    "pwneg": _pick_slot(WEAK_ASSIGNMENTS),
    "weakpw": _pick_slot(("changeme", "********", "REDACTED")),
    "order": _plain_slot(make_order_number),
    "invoice": _plain_slot(make_invoice_number),
    "uuid": _plain_slot(make_uuid),
    "hex24": _plain_slot(lambda rng: make_hex(rng, 24)),
    "sha": _plain_slot(lambda rng: make_hex(rng, 40)),
    "sha256": _plain_slot(lambda rng: make_hex(rng, 64)),
    "isots": _plain_slot(make_iso_timestamp),
    "date": _plain_slot(make_date),
    "phone": _plain_slot(make_phone),
    "zip": _plain_slot(make_zip),
    "zip4": _plain_slot(lambda rng: make_zip(rng, True)),
    "ipv4": _plain_slot(make_ipv4),
    "version": _plain_slot(make_version),
    "amount": _plain_slot(make_amount),
    "last4": _plain_slot(lambda rng: rand_digits(rng, 4)),
    "exp": _plain_slot(lambda rng: "%02d/%02d" % (rng.randint(1, 12), rng.randint(24, 31))),
    "exp_month": _plain_slot(lambda rng: str(rng.randint(1, 12))),
    "exp_year": _plain_slot(lambda rng: str(rng.randint(2024, 2031))),
    "epoch_ms": _plain_slot(lambda rng: str(make_epoch_ms(rng))),
    "duration": _plain_slot(lambda rng: str(rng.randrange(1000, 900000))),
    "digit": _plain_slot(lambda rng: str(rng.randint(1, 9))),
    "tier": _plain_slot(lambda rng: str(rng.randint(1, 3))),
    "pubkey": _plain_slot(make_public_block),
    "mention": _pick_slot(MENTIONS),
    "localhost": _pick_slot(NODOT_ADDRESSES),
    "region": _pick_slot(REGIONS),
    "currency": _pick_slot(CURRENCIES),
    "brand": _pick_slot(("visa", "mastercard", "amex", "discover")),
    "paytype": _pick_slot(("payment.succeeded", "payment.succeeded", "payment.failed")),
    "tag": _pick_slot(("billing", "auth", "bug", "refund")),
    "repo": _pick_slot(("api", "web", "infra")),
    "jcity": _pick_slot(tuple(encode_basestring(c) for c in CITIES)),
}

_SLOT_RE = re.compile(r"\$(\$|\w+)")


def compile_template(t: str) -> tuple:
    """'a $slot b' -> (('a ', None), (None, fn), (' b', None)); '$$' is a literal '$'."""
    out, lit, pos = [], "", 0
    for m in _SLOT_RE.finditer(t):
        lit += t[pos:m.start()]
        pos = m.end()
        if m.group(1) == "$":
            lit += "$"
            continue
        if lit:
            out.append((lit, None))
            lit = ""
        out.append((None, SLOTS[m.group(1)]))   # KeyError here = typo in a template
    lit += t[pos:]
    if lit:
        out.append((lit, None))
    return tuple(out)


def _compile_weighted(entries: tuple) -> tuple:
    """((weight, payload..., template), ...) -> (compiled entries, cumulative weights)."""
    compiled, cum, total = [], [], 0
    for weight, *rest in entries:
        compiled.append(tuple(rest[:-1]) + (compile_template(rest[-1]),))
        total += weight
        cum.append(total)
    return tuple(compiled), tuple(cum)


# Sentences with labelled PII embedded mid-sentence. Never start a sentence with
# a slot: inside JSON a preceding escaped "\n" would glue an 'n' onto the value.
PII_SENTENCES = (
    "Hi, this is $pname and my email is $pemail, I can't log in since $date.",
    "Please send the invoice to $email_angle instead of my old address.",
    "You can reach me at $email or call $phone after 5pm.",
    "My colleague $email_paren has the same issue, see order $order.",
    "Contact: $email",
    "The new billing contact is $email.",
    "I was charged twice on card $card, order $order.",
    "The card $card was declined at checkout, amount $amount USD.",
    "Card number: $card (exp $exp), please refund.",
    "Use $card for the renewal, not the old one.",
    "My SSN is $ssn, please update the tax form.",
    "For verification, SSN $ssn and date of birth $date.",
    "The social security number on file ($ssn) is wrong.",
    "We found $aws_id in commit $sha, please rotate it.",
    "The deploy log printed $aws_secret_kw in plain text.",
    "Someone pasted $github in #general, can you revoke it?",
    "Our bot $slack keeps posting duplicates.",
    "Stripe key $stripe showed up in the error report.",
    "Maps requests with $google fail since $date.",
    "Request headers were Authorization: Bearer $jwt\nand the API returned 401.",
    "I set $pwassign and the login still fails.",
    "The \"reply-to\" header says \"$email\", is that right?",
    "Forwarding from $email: \"please call me, it's urgent\".",
)
# Sentences with hard negatives only.
NEG_SENTENCES = (
    "Order $order shipped on $date, tracking id $uuid.",
    "Build $version (commit $sha) fixes the crash.",
    "Call me at $phone any time, or the office at $phone.",
    "Ping $mention about this, she owns billing.",
    "Logs from $localhost show failures at $isots.",
    "Invoice $invoice for $$$amount is overdue.",
    "Ship to ZIP $zip4, suite 400.",
    "Server $ipv4 returned 502 at $isots.",
    "SHA-256 of the attachment: $sha256.",
    "I tried $pwneg but that's the default, right?",
    "Version $version broke the \"export, CSV\" button.",
    "Total was $amount EUR, reference $invoice.",
    "Request id $uuid, retried 3 times.",
    "Card ending $last4 expired $exp.",
    "Customer $name asked about order $order.",
    "Mail to $localhost bounced, and $mention is on leave.",
    "Refund of $amount issued on $date for order $order.",
)
FILLER_SENTENCES = (
    "Thanks in advance.", "Any update on this?", "This is urgent, please advise.",
    "I've been a customer for years, and this never happened before.",
    "Please don't close this ticket yet.", "Attached a screenshot, \"error 500\" again.",
    "Sorry for the long message.", "The app says \"something went wrong\", nothing else.",
    "It worked fine last week.", "Same thing on Android and iOS.",
)
SUBJECTS = (
    "Refund for order $order", "Card $last4 declined", "Can't log in, \"invalid password\"",
    "Question about invoice $invoice", "Change account email to $email",
    "Re: Re: billing", "Leaked key?", "Charged twice, card $card", "Urgent: SSN on my profile",
    "App crash on $version", "Login from $ipv4?", "Update address", "Re: ticket $uuid",
)
RARE_BLOCKS = (
    "Here is the key file we use for deploys:\n$pem\nDoes it look right?",
    "The server certificate is below, nothing secret:\n$pubkey\nthanks.",
)
NOTE_TEMPLATES = (
    "Rotated on $date by $mention, ticket INV-$invoice.",
    "Owner left; escalate to $email.",
    "old $pwneg (expired), \"do not reuse\"",
    "prod only, host $ipv4, last used $isots",
    "Shared with $email_paren and $mention, see $uuid.",
)
# (weight, services, template)
CONFIG_TEMPLATES = (
    (6, ("aws",), "AWS_ACCESS_KEY_ID=$aws_id\nAWS_SECRET_ACCESS_KEY=$aws_secret\n"
                  "AWS_DEFAULT_REGION=$region"),
    (6, ("aws",), "[default]\naws_access_key_id = $aws_id\naws_secret_access_key = $aws_secret\n"
                  "region = $region\n"),
    (4, ("aws",), '{"region": "$region", "aws_access_key_id": "$aws_id", '
                  '"aws_secret_access_key": "$aws_secret"}'),
    (3, ("aws",), "AWS_ACCESS_KEY_ID=$aws_id aws_secret_access_key=$aws_secret"),
    (4, ("github",), "GH_PAT=$github\nGH_ORG=acme"),
    (3, ("github",), "github:\n  user: octocat\n  oauth: $github\n"),
    (3, ("github",), '{"pat": "$github", "login": "ci-bot", "scopes": ["repo", "workflow"]}'),
    (5, ("slack",), "SLACK_BOT=$slack\nSLACK_CHANNEL=#alerts"),
    (3, ("slack",), '{"bot": "$slack", "channel": "#ops"}'),
    (5, ("stripe",), "stripe:\n  mode: live\n  restricted: $stripe\n"
                     "  webhook_url: https://api.example.com/hooks/$uuid\n"),
    (3, ("stripe",), "STRIPE_SK=$stripe"),
    (4, ("google-maps",), "MAPS_BROWSER=$google # restricted to *.example.com"),
    (2, ("google-maps",), '{"maps": {"browser": "$google"}}'),
    (6, SERVICES_DB, "host = db-$digit.internal.example.com\nport = 5432\nuser = app_rw\n"
                     "$pwline\nsslmode = require"),
    (5, SERVICES_DB, "database:\n  host: $ipv4\n  $pwline\n"),
    (4, SERVICES_DB, '{"host": "db-$digit.internal.example.com", "port": 5432, "user": "svc", '
                     '"password": "$pw"}'),
    (1, SERVICES_DB, '{"host": "db-$digit.internal.example.com", "port": 5432, "user": "svc", '
                     '"password": "$weakpw"}'),
    (14, SERVICES_API, "# credentials, rotated $date\n$pwline\n"
                       "endpoint = https://api.example.com/v$digit"),
    (3, ("ssh-deploy",), "# deploy key for $ipv4\n$pem\n"),
    (8, ("internal-sso",), "Authorization: Bearer $jwt\nX-Request-Id: $uuid"),
    (3, ("tls-cert",), "$pubkey\nfingerprint: $sha256"),
)
# jsonb payloads. Keys are written in jsonb output order (shorter keys first, then
# bytewise) with ", " / ": " separators, exactly as PostgreSQL prints jsonb.
_EVT_TAIL = '"ts_ms": $epoch_ms}'
_EVT_TAIL_RID = _EVT_TAIL[:-1] + ', "request_id": "$uuid"}'
_EVT_INTEGRATION = ('{"id": "evt_$hex24", "data": %s, "type": "integration.updated", '
                    '"actor": {"email": "$email"}, ' + _EVT_TAIL)
EVENT_TEMPLATES = (  # (weight, template)
    (12, '{"id": "evt_$hex24", "data": {"user": {"name": $jpname, "email": "$pemail", '
         '"phone": "$phone", "address": {"zip": "$zip", "city": $jcity}}, '
         '"referrer": "$mention"}, "type": "user.signup", "ts_ms": $epoch_ms, '
         '"client": {"ip": "$ipv4"}, "created": "$isots"}'),
    (15, '{"id": "evt_$hex24", "data": {"card": {$card_fields, '
         '"exp_year": $exp_year, "exp_month": $exp_month}, '
         '"order": "$order", "amount": $amount, "invoice": "INV-$invoice", '
         '"currency": "$currency", "receipt_email": "$email"}, "type": "$paytype", '
         + _EVT_TAIL_RID),
    (8, '{"id": "evt_$hex24", "data": {"card": {"brand": "$brand", "last4": "$last4"}, '
        '"order": "$order", "amount": $amount, "currency": "$currency", '
        '"receipt_email": "$email"}, "type": "$paytype", ' + _EVT_TAIL),
    (10, '{"id": "evt_$hex24", "data": {"reviewer": "$localhost", "applicant": {"dob": "$date", '
         '"ssn": "$ssn_dash", "zip": "$zip", "name": $jpname}}, "type": "kyc.submitted", '
         + _EVT_TAIL),
    (3, _EVT_INTEGRATION % '{"slack": {"bot": "$slack", "channel": "#alerts"}}'),
    (3, _EVT_INTEGRATION % '{"headers": {"authorization": "Bearer $jwt"}}'),
    (3, _EVT_INTEGRATION % '{"db": {"host": "$ipv4", "user": "svc_app", "password": "$pw"}}'),
    (3, _EVT_INTEGRATION % ('{"aws": {"region": "$region", "aws_access_key_id": "$aws_id", '
                            '"aws_secret_access_key": "$aws_secret"}}')),
    (3, _EVT_INTEGRATION % ('{"github": {"pat": "$github", "repo": "acme/$repo"}, '
                            '"stripe": {"sk": "$stripe"}}')),
    (3, _EVT_INTEGRATION % '{"db": {"password": "$weakpw"}, "maps": {"browser": "$google"}}'),
    (20, '{"id": "evt_$hex24", "data": {"from": "$email", "tags": ["$tag", "tier-$tier"], '
         '"message": "$message"}, "type": "support.message", ' + _EVT_TAIL),
    (10, '{"id": "evt_$hex24", "data": {"by": "$localhost", "host": "$ipv4", "commit": "$sha", '
         '"notify": "$mention", "version": "$version", "checksum": "$sha256", '
         '"duration_ms": $duration}, "type": "deploy.finished", ' + _EVT_TAIL),
)

C_PII = tuple(compile_template(t) for t in PII_SENTENCES)
C_NEG = tuple(compile_template(t) for t in NEG_SENTENCES)
C_FILLER = tuple(compile_template(t) for t in FILLER_SENTENCES)
C_SUBJECTS = tuple(compile_template(t) for t in SUBJECTS)
C_RARE = tuple(compile_template(t) for t in RARE_BLOCKS)
C_NOTES = tuple(compile_template(t) for t in NOTE_TEMPLATES)
C_CONFIGS, CONFIG_CUM = _compile_weighted(CONFIG_TEMPLATES)
C_EVENTS, EVENT_CUM = _compile_weighted(EVENT_TEMPLATES)


def render(ctx: Ctx, out, template: tuple) -> None:
    """Write a compiled template into a sink."""
    add = out.add
    for lit, fn in template:
        if fn is None:
            add(lit)
        else:
            fn(ctx, out)


def render_sentence(ctx: Ctx, out, pii_rate: float = 0.45) -> None:
    """One sentence: PII-bearing (pii_rate), hard-negative or filler."""
    r = ctx.rng.random()
    if r < pii_rate:
        render(ctx, out, ctx.rng.choice(C_PII))
    elif r < pii_rate + (1 - pii_rate) * 0.7:
        render(ctx, out, ctx.rng.choice(C_NEG))
    else:
        render(ctx, out, ctx.rng.choice(C_FILLER))


# ---------------------------------------------------------------------------
# Cell generators: each returns (text, spans in UTF-8 byte offsets)
# ---------------------------------------------------------------------------

def make_event_cell(ctx: Ctx) -> tuple:
    """One jsonb payload (signup, payment, kyc, integration, support message, deploy)."""
    (template,) = ctx.rng.choices(C_EVENTS, cum_weights=EVENT_CUM)[0]
    out = Text()
    render(ctx, out, template)
    return out.build()


def make_ticket_body(ctx: Ctx) -> tuple:
    """Greeting, 1 (70%) or 2 paragraphs of 1-3 mixed sentences, sign-off; sometimes CRLF inside."""
    rng = ctx.rng
    nl = "\r\n" if rng.random() < 0.1 else "\n"
    out = Text()
    out.add(rng.choice(("Hi,", "Hello support,", "Hey team,", "Good morning,")) + nl + nl)
    for i in range(1 if rng.random() < 0.7 else 2):
        if i:
            out.add(nl + nl)
        for j in range(rng.randint(1, 3)):
            if j:
                out.add(" ")
            render_sentence(ctx, out)
    if rng.random() < 0.03:
        out.add(nl + nl)
        render(ctx, out, rng.choice(C_RARE))
    out.add(nl + nl + rng.choice(("Thanks,", "Regards,", "Cheers,", "Best,")) + nl)
    out.add(ctx.person().first)
    return out.build()


def make_subject(ctx: Ctx) -> tuple:
    """Short subject line; occasionally the empty string."""
    if ctx.rng.random() < 0.03:
        return "", []
    out = Text()
    render(ctx, out, ctx.rng.choice(C_SUBJECTS))
    return out.build()


def make_note(ctx: Ctx) -> tuple:
    """1-3 sentence free-text note (mixed dataset); the empty string 2% of the time."""
    rng = ctx.rng
    if rng.random() < 0.02:
        return "", []
    out = Text()
    for i in range(rng.randint(1, 3)):
        if i:
            out.add(" " if rng.random() < 0.8 else "\n")
        render_sentence(ctx, out, 0.4)
    return out.build()


def make_credential_notes(ctx: Ctx) -> tuple:
    """Short ops note for the credentials table; NULL or '' sometimes."""
    rng = ctx.rng
    r = rng.random()
    if r < 0.08:
        return None, []
    if r < 0.12:
        return "", []
    out = Text()
    if rng.random() < 0.7:
        render(ctx, out, rng.choice(C_NOTES))
    else:
        render_sentence(ctx, out, 0.3)
    return out.build()


def make_config(ctx: Ctx) -> tuple:
    """Credential config blob from a weighted template: (service, text, spans)."""
    rng = ctx.rng
    services, template = rng.choices(C_CONFIGS, cum_weights=CONFIG_CUM)[0]
    out = Text()
    render(ctx, out, template)
    return (rng.choice(services),) + out.build()


# ---------------------------------------------------------------------------
# Dataset row generators: each returns (values, labels) for one row;
# labels are (column, start, end, type, kind) with byte offsets.
# ---------------------------------------------------------------------------

def _cell_labels(col: int, spans: list) -> list:
    """Attach a column index to a cell's (start, end, type, kind) spans."""
    return [(col, s, e, t, k) for s, e, t, k in spans]


def row_users(ctx: Ctx, i: int) -> tuple:
    """users: the population itself, one person per row (id = i + 1)."""
    rng = ctx.rng
    p = ctx.people[i % len(ctx.people)]
    labels = [(2, 0, len(p.email), "email", None)]
    phone = None if rng.random() < 0.12 else p.phone
    r = rng.random()
    if r < 0.07:
        ssn = None
    elif r < 0.09:
        ssn = ""
    else:
        ssn = p.ssn
        labels.append((4, 0, len(ssn), "us_ssn", None))
    zip_ = "" if rng.random() < 0.03 else p.zip
    last_ip = None if rng.random() < 0.05 else make_inet(rng)
    return ([str(i + 1), p.full_name, p.email, phone, ssn, zip_, make_pg_timestamp(rng),
             last_ip, make_uuid(rng)], labels)


def row_payments(ctx: Ctx, i: int) -> tuple:
    """payments: user_email joins users.email (skewed, so emails repeat)."""
    rng = ctx.rng
    email = ctx.email()
    labels = [(1, 0, len(email), "email", None)]
    if rng.random() < 0.06:
        card = None
    else:
        card = make_card(rng)
        labels.append((2, 0, len(card), "credit_card", None))
    return ([str(i + 1), email, card, make_amount(rng), rng.choice(CURRENCIES),
             make_order_number(rng), make_pg_timestamp(rng), make_hex(rng, 40)], labels)


def row_credentials(ctx: Ctx, i: int) -> tuple:
    """credentials: service, config blob with secrets, owner email, notes."""
    service, config, spans = make_config(ctx)
    owner = ctx.email()
    notes, note_spans = make_credential_notes(ctx)
    labels = (_cell_labels(2, spans) + [(3, 0, len(owner), "email", None)]
              + _cell_labels(4, note_spans))
    return [str(i + 1), service, config, owner, notes], labels


def row_tickets(ctx: Ctx, i: int) -> tuple:
    """tickets: subject + multi-paragraph body."""
    subject, s_spans = make_subject(ctx)
    body, b_spans = make_ticket_body(ctx)
    return [str(i + 1), subject, body], _cell_labels(1, s_spans) + _cell_labels(2, b_spans)


def row_events(ctx: Ctx, i: int) -> tuple:
    """events: jsonb payload."""
    payload, spans = make_event_cell(ctx)
    return [str(i + 1), payload], _cell_labels(1, spans)


def row_mixed(ctx: Ctx, i: int) -> tuple:
    """mixed: one wide row with every kind of column (benchmark corpora)."""
    rng = ctx.rng
    p = ctx.person() if rng.random() < 0.7 else None
    if p:
        name, email = p.full_name, p.email
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name, email = make_full_name(rng, first, last), make_email(rng, first, last)
    labels = [(2, 0, len(email), "email", None)]
    phone = None if rng.random() < 0.15 else make_phone(rng)
    card = None
    if rng.random() < 0.6:
        card = make_card(rng)
        labels.append((4, 0, len(card), "credit_card", None))
    ssn = None
    if rng.random() < 0.5:
        ssn = p.ssn if p else make_ssn(rng, rng.choice(("-", "-", " ", "")))
        labels.append((5, 0, len(ssn), "us_ssn", None))
    note, n_spans = make_note(ctx)
    event, e_spans = make_event_cell(ctx)
    labels += _cell_labels(6, n_spans) + _cell_labels(7, e_spans)
    return ([str(i + 1), name, email, phone, card, ssn, note, event, make_pg_timestamp(rng),
             make_uuid(rng), make_order_number(rng), make_inet(rng),
             rng.choice(USER_AGENTS), make_amount(rng)], labels)


ACTIVITY_KINDS = ("login", "logout", "page_view", "page_view", "page_view", "search", "export",
                  "checkout", "refund", "api_call", "api_call", "settings")
ACTIVITY_STATUS = ("ok", "ok", "ok", "ok", "ok", "ok", "retry", "failed", "timeout", "cancelled")
ACTIVITY_PLANS = ("free", "team", "pro", "enterprise")
ACTIVITY_FLAGS = ("new_checkout", "dark_mode", "beta_search", "fast_export", "v2_api", "audit_log")
ACTIVITY_WORDS = ("invoice", "report", "orders", "shipping", "refunds", "analytics", "tax")
# Hard-negative sentences without names, phones or @mentions: nothing personal at all.
C_ACTIVITY_NEG = tuple(compile_template(t) for t in NEG_SENTENCES
                       if not any(slot in t for slot in ("$name", "$phone", "$mention")))


def make_activity_path(rng: random.Random) -> str:
    """A request path with small ids, words and hex (no digit run long enough to matter)."""
    style = rng.randrange(6)
    if style == 0:
        return "/api/v2/orders/%d" % rng.randrange(1, 10_000_000)
    if style == 1:
        return "/api/v2/accounts/%d/settings" % rng.randrange(1, 5_000_000)
    if style == 2:
        return "/search?q=%s+%s&page=%d" % (rng.choice(ACTIVITY_WORDS), rng.choice(ACTIVITY_WORDS),
                                            rng.randint(1, 40))
    if style == 3:
        return "/reports/%d/export.csv" % rng.randrange(1, 100_000)
    if style == 4:
        return "/checkout/session/%s" % make_hex(rng, 24)
    return "/static/app.%s.js" % make_hex(rng, 8)


def make_activity_message(ctx: Ctx, pii: bool) -> tuple:
    """1-2 sentences of hard negatives and filler; with pii, the first one carries one labelled value."""
    rng = ctx.rng
    r = rng.random()
    if not pii and r < 0.25:
        return ("" if r < 0.05 else None), []
    out = Text()
    if pii:
        render(ctx, out, rng.choice(C_PII))
    else:
        render(ctx, out, rng.choice(C_ACTIVITY_NEG if r < 0.75 else C_FILLER))
    if rng.random() < 0.4:
        out.add(" ")
        render(ctx, out, rng.choice(C_FILLER))
    return out.build()


def row_activity(ctx: Ctx, i: int, pii_rate: float) -> tuple:
    """activity: one application log row; its message holds PII with probability pii_rate."""
    rng = ctx.rng
    kind = rng.choice(ACTIVITY_KINDS)
    paid = kind in ("checkout", "refund")
    amount = make_amount(rng) if paid else None
    currency = rng.choice(CURRENCIES) if paid else None
    order_no = make_order_number(rng) if paid or rng.random() < 0.2 else None
    meta = '{"plan": "%s", "region": "%s", "retries": %d, "feature_flags": ["%s", "%s"]}' % (
        rng.choice(ACTIVITY_PLANS), rng.choice(REGIONS), rng.randrange(4),
        rng.choice(ACTIVITY_FLAGS), rng.choice(ACTIVITY_FLAGS))
    message, spans = make_activity_message(ctx, pii_rate > 0 and rng.random() < pii_rate)
    return ([str(i + 1), str(rng.randrange(1000, 5_000_000)), make_uuid(rng), make_pg_timestamp(rng),
             kind, rng.choice(ACTIVITY_STATUS), make_activity_path(rng), amount, currency, order_no,
             make_inet(rng), rng.choice(USER_AGENTS), make_version(rng), make_hex(rng, 40),
             str(rng.randrange(1, 90_000)), meta, message], _cell_labels(16, spans))


ROW_GENERATORS = {
    "users": row_users, "payments": row_payments, "credentials": row_credentials,
    "tickets": row_tickets, "events": row_events, "mixed": row_mixed,
}


# ---------------------------------------------------------------------------
# Encoders and writer
# ---------------------------------------------------------------------------

_CSV_SPECIAL = re.compile(rb'[",\r\n]')


def csv_field(b: bytes | None) -> bytes:
    """RFC 4180 field: NULL -> empty, '' -> \"\", quoted when , \" CR or LF present."""
    if b is None:
        return b""
    if not b:
        return b'""'
    if _CSV_SPECIAL.search(b):
        return b'"' + b.replace(b'"', b'""') + b'"'
    return b


def wire_message(tag: bytes, payload: bytes) -> bytes:
    """Backend message: type byte, Int32 length (incl. itself), payload."""
    return tag + _I32.pack(len(payload) + 4) + payload


def wire_row_description(name: str) -> bytes:
    """RowDescription for a dataset schema."""
    schema = SCHEMAS[name]
    table_oid = TABLE_OID_BASE + DATASET_ORDER.index(name)
    parts = [_I16.pack(len(schema))]
    for attnum, (col, (type_oid, typlen, typmod)) in enumerate(schema, 1):
        parts.append(col.encode() + b"\0")
        parts.append(struct.pack(">ihihih", table_oid, attnum, type_oid, typlen, typmod, 0))
    return wire_message(b"T", b"".join(parts))


def wire_trailer(n_rows: int) -> bytes:
    """CommandComplete 'SELECT n' + ReadyForQuery idle."""
    return wire_message(b"C", b"SELECT %d\0" % n_rows) + wire_message(b"Z", b"I")


def encode_row(values: list) -> tuple:
    """(CSV line, DataRow message) for one row of str|None values.

    Hot path: csv_field() and the DataRow framing (Int16 count, then Int32
    length or -1 and the bytes per cell) are inlined into a single loop.
    """
    pack = _I32.pack
    special = _CSV_SPECIAL.search
    fields = []
    wire = [_I16.pack(len(values))]
    for v in values:
        if v is None:
            fields.append(b"")
            wire.append(_NULL_CELL)
            continue
        b = v.encode("utf-8")
        wire.append(pack(len(b)))
        wire.append(b)
        if not b:
            fields.append(b'""')
        elif special(b):
            fields.append(b'"' + b.replace(b'"', b'""') + b'"')
        else:
            fields.append(b)
    payload = b"".join(wire)
    return b",".join(fields) + b"\n", b"D" + pack(len(payload) + 4) + payload


def label_lines(row: int, labels: list) -> str:
    """Ground-truth JSONL records for one row (labels already sorted)."""
    out = []
    for col, start, end, typ, kind in labels:
        if kind:
            out.append('{"row":%d,"column":%d,"start":%d,"end":%d,"type":"%s","kind":"%s"}\n'
                       % (row, col, start, end, typ, kind))
        else:
            out.append('{"row":%d,"column":%d,"start":%d,"end":%d,"type":"%s"}\n'
                       % (row, col, start, end, typ))
    return "".join(out)


class DatasetWriter:
    """Streams one dataset to NAME.csv / NAME.wire / NAME.labels.jsonl (buffered)."""

    BATCH = 2000

    def __init__(self, out_dir: str, name: str, formats: set, labels: bool):
        self.name = name
        self.rows = 0
        header = b",".join(csv_field(c.encode()) for c, _ in SCHEMAS[name]) + b"\n"
        self.csv_bytes = len(header)
        self.buffers: dict = {}
        self.files: dict = {}
        if "csv" in formats:
            self._open(out_dir, "csv").append(header)
        if "wire" in formats:
            self._open(out_dir, "wire").append(wire_row_description(name))
        if labels:
            self._open(out_dir, "labels.jsonl")
        self.csv_buf = self.buffers.get("csv")
        self.wire_buf = self.buffers.get("wire")
        self.label_buf = self.buffers.get("labels.jsonl")

    def _open(self, out_dir: str, ext: str) -> list:
        """Open NAME.ext for binary writing and return its buffer."""
        self.files[ext] = open(os.path.join(out_dir, f"{self.name}.{ext}"), "wb",
                               buffering=1 << 20)
        self.buffers[ext] = []
        return self.buffers[ext]

    def add(self, values: list, labels: list) -> None:
        """Encode and append one row (labels: (col, start, end, type, kind), sorted)."""
        csv_line, wire_row = encode_row(values)
        self.add_encoded(csv_line, wire_row,
                         label_lines(self.rows, labels) if self.label_buf is not None else "")

    def add_encoded(self, csv_line: bytes, wire_row: bytes, labels_text: str) -> None:
        """Append one already-encoded row."""
        self.csv_bytes += len(csv_line)
        if self.csv_buf is not None:
            self.csv_buf.append(csv_line)
        if self.wire_buf is not None:
            self.wire_buf.append(wire_row)
        if self.label_buf is not None and labels_text:
            self.label_buf.append(labels_text.encode("ascii"))
        self.rows += 1
        if self.rows % self.BATCH == 0:
            self.flush()

    def flush(self) -> None:
        """Write buffered rows to the files."""
        for ext, buf in self.buffers.items():
            if buf:
                self.files[ext].write(b"".join(buf))
                buf.clear()

    def close(self) -> None:
        """Write the wire trailer (CommandComplete, ReadyForQuery) and close the files."""
        if self.wire_buf is not None:
            self.wire_buf.append(wire_trailer(self.rows))
        self.flush()
        for f in self.files.values():
            f.close()


# ---------------------------------------------------------------------------
# Generation drivers
# ---------------------------------------------------------------------------

def dataset_rng(seed: int, name: str) -> random.Random:
    """Independent, string-seeded RNG per dataset (deterministic, no hash())."""
    return FastRandom(f"{seed}/{name}")


def sort_labels(labels: list) -> list:
    """Sort by (column, start) as required by the label file contract."""
    return sorted(labels, key=lambda lb: (lb[0], lb[1]))


def generate_rows(out_dir, seed, rows, formats, labels) -> list:
    """--rows mode: users, payments, credentials, tickets, events with `rows` rows each."""
    people = make_population(seed, rows)
    summary = []
    for name in ROWS_DATASETS:
        ctx = Ctx(dataset_rng(seed, name), people)
        gen = ROW_GENERATORS[name]
        w = DatasetWriter(out_dir, name, formats, labels)
        for i in range(rows):
            values, lbs = gen(ctx, i)
            w.add(values, sort_labels(lbs))
        w.close()
        summary.append((name, w.rows, w.csv_bytes))
    return summary


@functools.lru_cache(maxsize=4)
def mixed_population(seed: int) -> list:
    """Population for `mixed` (memoised per process: pure function of the seed)."""
    return make_population(seed, MIXED_POPULATION)


def generate_mixed_chunk(seed: int, chunk: int, labels: bool) -> tuple:
    """Rows [chunk*MIXED_CHUNK_ROWS, +MIXED_CHUNK_ROWS) of `mixed`, already encoded.

    Each chunk has its own RNG seeded from (seed, chunk), so the output does not
    depend on how chunks are spread over worker processes.
    Returns (csv_lines, wire_rows, label_texts), one entry per row.
    """
    ctx = Ctx(FastRandom(f"{seed}/mixed/{chunk}"), mixed_population(seed), reuse=0.6)
    csv_lines, wire_rows, label_texts = [], [], []
    start = chunk * MIXED_CHUNK_ROWS
    for i in range(start, start + MIXED_CHUNK_ROWS):
        values, lbs = row_mixed(ctx, i)
        csv_line, wire_row = encode_row(values)
        csv_lines.append(csv_line)
        wire_rows.append(wire_row)
        label_texts.append(label_lines(i, sort_labels(lbs)) if labels else "")
    return csv_lines, wire_rows, label_texts


def generate_activity_chunk(seed: int, chunk: int, labels: bool, density: str) -> tuple:
    """Rows [chunk*MIXED_CHUNK_ROWS, +MIXED_CHUNK_ROWS) of `activity`, like generate_mixed_chunk."""
    # none needs no people (its sentences name nobody), which spares building the population.
    people = mixed_population(seed) if density == "sparse" else []
    ctx = Ctx(FastRandom(f"{seed}/activity/{density}/{chunk}"), people, reuse=0.6)
    pii_rate = SPARSE_PII_RATE if density == "sparse" else 0.0
    csv_lines, wire_rows, label_texts = [], [], []
    start = chunk * MIXED_CHUNK_ROWS
    for i in range(start, start + MIXED_CHUNK_ROWS):
        values, lbs = row_activity(ctx, i, pii_rate)
        csv_line, wire_row = encode_row(values)
        csv_lines.append(csv_line)
        wire_rows.append(wire_row)
        label_texts.append(label_lines(i, sort_labels(lbs)) if labels else "")
    return csv_lines, wire_rows, label_texts


def generate_chunk(seed: int, chunk: int, labels: bool, density: str) -> tuple:
    """One chunk of the --target-mb table of `density`."""
    if density == "dense":
        return generate_mixed_chunk(seed, chunk, labels)
    return generate_activity_chunk(seed, chunk, labels, density)


def iter_mixed_chunks(seed: int, labels: bool, jobs: int, density: str = "dense"):
    """Yield chunk results in order; with jobs > 1 computed by a process pool
    with a bounded number of chunks in flight."""
    if jobs <= 1:
        chunk = 0
        while True:
            yield generate_chunk(seed, chunk, labels, density)
            chunk += 1
    with multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(jobs) as pool:
        pending = collections.deque()
        chunk = 0
        while True:
            while len(pending) < 2 * jobs:
                pending.append(pool.apply_async(generate_chunk, (seed, chunk, labels, density)))
                chunk += 1
            yield pending.popleft().get()


def generate_target(out_dir, seed, target_mb, formats, labels, jobs, quiet=False,
                    density="dense") -> list:
    """--target-mb mode: one wide table (`mixed`, or `activity` for --density none|sparse) until its
    CSV bytes reach target_mb * 10^6."""
    name = DENSITY_TABLES[density]
    w = DatasetWriter(out_dir, name, formats, labels)
    target = int(target_mb * MB)
    next_report = 50 * MB
    chunks = iter_mixed_chunks(seed, labels, jobs, density)
    while w.csv_bytes < target:
        for row in zip(*next(chunks)):
            w.add_encoded(*row)
            if w.csv_bytes >= target:
                break
        if not quiet and w.csv_bytes >= next_report:
            print(f"  {name}: {w.csv_bytes / MB:.0f} MB ({w.rows} rows)", file=sys.stderr)
            next_report += 50 * MB
    chunks.close()
    w.close()
    return [(name, w.rows, w.csv_bytes)]


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------

EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,12}(?![A-Za-z0-9_-])(?!\.[A-Za-z0-9])")
EMAIL_FULL_RE = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,12}")
DIGIT_CHAIN_RE = re.compile(r"\d+(?:[ -]\d+)*")
SSN_SHAPE_RE = re.compile(r"\d{3}([- ])\d{2}\1\d{4}")
CARD_GROUPINGS = {16: ((4, 4, 4, 4),), 15: ((4, 6, 5),)}
SECRET_RES = (
    ("aws_access_key_id", re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])")),
    ("aws_secret_access_key", re.compile(
        r"(?i:aws_secret_access_key)\"?[ \t]*[:=][ \t]*\"?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")),
    ("github_token", re.compile(r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])")),
    ("github_token", re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])")),
    ("slack_token", re.compile(r"(?<![A-Za-z0-9])xox[bpar]-[0-9]+-[0-9]+(?:-[0-9]+)*-[A-Za-z0-9]+"
                               r"(?![A-Za-z0-9-])")),
    ("stripe_key", re.compile(r"(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{24,99}"
                              r"(?![A-Za-z0-9])")),
    ("google_api_key", re.compile(r"(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])")),
    ("jwt", re.compile(r"(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}"
                       r"(?![A-Za-z0-9_.-])")),
    ("private_key", re.compile(r"-----BEGIN ((?:RSA |EC )?)PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+?\n"
                               r"-----END \1PRIVATE KEY-----")),
)
PASSWORD_PLAIN_RE = re.compile(
    r"(?<!\S)(?:password|passwd|secret|api_key|apikey|token)[ \t]*[:=][ \t]*"
    r"([A-Za-z0-9!#$%^&*_-]+)(?!\S)")
PASSWORD_JSON_RE = re.compile(r"\"password\"[ \t]*:[ \t]*\"([A-Za-z0-9!#$%^&*_-]+)\"")
# gitleaks-style generic rule, stricter than ours: any hit with entropy >= 3 must be a label.
GENERIC_ASSIGN_RE = re.compile(
    r"(?i)(?:passw(?:or)?d|pwd|secret|api[_-]?key|token|access[_-]?key|auth|credential)"
    r"[\w.-]{0,20}[\"']?[ \t]*(?:=|:|=>)[ \t]*[\"']?([\w.=+/!#$%^&*-]{8,})")


def card_brand(digits: str) -> str | None:
    """Issuer whose prefix and length match, else None."""
    for brand, prefixes, lengths in CARD_ISSUERS:
        if len(digits) in lengths and any(digits.startswith(p) for p in prefixes):
            return brand
    return None


def card_format_ok(s: str) -> bool:
    """Contiguous, or 4-4-4-4 / Amex 4-6-5 with one consistent single separator."""
    if s.isdigit():
        return True
    sep = " " if " " in s else "-"
    groups = s.split(sep)
    if any(not g.isdigit() for g in groups):
        return False
    return tuple(len(g) for g in groups) in CARD_GROUPINGS.get(len("".join(groups)), ())


def check_label_value(value: str, typ: str, kind: str | None, column: str) -> str | None:
    """Return an error message if the labelled text violates its span rule."""
    if typ == "email":
        return None if EMAIL_FULL_RE.fullmatch(value) else "bad email shape"
    if typ == "credit_card":
        digits = value.replace(" ", "").replace("-", "")
        if not (digits.isdigit() and 13 <= len(digits) <= 19):
            return "card length"
        if not luhn_valid(digits):
            return "card Luhn"
        if card_brand(digits) is None:
            return "card issuer range"
        return None if card_format_ok(value) else "card grouping"
    if typ == "us_ssn":
        m = re.fullmatch(r"(\d{3})([- ]?)(\d{2})\2(\d{4})", value)
        if not m:
            return "ssn shape"
        if not m.group(2) and "ssn" not in column:
            return "bare ssn outside ssn column"
        return None if ssn_digits_ok(m.group(1) + m.group(3) + m.group(4)) else "ssn range"
    if typ == "secret":
        if kind == "password_assignment":
            ok = (12 <= len(value) <= 32 and shannon_entropy(value) >= 3.5
                  and re.fullmatch(r"[A-Za-z0-9!#$%^&*_-]+", value))
            return None if ok else "weak password value"
        if kind == "aws_secret_access_key":
            return None if re.fullmatch(r"[A-Za-z0-9/+]{40}", value) else "aws secret shape"
        for k, rx in SECRET_RES:
            if k == kind and k != "aws_secret_access_key" and rx.fullmatch(value):
                return None
        return f"secret shape ({kind})"
    return f"unknown type {typ}"


def reference_spans(value: str, column: str) -> list:
    """Char-offset spans a rule-following detector must report: (start, end, type, kind)."""
    found = []
    for m in EMAIL_RE.finditer(value):
        found.append((m.start(), m.end(), "email", None))
    for m in DIGIT_CHAIN_RE.finditer(value):
        s, e = m.span()
        left = value[s - 1] if s else ""
        right = value[e] if e < len(value) else ""
        if left.isalpha() or right.isalpha() or right == "_" or left == "_":
            continue
        text = m.group()
        digits = text.replace(" ", "").replace("-", "")
        if (13 <= len(digits) <= 19 and luhn_valid(digits) and card_brand(digits)
                and card_format_ok(text)):
            found.append((s, e, "credit_card", None))
        elif SSN_SHAPE_RE.fullmatch(text) and ssn_digits_ok(digits):
            found.append((s, e, "us_ssn", None))
        elif "ssn" in column and text.isdigit() and len(text) == 9 and s == 0 and e == len(value) \
                and ssn_digits_ok(text):
            found.append((s, e, "us_ssn", None))
    for kind, rx in SECRET_RES:
        for m in rx.finditer(value):
            g = 1 if kind == "aws_secret_access_key" else 0
            found.append((m.start(g), m.end(g), "secret", kind))
    for rx in (PASSWORD_PLAIN_RE, PASSWORD_JSON_RE):
        for m in rx.finditer(value):
            v = m.group(1)
            if 12 <= len(v) <= 32 and shannon_entropy(v) >= 3.5:
                found.append((m.start(1), m.end(1), "secret", "password_assignment"))
    return found


def ambiguity_problems(value: str, column: str, label_spans: list) -> list:
    """Stricter-than-rules checks: things that resemble PII but are not labelled.

    label_spans are char-offset (start, end) pairs of this cell's labels.
    """
    problems = []

    def covered(s, e):
        """True if [s, e) lies inside one label."""
        return any(ls <= s and e <= le for ls, le in label_spans)

    starts = {ls for ls, _ in label_spans}
    # Every '@': inside a label, a mention, or a host without a dot.
    for m in re.finditer("@", value):
        i = m.start()
        if covered(i, i + 1):
            continue
        j = i + 1
        while j < len(value) and (value[j].isalnum() or value[j] in ".-_"):
            j += 1
        domain = value[i + 1:j].rstrip(".")
        local_ok = i > 0 and (value[i - 1].isalnum() or value[i - 1] in "._%+-")
        if local_ok and "." in domain:
            problems.append(f"unlabelled email-like text near {value[max(0, i - 20):j]!r}")
    # Any chain of digit groups: Luhn-valid 13-19 digit windows and 3-2-4 windows.
    for m in DIGIT_CHAIN_RE.finditer(value):
        groups = re.split(r"[ -]", m.group())
        offs, pos = [], m.start()
        for g in groups:
            offs.append((pos, pos + len(g)))
            pos += len(g) + 1
        for a in range(len(groups)):
            total = 0
            for b in range(a, len(groups)):
                total += len(groups[b])
                if total > 19:
                    break
                s, e = offs[a][0], offs[b][1]
                if covered(s, e):
                    continue
                digits = "".join(groups[a:b + 1])
                if total >= 13 and luhn_valid(digits):
                    problems.append(f"unlabelled Luhn-valid digits {value[s:e]!r}")
                if [len(g) for g in groups[a:b + 1]] == [3, 2, 4]:
                    problems.append(f"unlabelled SSN-shaped digits {value[s:e]!r}")
    # Secret prefixes outside labels.
    for m in _SECRET_PREFIXES.finditer(value):
        if not covered(m.start(), m.end()):
            problems.append(f"unlabelled secret prefix {value[m.start():m.start() + 24]!r}")
    # Generic keyword=value with some entropy must start (or sit inside) a label.
    for m in GENERIC_ASSIGN_RE.finditer(value):
        v = m.group(1)
        if (shannon_entropy(v) >= 3.0 and m.start(1) not in starts
                and not covered(m.start(1), m.end(1))):
            problems.append(f"unlabelled keyword assignment {value[m.start():m.end()][:60]!r}")
    # No digit chain may cross a label edge (e.g. a card with digits glued on by ' ' or '-').
    chains = [m.span() for m in DIGIT_CHAIN_RE.finditer(value)]
    for ls, le in label_spans:
        for s, e in chains:
            if s < ls < e or s < le < e:
                problems.append(f"digit chain crosses label boundary near {value[s:e]!r}")
    return problems


def iter_csv_raw(data: bytes):
    """Minimal RFC 4180 reader keeping NULL (unquoted empty) apart from \"\" (empty string)."""
    quoted_re = re.compile(rb'"((?:[^"]|"")*)"')
    plain_re = re.compile(rb"[^,\n\"]*")
    pos, n = 0, len(data)
    row = []
    while pos < n:
        if data[pos:pos + 1] == b'"':
            m = quoted_re.match(data, pos)
            if not m:
                raise ValueError(f"unterminated quoted field at byte {pos}")
            row.append(m.group(1).replace(b'""', b'"'))
        else:
            m = plain_re.match(data, pos)
            row.append(m.group() or None)
        pos = m.end()
        sep = data[pos:pos + 1]
        pos += 1
        if sep == b"\n":
            yield row
            row = []
        elif sep != b",":
            raise ValueError(f"unexpected byte {sep!r} at {pos - 1}")
    if row:
        raise ValueError("missing final newline")


def iter_wire(data: bytes):
    """Decode a backend stream: yields ('T', fields) / ('D', cells) / ('C', tag) / ('Z', status)."""
    pos = 0
    while pos < len(data):
        tag = data[pos:pos + 1]
        (length,) = _I32.unpack_from(data, pos + 1)
        body = data[pos + 5:pos + 1 + length]
        if len(body) != length - 4:
            raise ValueError(f"truncated message at {pos}")
        pos += 1 + length
        if tag == b"T":
            (count,) = _I16.unpack_from(body, 0)
            p, fields = 2, []
            for _ in range(count):
                z = body.index(b"\0", p)
                name = body[p:z].decode()
                fields.append((name,) + struct.unpack_from(">ihihih", body, z + 1))
                p = z + 1 + 18
            if p != len(body):
                raise ValueError("RowDescription trailing bytes")
            yield "T", fields
        elif tag == b"D":
            (count,) = _I16.unpack_from(body, 0)
            p, cells = 2, []
            for _ in range(count):
                (ln,) = _I32.unpack_from(body, p)
                p += 4
                if ln == -1:
                    cells.append(None)
                else:
                    cells.append(body[p:p + ln])
                    p += ln
            if p != len(body):
                raise ValueError("DataRow trailing bytes")
            yield "D", cells
        elif tag == b"C":
            yield "C", body
        elif tag == b"Z":
            yield "Z", body
        else:
            raise ValueError(f"unexpected message type {tag!r}")


def _check_jsonb_key_order(pairs: list) -> dict:
    """object_pairs_hook: jsonb prints keys shorter-first, then bytewise."""
    keys = [k.encode() for k, _ in pairs]
    if keys != sorted(keys, key=lambda k: (len(k), k)):
        raise ValueError(f"keys not in jsonb order: {keys}")
    return dict(pairs)


_UUID_TEXT_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_TIMESTAMPTZ_TEXT_RE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00")


def verify_cell_type(type_oid: int, b: bytes | None) -> str | None:
    """Sanity-check a cell against its column type."""
    if b is None:
        return None
    s = b.decode("utf-8")
    if type_oid == 20 and not s.isdigit():
        return "int8"
    if type_oid == 2950 and not _UUID_TEXT_RE.fullmatch(s):
        return "uuid"
    if type_oid == 1184 and not _TIMESTAMPTZ_TEXT_RE.fullmatch(s):
        return "timestamptz"
    if type_oid == 869:
        try:
            ipaddress.ip_address(s)
        except ValueError:
            return "inet"
    if type_oid == 3802:
        try:
            json.loads(s, object_pairs_hook=_check_jsonb_key_order)
        except ValueError as e:
            return f"jsonb ({e})"
    if type_oid == 1700 and not re.fullmatch(r"\d+\.\d\d", s):
        return "numeric"
    return None


def load_csv(path: str, errors: list) -> tuple:
    """(header, rows) from a CSV via the csv module, cross-checked with the NULL-aware reader."""
    with open(path, "rb") as f:
        raw = f.read()
    csv.field_size_limit(1 << 30)
    module_rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    raw_rows = list(iter_csv_raw(raw))
    if len(module_rows) != len(raw_rows):
        errors.append(f"{path}: csv module saw {len(module_rows)} rows, raw reader {len(raw_rows)}")
    for i, (mr, rr) in enumerate(zip(module_rows, raw_rows)):
        if mr != [("" if c is None else c.decode("utf-8")) for c in rr]:
            errors.append(f"{path}: row {i} differs between csv module and raw reader")
            break
    if not raw_rows:
        errors.append(f"{path}: empty file")
        return [], []
    return [c.decode() for c in raw_rows[0]], raw_rows[1:]


def load_wire(path: str, name: str, errors: list) -> tuple:
    """(RowDescription fields, rows) from a wire stream, checking message framing/sequence."""
    with open(path, "rb") as f:
        msgs = list(iter_wire(f.read()))
    kinds = [k for k, _ in msgs]
    if len(kinds) < 3 or kinds[0] != "T" or kinds[-2:] != ["C", "Z"] \
            or set(kinds[1:-2]) - {"D"}:
        errors.append(f"{name}: wire message sequence is not T D* C Z")
        return [], []
    fields = msgs[0][1]
    rows = [c for k, c in msgs if k == "D"]
    if msgs[-2][1] != b"SELECT %d\0" % len(rows):
        errors.append(f"{name}: CommandComplete tag {msgs[-2][1]!r}")
    if msgs[-1][1] != b"I":
        errors.append(f"{name}: ReadyForQuery status {msgs[-1][1]!r}")
    schema = SCHEMAS.get(name)
    if schema:
        table_oid = TABLE_OID_BASE + DATASET_ORDER.index(name)
        expect = [(c, table_oid, i, t[0], t[1], t[2], 0) for i, (c, t) in enumerate(schema, 1)]
        if fields != expect:
            errors.append(f"{name}: RowDescription attributes differ from schema")
    return fields, rows


def verify_dataset(directory: str, name: str, stats: collections.Counter) -> list:
    """Check one dataset (CSV and/or wire, labels if present); returns error strings."""
    errors = []
    base = os.path.join(directory, name)
    header = rows = None
    if os.path.exists(base + ".csv"):
        header, rows = load_csv(base + ".csv", errors)
    if os.path.exists(base + ".wire"):
        fields, wire_rows = load_wire(base + ".wire", name, errors)
        if header is None:
            header, rows = [f[0] for f in fields], wire_rows
        else:
            if [f[0] for f in fields] != header:
                errors.append(f"{name}: RowDescription names differ from CSV header")
            if wire_rows != rows:
                bad = next((i for i, (a, b) in enumerate(zip(wire_rows, rows)) if a != b), None)
                errors.append(f"{name}: wire and CSV cells differ (rows {len(wire_rows)} vs "
                              f"{len(rows)}, first diff at row {bad})")
    schema = SCHEMAS.get(name)
    if schema and header != [c for c, _ in schema]:
        errors.append(f"{name}: header mismatch {header}")
    if schema:
        type_oids = [t[0] for _, t in schema]
        for r_i, cells in enumerate(rows):
            if len(cells) != len(type_oids):
                errors.append(f"{name}: row {r_i} has {len(cells)} cells")
                continue
            for c_i, cell in enumerate(cells):
                problem = verify_cell_type(type_oids[c_i], cell)
                if problem:
                    errors.append(f"{name}: row {r_i} col {c_i} not a valid {problem}")
    stats[f"{name}.rows"] = len(rows)
    stats["nulls"] += sum(c is None for r in rows for c in r)
    stats["empty_strings"] += sum(c == b"" for r in rows for c in r)
    # labels
    labels_path = base + ".labels.jsonl"
    if not os.path.exists(labels_path):
        stats["datasets_without_labels"] += 1
        return errors
    by_cell = collections.defaultdict(list)
    prev = None
    with open(labels_path, encoding="ascii") as f:
        for line_no, line in enumerate(f):
            lb = json.loads(line)
            key = (lb["row"], lb["column"], lb["start"])
            if prev is not None and key <= prev:
                errors.append(f"{name}: labels not sorted at line {line_no}")
            prev = key
            if lb["type"] not in LABEL_TYPES or (lb["type"] == "secret") != ("kind" in lb) \
                    or (lb.get("kind") and lb["kind"] not in SECRET_KINDS):
                errors.append(f"{name}: bad type/kind at line {line_no}")
            by_cell[(lb["row"], lb["column"])].append(lb)
            stats[lb.get("kind") or lb["type"]] += 1
    for (r_i, c_i), lbs in by_cell.items():
        if r_i >= len(rows) or c_i >= len(header) or rows[r_i][c_i] is None:
            errors.append(f"{name}: label outside data at row {r_i} col {c_i}")
            continue
        cell = rows[r_i][c_i]
        for lb in lbs:
            if not 0 <= lb["start"] < lb["end"] <= len(cell):
                errors.append(f"{name}: label range outside cell {lb}")
                continue
            try:
                value = cell[lb["start"]:lb["end"]].decode("utf-8")
            except UnicodeDecodeError:
                errors.append(f"{name}: label splits a UTF-8 sequence {lb}")
                continue
            problem = check_label_value(value, lb["type"], lb.get("kind"), header[c_i])
            if problem:
                errors.append(f"{name}: row {r_i} col {c_i}: {problem}: {value[:50]!r}")
        for a, b in zip(lbs, lbs[1:]):
            if b["start"] < a["end"]:
                errors.append(f"{name}: overlapping labels at row {r_i} col {c_i}")
    # reference scan of every cell: labels == what a rule-following detector finds
    for r_i, cells in enumerate(rows):
        for c_i, cell in enumerate(cells):
            if not cell:
                continue
            text = cell.decode("utf-8")
            got = {(lb["start"], lb["end"], lb["type"], lb.get("kind"))
                   for lb in by_cell.get((r_i, c_i), ())}
            ascii_ = text.isascii()
            conv = (lambda i: i) if ascii_ else (lambda i: byte_offset(text, i))
            ref = {(conv(s), conv(e), t, k) for s, e, t, k in reference_spans(text, header[c_i])}
            char_spans = []
            for lb in by_cell.get((r_i, c_i), ()):
                s = lb["start"] if ascii_ else len(cell[:lb["start"]].decode("utf-8"))
                e = lb["end"] if ascii_ else len(cell[:lb["end"]].decode("utf-8"))
                char_spans.append((s, e))
            # candidates nested inside another label are not required
            nested = {x for x in ref - got
                      if any(s <= x[0] and x[1] <= e and (s, e) != (x[0], x[1])
                             for s, e, _, _ in got)}
            stats["nested_candidates"] += len(nested)
            for x in sorted(ref - got - nested, key=str):
                errors.append(f"{name}: row {r_i} col {c_i}: unlabelled {x[2]}/{x[3]} "
                              f"{cell[x[0]:x[1]][:60]!r}")
            for x in sorted(got - ref, key=str):
                errors.append(f"{name}: row {r_i} col {c_i}: label not found by reference "
                              f"scanner {x[2]}/{x[3]} {cell[x[0]:x[1]][:60]!r}")
            for p in ambiguity_problems(text, header[c_i], char_spans):
                errors.append(f"{name}: row {r_i} col {c_i}: {p}")
            if "ssn" in header[c_i] and not got:
                errors.append(f"{name}: row {r_i} col {c_i}: unlabelled ssn column value")
    return errors


def verify(directory: str) -> int:
    """Verify every NAME.csv in directory; print a summary; return exit status."""
    names = sorted({f.rsplit(".", 1)[0] for f in os.listdir(directory)
                    if f.endswith((".csv", ".wire"))})
    if not names:
        print(f"no .csv or .wire files in {directory}", file=sys.stderr)
        return 2
    stats: collections.Counter = collections.Counter()
    all_errors = []
    for name in names:
        errs = verify_dataset(directory, name, stats)
        print(f"{name}: {stats[name + '.rows']} rows, {len(errs)} problems")
        all_errors.extend(errs)
    for e in all_errors[:50]:
        print("  " + e)
    if len(all_errors) > 50:
        print(f"  ... {len(all_errors) - 50} more")
    counts = {k: v for k, v in sorted(stats.items()) if not k.endswith(".rows")}
    print("label counts / stats:", json.dumps(counts))
    print("VERIFY " + ("OK" if not all_errors else f"FAILED ({len(all_errors)} problems)"))
    return 0 if not all_errors else 1


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

def parse_args(argv: list) -> argparse.Namespace:
    """Parse and validate the command line."""
    p = argparse.ArgumentParser(
        description="Generate deterministic labelled PII corpora (CSV + PostgreSQL wire "
                    "+ JSONL labels) for maskd, or verify a generated directory.",
        epilog="Examples:\n"
               "  %(prog)s --out Corpora/samples --seed 42 --rows 1500\n"
               "  %(prog)s --out /tmp/bench --target-mb 200 --no-labels\n"
               "  %(prog)s --verify Corpora/samples",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", metavar="DIR", help="output directory (created if missing)")
    p.add_argument("--seed", type=int, default=42, help="RNG seed (default 42)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--rows", type=int, default=None, metavar="N",
                      help="rows per dataset for users/payments/credentials/tickets/events "
                           "(default 2000)")
    size.add_argument("--target-mb", type=float, default=None, metavar="M",
                      help="instead write one wide dataset 'mixed' until its CSV reaches "
                           "about M MB (1 MB = 10^6 bytes)")
    p.add_argument("--density", choices=("dense", "sparse", "none"), default="dense",
                   help="with --target-mb: dense writes `mixed` (about one PII value per 170 "
                        "bytes); sparse writes `activity` with about one per 4 KB; none writes "
                        "`activity` without any PII, hard negatives only (default dense)")
    p.add_argument("--formats", default="csv,wire",
                   help="comma list of csv,wire (default csv,wire)")
    p.add_argument("--no-labels", action="store_true",
                   help="skip NAME.labels.jsonl (faster, for big benchmark runs)")
    p.add_argument("--jobs", type=int, default=1, metavar="J",
                   help="worker processes for --target-mb (default 1); the output is "
                        "byte-identical for any J, so use e.g. 4 on a multi-core machine")
    p.add_argument("--verify", metavar="DIR",
                   help="verify a generated directory instead of generating")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    args = p.parse_args(argv)
    if not args.verify and not args.out:
        p.error("--out DIR is required (or use --verify DIR)")
    formats = {f.strip() for f in args.formats.split(",") if f.strip()}
    if not formats or formats - {"csv", "wire"}:
        p.error("--formats must be a comma list of csv,wire")
    if args.rows is not None and args.rows < 1:
        p.error("--rows must be >= 1")
    if args.target_mb is not None and args.target_mb <= 0:
        p.error("--target-mb must be > 0")
    if args.density != "dense" and args.target_mb is None:
        p.error("--density applies to --target-mb only")
    if args.jobs < 1:
        p.error("--jobs must be >= 1")
    args.formats = formats
    return args


def main(argv: list | None = None) -> int:
    """Generate (--rows / --target-mb) or verify (--verify); returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.verify:
        return verify(args.verify)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.perf_counter()
    labels = not args.no_labels
    if args.target_mb is not None:
        summary = generate_target(args.out, args.seed, args.target_mb, args.formats,
                                  labels, args.jobs, args.quiet, args.density)
    else:
        rows = 2000 if args.rows is None else args.rows
        summary = generate_rows(args.out, args.seed, rows, args.formats, labels)
    elapsed = time.perf_counter() - t0
    total = sum(b for _, _, b in summary)
    if not args.quiet:
        for name, n, b in summary:
            print(f"{name}: {n} rows, {b / MB:.2f} MB csv")
        print(f"total {total / MB:.2f} MB csv in {elapsed:.2f}s "
              f"({total / MB / max(elapsed, 1e-9):.1f} MB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
