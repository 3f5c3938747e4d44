#!/usr/bin/env python3
"""Tables of shapes maskbench's corpora do not have, for timing `maskd pipe` on them.

    python3 Benchmarks/table-shapes.py DIR [--mb 20]

writes into DIR, each about --mb MB, as CSV (with a header) and as a backend message stream (.wire,
every column text):
  emails   two emails a row (a users table: the case masking is most often for)
  wide     100 short columns of a word and a number (a wide table: per-field costs)
  jwts     a JWT and a GitHub fine-grained token a row (secrets too long for FF1)
  keys     a GitHub token (ghp_ and 36 letters and digits) a row (secrets FF1 takes, one length)
  numbers  twelve random integers and floats a row (a numeric table: digit candidates)
  json     one JSON document a row, quoted
  prose    a row of 200 English words
  hashes   a SHA-1 and a SHA-256 in hex and a SHA-256 in base64 a row
  logs     a structured log line a row (`key=value` pairs, a timestamp, an IP, a trace id)
  urls     two URLs with query strings a row
  contacts a phone, a zip, a birth date, a street address and an amount a row (no names)
  uuids    four random UUIDs as text a row
  settings one JSON settings document a row, quoted
  products a product name, an EAN-13 (common GS1 prefixes), a UPC-A and a price a row
  ibans    a valid IBAN printed in groups of four (eight countries) and a BIC a row
  phones   an E.164 number (`+` and up to 15 digits) and three national forms a row
  ids      four random 64-bit ids (snowflakes and hash-derived bigints) a row, as a bigint column prints them
  geo      a latitude, a longitude (7 decimals), a point and an accuracy a row
  intl     a row of Russian, Chinese and Japanese words (UTF-8, multi-byte)
  dollars  a line of shell text and prices a row (`$HOME$PATH`, `138$`, `US$73`, `a$b$c`: five `$` after
           a letter or digit, each a password-hash candidate that is none)
Every table is PII-free except emails, jwts and keys (the card rules alone take a tenth of the
products table's EAN-13s for 13-digit Visa or Maestro numbers: its column names say they are barcodes;
and about 3 % of the ids table's random bigints are card numbers by their digits, Luhn and an issuer
range: masked by design, see docs/detection/cards-and-ssns.md).
Fixed seeds: the same bytes on every run.
"""
import argparse
import base64
import csv
import hashlib
import json
import os
import random
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wire_stream import write_text_table  # noqa: E402

WORDS = ("the of and to in is was for on that with as by at from this be have are or an it not but "
         "which were been has their more will would").split()


def rows_emails(rng, i):
    return [str(i), f"user{i}.{rng.choice(WORDS)}@{rng.choice(['gmail.com', 'example.org', 'corp.co.uk'])}",
            f"{rng.choice(WORDS)}.{rng.choice(WORDS)}{i % 97}@mail{i % 13}.com"]


def rows_wide(rng, i):
    return [rng.choice(WORDS) + str(rng.randint(0, 99)) for _ in range(100)]


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def rows_jwts(rng, i):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"sub": str(rng.randint(1, 10**9)), "iat": 1700000000 + i}).encode())
    return [str(i), f"{header}.{payload}.{b64(rng.randbytes(32))}", f"github_pat_{b64(rng.randbytes(60))[:82]}"]


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def rows_keys(rng, i):
    return [str(i), "ghp_" + "".join(rng.choice(ALNUM) for _ in range(36)), f"rotated {rng.randrange(400)} days ago"]


def rows_numbers(rng, i):
    return [str(rng.randint(0, 10 ** rng.randint(1, 12))) if k % 2 else f"{rng.random() * 1000:.4f}" for k in range(12)]


def rows_json(rng, i):
    doc = {"user": {"id": i, "name": rng.choice(WORDS), "tags": [rng.choice(WORDS) for _ in range(8)],
                    "score": rng.random(), "active": True, "created": f"2024-01-{1 + i % 28:02d}T10:00:00Z"}}
    return [json.dumps(doc)]


def rows_prose(rng, i):
    return [str(i), " ".join(rng.choice(WORDS) for _ in range(200)) + "."]


def rows_hashes(rng, i):
    return [str(i), hashlib.sha1(str(i).encode()).hexdigest(), hashlib.sha256(str(i).encode()).hexdigest(),
            base64.b64encode(hashlib.sha256(str(-i).encode()).digest()).decode()]


def rows_logs(rng, i):
    return [str(i), f'2024-03-{i % 28 + 1:02d}T12:{i % 60:02d}:{i * 7 % 60:02d}.{i % 1000:03d}Z level=info msg="request done" '
            f'method=GET path=/api/v1/items/{i * 13 % 99991} status=200 duration_ms={i % 977} bytes={i * 31 % 65536} '
            f'ip=10.{i % 256}.{i * 3 % 256}.{i * 7 % 256} trace_id={rng.getrandbits(128):032x}']


def rows_urls(rng, i):
    query = "+".join(rng.choice(WORDS) for _ in range(4))
    return [str(i), f"https://shop.example.com/p/{i}?utm_source=news&utm_medium=email&ref={rng.getrandbits(40):x}&page={i % 50}",
            f"https://www.google.com/search?q={query}&oq=x&sourceid=chrome"]


def rows_contacts(rng, i):
    return [str(i), f"+1 ({rng.randint(200, 999)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}", str(rng.randint(10000, 99999)),
            f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"{rng.randint(1, 9999)} {rng.choice(WORDS).title()} St Apt {rng.randint(1, 500)}", f"{rng.randint(0, 999999) / 100:.2f}"]


def rows_uuids(rng, i):
    return [str(i)] + [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(4)]


def rows_settings(rng, i):
    doc = {"id": i, "name": f"svc-{i}", "timeout": i % 30, "retries": 3, "endpoint": f"https://api{i % 9}.internal/v2",
           "tags": [rng.choice(WORDS) for _ in range(3)], "enabled": i % 2 == 0, "version": f"{i % 9}.{i % 17}.{i % 5}"}
    return [str(i), json.dumps(doc)]


def gs1(rng, prefix, length):
    """A GS1 code (EAN-13, UPC-A) of `length` digits starting with `prefix`, with its check digit."""
    digits = [int(c) for c in prefix] + [rng.randint(0, 9) for _ in range(length - 1 - len(prefix))]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def rows_products(rng, i):
    prefix = rng.choice(["400", "401", "420", "50", "590", "690", "693", "871", "30", "76"])
    return [str(i), f"Widget {i}", gs1(rng, prefix, 13), gs1(rng, "", 12), f"{rng.randint(100, 99999) / 100:.2f}"]


def iban(rng, country, digits, letters=""):
    """A valid IBAN (ISO 13616: MOD 97-10 check digits) printed in groups of four."""
    bban = letters + "".join(str(rng.randrange(10)) for _ in range(digits))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    compact = f"{country}{check:02d}{bban}"
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


IBAN_COUNTRIES = [("DE", 18, ""), ("FR", 23, ""), ("IT", 22, "X"), ("ES", 20, ""), ("NL", 10, "ABNA"), ("GB", 14, "NWBK"),
                  ("BE", 12, ""), ("PL", 24, "")]


def rows_ibans(rng, i):
    return [str(i), iban(rng, *IBAN_COUNTRIES[i % len(IBAN_COUNTRIES)]), rng.choice(["DEUTDEFF", "NWBKGB2L", "BNPAFRPP"])]


def rows_phones(rng, i):
    return [str(i), f"+{rng.choice(['49', '44', '33', '1', '61', '81', '55'])}{rng.randrange(10 ** 9, 10 ** 11)}",
            f"+49 30 {rng.randrange(10 ** 7, 10 ** 8)}", f"+44 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
            f"0{rng.randrange(100, 999)}/{rng.randrange(10 ** 6, 10 ** 7)}"]


def rows_ids(rng, i):
    return [str(1_100_000_000_000_000_000 + rng.getrandbits(56)), str(rng.getrandbits(63)),
            str(900_000_000_000_000_000 + rng.getrandbits(56)), str(-rng.getrandbits(62))]


def rows_geo(rng, i):
    return [str(i), f"{rng.uniform(-90, 90):.7f}", f"{rng.uniform(-180, 180):.7f}",
            f"({rng.uniform(-180, 180):.12f},{rng.uniform(-90, 90):.12f})", f"{rng.uniform(0, 100):.3f}"]


WORDS_RU = "привет мир данные клиент заказ оплата доставка адрес город улица дом квартира номер телефон почта".split()
WORDS_ZH = "你好 世界 数据 客户 订单 支付 配送 地址 城市 街道 号码 电话 邮件 用户 系统".split()
WORDS_JA = "こんにちは 世界 データ 顧客 注文 支払い 配送 住所 都市 通り 番号 電話 メール".split()


def rows_intl(rng, i):
    return [str(i), " ".join(rng.choice(WORDS_RU) for _ in range(30)), "".join(rng.choice(WORDS_ZH) for _ in range(40)),
            "".join(rng.choice(WORDS_JA) for _ in range(30))]


def rows_dollars(rng, i):
    return [str(i), f"export PATH=$HOME/bin:$PATH; echo ${{USER}}$SUFFIX costs {rng.randint(1, 999)}$ or US${rng.randint(1, 99)}; a$b$c"]


TABLES = {
    "emails": (["id", "email", "alt"], rows_emails),
    "wide": ([f"col{k}" for k in range(100)], rows_wide),
    "jwts": (["id", "token", "note"], rows_jwts),
    "keys": (["id", "api_key", "note"], rows_keys),
    "numbers": ([f"c{k}" for k in range(12)], rows_numbers),
    "json": (["doc"], rows_json),
    "prose": (["id", "body"], rows_prose),
    "hashes": (["id", "sha1", "sha256", "digest_b64"], rows_hashes),
    "logs": (["id", "line"], rows_logs),
    "urls": (["id", "url", "referrer"], rows_urls),
    "contacts": (["id", "phone", "zip", "born", "address", "amount"], rows_contacts),
    "uuids": (["id", "a", "b", "c", "d"], rows_uuids),
    "settings": (["id", "doc"], rows_settings),
    "products": (["id", "name", "ean", "upc", "price"], rows_products),
    "ibans": (["id", "iban", "bic"], rows_ibans),
    "phones": (["id", "e164", "berlin", "london", "local"], rows_phones),
    "ids": (["snowflake", "hashed", "channel", "neg"], rows_ids),
    "geo": (["id", "lat", "lon", "point", "accuracy"], rows_geo),
    "intl": (["id", "ru", "zh", "ja"], rows_intl),
    "dollars": (["id", "note"], rows_dollars),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--mb", type=float, default=20)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    target = int(args.mb * 1_000_000)
    for name, (header, make) in TABLES.items():
        rng = random.Random(name)
        rows = []
        size = 0
        while size < target:
            row = make(rng, len(rows))
            rows.append(row)
            size += sum(len(v) + 1 for v in row)
        with open(os.path.join(args.dir, name + ".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        with open(os.path.join(args.dir, name + ".wire"), "wb") as out:
            write_text_table(out, header, rows)
        print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
