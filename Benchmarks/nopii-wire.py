#!/usr/bin/env python3
"""A backend message stream with no PII at all (ids, timestamps, amounts, words), for latency and
throughput figures where the engine finds nothing: one RowDescription, DataRows up to the size asked
for, CommandComplete, ReadyForQuery.

Usage: Benchmarks/nopii-wire.py OUT [MB] (default 20)."""
import random
import struct
import sys


def message(kind, payload):
    return kind + struct.pack(">i", len(payload) + 4) + payload


def main():
    out_path = sys.argv[1]
    target = int(float(sys.argv[2]) * 1_000_000) if len(sys.argv) > 2 else 20_000_000
    r = random.Random(3)
    fields = [("id", 23), ("created", 1184), ("amount", 1700), ("status", 25), ("note", 25)]
    p = struct.pack(">h", len(fields))
    for i, (name, oid) in enumerate(fields):
        p += name.encode() + b"\0" + struct.pack(">ihihih", 16384, i + 1, oid, -1, -1, 0)
    out = [message(b"T", p)]
    words = ["shipped", "pending", "refund", "ok", "delayed", "backorder", "priority", "gift", "wrap", "express"]
    size = 0
    i = 0
    while size < target:
        i += 1
        cells = [str(i), "2024-%02d-%02d 10:%02d:00+00" % (r.randint(1, 12), r.randint(1, 28), r.randint(0, 59)),
                 "%d.%02d" % (r.randint(1, 999), r.randint(0, 99)), r.choice(words),
                 " ".join(r.choice(words) for _ in range(12))]
        row = struct.pack(">h", len(cells)) + b"".join(struct.pack(">i", len(c)) + c.encode() for c in cells)
        m = message(b"D", row)
        out.append(m)
        size += len(m)
    out.append(message(b"C", b"SELECT %d\0" % i))
    out.append(message(b"Z", b"I"))
    with open(out_path, "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    main()
