"""CPython 3.13's symtable in the layout of `ast2graph dump-scopes` (DESIGN.md section 2).

The reference printer of the scope tests. For each file, `symtable.symtable(bytes, path, "exec")`
(the bytes are decoded as compile() decodes them), then one line per table, then one per symbol,
depth-first:

  <2*d spaces><table type> <table name> <lineno>
  <2*d+2 spaces><symbol name>: <flags>

table type is SymbolTable.get_type() (module, function, class, annotation, type alias,
type parameters, type variable), children in get_children() order, symbols sorted by the UTF-8
bytes of their name, flags the true ones of referenced imported parameter global nonlocal
declared_global local annotated free assigned namespace, in that order, joined by one space.
A symbol with no true flag would print "NAME: " (CPython 3.13 produces none in practice).

A file CPython rejects (its parser or its symbol table) gives, as `ast2graph dump-scopes` prints
on stderr and tools/gen_snapshots.py formats it:
  PATH:LINE:COL: SyntaxError: MSG      LINE = lineno (0 when None), COL = offset (0 when < 1)
  TEXT                                 the source line, if CPython has it
  CARET                                COL - 1 spaces and '^'
Symbol-table errors give COL as a UTF-8 byte offset + 1 (CPython does not convert those to
characters) and read TEXT from the file at PATH.

Usage (Python 3.13):
  symtable_ref.py FILE...                 print each file's reference (errors on stdout too)
  symtable_ref.py --write-snapshots DIR   DIR/NAME.py -> NAME.py.scopes (or NAME.py.err + "[exit 1]")
  symtable_ref.py --check-snapshots DIR   compare those snapshots with CPython, write nothing
  symtable_ref.py --compare BIN DIR       every .py under DIR through `BIN dump-scopes` and through
                                          CPython in this one process: prints `identical N/M`
"""

import argparse
import concurrent.futures
import os
import subprocess
import sys
import symtable
import warnings

FLAGS = ("referenced", "imported", "parameter", "global", "nonlocal", "declared_global", "local",
         "annotated", "free", "assigned", "namespace")
TIMEOUT = 120  # seconds for one file through our binary


def dump_table(top):
    out = []
    stack = [(top, 0)]
    while stack:
        table, depth = stack.pop()
        out.append(f"{'  ' * depth}{table.get_type()} {table.get_name()} {table.get_lineno()}\n")
        names = sorted(table.get_identifiers(), key=lambda n: n.encode("utf-8", "surrogatepass"))
        for name in names:
            sym = table.lookup(name)
            flags = " ".join(f for f in FLAGS if getattr(sym, "is_" + f)())
            out.append(f"{'  ' * (depth + 1)}{name}: {flags}\n")
        stack.extend((child, depth + 1) for child in reversed(table.get_children()))
    return "".join(out)


def format_error(path, e):
    line = e.lineno or 0
    col = e.offset if e.offset is not None and e.offset > 0 else 0
    out = f"{path}:{line}:{col}: SyntaxError: {e.msg}\n"
    if e.text is not None:
        text = e.text.split("\n")[0]
        out += text + "\n" + " " * max(col - 1, 0) + "^\n"
    return out


def reference(path, name=None):
    """(0, stdout) or (1, stderr) of `dump-scopes` for the file at `path`, printed as `name`."""
    name = name or path
    with open(path, "rb") as f:
        data = f.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            top = symtable.symtable(data, path, "exec")
    except SyntaxError as e:
        return 1, format_error(name, e)
    except (ValueError, RecursionError, MemoryError) as e:  # NUL bytes, too deep
        return 1, f"{name}:0:0: SyntaxError: {e}\n"
    return 0, dump_table(top)


def snapshot_cases(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".py"))


def expected_snapshots(directory):
    """{file name: content} of the snapshots CPython gives for DIR/*.py (run inside DIR)."""
    files = {}
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        for name in snapshot_cases("."):
            rc, text = reference(name)
            if rc == 0:
                files[name + ".scopes"] = text
            else:
                files[name + ".err"] = text + "[exit 1]\n"
    finally:
        os.chdir(cwd)
    return files


def write_snapshots(directory):
    for snap, text in expected_snapshots(directory).items():
        for stale in (".scopes", ".err"):
            other = os.path.join(directory, snap.rsplit(".", 1)[0] + stale)
            if other != os.path.join(directory, snap) and os.path.exists(other):
                os.remove(other)
        with open(os.path.join(directory, snap), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"wrote the snapshots of {len(snapshot_cases(directory))} cases in {directory}")
    return 0


def check_snapshots(directory):
    bad = 0
    expected = expected_snapshots(directory)
    for snap, text in expected.items():
        path = os.path.join(directory, snap)
        try:
            with open(path, encoding="utf-8", newline="") as f:
                have = f.read()
        except OSError:
            have = None
        if have != text:
            print(f"FAIL {path}: differs from CPython {sys.version.split()[0]}")
            bad += 1
    cases = snapshot_cases(directory)
    print(f"snapshots matching CPython: {len(cases) - bad}/{len(cases)}")
    return 1 if bad else 0


def list_files(directory):
    files = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        dirs[:] = [d for d in dirs if d not in ("site-packages", "__pycache__")]
        files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".py")]
    return files


def run_ours(binary, path):
    try:
        p = subprocess.run([binary, "dump-scopes", path], capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, b"", b"timeout"


def first_line(data):
    return data.decode("utf-8", "replace").split("\n", 1)[0]


def compare(binary, directory, jobs, max_report):
    files = list_files(directory)
    identical = 0
    rejected_both = 0
    message_differs = []
    differing = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        ours = {path: pool.submit(run_ours, binary, path) for path in files}
        for path in files:
            rc, text = reference(path)
            our_rc, out, err = ours[path].result()
            if rc == 0:
                if our_rc == 0 and out == text.encode("utf-8"):
                    identical += 1
                    continue
                differing.append((path, text, our_rc, out, err))
                continue
            # Rejected by CPython: we must reject it on the same line; the message is reported
            # separately (the parser's messages are checked by the dump-ast tests).
            want = text.split("\n", 1)[0]
            got = first_line(err)
            same_line = our_rc == 1 and want.split(": SyntaxError:")[0] == got.split(": SyntaxError:")[0]
            if same_line:
                identical += 1
                rejected_both += 1
                if want != got:
                    message_differs.append((path, want, got))
            else:
                differing.append((path, text, our_rc, out, err))
    for path, text, our_rc, out, err in differing[:max_report]:
        print(f"DIFF {path} (exit {our_rc})")
        want = text.splitlines()
        got = out.decode("utf-8", "replace").splitlines() if our_rc == 0 else [first_line(err)]
        for i in range(max(len(want), len(got))):
            w = want[i] if i < len(want) else "<end>"
            g = got[i] if i < len(got) else "<end>"
            if w != g:
                print(f"  line {i + 1}: want {w!r}\n  line {i + 1}: got  {g!r}")
                break
    for path, want, got in message_differs[:max_report]:
        print(f"MESSAGE {path}\n  want {want}\n  got  {got}")
    print(f"rejected by both on the same line: {rejected_both} (messages differ: "
          f"{len(message_differs)})")
    print(f"identical {identical}/{len(files)}")
    return 0 if identical == len(files) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write-snapshots", metavar="DIR")
    ap.add_argument("--check-snapshots", metavar="DIR")
    ap.add_argument("--compare", nargs=2, metavar=("BIN", "DIR"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--max-report", type=int, default=20)
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if sys.version_info[:2] != (3, 13):
        print(f"symtable_ref.py needs CPython 3.13, not {sys.version.split()[0]}", file=sys.stderr)
        return 2
    if args.write_snapshots:
        return write_snapshots(args.write_snapshots)
    if args.check_snapshots:
        return check_snapshots(args.check_snapshots)
    if args.compare:
        return compare(args.compare[0], args.compare[1], args.jobs, args.max_report)
    for path in args.files:
        sys.stdout.write(reference(path)[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
