#!/usr/bin/env python3
"""An orders table whose customers repeat: what the session token cache is for.

Each row holds a customer's email and card (Luhn-valid), drawn at random from CUSTOMERS customers, so
every value comes back about ROWS / CUSTOMERS times, far apart. Seeded: the same arguments give the
same bytes.

    python3 Benchmarks/orders-corpus.py OUT.csv [CUSTOMERS=2000] [ROWS=600000] [SEED=5]

RESULTS.md times `maskd pipe --threads 1` on it with and without the cache (a build whose
TokenCache.defaultSlotCount is 0).
"""
import random
import sys


def luhn_complete(payload):
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return payload + str((10 - total % 10) % 10)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    customers = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 600000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 5)
    people = []
    for i in range(customers):
        name = rng.choice(["ann", "bob", "cho", "dee", "eli"])
        domain = rng.choice(["gmail.com", "corp.example.org", "yahoo.co.jp"])
        card = luhn_complete("4" + "".join(rng.choice("0123456789") for _ in range(14)))
        people.append((f"{name}.{i}@{domain}", card))
    with open(out, "w") as f:
        f.write("id,customer_email,card,amount,status,note\n")
        for i in range(rows):
            email, card = rng.choice(people)
            status = rng.choice(["paid", "refunded", "pending"])
            f.write(f"{i},{email},{card},{rng.randint(100, 99999) / 100},{status},order placed via web\n")


if __name__ == "__main__":
    main()
