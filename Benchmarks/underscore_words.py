#!/usr/bin/env python3
"""Counts, in a file, the '_' words (a word of 1-16 letters and digits right before an '_', after no letter
or digit) whose first two bytes start a token catalogue prefix (the pair bitmap lets them through), and
of those the ones whose first three bytes do too (the triple table's test, exactly: a two-byte prefix
passes any third byte), with the most frequent of each. The figures behind RESULTS.md's "a third of this
table's '_' words pass the pair" (2026-12-06, thirty-second session):

    head -c 8000000 ~/.cache/maskbench/none-32MB-seed42-*/activity.csv > /tmp/n8
    python3 Benchmarks/underscore_words.py /tmp/n8
"""
import collections
import re
import sys
from pathlib import Path

source = Path(__file__).resolve().parent.parent / "Sources/MaskEngine/Detect/TokenCatalogue.swift"
prefixes = [p.encode() for p in re.findall(r'TokenRule\("[^"]+",\s*"((?:[^"\\]|\\.)*)"', source.read_text())]
pairs = {p[:2] for p in prefixes}
triples = {p[:3] for p in prefixes if len(p) >= 3}
two_byte = {p for p in prefixes if len(p) == 2}
data = Path(sys.argv[1]).read_bytes()
words = re.findall(rb"(?<![A-Za-z0-9])([A-Za-z0-9]{1,16})_", data)
by_pair = collections.Counter(w for w in words if w[:2] in pairs)
by_triple = collections.Counter(w for w in by_pair.elements() if w[:3] in triples or w[:2] in two_byte)
print(f"'_' words: {len(words)}; pass the pair: {sum(by_pair.values())} {by_pair.most_common(6)}")
print(f"pass the pair and the first three bytes: {sum(by_triple.values())} {by_triple.most_common(6)}")
