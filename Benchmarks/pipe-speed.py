#!/usr/bin/env python3
"""Wall-clock and CPU speed of `maskd pipe --threads 1` on each FILE: the best of RUNS runs (default 3)
of each, in MB/s of the file's bytes. The CPU figure is the child's user + system time (`os.wait4`),
both threads counted, so `wall > cpu` means the reader and the worker overlapped.

Usage: [RUNS=N] [MASKD_CPU=avx2] Benchmarks/pipe-speed.py MASKD_BINARY FILE...
MASKD_TOKEN_KEY is set to a fixed test key when the environment has none; MASKD_CPU and the other
environment variables pass through to maskd (RESULTS.md compares paths with MASKD_CPU=avx2)."""
import os
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, files = sys.argv[1], sys.argv[2:]
    runs = int(os.environ.get("RUNS", "3"))
    env = dict(os.environ)
    env.setdefault("MASKD_TOKEN_KEY", "0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100ff0")
    for path in files:
        size = os.path.getsize(path)
        best_wall = best_cpu = float("inf")
        for _ in range(runs):
            with open(path, "rb") as source, open(os.devnull, "wb") as sink:
                start = time.perf_counter()
                child = subprocess.Popen([binary, "pipe", "--threads", "1"], stdin=source, stdout=sink,
                                         stderr=subprocess.DEVNULL, env=env)
                _, status, usage = os.wait4(child.pid, 0)
                wall = time.perf_counter() - start
            if status != 0:
                sys.exit(f"{binary} pipe failed on {path} (status {status})")
            best_wall = min(best_wall, wall)
            best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
        print(f"{os.path.basename(path):24s} {size / 1e6:8.1f} MB  wall {size / 1e6 / best_wall:8.1f} MB/s"
              f"  cpu {size / 1e6 / best_cpu:8.1f} MB/s", flush=True)


if __name__ == "__main__":
    main()
