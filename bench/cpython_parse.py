"""CPython's side of bench/run.sh: ast.parse over the same files as parse_bench, single thread.

Reads every .py under DIR (sorted) into memory, then times ast.parse(bytes) of each file with
time.perf_counter (and time.process_time, CPU time), `--repeat` times, and prints JSON with the
best totals: {"files", "bytes", "seconds", "cpu_seconds", "bytes_per_second", "rejected"}. Bytes
count every file, as parse_bench does.
"""
import argparse
import ast
import json
import os
import sys
import time
import warnings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    paths = []
    for root, dirs, names in os.walk(args.directory):
        dirs.sort()
        paths += [os.path.join(root, n) for n in sorted(names) if n.endswith(".py")]
    sources = []
    for p in paths:
        with open(p, "rb") as f:
            sources.append(f.read())
    best = best_cpu = None
    rejected = 0
    for _ in range(args.repeat):
        total = cpu = 0.0
        rejected = 0
        for src in sources:
            c0 = time.process_time()
            t0 = time.perf_counter()
            try:
                ast.parse(src)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                rejected += 1
            total += time.perf_counter() - t0
            cpu += time.process_time() - c0
        best = total if best is None else min(best, total)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    size = sum(len(s) for s in sources)
    json.dump({"python": sys.version.split()[0], "files": len(sources), "bytes": size,
               "seconds": best, "cpu_seconds": best_cpu, "bytes_per_second": size / best if best else 0,
               "rejected": rejected}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
