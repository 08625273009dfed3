#!/usr/bin/env bash
# determinism.sh AST2GRAPH GRAPH_CHECK: the same inputs give byte-identical output whatever --jobs
# or the order in which the OS lists files (DESIGN.md section 3), and the shards of --shard I/N
# add up to the unsharded graph except for the cross-file part (docs/decisions.md, "Shards and
# cross-file edges"; graph_check.cc says what is checked). The corpus is CPython 3.13's standard
# library less its tests (invariants.sh reads all of it), or a fixture without CPython (corpus.sh).
# Label slow.
set -euo pipefail
bin=$(realpath "$1")
check=$(realpath "$2")
. "$(dirname "$0")/corpus.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pick_corpus "$tmp" --no-tests
echo "corpus: $CORPUS_KIND ($CORPUS)"
status=0

# parse DIR ARGS...: `ast2graph parse .` inside DIR (so SourceFile.path is the same for a copy).
parse() {
  local dir=$1
  shift
  (cd "$dir" && "$bin" parse . --root . --progress never "${CORPUS_ARGS[@]}" "$@" 2>"$tmp/stderr") ||
    { echo "FAIL: ast2graph parse $* exited $?"; tail -5 "$tmp/stderr"; exit 1; }
}
same() {  # same WHAT A B
  if cmp -s "$2" "$3"; then
    echo "ok: $1"
  else
    echo "FAIL: $1: $2 and $3 differ: $(cmp "$2" "$3" 2>&1 | head -1)"
    status=1
  fi
}

parse "$CORPUS" --jobs 2 -o "$tmp/j2.jsonl"
grep -q '"status":"ok"' "$tmp/j2.jsonl" || { echo "FAIL: no parsed file in the output"; exit 1; }
echo "jsonl: $(wc -l <"$tmp/j2.jsonl") lines, $(grep -c '^{"type":"node","id":"[0-9a-f]*","labels":\["SourceFile"\]' "$tmp/j2.jsonl") files"
parse "$CORPUS" --jobs 1 -o - | cmp -s - "$tmp/j2.jsonl" &&
  echo "ok: jsonl --jobs 1 == --jobs 2" || { echo "FAIL: jsonl --jobs 1 != --jobs 2"; status=1; }

# ext4 lists a directory in the order of its names' hashes, whatever the creation order; tmpfs
# lists the newest first. So the copy goes to tmpfs (/dev/shm) when there is one.
shuffled=$tmp/shuffled
if [ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/a2g-determinism-XXXXXX); then
  trap 'rm -rf "$tmp" "$shm"' EXIT
  shuffled=$shm/shuffled
fi
shuffled_copy "$CORPUS" "$shuffled"
listing() {
  local prune=() skip
  for skip in "${CORPUS_SKIP[@]}"; do prune+=(-name "$skip" -prune -o); done
  (cd "$1" && find . "${prune[@]}" -name '*.py' -print)
}
if [ "$(listing "$CORPUS")" = "$(listing "$shuffled")" ]; then
  echo "note: the copy is listed in the same order as the original on this file system"
else
  echo "readdir order differs: original [$(listing "$CORPUS" | head -3 | tr '\n' ' ')] copy [$(listing "$shuffled" | head -3 | tr '\n' ' ')]"
fi
parse "$shuffled" --jobs 2 -o - | cmp -s - "$tmp/j2.jsonl" &&
  echo "ok: jsonl of a copy made in shuffled order == original" ||
  { echo "FAIL: jsonl of a copy made in shuffled order differs"; status=1; }

parse "$CORPUS" --jobs 1 --format csv -o "$tmp/csv1"
parse "$shuffled" --jobs 2 --format csv -o "$tmp/csv2"
if diff -r -q "$tmp/csv1" "$tmp/csv2" >"$tmp/csvdiff"; then
  echo "ok: csv --jobs 1 == csv --jobs 2 of the shuffled copy ($(ls "$tmp/csv1" | wc -l) files)"
else
  echo "FAIL: csv outputs differ:"; head -5 "$tmp/csvdiff"; status=1
fi
rm -rf "$tmp/csv1" "$tmp/csv2" "$shuffled"

for i in 0 1 2; do parse "$CORPUS" --shard "$i/3" -o "$tmp/shard$i.jsonl"; done
if "$check" shards "$tmp/j2.jsonl" "$tmp"/shard{0,1,2}.jsonl; then
  echo "ok: shards 0/3, 1/3, 2/3 add up to the unsharded graph (per-file part)"
else
  status=1
fi
exit $status
