#!/usr/bin/env python3
"""A labelled corpus made without the detectors' assumptions (issue 14, item 6).

`Corpora/generate.py` was written by the people who wrote the detectors: its values, templates and
span conventions follow the same reading of each type. This generator takes its values from somewhere
else and its text from other templates:

- PII values from the Faker library (PyPI `faker`, version pinned below): its emails (free, company,
  safe), credit card numbers of every network Faker knows (Visa 13/16/19, Mastercard, Amex, Discover,
  JCB 15/16, Diners, Maestro), and its US SSNs. Faker's own idea of a card (its IIN prefixes) and of an
  SSN is the label: a value Faker calls a card is labelled a card, whatever maskd's issuer table says.
- Secrets written from each vendor's public documentation of the format (GitHub classic and
  fine-grained tokens, AWS access key ids, Slack bot tokens, Stripe secret keys, Google API keys, npm
  tokens, SendGrid keys), random bodies drawn here.
- Hard negatives that must not be masked: Faker's phone numbers, ISBN-10/13, EAN-13, UUIDs, dates,
  routing and BBAN bank numbers, ITINs (area 9xx) and never-issued SSNs (area 000 and 666), Faker card
  numbers with their check digit changed (Luhn-invalid), order numbers, version strings, IPv4/IPv6
  addresses, and documented AWS example keys.
- New templates: chat and support messages in several languages with Unicode punctuation around the
  values, log lines, key=value and JSON fragments, URL- and HTML-encoded addresses, bearer tokens in
  headers and query strings, German IBANs grouped in fours (hard negatives), varied casing and
  separators.

Two tables, each written as CSV (RFC 4180, like generate.py), as a PostgreSQL v3 backend stream
(`generate.py`'s own `encode_row` and `wire_message` are reused for the framing, so both corpora are
encoded alike), and as labels (`NAME.labels.jsonl`: row, column, UTF-8 byte start/end, type, kind):

- `messages`: id, channel, author, body (free text);
- `accounts`: id, full_name, contact, payment, ssn, tax_reference, phone, reference, notes.

Reproduce the committed files (needs `pip install faker==40.54.0`; CI only reads the output):

    python3 Corpora/independent/make_corpus.py --out Corpora/independent --seed 1414 --rows 400
"""
import argparse
import datetime
import json
import os
import random
import re
import string
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from generate import encode_row, wire_message  # noqa: E402  (framing only: no values, no templates)

FAKER_VERSION = "40.54.0"
EPOCH_START, EPOCH_END = datetime.datetime(1990, 1, 1), datetime.datetime(2026, 1, 1)
ALNUM = string.ascii_letters + string.digits


# -- secrets, from each vendor's documented format ----------------------------------------------------

def body(rng, n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


SECRET_MAKERS = {
    # GitHub: "ghp_" + 36 alphanumerics (classic personal access token), "github_pat_" + 82 (fine-grained:
    # 22, an underscore, 59), per GitHub's "About authentication to GitHub" token prefixes.
    "github_classic": lambda r: "ghp_" + body(r, 36),
    "github_fine_grained": lambda r: "github_pat_" + body(r, 22) + "_" + body(r, 59),
    # AWS: access key ids are 20 upper-case alphanumerics starting AKIA (long-term) or ASIA (temporary).
    "aws_access_key_id": lambda r: r.choice(["AKIA", "ASIA"]) + body(r, 16, string.ascii_uppercase + string.digits),
    # Slack bot tokens: xoxb-<team number>-<bot number>-<24 alphanumerics>.
    "slack_bot": lambda r: f"xoxb-{r.randrange(10**10, 10**12)}-{r.randrange(10**10, 10**13)}-{body(r, 24)}",
    # Stripe: secret keys sk_live_/sk_test_, restricted rk_live_, then (at least) 24 alphanumerics.
    "stripe_secret": lambda r: r.choice(["sk_live_", "sk_test_", "rk_live_"]) + body(r, r.choice([24, 32, 99])),
    # Google API keys: "AIza" + 35 of [A-Za-z0-9_-].
    "google_api_key": lambda r: "AIza" + body(r, 35, ALNUM + "_-"),
    # npm access tokens: "npm_" + 36 alphanumerics.
    "npm_token": lambda r: "npm_" + body(r, 36),
    # SendGrid API keys: "SG." + 22 + "." + 43 of base64url.
    "sendgrid": lambda r: "SG." + body(r, 22, ALNUM + "_-") + "." + body(r, 43, ALNUM + "_-"),
}


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class Cell:
    """Text with labelled spans, offsets in UTF-8 bytes."""

    def __init__(self):
        self.parts, self.spans, self.size = [], [], 0

    def add(self, text):
        self.parts.append(text)
        self.size += len(text.encode())
        return self

    def pii(self, text, typ, kind=None):
        start = self.size
        self.add(text)
        span = {"start": start, "end": self.size, "type": typ}
        if kind:
            span["kind"] = kind
        self.spans.append(span)
        return self

    def text(self):
        return "".join(self.parts)


class Values:
    """Faker's values, grouped and re-cased or re-grouped as people type them."""

    CARD_TYPES = ["visa16", "visa16", "visa13", "visa19", "mastercard", "mastercard", "amex", "discover",
                  "jcb15", "jcb16", "diners", "maestro"]

    def __init__(self, rng, fakers):
        self.rng, self.fakers, self.f = rng, fakers, fakers["en_US"]

    def email(self):
        f = self.rng.choice([self.f, self.f, self.fakers["de_DE"], self.fakers["fr_FR"], self.fakers["ja_JP"]])
        address = self.rng.choice([f.email, f.free_email, f.company_email, f.ascii_safe_email])()
        style = self.rng.random()
        if style < 0.08:
            return address.upper()
        if style < 0.18:
            local, domain = address.split("@")
            return local.capitalize() + "@" + domain.capitalize()
        return address

    def card_digits(self):
        return self.f.credit_card_number(self.rng.choice(self.CARD_TYPES))

    def card(self):
        digits = self.card_digits()
        n = len(digits)
        style = self.rng.random()
        if n == 15 and digits[0] == "3" and style < 0.5:
            sep = self.rng.choice([" ", "-"])
            return sep.join([digits[:4], digits[4:10], digits[10:]])
        if n == 16 and style < 0.55:
            sep = self.rng.choice([" ", " ", "-", "."])
            return sep.join(digits[i:i + 4] for i in range(0, 16, 4))
        return digits

    def ssn(self, bare=False):
        value = self.f.ssn()
        if bare:
            return value.replace("-", "")
        return value if self.rng.random() < 0.75 else value.replace("-", " ")

    def secret(self):
        kind = self.rng.choice(sorted(SECRET_MAKERS))
        return SECRET_MAKERS[kind](self.rng), kind

    def password(self):
        return self.f.password(length=self.rng.choice([10, 12, 14, 16, 20]), special_chars=self.rng.random() < 0.7)

    # -- hard negatives: never labelled -----------------------------------------------------------------
    def negative(self):
        f, r = self.f, self.rng
        choice = r.randrange(16)
        if choice == 0:
            return f.phone_number()
        if choice == 1:
            return r.choice([f.isbn10, f.isbn13])()
        if choice == 2:
            return f.ean13()
        if choice == 3:
            return str(f.uuid4())
        if choice == 4:
            # Fixed bounds: Faker's default ranges end "now", which would change the corpus every run.
            moment = f.date_time_between_dates(EPOCH_START, EPOCH_END)
            return r.choice([moment.date().isoformat(), moment.isoformat(), moment.strftime("%d.%m.%Y")])
        if choice == 5:
            return r.choice([f.aba(), f.bban()])
        if choice == 6:
            return f.ssn(taxpayer_identification_number_type="ITIN")  # area 9xx: never an SSN
        if choice == 7:
            return r.choice(["000", "666"]) + f"-{r.randrange(1, 100):02d}-{r.randrange(1, 10000):04d}"
        if choice == 8:
            digits = self.card_digits()  # a real card number with a wrong check digit
            wrong = [d for d in "0123456789" if not luhn_ok(digits[:-1] + d)]
            return digits[:-1] + r.choice(wrong)
        if choice == 9:
            return f"ORD-{r.randrange(10**7, 10**8)}" if r.random() < 0.5 else f"#{r.randrange(10**9, 10**10)}"
        if choice == 10:
            return f"v{r.randrange(0, 20)}.{r.randrange(0, 40)}.{r.randrange(0, 300)}"
        if choice == 11:
            return r.choice([f.ipv4(), f.ipv4_private(), f.ipv6()])
        if choice == 12:
            return r.choice(["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"])
        if choice == 13:
            return f.msisdn()
        if choice == 14:
            return f.zipcode_plus4()
        return f"{r.randrange(1, 2000)}.{r.randrange(0, 100):02d} {r.choice(['USD', 'EUR', '€', '$'])}"


# -- templates -------------------------------------------------------------------------------------------
# Text with slots in braces (other braces are literal). Slots: {email} {card} {ssn} {secret} {pw}
# {neg} {name}. Written for this corpus, with no reference to generate.py's templates.
MESSAGE_TEMPLATES = [
    "Hi team, please update my billing address and send the receipt to {email}. Thanks!",
    "Bitte kontaktieren Sie {email} für Rückfragen zur Bestellung {neg}.",
    "Merci de répondre à « {email} » avant vendredi.",
    "連絡先は{email}です。よろしくお願いします。",
    "Почта клиента: {email}, телефон {neg}",
    "📧 {email} 👉 ticket closed",
    "Customer {name} read their card number out loud: {card}. I stopped them.",
    "charged card {card} (exp 11/27) — refund pending",
    "Zahlung mit Karte {card} fehlgeschlagen.",
    "Paid with {card}; order {neg}",
    "SSN on the form: {ssn}; DOB {neg}",
    "Her social security number is {ssn} — please redact the PDF.",
    "applicant ssn={ssn} status=pending",
    "Deployed with GITHUB_TOKEN={secret} by mistake, rotating now.",
    "log: auth ok token={secret} user={email}",
    "export NPM_CONFIG_TOKEN={secret}",
    "{\"api_key\": \"{secret}\", \"owner\": \"{email}\"}",
    "Someone pasted `{secret}` into #general 😬",
    "db password: {pw}",
    "new credentials → password={pw} (change on first login)",
    "build {neg} passed on {neg}; see {neg}",
    "Call me at {neg} or write to {email}.",
    "ISBN {neg}, barcode {neg}",
    "Tracking: {neg} / {neg}",
    "ref {neg} from {neg}",
    "(contact: {email})",
    "[{email}] <{email}>",
    "Kundennummer {neg}, Konto {neg}",
    "Card ending {last4}; full number was {card}",
    "Steuer-ID {neg}; E-Mail {email}",
    "ITIN {neg} is not an SSN",
    "Sent from my iPhone\n\n> On Monday {name} <{email}> wrote:\n> my card is {card}",
    "unsubscribe: https://news.example.com/u?email={urlemail}&list=7",
    "<a href=\"mailto:{htmlemail}\">write to us</a>",
    "お問い合わせ（{email}）まで。",
    "curl -H 'Authorization: Bearer {secret}' https://api.example.com/v1/charges",
    "GET /callback?access_token={secret}&state=xyz 200",
    "Überweisung an {iban} erhalten, Betrag {neg}",
    "IBAN: {iban} (BIC {bic})",
]

NOTE_TEMPLATES = [
    "", "", "VIP", "prefers email", "see ticket {neg}", "called from {neg}", "alt: {email}",
    "old card {card} replaced", "ssn verified: {ssn}", "key {secret} revoked", "{neg}", "✔ vérifié",
]


SLOT = re.compile(r"\{(email|urlemail|htmlemail|card|ssn|secret|pw|neg|name|last4|iban|bic)\}")


def render(template, values, cell):
    pieces = SLOT.split(template)  # text, slot, text, slot, ..., text
    for k, piece in enumerate(pieces):
        if k % 2 == 0:
            cell.add(piece)
        elif piece == "email":
            cell.pii(values.email(), "email")
        elif piece == "urlemail":
            cell.pii(values.email().replace("@", "%40").replace("+", "%2B"), "email")
        elif piece == "htmlemail":
            cell.pii(values.email().replace("@", "&#64;"), "email")
        elif piece == "iban":
            iban = values.fakers["de_DE"].iban()
            cell.add(" ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if values.rng.random() < 0.6 else iban)
        elif piece == "bic":
            cell.add(values.f.swift())
        elif piece == "card":
            cell.pii(values.card(), "credit_card")
        elif piece == "ssn":
            cell.pii(values.ssn(), "us_ssn")
        elif piece == "secret":
            secret, kind = values.secret()
            cell.pii(secret, "secret", kind)
        elif piece == "pw":
            cell.pii(values.password(), "secret", "password")
        elif piece == "neg":
            cell.add(values.negative())
        elif piece == "name":
            cell.add(values.rng.choice([values.f, values.fakers["de_DE"], values.fakers["ja_JP"]]).name())
        else:
            cell.add(str(values.rng.randrange(1000, 10000)))
    return cell


def messages_row(values, i):
    r = values.rng
    body = render(r.choice(MESSAGE_TEMPLATES), values, Cell())
    author = values.email() if r.random() < 0.3 else None
    cells = [Cell().add(str(i + 1)), Cell().add(r.choice(["chat", "email", "phone", "web", "slack"])),
             Cell().pii(author, "email") if author else Cell().add(values.f.user_name()), body]
    return cells


def accounts_row(values, i):
    r, f = values.rng, values.f
    ssn_cell = Cell()
    style = r.random()
    if style < 0.6:
        ssn_cell.pii(values.ssn(bare=r.random() < 0.3), "us_ssn")
    elif style < 0.8:
        ssn_cell.add(values.negative() if r.random() < 0.3 else "")
    payment = Cell()
    if r.random() < 0.7:
        payment.pii(values.card(), "credit_card")
    else:
        payment.add(r.choice(["invoice", "bank transfer", "paypal", values.negative()]))
    tax = Cell()
    if r.random() < 0.25:
        tax.add(r.choice(["TIN ", "Tax ID: ", "taxpayer id "])).pii(values.ssn(), "us_ssn")
    else:
        tax.add(values.negative())
    reference = Cell()
    if r.random() < 0.15:
        secret, kind = values.secret()
        reference.pii(secret, "secret", kind)
    else:
        reference.add(values.negative())
    return [Cell().add(str(i + 1)), Cell().add(values.rng.choice([f, values.fakers["de_DE"], values.fakers["fr_FR"]]).name()),
            Cell().pii(values.email(), "email"), payment, ssn_cell, tax, Cell().add(f.phone_number()), reference,
            render(r.choice(NOTE_TEMPLATES), values, Cell())]


TABLES = {
    # name: (columns with (type OID, typmod), row maker)
    "messages": ([("id", 20, -1), ("channel", 1043, 36), ("author", 25, -1), ("body", 25, -1)], messages_row),
    "accounts": ([("id", 20, -1), ("full_name", 25, -1), ("contact", 1043, 259), ("payment", 25, -1),
                  ("ssn", 1043, 15), ("tax_reference", 25, -1), ("phone", 1043, 36), ("reference", 25, -1),
                  ("notes", 25, -1)], accounts_row),
}


def row_description(columns, table_oid):
    parts = [struct.pack(">h", len(columns))]
    for attnum, (name, type_oid, typmod) in enumerate(columns, 1):
        typlen = 8 if type_oid == 20 else -1
        parts.append(name.encode() + b"\0" + struct.pack(">ihihih", table_oid, attnum, type_oid, typlen, typmod, 0))
    return wire_message(b"T", b"".join(parts))


def write_table(out, name, rows, seed, fakers):
    columns, make = TABLES[name]
    rng = random.Random(f"{seed}:{name}")
    values = Values(rng, fakers)
    csv_lines = [",".join(c[0] for c in columns).encode() + b"\n"]
    wire = [row_description(columns, 24576 + sorted(TABLES).index(name))]
    labels = []
    for i in range(rows):
        cells = make(values, i)
        empty_is_null = [c.text() == "" and rng.random() < 0.5 for c in cells]
        line, data_row = encode_row([None if null else c.text() for c, null in zip(cells, empty_is_null)])
        csv_lines.append(line)
        wire.append(data_row)
        for column, c in enumerate(cells):
            for span in c.spans:
                labels.append({"row": i, "column": column, **span})
    wire.append(wire_message(b"C", b"SELECT %d\0" % rows) + wire_message(b"Z", b"I"))
    with open(os.path.join(out, f"{name}.csv"), "wb") as f:
        f.write(b"".join(csv_lines))
    with open(os.path.join(out, f"{name}.wire"), "wb") as f:
        f.write(b"".join(wire))
    with open(os.path.join(out, f"{name}.labels.jsonl"), "w") as f:
        for label in labels:
            f.write(json.dumps(label, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=HERE)
    parser.add_argument("--seed", type=int, default=1414)
    parser.add_argument("--rows", type=int, default=400)
    args = parser.parse_args()
    import faker
    if faker.VERSION != FAKER_VERSION:
        sys.exit(f"faker {faker.VERSION} is installed; the corpus is pinned to {FAKER_VERSION} "
                 f"(pip install faker=={FAKER_VERSION}), other versions draw other values")
    fakers = {locale: faker.Faker(locale) for locale in ("en_US", "de_DE", "fr_FR", "ja_JP")}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(args.seed + i)
    os.makedirs(args.out, exist_ok=True)
    for name in sorted(TABLES):
        n = write_table(args.out, name, args.rows, args.seed, fakers)
        print(f"{name}: {args.rows} rows, {n} labels")


if __name__ == "__main__":
    main()
