"""Syntax errors on broken real code: the same line as CPython 3.13, always (DESIGN.md section 2).

Usage: python3.13 mutated_errors.py AST2GRAPH [--seed N] [--count N]

Takes standard-library files, breaks each one at a random place (delete a byte, insert a bracket,
quote, colon, comma, newline or tab, cut a run of bytes; fixed seed, so every run sees the same
mutants), keeps the mutants CPython's ast.parse rejects, and runs `ast2graph dump-ast` on each.
Fails when any error is reported on a different line than CPython's; a different message is
reported but allowed (DESIGN.md asks for CPython's message "where practical").
"""

import argparse
import ast
import os
import random
import subprocess
import sys
import sysconfig
import tempfile
import warnings

INSERTS = [b"(", b")", b"[", b"{", b":", b"'", b'"', b"\n ", b"=", b",", b"\t"]


def mutate(rng, src):
    pos = rng.randrange(len(src))
    kind = rng.randrange(3)
    if kind == 0:
        return src[:pos] + src[pos + 1:]
    if kind == 1:
        return src[:pos] + rng.choice(INSERTS) + src[pos:]
    return src[:pos] + src[min(len(src), pos + rng.randrange(1, 40)):]


def ours(binary, path):
    """(line, message) of ast2graph's `PATH:LINE:COL: SyntaxError: MESSAGE`, or None."""
    r = subprocess.run([binary, "dump-ast", path], capture_output=True)
    first = r.stderr.decode("utf-8", "replace").split("\n")[0]
    if r.returncode != 1 or not first.startswith(path + ":"):
        return None
    line, _col, rest = first[len(path) + 1:].split(":", 2)
    return int(line), rest.split("Error: ", 1)[-1].strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--show-messages", action="store_true",
                    help="also list the mutants reported on CPython's line with another message")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    lib = sysconfig.get_path("stdlib")
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(lib) if "site-packages" not in d
                   for f in fs if f.endswith(".py"))
    rng = random.Random(args.seed)
    rejected = same = other_message = 0
    wrong_line = []
    message_diffs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.count):
            path = rng.choice(files)
            with open(path, "rb") as f:
                src = f.read()
            if len(src) < 10:
                continue
            mutant = mutate(rng, src)
            try:
                ast.parse(mutant)
                continue
            except SyntaxError as e:
                expected = (e.lineno, e.msg)
            except (ValueError, MemoryError, RecursionError):
                continue
            case = os.path.join(tmp, f"mutant{i}.py")
            with open(case, "wb") as f:
                f.write(mutant)
            got = ours(args.binary, case)
            rejected += 1
            rel = os.path.relpath(path, lib)
            if got is None or got[0] != expected[0]:
                wrong_line.append(f"{rel} (mutant {i}): CPython line {expected[0]} "
                                  f"'{expected[1]}', ours {got}")
            elif got[1] != expected[1]:
                other_message += 1
                message_diffs.append(f"{rel} (mutant {i}) line {expected[0]}: CPython "
                                     f"'{expected[1]}', ours '{got[1]}'")
            else:
                same += 1
    print(f"{rejected} rejected mutants: {same} identical, {other_message} same line with "
          f"another message, {len(wrong_line)} on another line")
    for w in wrong_line:
        print("  " + w)
    if args.show_messages:
        for m in message_diffs:
            print("  message: " + m)
    return 1 if wrong_line or rejected < args.count // 4 else 0


if __name__ == "__main__":
    sys.exit(main())
