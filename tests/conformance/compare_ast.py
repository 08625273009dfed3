"""Compares `ast2graph dump-ast` with CPython 3.13 on every .py file under a directory.

Run it through compare_ast.sh (which finds CPython 3.13 and the binary). One Python process does
all the oracle work: the main thread parses and dumps each file with CPython, while a pool of
threads runs our binary on the files (one process per file, `--jobs` at a time) and hashes its
output, so both cores are busy. Accepted files must be byte-identical to
ast.dump(ast.parse(bytes), include_attributes=True) + "\\n"; files CPython rejects must be rejected
by us on the same line (the messages are compared and reported separately). Prints
`identical N/M` and every differing file (the first differing line of the first --max-report of
them, from --indent 1 dumps), and exits 1 unless all M files are identical.
"""

import argparse
import ast
import concurrent.futures
import hashlib
import os
import subprocess
import sys
import time
import warnings

TIMEOUT = 120  # seconds for one file through our binary


def list_files(directory):
    files = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".py")]
    return files


def digest(data):
    return hashlib.sha256(data).hexdigest()


def parse_our_error(path, stderr):
    """(line, col, message) from `PATH:LINE:COL: SyntaxError: MESSAGE`, or None."""
    first = stderr.decode("utf-8", "replace").split("\n", 1)[0]
    prefix = path + ":"
    if not first.startswith(prefix):
        return None
    parts = first[len(prefix):].split(":", 2)
    if len(parts) != 3 or not parts[2].startswith(" SyntaxError: "):
        return None
    try:
        return int(parts[0]), int(parts[1]), parts[2][len(" SyntaxError: "):]
    except ValueError:
        return None


def run_ours(binary, path, indent=None):
    cmd = [binary, "dump-ast", path] + ([] if indent is None else ["--indent", str(indent)])
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "digest": None, "stderr": b"", "out": b""}
    return {"rc": p.returncode, "digest": digest(p.stdout), "stderr": p.stderr[:4000],
            "out": p.stdout if indent is not None else b""}


def oracle(path):
    """What CPython 3.13 makes of one file."""
    with open(path, "rb") as f:
        source = f.read()
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        return {"ok": False, "line": e.lineno or 0, "msg": e.msg}
    except (ValueError, RecursionError, MemoryError) as e:
        return {"ok": False, "line": None, "msg": f"{type(e).__name__}: {e}"}
    try:
        text = ast.dump(tree, include_attributes=True) + "\n"
    except ValueError as e:  # e.g. an int too large for repr(): CPython itself cannot dump it
        return {"ok": None, "msg": f"CPython cannot dump it: {e}"}
    return {"ok": True, "digest": digest(text.encode("utf-8", "surrogatepass"))}


def first_difference(binary, path):
    """The first line where --indent 1 dumps differ, as a short description."""
    with open(path, "rb") as f:
        want = ast.dump(ast.parse(f.read()), include_attributes=True, indent=1)
    want = want.encode("utf-8", "surrogatepass").split(b"\n")
    got = run_ours(binary, path, indent=1)
    if got["rc"] != 0:
        return f"--indent 1 run exited {got['rc']}"
    got = got["out"].rstrip(b"\n").split(b"\n")
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else b"<end of dump>"
        g = got[i] if i < len(got) else b"<end of dump>"
        if w != g:
            return (f"line {i + 1} of the --indent 1 dump: CPython {w.decode('utf-8', 'replace')!r}"
                    f" / ours {g.decode('utf-8', 'replace')!r}")
    return "only the one-line dump differs (the --indent 1 dumps agree)"


def short(stderr):
    return stderr.decode("utf-8", "replace").strip().split("\n", 1)[0][:200]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--bin", required=True, help="the ast2graph binary")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-report", type=int, default=30,
                        help="explain at most this many differing files")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # SyntaxWarnings of invalid escapes in the inputs
    sys.setrecursionlimit(10000)

    started = time.monotonic()
    files = list_files(args.directory)
    if not files:
        print(f"conformance: no .py files under {args.directory}")
        return 1
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    futures = [pool.submit(run_ours, args.bin, f) for f in files]
    expected = [oracle(f) for f in files]
    oracle_done = time.monotonic()
    ours = [fut.result() for fut in futures]
    pool.shutdown()

    identical = 0
    accepted = sum(1 for e in expected if e["ok"])
    rejected = sum(1 for e in expected if e["ok"] is False)
    same_line = same_message = 0
    problems = []     # (path, description, explain?) for files that count as different
    message_diffs = []
    for path, want, got in zip(files, expected, ours):
        rel = os.path.relpath(path, args.directory)
        rc = got["rc"]
        if want["ok"] is None:
            problems.append((rel, want["msg"], False))
        elif want["ok"]:
            if rc == 0 and got["digest"] == want["digest"]:
                identical += 1
            elif rc == 0:
                problems.append((path, "dump differs", True))
            elif rc == 1:
                problems.append((rel, f"CPython accepts, we reject: {short(got['stderr'])}", False))
            else:
                problems.append((rel, f"exit {rc}: {short(got['stderr'])}", False))
        else:
            ours_err = parse_our_error(path, got["stderr"]) if rc == 1 else None
            if rc == 0:
                problems.append((rel, f"CPython rejects (line {want['line']}: {want['msg']}), "
                                      "we accept", False))
            elif ours_err is None:
                problems.append((rel, f"CPython rejects (line {want['line']}: {want['msg']}), we "
                                      f"exit {rc}: {short(got['stderr'])}", False))
            elif ours_err[0] != want["line"]:
                problems.append((rel, f"both reject, on line {ours_err[0]} (ours) vs "
                                      f"{want['line']} (CPython: {want['msg']})", False))
            else:
                identical += 1
                same_line += 1
                if ours_err[2] == want["msg"]:
                    same_message += 1
                else:
                    message_diffs.append(f"{rel}:{want['line']}: CPython {want['msg']!r} / ours "
                                         f"{ours_err[2]!r}")

    total = len(files)
    print(f"conformance: {args.directory}: {total} files, {accepted} accepted and {rejected} "
          f"rejected by CPython 3.13 (oracle {oracle_done - started:.1f}s, "
          f"total {time.monotonic() - started:.1f}s, {args.jobs} jobs)")
    print(f"identical {identical}/{total}")
    print(f"rejected files: both reject on the same line {same_line}/{rejected}, "
          f"same message {same_message}/{rejected}")
    for d in message_diffs[: args.max_report]:
        print(f"  message differs: {d}")
    if problems:
        print(f"{len(problems)} differing file(s):")
        for i, (path, what, explain) in enumerate(problems):
            rel = os.path.relpath(path, args.directory) if os.path.isabs(path) else path
            if explain and i < args.max_report:
                what = f"{what}: {first_difference(args.bin, path)}"
            if i < args.max_report:
                print(f"  {rel}: {what[:600]}")
            else:
                print(f"  {rel}: {what[:120]}")
    return 0 if identical == total else 1


if __name__ == "__main__":
    sys.exit(main())
