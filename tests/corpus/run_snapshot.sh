#!/usr/bin/env bash
# One corpus case: run_snapshot.sh AST2GRAPH_BIN ok/NAME.py|err/NAME.py [INVARIANTS_BIN]
#
#  ok/NAME.py   `ast2graph dump-ast NAME.py` must exit 0 with stdout equal to NAME.py.ast (and
#               NAME.py.indentN.ast for `--indent N`, for dump_*.py); then INVARIANTS_BIN checks
#               the tree (tests/corpus/invariants.cc).
#  err/NAME.py  stderr of `ast2graph dump-ast NAME.py`, then "[exit RC]", must equal NAME.py.err.
# The command runs inside the case's folder, so the path it prints is NAME.py.
# AST2GRAPH_UPDATE_SNAPSHOTS=1 rewrites the snapshots from OUR output instead (review with git
# diff; tools/gen_snapshots.py writes CPython's).
set -u
bin=$1
case_path=$2
invariants=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
# The command runs in the case's folder: make relative program paths absolute first.
case $bin in /*) ;; */*) bin=$(pwd)/$bin ;; esac
case $invariants in /*|"") ;; */*) invariants=$(pwd)/$invariants ;; esac
kind=$(dirname "$case_path")
name=$(basename "$case_path")
cd "$here/$kind" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
update=${AST2GRAPH_UPDATE_SNAPSHOTS:-0}
status=0

# compare SNAPSHOT ACTUAL [brief]: report the first difference with some context on both sides
# (only where, with "brief": the caller prints both files).
compare() {
  local want=$1 got=$2 brief=${3:-}
  if [ "$update" = 1 ]; then
    if ! cmp -s "$want" "$got" 2>/dev/null; then
      cp "$got" "$want"
      echo "updated $kind/$want from our output"
    fi
    return 0
  fi
  if [ ! -f "$want" ]; then
    echo "FAIL $kind/$want: no snapshot (run tools/gen_snapshots.py with CPython 3.13)"
    return 1
  fi
  if cmp -s "$want" "$got"; then
    return 0
  fi
  local at
  at=$(cmp "$want" "$got" 2>/dev/null | sed -n 's/.* byte \([0-9]*\).*/\1/p')
  if [ -z "$at" ]; then  # one is a prefix of the other
    at=$(( $(wc -c <"$want") < $(wc -c <"$got") ? $(wc -c <"$want") : $(wc -c <"$got") ))
    at=$((at + 1))
  fi
  local from=$(( at > 120 ? at - 120 : 1 ))
  echo "FAIL $kind/$want: differs at byte $at (sizes: want $(wc -c <"$want"), got $(wc -c <"$got"))"
  [ -n "$brief" ] && return 1
  echo "  want: ...$(tail -c +"$from" "$want" | head -c 240)"
  echo "  got:  ...$(tail -c +"$from" "$got" | head -c 240)"
  return 1
}

case $kind in
  ok)
    variants=("")
    case $name in dump_*) variants+=(0 2 4) ;; esac
    for n in "${variants[@]}"; do
      if [ -z "$n" ]; then
        args=(dump-ast "$name"); snap="$name.ast"
      else
        args=(dump-ast "$name" --indent "$n"); snap="$name.indent$n.ast"
      fi
      "$bin" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
      rc=$?
      if [ $rc -ne 0 ]; then
        [ "$update" = 1 ] && echo "not updated: $kind/$snap"
        echo "FAIL $kind/$name: \`ast2graph ${args[*]}\` exited $rc; stderr:"
        head -c 2000 "$tmp/err"
        status=1
        continue
      fi
      compare "$snap" "$tmp/out" || status=1
    done
    if [ -n "$invariants" ]; then
      "$invariants" "$name" || status=1
    else
      echo "FAIL $kind/$name: invariants not checked: no corpus_invariants (it is built once" \
        "src/parse defines ast2graph::Parse)"
      status=1
    fi
    ;;
  err)
    "$bin" dump-ast "$name" >"$tmp/out" 2>"$tmp/got"
    rc=$?
    echo "[exit $rc]" >>"$tmp/got"
    compare "$name.err" "$tmp/got" brief || {
      status=1
      echo "--- want"; cat "$name.err"; echo "--- got"; head -c 2000 "$tmp/got"
    }
    ;;
  *)
    echo "run_snapshot.sh: unknown case $case_path" >&2
    exit 2
    ;;
esac
[ $status -eq 0 ] && echo "ok $kind/$name"
exit $status
