#!/usr/bin/env bash
# invariants.sh AST2GRAPH GRAPH_CHECK: the graph invariants of graph_check.cc (unique ids, no
# dangling relationship, every ASTNode reachable from its SourceFile by CHILD) on the jsonl of
# CPython 3.13's standard library, and per file the number of ASTNode nodes against CPython's
# ast.walk less the ctx/operator singletons (ast_counts.py). Without CPython 3.13 the invariants
# run on a fixture (corpus.sh) and the counts are not compared: it says so. Label slow.
set -euo pipefail
bin=$(realpath "$1")
check=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/corpus.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pick_corpus "$tmp"
echo "corpus: $CORPUS_KIND ($CORPUS)"
(cd "$CORPUS" && "$bin" parse . --progress never "${CORPUS_ARGS[@]}" -o "$tmp/out.jsonl" \
   --errors "$tmp/errors.jsonl" 2>"$tmp/stderr") || { echo "FAIL: parse exited $?"; tail "$tmp/stderr"; exit 1; }
tail -n +1 "$tmp/stderr" | head -1
"$check" invariants "$tmp/out.jsonl" --counts "$tmp/counts.tsv"
echo "ok: graph invariants"
failed=$(grep -vc $'\tok$' "$tmp/counts.tsv" || true)
errors=$(wc -l <"$tmp/errors.jsonl")
if [ "$failed" != "$errors" ]; then
  echo "FAIL: $failed SourceFile nodes with a failed status but $errors lines in --errors"
  exit 1
fi
echo "ok: $failed failed files, each in --errors"
if [ -z "$PYTHON313" ]; then
  echo "no CPython 3.13 found: ASTNode counts not compared with ast.walk (the invariants above ran on the fixture)"
  exit 0
fi
"$PYTHON313" "$here/ast_counts.py" "$CORPUS" "$tmp/counts.tsv"
