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
Fixed seeds: the same bytes on every run.
"""
import argparse
import base64
import csv
import json
import os
import random
import struct

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


TABLES = {
    "emails": (["id", "email", "alt"], rows_emails),
    "wide": ([f"col{k}" for k in range(100)], rows_wide),
    "jwts": (["id", "token", "note"], rows_jwts),
    "keys": (["id", "api_key", "note"], rows_keys),
    "numbers": ([f"c{k}" for k in range(12)], rows_numbers),
    "json": (["doc"], rows_json),
    "prose": (["id", "body"], rows_prose),
}


def message(kind, body):
    return kind + struct.pack(">i", len(body) + 4) + body


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
            body = struct.pack(">h", len(header))
            for column in header:
                body += column.encode() + b"\0" + struct.pack(">ihihih", 0, 0, 25, -1, -1, 0)
            out.write(message(b"T", body))
            for row in rows:
                cells = struct.pack(">h", len(row))
                for v in row:
                    e = v.encode()
                    cells += struct.pack(">i", len(e)) + e
                out.write(message(b"D", cells))
            out.write(message(b"C", f"SELECT {len(rows)}".encode() + b"\0"))
            out.write(message(b"Z", b"I"))
        print(f"{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
