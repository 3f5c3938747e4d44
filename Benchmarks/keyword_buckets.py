#!/usr/bin/env python3
"""The credential-keyword filter of stage 1 (classify.c, KEYWORD_LO/KEYWORD_HI): what a grouping of its
24 literals into eight Teddy buckets lets through, and how often it fires on files.

    python3 Benchmarks/keyword_buckets.py                 # the two groupings' shares; the tables checked
    python3 Benchmarks/keyword_buckets.py FILE...         # and, per file, hits a KB and how many are literals

The share is corpus-free: for each bucket, the product over the literal's four positions of the English
frequency of the letters its nibble tables admit there (1 where a shorter literal leaves the position
open), summed over the buckets. The hit counts read the files with the tables from classify.c (numpy).
"""
import re
import sys
from pathlib import Path

LITERALS = "pw sig sid sas psk pin api key dsn pass secr sess salt cred conn cert cook auth acce toke hmac bear lice valu".split()
BEFORE = [["pw"], ["sig", "sid", "sas"], ["psk", "pin", "api"], ["key", "dsn"], ["pass", "secr", "sess", "salt"],
          ["cred", "conn", "cert", "cook"], ["auth", "acce", "toke"], ["hmac", "bear", "lice", "valu"]]
NOW = [["dsn", "psk"], ["pass", "secr", "sas", "sess", "valu", "salt"], ["hmac", "lice", "acce", "toke"],
       ["pin", "sig", "sid"], ["pw"], ["api", "auth"], ["key", "bear"], ["cred", "cook", "cert", "conn"]]
FREQUENCY = dict(e=12.7, t=9.1, a=8.2, o=7.5, i=7.0, n=6.7, s=6.3, h=6.1, r=6.0, d=4.3, l=4.0, c=2.8, u=2.8,
                 m=2.4, w=2.4, f=2.2, g=2.0, y=2.0, p=1.9, b=1.5, v=1.0, k=0.8, j=0.15, x=0.15, q=0.1, z=0.07)


def tables(groups):
    lo, hi = [[0] * 16 for _ in range(4)], [[0] * 16 for _ in range(4)]
    for j, group in enumerate(groups):
        for k in range(4):
            for word in group:
                if k < len(word):
                    b = ord(word[k]) | 0x20
                    lo[k][b & 15] |= 1 << j
                    hi[k][b >> 4] |= 1 << j
                else:   # past a short literal's end: any byte
                    for n in range(16):
                        lo[k][n] |= 1 << j
                        hi[k][n] |= 1 << j
    return lo, hi


def share(groups):
    total = sum(FREQUENCY.values())
    result = 0.0
    for group in groups:
        p = 1.0
        for k in range(4):
            if any(k >= len(w) for w in group):
                continue
            lo, hi = {ord(w[k]) & 15 for w in group}, {ord(w[k]) >> 4 for w in group}
            p *= sum(f for c, f in FREQUENCY.items() if (ord(c) & 15) in lo and (ord(c) >> 4) in hi) / total
        result += p
    return result


def kernel_tables():
    source = (Path(__file__).resolve().parent.parent / "Sources/CMaskKernels/classify.c").read_text()
    found = []
    for name in ("KEYWORD_LO", "KEYWORD_HI"):
        body = re.search(name + r"\[4\]\[16\] = \{(.*?)\n\};", source, re.S).group(1)
        rows = re.findall(r"\{([^}]*)\}", body)
        found.append([[int(x, 16) for x in row.split(",")] for row in rows])
    return found


assert sorted(w for g in NOW for w in g) == sorted(LITERALS) == sorted(w for g in BEFORE for w in g)
print(f"share of English-weighted 4-letter strings let through: before {100 * share(BEFORE):.2f} %, "
      f"now {100 * share(NOW):.2f} %")
lo, hi = kernel_tables()
print("classify.c's tables are NOW's:", (lo, hi) == tables(NOW))


def kernel_literals():
    """The literals classify.c's exact check (`keyword_literal_at`) compares a hit with."""
    source = (Path(__file__).resolve().parent.parent / "Sources/CMaskKernels/classify.c").read_text()
    body = re.search(r"static inline int keyword_literal_at\(.*?\n\}\n", source, re.S).group(0)
    return sorted("".join(re.findall(r"'(\w)'", call)) for call in re.findall(r"KW\d\(([^)]*)\)", body))


print("classify.c's exact literals are LITERALS:", kernel_literals() == sorted(LITERALS))

if len(sys.argv) > 1:
    import numpy as np
    LO, HI = np.array(lo, dtype=np.uint8), np.array(hi, dtype=np.uint8)
    for path in sys.argv[1:]:
        b = np.frombuffer(Path(path).read_bytes() + b"\0\0\0", dtype=np.uint8)
        f = b | 0x20
        n = len(b) - 3
        hits = np.full(n, 0xFF, dtype=np.uint8)
        for k in range(4):
            fk = f[k:k + n]
            hits &= LO[k][fk & 15] & HI[k][fk >> 4]
        at = np.nonzero(hits)[0]
        literals = 0
        for i in at:
            window = bytes(f[i:i + 4])
            literals += any(window.startswith(w.encode()) for w in LITERALS)
        print(f"{path}: {1000 * len(at) / n:.1f} hits a KB, {100 * literals / max(1, len(at)):.0f} % of them literals")
