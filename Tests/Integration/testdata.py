"""Helpers the integration scripts' data generators share (imported from their Python heredocs)."""


def luhn_complete(r, prefix, n):
    """A Luhn-valid number of `n` digits starting with `prefix`, the middle digits drawn from `r`."""
    digits = [int(c) for c in prefix] + [r.randrange(10) for _ in range(n - len(prefix) - 1)]
    s = 0
    for i, v in enumerate(reversed(digits)):
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        s += v
    return "".join(map(str, digits)) + str((10 - s % 10) % 10)
