#!/usr/bin/env python3
"""What `maskd serve` answers for a backend message stream, as a proxy would get it: one session (startup
and a simple Query first, so the rows are a described result), FILE sent in CUT-byte S frames (0: random
cuts of 1 to 100,000 bytes, seeded), the M payloads written to OUT; prints the session's (rows, findings).
Compare OUT across daemon builds, or with `maskd pipe < FILE`: RESULTS.md's "byte-identical through the
socket" checks.

    python3 Benchmarks/serve-output.py SOCKET FILE OUT [CUT]
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
from maskd_client import MaskdSession  # noqa: E402

if len(sys.argv) < 4:
    sys.exit(__doc__)
sock, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
cut = int(sys.argv[4]) if len(sys.argv) > 4 else 65536
data = open(path, "rb").read()
session = MaskdSession.connect(sock, {"user": "bench"})
body = b"user\0bench\0\0"
query = b"SELECT 1\0"
session.client_bytes(struct.pack(">II", 8 + len(body), 196608) + body + b"Q" + struct.pack(">I", 4 + len(query)) + query)
rng = random.Random(5)
pieces = []
i = 0
while i < len(data):
    n = cut if cut > 0 else rng.randint(1, 100000)
    pieces.append(session.server_bytes(data[i:i + n]))
    i += n
open(out, "wb").write(b"".join(pieces))
print(session.end())
