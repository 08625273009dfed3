#!/usr/bin/env bash
# with_python.sh ARGS...: runs CPython 3.13 (the oracle of the tests, never used at run time) with
# ARGS. Looks for $AST2GRAPH_PYTHON, then $PYENV_ROOT/versions/3.13*/bin/python3.13, then
# python3.13 on PATH, and takes the first that really runs and is 3.13. Without one it says so and
# exits 0: the checked-in corpus snapshots cover the same behaviour without Python.
set -u
find_python313() {
  local c
  local candidates=()
  [ -n "${AST2GRAPH_PYTHON:-}" ] && candidates+=("$AST2GRAPH_PYTHON")
  local root=${PYENV_ROOT:-${HOME:-/nonexistent}/.pyenv}
  for c in "$root"/versions/3.13*/bin/python3.13; do
    [ -x "$c" ] && candidates+=("$c")
  done
  c=$(command -v python3.13 2>/dev/null) && candidates+=("$c")
  for c in "${candidates[@]}"; do
    if "$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then
      echo "$c"
      return 0
    fi
  done
  return 1
}
if [ "${1:-}" = "--find" ]; then
  find_python313
  exit $?
fi
if ! py=$(find_python313); then
  echo "no CPython 3.13 found (looked at \$AST2GRAPH_PYTHON, \$PYENV_ROOT/versions/3.13*, python3.13 on PATH): skipped, the corpus snapshots cover this without Python"
  exit 0
fi
exec "$py" "$@"
