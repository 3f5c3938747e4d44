#!/usr/bin/env python3
"""A plain FF1 (NIST SP 800-38G, section 5.1) with Python's unbounded integers: the oracle for the C
kernel's radixes and lengths beyond NIST's samples.

It is written straight from the algorithm's steps, with none of the kernel's shortcuts (one-block
rounds, 128-bit arithmetic), so the two share no code and no idea beyond the standard. It checks
itself against all nine NIST samples (AES-128, -192 and -256; radix 10 and 36), then prints the
vectors `FF1Tests.referenceVectors` holds: AES-128 under the NIST sample key, radix 10, 36 and 62,
with one- and multi-block tweaks, at lengths up to the kernel's limit.

It also prints `FF1Tests.cardLengthVectors`: radix 10 at 15 to 19 numerals, the lengths of card
payloads (a 16- to 19-digit card less its check digit) and one past them, under the tweaks the
tokenizer uses (one byte, 0x02 for cards and 0x03 for SSNs) and a two-byte one. Lengths 15-18 have
b = 4 (the layout the kernel's 64-bit rounds read as NUM(B) in the block's last word), 19 has b = 5.

Last, `FF1Tests.boundaryVectors`: for radix 10, 28, 36 and 62, the two longest lengths whose halves
stay below 2^48 (the kernel's 64-bit rounds) and the two shortest past them (its 128-bit rounds).

Usage: python3 Tests/Vectors/ff1_reference.py   (needs the `cryptography` package)
"""
import math
import random

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def aes_block(key, block):
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def prf(key, data):
    # CBC-MAC with a zero IV: the last block of CBC encryption.
    y = bytes(16)
    for j in range(0, len(data), 16):
        y = aes_block(key, bytes(a ^ b for a, b in zip(y, data[j:j + 16])))
    return y


def num(numerals, radix):
    x = 0
    for v in numerals:
        x = x * radix + v
    return x


def str_m(x, radix, m):
    out = []
    for _ in range(m):
        out.append(x % radix)
        x //= radix
    return out[::-1]


def byte_length(radix, v):
    # b = ceil(ceil(v * log2(radix)) / 8), as SP 800-38G writes it (floating point), checked against
    # the exact integer form: the bytes of radix^v - 1.
    literal = math.ceil(math.ceil(v * math.log2(radix)) / 8)
    exact = ((radix ** v - 1).bit_length() + 7) // 8
    assert literal == exact, (radix, v, literal, exact)
    return literal


def ff1(key, tweak, radix, numerals):
    # Algorithm 7 (FF1.Encrypt), step by step.
    n = len(numerals)
    t = len(tweak)
    u = n // 2
    v = n - u
    a, b = list(numerals[:u]), list(numerals[u:])
    beta = byte_length(radix, v)
    d = 4 * math.ceil(beta / 4) + 4
    p = bytes([1, 2, 1]) + radix.to_bytes(3, "big") + bytes([10, u % 256]) + n.to_bytes(4, "big") + t.to_bytes(4, "big")
    for i in range(10):
        q = tweak + bytes((-t - beta - 1) % 16) + bytes([i]) + num(b, radix).to_bytes(beta, "big")
        r = prf(key, p + q)
        s = r
        j = 1
        while len(s) < d:
            s += aes_block(key, bytes(x ^ y for x, y in zip(r, j.to_bytes(16, "big"))))
            j += 1
        y = int.from_bytes(s[:d], "big")
        m = u if i % 2 == 0 else v
        c = (num(a, radix) + y) % radix ** m
        a, b = b, str_m(c, radix, m)
    return a + b


def ff1_decrypt(key, tweak, radix, numerals):
    # Algorithm 8 (FF1.Decrypt), step by step.
    n = len(numerals)
    t = len(tweak)
    u = n // 2
    v = n - u
    a, b = list(numerals[:u]), list(numerals[u:])
    beta = byte_length(radix, v)
    d = 4 * math.ceil(beta / 4) + 4
    p = bytes([1, 2, 1]) + radix.to_bytes(3, "big") + bytes([10, u % 256]) + n.to_bytes(4, "big") + t.to_bytes(4, "big")
    for i in range(9, -1, -1):
        q = tweak + bytes((-t - beta - 1) % 16) + bytes([i]) + num(a, radix).to_bytes(beta, "big")
        r = prf(key, p + q)
        s = r
        j = 1
        while len(s) < d:
            s += aes_block(key, bytes(x ^ y for x, y in zip(r, j.to_bytes(16, "big"))))
            j += 1
        y = int.from_bytes(s[:d], "big")
        m = u if i % 2 == 0 else v
        c = (num(b, radix) - y) % radix ** m
        a, b = str_m(c, radix, m), a
    return a + b


ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
K128 = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")
K192 = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F")
K256 = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94")
T10 = bytes.fromhex("39383736353433323130")
T11 = bytes.fromhex("3737373770717273373737")
NIST = [
    (1, K128, b"", 10, "0123456789", "2433477484"),
    (2, K128, T10, 10, "0123456789", "6124200773"),
    (3, K128, T11, 36, "0123456789abcdefghi", "a9tv40mll9kdu509eum"),
    (4, K192, b"", 10, "0123456789", "2830668132"),
    (5, K192, T10, 10, "0123456789", "2496655549"),
    (6, K192, T11, 36, "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"),
    (7, K256, b"", 10, "0123456789", "6657667009"),
    (8, K256, T10, 10, "0123456789", "1001623463"),
    (9, K256, T11, 36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"),
]


def text(numerals):
    return "".join(ALPHABET[v] for v in numerals)


def numerals(s):
    return [ALPHABET.index(c) for c in s]


def main():
    for sample, key, tweak, radix, plain, cipher in NIST:
        got = text(ff1(key, tweak, radix, numerals(plain)))
        assert got == cipher, f"NIST sample {sample}: {got} != {cipher}"
        assert text(ff1_decrypt(key, tweak, radix, numerals(cipher))) == plain, f"NIST sample {sample} decrypt"
    print("# NIST FF1 samples 1-9: all pass (encrypt and decrypt)")
    r = random.Random(38)
    cases = []
    for radix, lengths in [(10, [6, 19, 36, 72]), (36, [4, 19, 37, 46]), (28, [2, 5, 48]),
                           (62, [2, 3, 4, 5, 16, 21, 32, 33, 39, 40])]:
        for n in lengths:
            for tweak in [bytes([0x53, 0x01]), bytes(range(1, 21))]:
                plain = [r.randrange(radix) for _ in range(n)]
                cipher = ff1(K128, tweak, radix, plain)
                assert ff1_decrypt(K128, tweak, radix, cipher) == plain
                cases.append((radix, tweak.hex(), text(plain), text(cipher)))
    for radix, tweak, plain, cipher in cases:
        print(f'({radix}, "{tweak}", "{plain}", "{cipher}"),')
    print("# cardLengthVectors: radix 10, 15-19 numerals (b = 4 up to 18, 5 at 19)")
    r = random.Random(16)
    for n in range(15, 20):
        assert byte_length(10, n - n // 2) == (4 if n <= 18 else 5)
        for tweak in [bytes([0x02]), bytes([0x03]), bytes([0x53, 0x01])]:
            for _ in range(2):
                plain = [r.randrange(10) for _ in range(n)]
                cipher = ff1(K128, tweak, 10, plain)
                assert ff1_decrypt(K128, tweak, 10, cipher) == plain
                print(f'("{tweak.hex()}", "{text(plain)}", "{text(cipher)}"),')
    print("# boundaryVectors: the last length whose halves stay below 2^48 and the first past it")
    r = random.Random(48)
    for radix in [10, 28, 36, 62]:
        last_small = max(n for n in range(2, 80) if radix ** (n - n // 2) < 2 ** 48)
        for n in range(last_small - 1, last_small + 3):
            for tweak in [bytes([0x02]), bytes(range(1, 21))]:
                plain = [r.randrange(radix) for _ in range(n)]
                cipher = ff1(K128, tweak, radix, plain)
                assert ff1_decrypt(K128, tweak, radix, cipher) == plain
                print(f'({radix}, "{tweak.hex()}", "{text(plain)}", "{text(cipher)}"),')
    print("# wideVectors: every length past the 2^48 boundary up to the kernel's longest, two-byte tweaks")
    r = random.Random(120)
    longest = {10: 72, 28: 48, 36: 46, 62: 40}
    for radix in [10, 28, 36, 62]:
        first_wide = min(n for n in range(2, 80) if radix ** (n - n // 2) >= 2 ** 48)
        for n in range(first_wide, longest[radix] + 1):
            tweak = bytes([0x40 | r.randrange(64), r.randrange(256)])
            shape = r.randrange(4)
            # Extremes as well as random numerals: every numeral at radix - 1 gives halves of radix^m - 1.
            if shape == 0:
                plain = [radix - 1] * n
            elif shape == 1:
                plain = [0] * n
            else:
                plain = [r.randrange(radix) for _ in range(n)]
            cipher = ff1(K128, tweak, radix, plain)
            assert ff1_decrypt(K128, tweak, radix, cipher) == plain
            print(f'({radix}, "{tweak.hex()}", "{text(plain)}", "{text(cipher)}"),')


if __name__ == "__main__":
    main()
