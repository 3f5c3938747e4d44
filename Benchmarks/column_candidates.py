#!/usr/bin/env python3
"""A CSV file's first ROWS records laid out as the engine's column batches copy them (mk_text_gather):
fields copied as they lie with the bytes between them, a zero byte where a run of them ends, and each
value with doubled quotes unquoted apart, a zero byte after it. Written for
Benchmarks/column_candidates.c as one binary record: the byte count, the value count, the bytes, then
each value's column, start and end (little-endian 32-bit integers).

    python3 Benchmarks/column_candidates.py FILE.csv [ROWS] | /tmp/column_candidates
"""
import struct
import sys

data = open(sys.argv[1], "rb").read()
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
# The raw fields of each record: (start, end, quoted, doubled), RFC 4180 quoting.
records, fields, i, start, n = [], [], 0, 0, len(data)
quoted = doubled = False
inside = False
while i <= n and len(records) <= rows:
    b = data[i] if i < n else None
    if inside:
        if b == 0x22 and i + 1 < n and data[i + 1] == 0x22:
            doubled = True
            i += 2
            continue
        if b == 0x22:
            inside = False
        i += 1
        continue
    if b == 0x22 and i == start:
        inside, quoted = True, True
        i += 1
        continue
    if b in (0x2C, 0x0A, None):
        end = i - 1 if b == 0x0A and i > start and data[i - 1] == 0x0D else i
        fields.append((start, end, quoted, doubled))
        if b != 0x2C:
            records.append(fields)
            fields = []
        if b is None:
            break
        start, quoted, doubled = i + 1, False, False
    i += 1
out, values, run = bytearray(b"\0"), [], None   # run: (chunk start, out start) of the open run
for record in records[1:rows + 1]:   # the header is not a row
    for column, (s, e, q, d) in enumerate(record):
        if d:
            if run is not None:
                out.append(0)
                run = None
            value = data[s + 1:e - 1].replace(b'""', b'"')
            values.append((column, len(out), len(out) + len(value)))
            out += value + b"\0"
            continue
        if run is None:
            run = (s, len(out))
            out += data[s:e]
        else:
            out += data[len(out) - run[1] + run[0]:e]
        at = run[1] + (s - run[0])
        values.append((column, at + q, at + (e - s) - q))
if run is not None:
    out.append(0)
sys.stdout.buffer.write(struct.pack("<II", len(out), len(values)) + bytes(out))
sys.stdout.buffer.write(b"".join(struct.pack("<iii", *v) for v in values))
