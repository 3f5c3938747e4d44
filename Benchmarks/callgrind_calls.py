#!/usr/bin/env python3
"""Calls of the named functions in a callgrind profile, and the callers that made them (most first): the
`swift_retain` / `swift_release` counts in Benchmarks/RESULTS.md.

    strip --strip-debug -o /tmp/maskd.s .build/release/maskd   # valgrind cannot read the static binary's DWARF
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out /tmp/maskd.s pipe --threads 1 < FILE > /dev/null
    python3 Benchmarks/callgrind_calls.py /tmp/cg.out swift_retain swift_release
"""
import collections
import re
import sys

if len(sys.argv) < 3:
    sys.exit(__doc__)
names, counts = {}, collections.Counter()
current = pending = None
with open(sys.argv[1]) as profile:
    for line in profile:
        m = re.match(r'^(c?fn)=\((\d+)\)(?: (.*))?$', line)
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3).strip()
            if m.group(1) == 'fn':
                current = m.group(2)
            else:
                pending = m.group(2)
            continue
        m = re.match(r'^calls=(\d+)', line)
        if m and pending is not None:
            counts[(current, pending)] += int(m.group(1))
            pending = None
for target in sys.argv[2:]:
    rows = sorted(((n, names.get(caller, caller)) for (caller, callee), n in counts.items()
                   if names.get(callee) == target), reverse=True)
    print(f"{target}: {sum(n for n, _ in rows)} calls")
    for n, caller in rows[:10]:
        print(f"  {n:>10}  {caller[:120]}")
