"""The CPython 3.13 side of tests/pipeline/invariants.sh (the oracle: never used at run time).

    ast_counts.py ROOT COUNTS

COUNTS is `graph_check invariants --counts` output: per SourceFile its JSON-quoted source_id, a tab,
its number of ASTNode nodes and its status. For every file ast2graph parsed, the number must equal
the nodes `ast.walk` yields for CPython's tree of ROOT/source_id, less the context and operator
singletons (Load, Store, Del, operators, boolops, cmpops, unaryops), which the graph keeps as `ctx`
and `op` properties (DESIGN.md section 3). Prints every mismatch (the first 20) and a summary;
exits 1 on any mismatch.
"""
import ast
import json
import os
import sys
import warnings

SINGLETONS = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)


def cpython_count(path):
    with open(path, "rb") as f:
        tree = ast.parse(f.read())
    return sum(1 for node in ast.walk(tree) if not isinstance(node, SINGLETONS))


def main():
    root, counts = sys.argv[1], sys.argv[2]
    warnings.simplefilter("ignore")
    checked = mismatched = ours_failed = cpython_rejected = 0
    with open(counts, encoding="utf-8") as f:
        for line in f:
            quoted, count, status = line.rstrip("\n").split("\t")
            source_id = json.loads(quoted)
            if status != "ok":
                ours_failed += 1
                continue
            path = os.path.join(root, *source_id.split("/"))
            try:
                expected = cpython_count(path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                cpython_rejected += 1  # compare_ast.sh judges acceptance; not counted here
                continue
            checked += 1
            if int(count) != expected:
                mismatched += 1
                if mismatched <= 20:
                    print(f"FAIL {source_id}: {count} ASTNode nodes, CPython's ast.walk gives "
                          f"{expected} without singletons")
    print(f"ASTNode counts: {checked} files compared with CPython {sys.version.split()[0]}, "
          f"{mismatched} differ; {ours_failed} files ast2graph rejected, {cpython_rejected} it "
          f"accepted that CPython rejects (compare_ast.sh judges both)")
    if checked == 0:
        print("FAIL: no file compared")
        return 1
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
