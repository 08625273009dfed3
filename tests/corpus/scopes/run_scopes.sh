#!/usr/bin/env bash
# One scope case: run_scopes.sh AST2GRAPH_BIN NAME.py
#
#  NAME.py.scopes  `ast2graph dump-scopes NAME.py` must exit 0 with this stdout;
#  NAME.py.err     or its stderr, then "[exit RC]", must be this (a file symtable rejects).
# The snapshots are CPython 3.13's (tests/conformance/scopes/symtable_ref.py --write-snapshots).
# The command runs inside this folder, so the path it prints is NAME.py.
# AST2GRAPH_UPDATE_SNAPSHOTS=1 rewrites the snapshot from OUR output instead (review with git diff).
set -u
bin=$1
name=$2
cd "$(dirname "$0")" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" dump-scopes "$name" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ -f "$name.err" ]; then
  snap=$name.err
  cp "$tmp/err" "$tmp/got"
  echo "[exit $rc]" >>"$tmp/got"
else
  snap=$name.scopes
  cp "$tmp/out" "$tmp/got"
  if [ $rc -ne 0 ] && [ "${AST2GRAPH_UPDATE_SNAPSHOTS:-0}" != 1 ]; then
    echo "FAIL $name: \`ast2graph dump-scopes $name\` exited $rc; stderr:"
    head -c 2000 "$tmp/err"
    exit 1
  fi
fi
if [ "${AST2GRAPH_UPDATE_SNAPSHOTS:-0}" = 1 ]; then
  cmp -s "$snap" "$tmp/got" || { cp "$tmp/got" "$snap"; echo "updated $snap from our output"; }
  exit 0
fi
if [ ! -f "$snap" ]; then
  echo "FAIL $name: no snapshot (run symtable_ref.py --write-snapshots with CPython 3.13)"
  exit 1
fi
if ! cmp -s "$snap" "$tmp/got"; then
  echo "FAIL $name: output differs from $snap (CPython 3.13's symtable)"
  diff -u "$snap" "$tmp/got" | head -40
  exit 1
fi
echo "ok $name"
