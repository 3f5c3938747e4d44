#!/usr/bin/env python3
"""Tables of one kind of value each, for timing stage 1's rejections (Benchmarks/RESULTS.md, the
thirty-fourth session) and checking their outputs; what Benchmarks/table-shapes.py does for other shapes.

    python3 Benchmarks/one-shape-tables.py DIR

writes into DIR, each about 20 MB, as CSV (with a header) and as a backend message stream (.wire, every
column text):
  d8, d10, d12, d20   five random numbers of 8, 10, 12 or 20 digits a row
  tiny                an id and a one-letter flag a row
  docs                one JSON document of 60 items a row, quoted
  quoted              quoted values with doubled quotes and line breaks
  nulls               twenty columns, four in five of them empty
  floats              four floats with 15 decimals a row
  ts                  an id, a timestamp with microseconds and a Unix time a row
  web                 an IPv4 and an IPv6 address, a MAC address, a user agent, a version, a latency
  sessions            Django's django_session: a session key (sha256 hex), a CSRF token, an expiry, data
  orders              an order: amounts, currency, status, timestamp, an address, a card's last four
  events              one JSON event a row (epoch milliseconds, a device UUID, items)
  hooks               20,000 rows of incoming-webhook URLs (Slack, Discord, Microsoft) and other URLs
Fixed seeds: the same bytes on every run.
"""
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

WORDS = "the of and to in is was for on that with as by at from this be have are or an it not but".split()


def write(path, header, row, mb=20):
    with open(path, "w") as f:
        f.write(header + "\n")
        n = i = 0
        while n < mb * 1_000_000:
            line = row(i) + "\n"
            f.write(line)
            n += len(line)
            i += 1


def wire(csv_path, wire_path):
    with open(csv_path, newline="") as f, open(wire_path, "wb") as out:
        rows = csv.reader(f)
        write_text_table(out, next(rows), rows)


def numbers(d):
    r = random.Random(1)
    for name, lo, hi in [("d8", 10**7, 10**8 - 1), ("d10", 10**9, 10**10 - 1), ("d12", 10**11, 10**12 - 1),
                         ("d20", 10**19, 10**20 - 1)]:
        with open(os.path.join(d, name + ".csv"), "w") as f:
            f.write("a,b,c,d,e\n")
            size = 0
            while size < 20_000_000:
                line = ",".join(str(r.randint(lo, hi)) for _ in range(5)) + "\n"
                f.write(line)
                size += len(line)


def plain(d):
    r = random.Random(7)
    p = lambda name: os.path.join(d, name + ".csv")
    write(p("tiny"), "id,flag", lambda i: f"{i},{'t' if i % 3 else 'f'}")
    write(p("docs"), "id,doc", lambda i: f'{i},"' + json.dumps({"items": [{"sku": f"SKU-{r.randint(0, 99999)}", "qty": r.randint(1, 9), "note": " ".join(r.choice(WORDS) for _ in range(12))} for _ in range(60)]}).replace('"', '""') + '"')
    write(p("quoted"), "id,a,b", lambda i: f'{i},"He said ""hi"", then\nleft {r.choice(WORDS)}","{" ".join(r.choice(WORDS) for _ in range(8))}, ""ok"""')
    write(p("nulls"), ",".join(f"c{k}" for k in range(20)), lambda i: ",".join("" if r.random() < 0.8 else str(r.randint(0, 999)) for _ in range(20)))
    write(p("floats"), "a,b,c,d", lambda i: ",".join(f"{r.uniform(-1000, 1000):.15f}" for _ in range(4)))
    write(p("ts"), "id,created,updated", lambda i: f"{i},2024-0{1 + i % 9}-1{i % 10} 1{i % 10}:2{i % 10}:3{i % 10}.{r.randint(100000, 999999)}+00,{1700000000 + r.randint(0, 10**8)}")


def application(d):
    r = random.Random(11)
    words = WORDS + "which were been has".split()
    agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.%d.%d Safari/537.36",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.%d Mobile/15E148 Safari/604.%d",
              "python-requests/2.%d.%d", "curl/8.%d.%d"]
    p = lambda name: os.path.join(d, name + ".csv")
    ipv6 = lambda: ":".join("%x" % r.randrange(65536) for _ in range(8))
    mac = lambda: ":".join("%02x" % r.randrange(256) for _ in range(6))
    write(p("web"), "id,ip,ipv6,mac,ua,version,latency_ms", lambda i: f'{i},{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)},{ipv6()},{mac()},"{r.choice(agents) % (r.randrange(9999), r.randrange(999))}",v{r.randrange(9)}.{r.randrange(30)}.{r.randrange(99)},{r.uniform(0, 500):.3f}')
    write(p("sessions"), "id,user_id,session_key,csrf,expires_at,data", lambda i: f'{i},{r.randrange(10**6)},{hashlib.sha256(str(i).encode()).hexdigest()},{base64.b64encode(r.randbytes(24)).decode()},2025-0{1 + i % 9}-{10 + i % 18} 0{i % 10}:1{i % 10}:00+00,"{json.dumps({"cart": [r.randrange(1000) for _ in range(3)], "theme": r.choice(["dark", "light"])}).replace(chr(34), chr(34) * 2)}"')
    write(p("orders"), "id,user_id,total,currency,status,created_at,ship_to,card_last4", lambda i: f'{i},{r.randrange(10**7)},{r.randrange(100000) / 100:.2f},{r.choice(["USD", "EUR", "GBP"])},{r.choice(["paid", "shipped", "refunded"])},2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 60:02d}Z,"{r.randrange(1, 9999)} {r.choice(words).title()} St, Springfield, IL {r.randrange(10000, 99999)}",{r.randrange(10000):04d}')
    write(p("events"), "id,payload", lambda i: '{},"{}"'.format(i, json.dumps({"event": r.choice(["click", "view", "purchase"]), "ts": 1700000000000 + r.randrange(10**9), "props": {"page": "/p/%d" % r.randrange(1000), "ref": r.choice(["google", "direct", "email"]), "items": [{"id": r.randrange(10**6), "price": round(r.uniform(1, 100), 2)} for _ in range(3)]}, "device": {"os": r.choice(["ios", "android", "web"]), "id": str(uuid.UUID(int=r.getrandbits(128)))}}).replace('"', '""')))


def hooks(d):
    r = random.Random(5)
    prefixes = ["hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/",
                "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "canary.discord.com/api/webhooks/",
                "ptb.discord.com/api/webhooks/", "outlook.office.com/webhook/", "contoso.webhook.office.com/webhookb2/",
                "www.example.com/", "hooks.example.org/"]
    with open(os.path.join(d, "hooks.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "note", "url"])
        for i in range(20000):
            u = "https://" + r.choice(prefixes) + "".join(r.choice("ABCDEFGHIJKLMNOPabcdef0123456789/") for _ in range(r.randint(10, 60)))
            w.writerow([i, "x" * r.randint(0, 70) + " hook " + u + " end", u])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    numbers(out)
    plain(out)
    application(out)
    hooks(out)
    for name in sorted(os.listdir(out)):
        if name.endswith(".csv"):
            wire(os.path.join(out, name), os.path.join(out, name[:-4] + ".wire"))
