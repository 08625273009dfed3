#!/usr/bin/env bash
# compare_ast.sh [DIR] [--bin AST2GRAPH] [--jobs N] [--max-report N]
# Runs every .py file under DIR (default: CPython 3.13's own standard library, site-packages
# included) through `ast2graph dump-ast` and through CPython 3.13, and prints `identical N/M` and
# the differing files; exits 1 unless all are identical (see compare_ast.py). Without CPython 3.13
# it says so and exits 0. The binary defaults to $AST2GRAPH_BIN, then build/ast2graph.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir=""
bin=${AST2GRAPH_BIN:-$top/build/ast2graph}
rest=()
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --jobs|--max-report) rest+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) dir=$1; shift ;;
  esac
done
if ! py=$(bash "$here/with_python.sh" --find); then
  echo "no CPython 3.13 found (looked at \$AST2GRAPH_PYTHON, \$PYENV_ROOT/versions/3.13*, python3.13 on PATH): conformance skipped, the corpus snapshots cover this without Python"
  exit 0
fi
if [ ! -x "$bin" ]; then
  echo "compare_ast.sh: no ast2graph binary at $bin (pass --bin)" >&2
  exit 2
fi
if [ -z "$dir" ]; then
  dir=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
fi
exec "$py" "$here/compare_ast.py" --bin "$bin" "${rest[@]}" "$dir"
