#!/usr/bin/env python3
"""Writes the snapshots of tests/corpus with CPython 3.13, the oracle of the parser.

One Python process for the whole corpus:
  tests/corpus/ok/X.py   -> X.py.ast   ast.dump(ast.parse(bytes), include_attributes=True) + "\\n"
                            (files named dump_*.py also get X.py.indentN.ast for N in 0, 2, 4)
  tests/corpus/err/X.py  -> X.py.err   what `ast2graph dump-ast X.py` must print on stderr, then
                            "[exit 1]"

The .err layout (DESIGN.md section 2) is, with CPython's SyntaxError fields:
  X.py:LINE:COL: SyntaxError: MSG      LINE = lineno (0 when None), COL = offset (0 when < 1)
  TEXT                                 the source line (e.text up to its first newline), if any
  CARET                                '^' after COL - 1 characters of blanks (tabs where TEXT
                                       has tabs), if TEXT is printed
IndentationError and TabError are SyntaxErrors and are printed as such.

It also checks the position invariants of tests/corpus/invariants.cc on CPython's own trees, so
the exceptions listed there are CPython's and not ours (`--invariants DIR` checks any directory,
e.g. the 3.13 stdlib).

Usage:
  tools/gen_snapshots.py            rewrite every snapshot
  tools/gen_snapshots.py --check    compare the checked-in snapshots with CPython, write nothing
  tools/gen_snapshots.py --invariants DIR
Run it with Python 3.13 (e.g. $PYENV_ROOT/versions/3.13.*/bin/python3.13).
"""

import argparse
import ast
import os
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "corpus")
INDENTS = (0, 2, 4)


def dump(tree, indent=None):
    return ast.dump(tree, include_attributes=True, indent=indent) + "\n"


def format_error(name, e):
    line = e.lineno or 0
    col = e.offset if e.offset is not None and e.offset > 0 else 0
    out = f"{name}:{line}:{col}: SyntaxError: {e.msg}\n"
    if e.text is not None:
        text = e.text.split("\n")[0]
        # Tabs stay tabs, so the caret lines up under the character in a terminal.
        pad = "".join("\t" if ch == "\t" else " " for ch in text[: max(col - 1, 0)])
        out += text + "\n" + pad.ljust(max(col - 1, 0)) + "^\n"
    return out + "[exit 1]\n"


# --- Position invariants (mirrored by tests/corpus/invariants.cc) -------------------------------

# Fields whose nodes lie outside the positioned parent's range in CPython: a decorated def/class
# begins at `def`/`class`, after its decorators.
NEST_EXCEPTIONS = {
    ("FunctionDef", "decorator_list"),
    ("AsyncFunctionDef", "decorator_list"),
    ("ClassDef", "decorator_list"),
}


def start(n):
    return (n.lineno, n.col_offset)


def end(n):
    return (n.end_lineno, n.end_col_offset)


def positioned(n):
    return getattr(n, "lineno", None) is not None and getattr(n, "end_lineno", None) is not None


def order_exception(parent, field, prev, item):
    # f'{x=}': values holds Constant('x=') (the text, from after the '{') and then the
    # FormattedValue, which begins at the '{' itself.
    return (type(parent).__name__ == "JoinedStr" and field == "values"
            and isinstance(prev, ast.Constant) and isinstance(item, ast.FormattedValue))


def check_invariants(tree):
    """Returns a list of violations, as strings."""
    problems = []
    # (node, nearest positioned ancestor or None, field of that ancestor the path went through)
    stack = [(tree, None, None)]
    while stack:
        node, anc, anc_field = stack.pop()
        for field, value in ast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            prev = None
            for item in items:
                if not isinstance(item, ast.AST):
                    continue
                via = field if positioned(node) else anc_field
                owner = node if positioned(node) else anc
                if positioned(item):
                    where = f"{type(item).__name__} at {start(item)}-{end(item)}"
                    if start(item) > end(item):
                        problems.append(f"{where}: ends before it starts")
                    if owner is not None and (type(owner).__name__, via) not in NEST_EXCEPTIONS:
                        if start(item) < start(owner) or end(item) > end(owner):
                            problems.append(f"{where}: outside {type(owner).__name__}.{via} "
                                            f"at {start(owner)}-{end(owner)}")
                    if (prev is not None and start(item) < start(prev)
                            and not order_exception(node, field, prev, item)):
                        problems.append(f"{where}: starts before the previous item of "
                                        f"{type(node).__name__}.{field}")
                    prev = item
                stack.append((item, owner, via))
    return problems


# --- Commands -----------------------------------------------------------------------------------

def expected_snapshots(path):
    """{snapshot path: content} for one corpus file, or raises ValueError."""
    kind = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)
    with open(path, "rb") as f:
        source = f.read()
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        if kind == "ok":
            raise ValueError(f"rejected by CPython: {format_error(name, e).splitlines()[0]}")
        return {path + ".err": format_error(name, e)}
    if kind == "err":
        raise ValueError("accepted by CPython, but it is in err/")
    problems = check_invariants(tree)
    if problems:
        raise ValueError("CPython's tree breaks an invariant: " + "; ".join(problems[:5]))
    out = {path + ".ast": dump(tree)}
    if name.startswith("dump_"):
        for n in INDENTS:
            out[f"{path}.indent{n}.ast"] = dump(tree, n)
    return out


def corpus_files():
    files = []
    for kind in ("ok", "err"):
        d = os.path.join(CORPUS, kind)
        files += [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".py")]
    return files


def stale_snapshots(wanted):
    stale = []
    for kind in ("ok", "err"):
        d = os.path.join(CORPUS, kind)
        for n in sorted(os.listdir(d)):
            p = os.path.join(d, n)
            if (n.endswith(".ast") or n.endswith(".err")) and p not in wanted:
                stale.append(p)
    return stale


def generate(check):
    failures = 0
    wanted = {}
    for path in corpus_files():
        rel = os.path.relpath(path, CORPUS)
        try:
            snaps = expected_snapshots(path)
        except ValueError as e:
            print(f"{rel}: {e}")
            failures += 1
            continue
        wanted.update(snaps)
        for snap, content in snaps.items():
            data = content.encode("utf-8", "surrogatepass")
            old = None
            if os.path.exists(snap):
                with open(snap, "rb") as f:
                    old = f.read()
            if old == data:
                continue
            if check:
                print(f"{os.path.relpath(snap, CORPUS)}: differs from CPython 3.13's")
                failures += 1
            else:
                with open(snap, "wb") as f:
                    f.write(data)
                print(f"wrote {os.path.relpath(snap, CORPUS)}")
    for snap in stale_snapshots(wanted):
        if check:
            print(f"{os.path.relpath(snap, CORPUS)}: no corpus file")
            failures += 1
        else:
            os.remove(snap)
            print(f"removed {os.path.relpath(snap, CORPUS)}")
    n = len(corpus_files())
    print(f"{n - failures if check else n} corpus files, {failures} problem(s)")
    return 1 if failures else 0


def invariants(directory):
    files = []
    for root, _, names in os.walk(directory):
        files += [os.path.join(root, n) for n in names if n.endswith(".py")]
    bad = 0
    for path in sorted(files):
        with open(path, "rb") as f:
            source = f.read()
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        problems = check_invariants(tree)
        if problems:
            bad += 1
            print(f"{path}: {problems[0]}")
    print(f"invariants hold in {len(files) - bad}/{len(files)} files")
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the snapshots with CPython, write nothing")
    parser.add_argument("--invariants", metavar="DIR",
                        help="check the position invariants on CPython's trees of DIR/**.py")
    args = parser.parse_args()
    if sys.version_info[:2] != (3, 13):
        print(f"gen_snapshots.py needs CPython 3.13, this is {sys.version.split()[0]}",
              file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")  # SyntaxWarnings of invalid escapes are not our business
    if args.invariants:
        return invariants(args.invariants)
    return generate(args.check)


if __name__ == "__main__":
    sys.exit(main())
