#!/usr/bin/env python3
"""Writes the token catalogue's prefix tables as C (`mk_token_prefixes catalogue_prefixes`), for the C
harnesses that call mk_classify without the Swift engine (Benchmarks/stage1_candidates.c -DCATALOGUE):
the same pairs, triples, pair groups and 8-byte prefix words that TokenCatalogue.Index builds, read from
the `TokenRule("name", "prefix", ...)` lines of TokenCatalogue.swift.

    python3 Benchmarks/catalogue_prefixes.py > /tmp/catalogue_prefixes.c
"""
import re
import sys
from pathlib import Path

source = Path(__file__).resolve().parent.parent / "Sources/MaskEngine/Detect/TokenCatalogue.swift"
text = source.read_text()
prefixes = re.findall(r'TokenRule\("[^"]+",\s*"((?:[^"\\]|\\.)*)"', text)
# Every rule is written on one line as `TokenRule("name", "prefix", …)`, without escapes: a rule written
# otherwise would be missing here, so the count must be the number of rules.
if len(prefixes) != text.count("TokenRule(\"") or any("\\" in p for p in prefixes):
    sys.exit("catalogue_prefixes.py: a TokenRule line it cannot read")
order = sorted(range(len(prefixes)), key=lambda k: (prefixes[k].encode()[0], prefixes[k].encode()[1], k))
words, pairs, triples = [], [0] * 1024, [0] * 512
for k in order:
    raw = prefixes[k].encode()
    word = sum(b << (8 * i) for i, b in enumerate(raw[:8]))
    mask = sum(0xFF << (8 * i) for i in range(min(8, len(raw))))
    words.append((word, mask, k))
    pair = word & 0xFFFF
    pairs[pair >> 6] |= 1 << (pair & 63)
    # mk_prefix_triple_bit of the first three bytes; every third byte (and zero) for a two-byte prefix.
    for third in ([raw[2]] if len(raw) >= 3 else range(256)):
        bit = (((pair | third << 16) * 0x9E3779B1) & 0xFFFFFFFF) >> 17
        triples[bit >> 6] |= 1 << (bit & 63)
# Each pair's run of words, in the hash table mk_prefix_pair_slot indexes (linear probing, key 0 empty).
SLOTS = 512
pair_keys, pair_groups = [0] * SLOTS, [[0, 0] for _ in range(SLOTS)]
k = 0
while k < len(words):
    pair = words[k][0] & 0xFFFF
    end = k + 1
    while end < len(words) and words[end][0] & 0xFFFF == pair:
        end += 1
    slot = ((pair * 0x9E3779B1) & 0xFFFFFFFF) >> 23 & (SLOTS - 1)
    while pair_keys[slot] != 0:
        slot = (slot + 1) & (SLOTS - 1)
    pair_keys[slot], pair_groups[slot] = pair, [k, end - k]
    k = end
print('#include "mask_kernels.h"')
print(f"// {len(prefixes)} prefixes of {source.name}")
print("static const uint64_t pairs[1024] = {" + ", ".join(f"0x{x:x}ULL" for x in pairs) + "};")
print(f"static const mk_prefix_word words[{len(words)}] = {{"
      + ", ".join(f"{{0x{w:x}ULL, 0x{m:x}ULL, {k}}}" for w, m, k in words) + "};")
print("static const uint16_t pair_keys[512] = {" + ", ".join(str(x) for x in pair_keys) + "};")
print("static const mk_prefix_group pair_groups[512] = {" + ", ".join(f"{{{s}, {c}}}" for s, c in pair_groups) + "};")
print("static const uint64_t triples[512] = {" + ", ".join(f"0x{x:x}ULL" for x in triples) + "};")
print("const mk_token_prefixes catalogue_prefixes = {pairs, words, pair_keys, pair_groups, triples};")
