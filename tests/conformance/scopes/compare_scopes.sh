#!/usr/bin/env bash
# compare_scopes.sh BIN: `BIN dump-scopes` against CPython 3.13's symtable on every .py file of
# CPython 3.13's standard library (site-packages left out), in one Python process
# (symtable_ref.py --compare). Prints `identical N/M`; fails unless N == M. Without CPython 3.13
# it says so and passes: tests/corpus/scopes covers the same behaviour from snapshots.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
if ! py=$(bash "$here/../with_python.sh" --find); then
  echo "no CPython 3.13 found (looked at \$AST2GRAPH_PYTHON, \$PYENV_ROOT/versions/3.13*, python3.13 on PATH): skipped, tests/corpus/scopes covers this without Python"
  exit 0
fi
stdlib=$("$py" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
echo "CPython: $py"
echo "stdlib:  $stdlib"
exec "$py" "$here/symtable_ref.py" --compare "$bin" "$stdlib"
